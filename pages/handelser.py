"""Händelser och avvikelser: events reported to SSM and internal deviations, whom they concern, the reports."""
import streamlit as st

from core import clock, glossary
from core.enums import EventConcerns, SafetyEventKind, SafetyEventStatus, Severity
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
    save,
    show_flash,
    text_table,
)

KINDS, STATUSES, SEVERITIES = (glossary.options(SafetyEventKind), glossary.options(SafetyEventStatus),
                               glossary.options(Severity))
CONCERNS = glossary.options(EventConcerns)

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
st.caption("Händelser av betydelse för strålskyddet ska rapporteras till Strålsäkerhetsmyndigheten snarast "
           f"({safety_events.NOTIFY_SOURCE}); interna avvikelser registreras här också. En skriftlig rapport inom tre "
           f"månader krävs enligt {safety_events.REPORT_SOURCE} när händelsen berör en patient, en stödperson eller "
           "en forskningsperson.")
late = [e for e in register if e.is_report_overdue_on(today)]
if late:
    st.error(L["overdue_reports"].format(count=len(late)) + ": " + ", ".join(
        f"händelsen {date_text(e.occurred_on)}: {safety_events.late_text(e.report_due)}" for e in late))


def _notified(event) -> str:
    """When the event was first reported to SSM, or that it should be snarast."""
    if event.kind != SafetyEventKind.REPORTED:
        return ""
    return date_text(event.notified_on) if event.notified_on else "Inte angivet – ska ske snarast"


if register:
    text_table([{  # wraps: a description is read whole
        FIELDS["occurred_on"]: date_text(e.occurred_on), FIELDS["kind"]: glossary.term(SafetyEventKind(e.kind)),
        FIELDS["concerns"]: safety_events.concerns_text(e), FIELDS["description"]: e.description,
        FIELDS["notified_on"]: _notified(e), FIELDS["ssm_reference"]: e.ssm_reference or "",
        L["written_report"]: safety_events.written_report(e, today),
        FIELDS["status"]: glossary.term(SafetyEventStatus(e.status)),
        "Upptagen som brist": L["yes"] if e.id in raised else ""} for e in register])
    reasons = [f"{date_text(e.occurred_on)}: {safety_events.no_report_reason(e)}" for e in register
               if safety_events.no_report_reason(e)]
    if reasons:  # say why no three-month report is due, with the paragraph's own words
        st.info("\n\n".join(reasons) + f"\n\n{safety_events.REPORT_SOURCE}: *{safety_events.REPORT_RULE}*")
    if any(e.concerns is None for e in register):
        st.warning(f"Händelser registrerade innan portalen frågade vem de berör visas med {FIELDS['concerns']} "
                   "Ej angivet; välj vem händelsen berör när du uppdaterar den.")
else:
    st.info("Inga händelser eller avvikelser är registrerade för kliniken.")


def _fields(prefix: str, shown=None) -> dict:
    """The event's fields (empty for a new one, as opened for a change)."""
    one, two, three = st.columns(3)
    kinds, concerns = list(KINDS), list(CONCERNS)
    data = {"kind": one.selectbox(f"{FIELDS['kind']} *", kinds, format_func=KINDS.get, key=f"{prefix}_kind",
                                  index=kinds.index(shown.kind) if shown else 0),
            "concerns": two.selectbox(f"{FIELDS['concerns']} *", concerns, format_func=CONCERNS.get,
                                      key=f"{prefix}_concerns", placeholder="Välj vem händelsen berör",
                                      index=concerns.index(shown.concerns) if shown and shown.concerns else None),
            "occurred_on": three.date_input(f"{FIELDS['occurred_on']} *", value=shown.occurred_on if shown else None,
                                            format="YYYY-MM-DD", max_value=today, key=f"{prefix}_on")}
    one, two = st.columns(2)
    data["notified_on"] = one.date_input(FIELDS["notified_on"], value=shown.notified_on if shown else None,
                                         format="YYYY-MM-DD", max_value=today, key=f"{prefix}_notified",
                                         help=f"Rapporteras snarast ({safety_events.NOTIFY_SOURCE}).")
    data["ssm_reference"] = two.text_input(FIELDS["ssm_reference"], value=(shown.ssm_reference or "") if shown
                                           else "", max_chars=50, key=f"{prefix}_ref")
    data["description"] = st.text_area(f"{FIELDS['description']} *", value=shown.description if shown else "",
                                       height=80, key=f"{prefix}_text")
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
        chosen = by_id[st.selectbox(FIELDS["description"], list(by_id), key="event_pick",  # options are not Markdown
                                    format_func=lambda i: f"{date_text(by_id[i].occurred_on)} · "
                                                          f"{' '.join(by_id[i].description.split())[:80]}")]
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
