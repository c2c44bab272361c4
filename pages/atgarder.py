"""Åtgärder: the handlingsplan of my clinics, filtered, with status updates between meetings."""
import pandas as pd
import streamlit as st

from core import clock, glossary
from core.enums import ActionStatus, Priority
from core.formatting import date_text
from core.glossary import OVERDUE, PAGES
from core.services import action_export, actions
from core.services.clinics import list_clinics
from pages._shared.auth import guard
from pages._shared.db import session
from pages._shared.ui import edit_version, forget_edit, save, show_flash

STATUS_TERMS = glossary.options(ActionStatus)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

actor = guard("actions")
st.title(PAGES["actions"])
show_flash()
today = clock.today()
with session() as s:
    clinics = {c.id: c for c in list_clinics(s, actor=actor)}
    everything = actions.list_actions(s, actor=actor, today=today)

years = sorted({r.review_year for r in everything}, reverse=True)
owners = sorted({(r.action.owner_id, r.action.owner_name) for r in everything}, key=lambda o: o[1])
a, b, c, d, e = st.columns([1.3, 1, 1.6, 1.4, 1], vertical_alignment="bottom")
chosen_clinics = a.multiselect("Klinik", list(clinics), format_func=lambda i: clinics[i].code, placeholder="Alla",
                               key="actions_clinics")
year = b.selectbox("Beslutad år", [None, *years], format_func=lambda y: "Alla" if y is None else str(y))
statuses = c.multiselect("Status", list(STATUS_TERMS), format_func=STATUS_TERMS.get, placeholder="Alla",
                         default=[ActionStatus.NOT_STARTED.value, ActionStatus.IN_PROGRESS.value])
mine = e.toggle("Bara mina", value=False)
owner = d.selectbox("Ansvarig", [None, *owners], format_func=lambda o: "Alla" if o is None else o[1], disabled=mine)
overdue_only = e.toggle("Bara försenade", value=False)

with session() as s:
    rows = actions.list_actions(s, actor=actor, today=today, clinic_ids=chosen_clinics or None, year=year,
                                statuses=statuses or None, overdue_only=overdue_only,
                                owner_id=actor.user_id if mine else (owner[0] if owner and owner[0] else None))
if owner and not owner[0]:
    rows = [r for r in rows if r.action.owner_name == owner[1]]  # an owner typed by name has no user id


def _status_text(row) -> str:
    """Say the status in words, with Försenad when late."""
    text = STATUS_TERMS[row.action.status]
    return f"{text} – {OVERDUE}" if row.overdue else text


left, middle, right = st.columns(3)
left.metric("Visas", len(rows))
middle.metric("Försenade", sum(r.overdue for r in rows))
right.metric("Klara (alla år)", sum(r.action.status == ActionStatus.DONE for r in everything))
if not rows:
    st.info("Inga åtgärder matchar filtret.")
    st.stop()
table = pd.DataFrame([{
    "Klinik": clinics[r.action.clinic_id].code if r.action.clinic_id in clinics else "", "År": r.review_year,
    "Nr": r.action.number, "Åtgärd": r.action.title, "Ansvarig": r.action.owner_name,
    "Klart senast": date_text(r.action.due_date), "Prioritet": glossary.term(r.action.priority, Priority),
    "Status": _status_text(r), "Kommentar": r.action.status_comment or "", "Brist": r.finding_code or ""}
    for r in rows])
st.dataframe(table.style.map(lambda v: "background-color: #f6d6d3" if OVERDUE in str(v) else "", subset=["Status"]),
             hide_index=True, width="stretch")

with session() as s:
    export_rows = action_export.action_rows(s, actor=actor, today=today, rows=rows)
left, right, _ = st.columns([1, 1, 3])
left.download_button("Exportera till Excel", action_export.to_xlsx(export_rows), icon=":material/table:",
                     file_name=f"åtgärdsplan-{today.isoformat()}.xlsx", mime=XLSX_TYPE)
right.download_button("Exportera till CSV", action_export.to_csv(export_rows), icon=":material/download:",
                      file_name=f"åtgärdsplan-{today.isoformat()}.csv", mime="text/csv")

editable = [r for r in rows if actions.may_update(actor, r.action)]
if editable:
    st.subheader("Uppdatera en åtgärd")
    by_id = {r.action.id: r.action for r in editable}
    chosen = st.selectbox("Åtgärd", list(by_id), key="update_action",
                          format_func=lambda i: f"{by_id[i].title} ({by_id[i].owner_name}, {date_text(by_id[i].due_date)})")
    action = by_id[chosen]
    version = edit_version("action", action.id, action.version)
    with st.form(f"update_{action.id}_{version}"):
        status = st.radio("Status", list(STATUS_TERMS), format_func=STATUS_TERMS.get, horizontal=True,
                          index=list(STATUS_TERMS).index(action.status))
        comment = st.text_input("Kommentar", value=action.status_comment or "")
        reason = st.text_input("Skäl (krävs för Avskriven)", value=action.cancel_reason or "")
        if st.form_submit_button("Spara", type="primary"):
            def _update(s):
                actions.update_action(s, actor=actor, action_id=action.id, status=status, comment=comment,
                                      cancel_reason=reason, expected_version=version, today=clock.today(),
                                      now=clock.now())
                forget_edit("action", action.id)
            save(_update, "Åtgärden är uppdaterad.")
    if version != action.version and st.button("Ladda om de senaste uppgifterna"):
        forget_edit("action", action.id)
        st.rerun()
