"""Händelser och avvikelser: events reported to SSM and internal deviations, with the three-month report."""
import pandas as pd
import streamlit as st

from core import clock, glossary
from core.enums import SafetyEventKind, SafetyEventStatus, Severity
from core.formatting import date_text
from core.glossary import FIELDS, PAGES
from core.glossary import LABELS as L
from core.permissions import Permission, can
from core.services import safety_events
from pages._shared.auth import guard
from pages._shared.db import session
from pages._shared.pickers import clinic_header
from pages._shared.ui import (
    edit_snapshot,
    forget_edit,
    form_round,
    offer_reload,
    plain,
    save,
    show_flash,
)

KINDS, STATUSES, SEVERITIES = (glossary.options(SafetyEventKind), glossary.options(SafetyEventStatus),
                               glossary.options(Severity))

actor = guard("events")
today = clock.today()
clinics, clinic_id = clinic_header(actor, PAGES["events"])
show_flash()
if clinic_id is None:
    st.stop()
may_register = can(actor, Permission.REGISTER_EVENTS, clinic_id)
with session() as s:
    register = safety_events.events(s, actor=actor, clinic_id=clinic_id)
    raised = safety_events.findings_raised(s, actor=actor, event_ids=[e.id for e in register])
st.caption("Händelser som rapporterats till Strålsäkerhetsmyndigheten och interna avvikelser av betydelse för "
           f"strålskyddet. En skriftlig rapport till SSM ska lämnas inom tre månader ({safety_events.REPORT_SOURCE}).")
late = [e for e in register if e.is_report_overdue_on(today)]
if late:
    st.error(L["overdue_reports"].format(count=len(late)) + ": " + ", ".join(
        f"{date_text(e.occurred_on)} (senast {date_text(e.report_due)})" for e in late))


def _status(event) -> str:
    """The event's status in words, with a late report called so."""
    text = glossary.term(SafetyEventStatus(event.status))
    return f"{text} – {glossary.OVERDUE}" if event.is_report_overdue_on(today) else text


if register:
    st.table(pd.DataFrame([{  # wraps: a description is read whole
        FIELDS["occurred_on"]: date_text(e.occurred_on), FIELDS["kind"]: glossary.term(SafetyEventKind(e.kind)),
        FIELDS["description"]: e.description, FIELDS["ssm_reference"]: e.ssm_reference or "",
        FIELDS["report_due"]: date_text(e.report_due), FIELDS["report_sent_on"]: date_text(e.report_sent_on),
        FIELDS["status"]: _status(e), "Upptagen som brist": L["yes"] if e.id in raised else ""} for e in register]),
        hide_index=True)
else:
    st.info("Inga händelser eller avvikelser är registrerade för kliniken.")


def _fields(prefix: str, shown=None) -> dict:
    """The event's fields (empty for a new one, as opened for a change)."""
    one, two, three = st.columns(3)
    kinds = list(KINDS)
    data = {"kind": one.selectbox(f"{FIELDS['kind']} *", kinds, format_func=KINDS.get, key=f"{prefix}_kind",
                                  index=kinds.index(shown.kind) if shown else 0),
            "occurred_on": two.date_input(f"{FIELDS['occurred_on']} *", value=shown.occurred_on if shown else None,
                                          format="YYYY-MM-DD", max_value=today, key=f"{prefix}_on"),
            "ssm_reference": three.text_input(FIELDS["ssm_reference"], value=(shown.ssm_reference or "") if shown
                                              else "", max_chars=50, key=f"{prefix}_ref"),
            "description": st.text_area(f"{FIELDS['description']} *", value=shown.description if shown else "",
                                        height=80, key=f"{prefix}_text")}
    if shown:
        left, right = st.columns(2)
        statuses = list(STATUSES)
        data["report_sent_on"] = left.date_input(FIELDS["report_sent_on"], value=shown.report_sent_on,
                                                 format="YYYY-MM-DD", max_value=today, key=f"{prefix}_sent")
        data["status"] = right.selectbox(FIELDS["status"], statuses, format_func=STATUSES.get, key=f"{prefix}_status",
                                         index=statuses.index(shown.status))
    return data


if may_register:
    st.subheader("Registrera en händelse eller avvikelse")
    prefix = f"event_{form_round('event')}"
    with st.form(prefix):
        data = _fields(prefix)
        if st.form_submit_button("Registrera händelsen", type="primary"):
            save(lambda s: safety_events.register(s, actor=actor, clinic_id=clinic_id, data=data, today=today,
                                                  now=clock.now()), "Händelsen är registrerad.", empty_form="event")
    if register:
        st.subheader("Uppdatera en händelse")
        by_id = {e.id: e for e in register}
        chosen = by_id[st.selectbox(FIELDS["description"], list(by_id), key="event_pick",
                                    format_func=lambda i: f"{date_text(by_id[i].occurred_on)} · "
                                                          f"{plain(by_id[i].description, one_line=True)[:80]}")]
        version, shown = edit_snapshot("safety_event", chosen.id, chosen.version, chosen)
        with st.form(f"event_edit_{chosen.id}_{version}"):
            data = _fields(f"edit_{chosen.id}_{version}", shown)
            if st.form_submit_button(L["save_changes"], type="primary"):
                def _update(s):
                    safety_events.update(s, actor=actor, event_id=chosen.id, data=data, expected_version=version,
                                         today=today, now=clock.now())
                    forget_edit("safety_event", chosen.id)
                save(_update, "Händelsen är uppdaterad.")
        offer_reload("safety_event", (chosen.id, version, chosen.version))
        if chosen.id not in raised:
            left, right = st.columns([1, 2], vertical_alignment="bottom")
            severity = left.selectbox(L["severity"], list(SEVERITIES), format_func=SEVERITIES.get, index=1,
                                      key=f"event_severity_{chosen.id}")
            if right.button("Ta upp som brist vid genomgången", key=f"raise_{chosen.id}"):
                save(lambda s: safety_events.raise_as_finding(s, actor=actor, event_id=chosen.id, severity=severity,
                                                              now=clock.now()),
                     "Händelsen tas upp som brist vid klinikens nästa genomgång.")
