"""Åtgärder: the handlingsplan of my clinics, filtered, with status updates between meetings."""
import pandas as pd
import streamlit as st

from core import clock, glossary
from core.enums import ActionStatus, Priority
from core.formatting import date_text, number_text
from core.glossary import FIELDS, MODELS, OVERDUE, PAGES
from core.glossary import LABELS as L
from core.services import action_export, actions
from core.services.clinics import list_clinics
from pages._shared.auth import guard
from pages._shared.db import session
from pages._shared.downloads import file_download
from pages._shared.ui import edit_version, forget_edit, offer_reload, save, show_flash

STATUS_TERMS = glossary.options(ActionStatus)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

PAGE_SIZE = 50

actor = guard("actions")
st.title(PAGES["actions"])
show_flash()
today = clock.today()
with session() as s:
    clinics = {c.id: c for c in list_clinics(s, actor=actor)}
    choices = actions.action_choices(s, actor=actor)

a, b, c, d, e = st.columns([1.3, 1, 1.6, 1.4, 1], vertical_alignment="bottom")
chosen_clinics = a.multiselect(
    FIELDS["clinic_name"],
    list(clinics),
    format_func=lambda i: clinics[i].code,
    placeholder="Alla",
    key="actions_clinics",
)
year = b.selectbox("Beslutad år", [None, *choices.years], format_func=lambda y: "Alla" if y is None else str(y))
statuses = c.multiselect(FIELDS["status"], list(STATUS_TERMS), format_func=STATUS_TERMS.get, placeholder="Alla",
                         default=list(ActionStatus.open_values()))
mine = e.toggle("Bara mina", value=False)
owner = d.selectbox(FIELDS["owner_name"], [None, *choices.owners], format_func=lambda o: "Alla" if o is None else o[1],
                    disabled=mine)
overdue_only = e.toggle("Bara försenade", value=False)
owner = None if mine else owner
chosen = actions.ActionFilter(
    clinic_ids=tuple(chosen_clinics), year=year, statuses=tuple(statuses), overdue_only=overdue_only,
    owner_id=actor.user_id if mine else (owner[0] if owner else None),
    owner_name=owner[1] if owner and not owner[0] else None)

# The table shows one page; counts and exports cover the whole filter (counted in SQL, built on click).
with session() as s:
    total, overdue = actions.action_counts(s, actor=actor, today=today, chosen=chosen)
pages = max(1, -(-total // PAGE_SIZE))
left, middle, right, pager = st.columns([1, 1, 1, 1.2], vertical_alignment="bottom")
left.metric("Visas", number_text(total))
middle.metric(L["overdue_count"], number_text(overdue))
right.metric("Klara (alla år)", number_text(choices.done))
number = pager.number_input(f"Sida (av {number_text(pages)})", min_value=1, max_value=pages, value=1, step=1,
                            disabled=pages == 1, key=f"actions_page_{hash(chosen)}")
if not total:
    st.info("Inga åtgärder matchar filtret.")
    st.stop()
with session() as s:
    rows = actions.action_page(s, actor=actor, today=today, chosen=chosen, offset=(number - 1) * PAGE_SIZE,
                               limit=PAGE_SIZE)


def _status_text(row) -> str:
    """Say the status in words, with Försenad when late."""
    text = STATUS_TERMS[row.action.status]
    return f"{text} – {OVERDUE}" if row.overdue else text


# Long texts get a fixed width, so status and comment stay in view at 1280 px (a projector).
WIDTHS = {FIELDS["clinic_name"]: st.column_config.TextColumn(width=60),
          FIELDS["year"]: st.column_config.NumberColumn(width=50, format="%d"),
          L["number"]: st.column_config.NumberColumn(width=40), FIELDS["title"]: st.column_config.TextColumn(width=280),
          FIELDS["owner_name"]: st.column_config.TextColumn(width=120),
          FIELDS["status"]: st.column_config.TextColumn(width=140),
          FIELDS["status_comment"]: st.column_config.TextColumn(width=200)}
table = pd.DataFrame([{
    FIELDS["clinic_name"]: clinics[r.action.clinic_id].code if r.action.clinic_id in clinics else "",
    FIELDS["year"]: r.review_year, L["number"]: r.action.number, FIELDS["title"]: r.action.title,
    FIELDS["owner_name"]: r.action.owner_name, FIELDS["due_date"]: date_text(r.action.due_date),
    FIELDS["priority"]: glossary.term(r.action.priority, Priority), FIELDS["status"]: _status_text(r),
    FIELDS["status_comment"]: r.action.status_comment or "", MODELS["Finding"]: r.finding_code or ""}
    for r in rows])
# Styling a page of at most PAGE_SIZE rows is cheap; a whole region's list is never styled.
st.dataframe(
    table.style.map(lambda v: "background-color: #f6d6d3" if OVERDUE in str(v) else "", subset=[FIELDS["status"]]),
    hide_index=True,
    width="stretch",
    column_config=WIDTHS,
)
first = (number - 1) * PAGE_SIZE + 1
st.caption(f"Rad {number_text(first)}–{number_text(first + len(rows) - 1)} av {number_text(total)}. "
           f"Exporten tar med alla {number_text(total)} raderna.")


def _export(render, chosen: actions.ActionFilter):
    """Build the whole filtered plan only when the user clicks (Streamlit runs this on its own thread)."""
    return lambda s: render(action_export.action_rows(s, actor=actor, today=today, chosen=chosen))


left, right, _ = st.columns([1, 1, 3])
file_download("Exportera till Excel", _export(action_export.to_xlsx, chosen), key="export_xlsx", where=left,
              icon=":material/table:", file_name=f"åtgärdsplan-{today.isoformat()}.xlsx", mime=XLSX_TYPE)
file_download("Exportera till CSV", _export(action_export.to_csv, chosen), key="export_csv", where=right,
              icon=":material/download:", file_name=f"åtgärdsplan-{today.isoformat()}.csv", mime="text/csv")

editable = [r for r in rows if actions.may_update(actor, r.action)]
if editable:
    st.subheader("Uppdatera en åtgärd")
    by_id = {r.action.id: r.action for r in editable}
    action_id = st.selectbox(
        FIELDS["title"],
        list(by_id),
        key="update_action",
        format_func=lambda i: f"{by_id[i].title} ({by_id[i].owner_name}, {date_text(by_id[i].due_date)})",
    )
    action = by_id[action_id]
    version = edit_version("action", action.id, action.version)
    with st.form(f"update_{action.id}_{version}"):
        status = st.radio(FIELDS["status"], list(STATUS_TERMS), format_func=STATUS_TERMS.get, horizontal=True,
                          index=list(STATUS_TERMS).index(action.status))
        comment = st.text_input(FIELDS["status_comment"], value=action.status_comment or "")
        reason = st.text_input("Skäl (krävs för Avskriven)", value=action.cancel_reason or "")
        if st.form_submit_button(L["save"], type="primary"):
            def _update(s):
                actions.update_action(s, actor=actor, action_id=action.id, status=status, comment=comment,
                                      cancel_reason=reason, expected_version=version, today=clock.today(),
                                      now=clock.now())
                forget_edit("action", action.id)
            save(_update, "Åtgärden är uppdaterad.")
    offer_reload("action", (action.id, version, action.version))
