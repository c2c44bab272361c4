"""§ Val av justerare: chosen among those present (the chair approves as chair)."""
import streamlit as st

from core import clock
from core.enums import AttendanceStatus, SignatureRole
from core.services import attendance, minutes
from pages._shared.db import session
from pages._shared.meeting.context import Meeting
from pages._shared.ui import plain, save


def render(m: Meeting) -> None:
    """Choose the justerare among those present (not the chair or the protokollförare)."""
    with session() as s:
        chosen = [x.user_id for x in minutes.signatures(s, actor=m.actor, review_id=m.review.id)
                  if x.role == SignatureRole.ADJUSTER]
        present = {a.user_id: a.name for a in attendance.attendees(s, actor=m.actor, review_id=m.review.id)
                   if a.user_id and a.status in AttendanceStatus.attended_values()}
    candidates = [i for i in present if i not in (m.review.chair_id, m.review.secretary_id)]
    people = {**m.people, **present}
    if not m.may_run:
        st.markdown("Justerare: " + (", ".join(plain(people.get(i, "")) for i in chosen) or "inte valda ännu"))
        return
    if not candidates:
        st.info("Justerare väljs bland de närvarande (utom ordförande och protokollförare). Anteckna närvaron "
                "under § 1 först.")
        return
    with st.form(f"adjusters_{m.review.id}", border=False):
        picked = st.pills("Justerare (en eller två)", candidates, selection_mode="multi",
                          format_func=lambda i: plain(people.get(i), one_line=True),
                          default=[i for i in chosen if i in candidates]) or []
        if st.form_submit_button("Spara justerare", type="primary"):
            save(lambda s: minutes.choose_adjusters(s, actor=m.actor, review_id=m.review.id, user_ids=picked,
                                                    now=clock.now()), "Justerarna är valda.")
