"""§ Uppföljning: earlier actions, one at a time, with the status at the meeting, a comment, a new due date."""
import streamlit as st

from core import clock, glossary
from core.documents import figures
from core.enums import ActionStatus
from core.formatting import date_text
from core.glossary import FIELDS, MODELS
from core.glossary import LABELS as L
from core.services import actions
from pages._shared.blocks import show_table
from pages._shared.db import session
from pages._shared.meeting.context import Meeting
from pages._shared.ui import edit_snapshot, forget_edit, offer_reload, plain, save


def render(m: Meeting) -> None:
    """Earlier actions, one at a time: the status at the meeting, a comment, perhaps a new due date."""
    with session() as s:
        rows = actions.follow_ups(s, actor=m.actor, review_id=m.review.id)
    if not rows:
        st.success("Det finns inga tidigare åtgärder att följa upp.")
        return
    if not m.may_run:  # those who follow the meeting see the table the minutes print
        show_table(figures.follow_ups(rows, m.meeting_day))
        return
    key = f"follow_up_{m.review.id}"  # holds the follow-up shown, never a position a postponement could move
    ids = [f.id for f, _, _ in rows]
    pending = [f.id for f, _, _ in rows if not f.status]
    shown = st.session_state.get(key)
    current = ids.index(shown) if shown in ids else ids.index(pending[0]) if pending else 0
    st.session_state[key] = ids[current]  # stays on screen when someone else records it meanwhile
    _, live, decided_in = rows[current]
    # The form shows the follow-up as it was opened and keeps what was typed until it is saved or reloaded.
    version, (follow_up, action) = edit_snapshot("follow_up", ids[current], live.version, rows[current][:2])
    st.caption(f"Åtgärd {current + 1} av {len(rows)} · {len(rows) - len(pending)} uppföljda")
    st.subheader(plain(action.title, one_line=True))
    st.markdown(f"Beslutad {decided_in} · ansvarig **{plain(action.owner_name)}** · "
                f"klart senast **{date_text(action.due_date)}** · nu: **{glossary.term(action.status, ActionStatus)}**"
                + (" · :red-badge[Försenad]" if action.is_overdue_on(m.meeting_day) else ""))
    if action.status_comment:
        st.markdown(f"Senaste kommentar: *{plain(action.status_comment, one_line=True)}*")
    statuses = glossary.options(ActionStatus)
    # Each action (and each version of it) its own form and fields: nothing typed for one is left in the next.
    own = f"{follow_up.id}_{version}"
    with st.form(f"fu_{own}", border=False):
        status = st.segmented_control(L["status_at_meeting"], list(statuses), format_func=statuses.get, required=True,
                                      default=follow_up.status or action.status, key=f"fu_status_{own}")
        comment_box, reason_box, postpone_box = st.columns([2, 1.4, 1.2])
        comment = comment_box.text_input(FIELDS["status_comment"], value=follow_up.comment or "",
                                         key=f"fu_comment_{own}")
        reason = reason_box.text_input("Skäl (om avskriven)", value=action.cancel_reason or "", key=f"fu_reason_{own}")
        postpone = postpone_box.date_input("Skjuts upp till", value=follow_up.new_due_date, format="YYYY-MM-DD",
                                           min_value=m.meeting_day, key=f"fu_postpone_{own}")
        if st.form_submit_button("Spara och visa nästa", type="primary"):
            def _record(s) -> None:
                actions.record_follow_up(s, actor=m.actor, follow_up_id=follow_up.id, status=status, comment=comment,
                                         cancel_reason=reason, new_due_date=postpone, expected_version=version,
                                         today=m.meeting_day, now=clock.now())
                st.session_state[key] = next_unrecorded(ids, pending, follow_up.id)  # only once saved
                forget_edit("follow_up", follow_up.id)
            save(_record, "Uppföljningen är sparad.")
    offer_reload("follow_up", (follow_up.id, version, live.version))
    _stepper(key, ids, current)


def next_unrecorded(ids: list[int], pending: list[int], saved: int) -> int:
    """The follow-up to show after one is saved: the next unrecorded after it, else the first unrecorded, else it."""
    left = [i for i in pending if i != saved]
    after = [i for i in left if ids.index(i) > ids.index(saved)]
    return (after or left or [saved])[0]


def _stepper(key: str, ids: list[int], current: int) -> None:
    """Buttons to the previous and next earlier action, in number order."""
    noun = MODELS["Action"].lower()
    left, right = st.columns(2)
    left.button(f"← Föregående {noun}", key=f"{key}_back", disabled=current == 0, width="stretch",
                on_click=lambda: st.session_state.update({key: ids[current - 1]}))
    right.button(f"Nästa {noun} →", key=f"{key}_next", disabled=current == len(ids) - 1, width="stretch",
                 on_click=lambda: st.session_state.update({key: ids[current + 1]}))
