"""Närvaro: who is invited to a review, who came, who stood in, and which required roles are missing."""
from datetime import datetime

from sqlmodel import Session

from core import history
from core.addresses import address_problem
from core.enums import AttendanceStatus, MeetingRole
from core.errors import InvalidInput
from core.glossary import FIELDS
from core.models import Attendance, User
from core.permissions import Actor
from core.services._common import claim_version, get_or_fail
from core.services._queries import attendance_rows, missing_roles_of
from core.services._rules import belongs_to_clinic, editable_review, visible_review
from core.validation import checked_arguments


def attendees(session: Session, *, actor: Actor, review_id: int) -> list[Attendance]:
    """Return the review's invitation list in the routine's role order."""
    visible_review(session, actor, review_id)
    return attendance_rows(session, review_id)


def missing_roles(session: Session, *, actor: Actor, review_id: int) -> list[MeetingRole]:
    """Return the required roles with nobody present (or standing in)."""
    visible_review(session, actor, review_id)
    return missing_roles_of(session, review_id)


def add_attendee(session: Session, *, actor: Actor, review_id: int, name: str, meeting_role: str,
                 user_id: int | None = None, email: str | None = None, now: datetime) -> Attendance:
    """Invite someone more (or fill a role), by user or by typed name."""
    history.track(session, actor=actor, now=now)
    review = editable_review(session, actor, review_id)
    user = get_or_fail(session, User, user_id) if user_id else None
    if user and not belongs_to_clinic(session, user, review.clinic_id):
        raise InvalidInput([f"Användare: {user.name} hör inte till kliniken; skriv namnet i stället."])
    name = user.name if user else (name or "").strip()
    if not name:
        raise InvalidInput(["Namn: måste fyllas i."])
    if meeting_role not in {r.value for r in MeetingRole}:
        raise InvalidInput([f"Roll: okänd mötesroll \"{meeting_role}\"."])
    already = [a for a in attendance_rows(session, review_id) if (user and a.user_id == user.id)
               or a.name.casefold() == name.casefold()]
    if already:
        raise InvalidInput([f"Namn: {name} finns redan i kallelsen."])
    row = Attendance(review_id=review_id, user_id=user.id if user else None, name=name, meeting_role=meeting_role,
                     email=user.email if user else _checked_email(email))
    session.add(row)
    session.flush()
    return row


def _checked_email(email: str | None) -> str | None:
    """Return a typed e-mail address (None when left empty), or refuse one that cannot be written to."""
    email = (email or "").strip()
    problem = address_problem(email) if email else None
    if problem:
        raise InvalidInput([f"{FIELDS['email']}: {problem}"])
    return email or None


def remove_attendee(session: Session, *, actor: Actor, attendance_id: int, now: datetime,
                    expected_version: int) -> None:
    """Take someone off the invitation list before the minutes are frozen; refused on a stale list."""
    history.track(session, actor=actor, now=now)
    row = get_or_fail(session, Attendance, attendance_id)
    editable_review(session, actor, row.review_id)
    claim_version(session, Attendance, attendance_id, expected_version, what=f"kallelsen för {row.name or 'en person'}")
    session.delete(row)


@checked_arguments()
def record_attendance(session: Session, *, actor: Actor, attendance_id: int, status: str, typed_name: str | None,
                      now: datetime, expected_version: int) -> Attendance | None:
    """Record at the meeting whether an invited person came; a typed name fills a missing name or names the stand-in.

    Nothing changed, nothing is written (so a colleague's save of the same row is not refused).
    """
    row = get_or_fail(session, Attendance, attendance_id)
    typed = (typed_name or "").strip()
    standing_in = status == AttendanceStatus.STAND_IN
    if standing_in and not typed and row.status != AttendanceStatus.STAND_IN:
        raise InvalidInput([f"Ersättare för {row.name or 'en kallad'}: skriv ersättarens namn i fältet bredvid."])
    if standing_in and typed and row.name:  # the stand-in takes the row and names whom it replaces
        name, replaces = typed, row.stand_in_for if row.status == AttendanceStatus.STAND_IN else row.name
    else:
        name, replaces = typed or row.name, row.stand_in_for if standing_in else None
    if (name, status, replaces) == (row.name, row.status, row.stand_in_for):
        return None
    return update_attendee(session, actor=actor, attendance_id=attendance_id, name=name, status=status,
                           stand_in_for=replaces, now=now, expected_version=expected_version)


def update_attendee(session: Session, *, actor: Actor, attendance_id: int, name: str | None = None,
                    status: str | None = None, stand_in_for: str | None = None, now: datetime,
                    expected_version: int) -> Attendance:
    """Record whether someone came (present, absent, stand-in), or fill in a name; refused on a stale form."""
    history.track(session, actor=actor, now=now)
    row = get_or_fail(session, Attendance, attendance_id)
    editable_review(session, actor, row.review_id)
    claim_version(session, Attendance, attendance_id, expected_version, what=f"närvaron för {row.name or 'en person'}")
    if status is not None and status not in {s.value for s in AttendanceStatus}:
        raise InvalidInput([f"Närvaro: okänt värde \"{status}\"."])
    if status == AttendanceStatus.STAND_IN and not (stand_in_for or "").strip():
        raise InvalidInput([f"Ersätter: skriv vem {(name or row.name) or 'ersättaren'} ersätter."])
    row.name = (name if name is not None else row.name).strip()
    row.status = status or row.status
    if status is not None:  # a name filled in later leaves whom a stand-in replaces as it was
        row.stand_in_for = (stand_in_for or "").strip() or None if status == AttendanceStatus.STAND_IN else None
    session.add(row)
    return row
