"""§ Mötets öppnande: attendance, one row per person; everyone invited shows as present until marked."""
import streamlit as st

from core import clock, glossary
from core.documents import figures
from core.enums import AttendanceStatus, MeetingRole
from core.glossary import FIELDS
from core.limits import max_length
from core.models import Attendance
from core.services import attendance
from pages._shared.blocks import show_table
from pages._shared.db import session
from pages._shared.meeting.context import Meeting
from pages._shared.ui import edit_snapshot, forget_edit, offer_reload, plain, save

NAME = max_length(Attendance, "name")  # one source for text limits: the columns themselves
CAME = [s.value for s in AttendanceStatus if s != AttendanceStatus.INVITED]  # what the meeting records


def _who(row: Attendance) -> str:
    """Name and role of an invited person, with whom a stand-in replaces."""
    name = plain(row.name, one_line=True) or "*namn saknas*"
    extra = f", ersätter {plain(row.stand_in_for, one_line=True)}" if row.stand_in_for else ""
    return f"**{name}**  \n{glossary.term(row.meeting_role, MeetingRole)}{extra}"


def render(m: Meeting) -> None:
    """Attendance, one row per person: everyone invited shows as present; mark who is not, and save."""
    with session() as s:
        rows = attendance.attendees(s, actor=m.actor, review_id=m.review.id)
        missing = attendance.missing_roles(s, actor=m.actor, review_id=m.review.id)
    if missing and any(r.status != AttendanceStatus.INVITED for r in rows):  # once attendance is recorded
        st.warning("Ingen närvarande för: " + ", ".join(glossary.term(r, MeetingRole) for r in missing))
    if not m.may_run:  # those who follow the meeting see the table the minutes print
        show_table(figures.attendance(rows))
        return
    terms = glossary.options(AttendanceStatus)
    opened = {r.id: edit_snapshot("attendance", r.id, r.version, (r.name, r.status, r.stand_in_for)) for r in rows}
    with st.form(f"attendance_{m.review.id}", border=False):
        with st.container(key="attendance_rows"):  # one line a person: seven fit 1280×720
            answers = {row.id: _row(row, *opened[row.id], terms) for row in rows}
        if st.form_submit_button("Spara närvaro", type="primary"):
            save(lambda s: _save(s, m, answers, opened), "Närvaron är sparad.")
    offer_reload("attendance", *[(r.id, opened[r.id][0], r.version) for r in rows],
                 key=f"reload_attendance_{m.review.id}")


def _row(row: Attendance, version: int, shown: tuple, terms: dict) -> tuple[str, str]:
    """One person: name and role, present / absent / stand-in, and a stand-in's (or a missing) name."""
    who, came, other = st.columns([2.2, 2.6, 1.6], vertical_alignment="center")
    who.container(key=f"who_{row.id}").markdown(_who(row))
    status = came.segmented_control(
        f"Närvaro för {plain(row.name or 'personen', one_line=True)}", CAME, format_func=terms.get, required=True,
        default=shown[1] if shown[1] in CAME else AttendanceStatus.PRESENT.value,
        key=f"s_{row.id}_{version}", label_visibility="collapsed")
    typed = other.text_input(FIELDS["name"], max_chars=NAME, key=f"e_{row.id}_{version}",
                             label_visibility="collapsed", placeholder="namn" if not shown[0] else "ersättarens namn")
    return status, typed


def _save(s, m: Meeting, answers: dict, opened: dict) -> None:
    """Record every row the form shows differently from how it was opened (invited rows show as present)."""
    for row_id, (status, typed) in answers.items():
        version, (_, was, _) = opened[row_id]
        if status != was or typed:
            attendance.record_attendance(s, actor=m.actor, attendance_id=row_id, status=status, typed_name=typed,
                                      now=clock.now(), expected_version=version)
    for row_id in answers:
        forget_edit("attendance", row_id)
