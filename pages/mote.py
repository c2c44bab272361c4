"""Möte: the review meeting on a projector (1280×720), one § at a time, few clicks, the decisions always in view.

This is the frame; each kind of § is drawn by its module under pages/_shared/meeting/.
"""
import streamlit as st

from core import clock
from core.enums import ReviewStatus
from core.glossary import PAGES
from core.permissions import Permission, can
from core.services import actions, agenda, reviews
from core.services import attendance as invitations
from pages._shared.auth import guard
from pages._shared.db import session
from pages._shared.meeting import adjusters, attendance, bokslut, closing, findings, follow_up
from pages._shared.meeting.context import Meeting
from pages._shared.meeting.decisions import correct_form
from pages._shared.meeting.frame import STYLE, render_agenda, render_navigation, scroll_to_top
from pages._shared.pickers import clinic_year_header
from pages._shared.ui import plain, save, show_flash

SECTIONS = {"opening": attendance.render, "adjusters": adjusters.render, "follow_up": follow_up.render,
            "annual_report": bokslut.render, "self_assessment": findings.render_self_assessment,
            "findings": findings.render_findings, "next_review": closing.render_next_review}

actor = guard("meeting")
st.html(STYLE)
today = clock.today()
clinics, clinic_id, year = clinic_year_header(actor, PAGES["meeting"], today)
show_flash()
with session() as s:
    review = reviews.find_review(s, actor=actor, clinic_id=clinic_id, year=year) if clinic_id else None
if review is None:
    st.info("Det finns ingen genomgång att hålla här."
            + (" Skapa den under Genomgång." if clinic_id and can(actor, Permission.PREPARE_REVIEW, clinic_id) else ""))
    st.page_link("pages/genomgang.py", label=f"Till {PAGES['review']}", icon=":material/event_note:")
    st.stop()
may_run = can(actor, Permission.PREPARE_REVIEW, clinic_id)
if not reviews.is_editable(review):
    state = "justerat" if review.status == ReviewStatus.APPROVED else "under justering"
    st.info(f"Mötet är avslutat: protokollet är {state}. Se Genomgång för justering och protokoll.")
    st.stop()
if review.status != ReviewStatus.MEETING:
    st.subheader(f"{plain(clinics[clinic_id].name, one_line=True)} · genomgång {year}")
    if may_run and st.button("Starta mötet", type="primary"):
        save(lambda s: reviews.set_status(s, actor=actor, review_id=review.id, status=ReviewStatus.MEETING,
                                          now=clock.now()), "Mötet har startat.")
    elif not may_run:
        st.info("Mötet har inte startat ännu.")
    st.stop()

st.set_page_config(initial_sidebar_state="collapsed")  # presentation mode: the whole width for the meeting
with session() as s:
    items = agenda.items(s, actor=actor, review_id=review.id)
    meeting = Meeting(
        actor=actor, review=review, clinic=clinics[clinic_id], year=year, items=items,
        index=min(review.current_item, len(items) - 1),  # kept in the review: a reload or a second screen follows
        meeting_day=review.meeting_date or today, may_run=may_run,
        may_decide=can(actor, Permission.DECIDE_ACTIONS, clinic_id),
        decided=actions.review_actions(s, actor=actor, review_id=review.id),
        people={u.id: u.name for u in reviews.clinic_people(s, actor=actor, clinic_id=clinic_id)},
        attendees=invitations.attendees(s, actor=actor, review_id=review.id))

scroll_to_top(meeting)
agenda_column, main = st.columns([1.25, 3.6], gap="medium")
with agenda_column:
    render_agenda(meeting)
with main:
    st.header(f"§ {meeting.item.number} {plain(meeting.item.title, one_line=True)}")
    render_navigation(meeting, "top")
    if not may_run:
        st.caption("Du följer mötet; den som leder det för anteckningar och beslut.")
    SECTIONS.get(meeting.item.kind, lambda _: None)(meeting)
    closing.render_notes(meeting)
    if meeting.decided and meeting.may_decide:
        correct_form(meeting)
    if may_run and meeting.is_last:
        closing.render_end(meeting)
    else:
        render_navigation(meeting, "bottom")
