"""Klinikens genomgång: create a review with its invitation list, agenda and follow-up, and move it along.

The invitation list and attendance are in core/services/attendance.py, the agenda in core/services/agenda.py.
"""
from datetime import date, datetime

from pydantic import BaseModel, field_validator, model_validator
from pydantic_core import PydanticCustomError
from sqlalchemy import func
from sqlmodel import Session, col, select

from core import glossary, history, limits
from core.enums import ActionStatus, MeetingRole, ReviewStatus, Role, SignatureRole
from core.errors import InvalidInput, UserError
from core.models import (
    Action,
    AgendaItem,
    Attendance,
    Clinic,
    FollowUp,
    Review,
    User,
    UserClinic,
)
from core.permissions import Actor, Permission, require
from core.services import agenda, preparation
from core.services._common import get_or_fail
from core.services._queries import REQUIRED_ROLES, report_of_year
from core.services._rules import (  # noqa: F401  is_editable is read by pages
    belongs_to_clinic,
    chair_candidates_of,
    change_status,
    check_chair_and_secretary,
    claim_editable,
    editable_review,
    is_editable,
    may_approve,
    visible_review,
)
from core.validation import checked_arguments, validated

CLINIC_PEOPLE = {MeetingRole.HEAD_OF_DEPARTMENT: "head_name", MeetingRole.COORDINATOR: "coordinator_name",
                 MeetingRole.PROTECTION_OFFICER: "protection_officer_name", MeetingRole.PHYSICIST: "physicist_name",
                 MeetingRole.RADIOLOGY_LEAD: "radiology_lead_name"}


class ReviewDetails(BaseModel):
    """When and where the review is held, and who chairs and keeps the minutes."""

    meeting_date: date | None = None
    start_time: str | None = None
    end_time: str | None = None
    location: str | None = None
    video_link: str | None = None
    chair_id: int | None = None
    secretary_id: int | None = None

    @field_validator("start_time", "end_time")
    @classmethod
    def _time(cls, v: str | None) -> str | None:
        v = (v or "").strip()
        if not v:
            return None
        hours, _, minutes = v.replace(".", ":").partition(":")
        if not (hours.isdigit() and minutes.isdigit() and int(hours) < 24 and int(minutes) < 60 and len(minutes) == 2):
            raise ValueError(f"\"{v}\" är inte en tid (TT:MM, t.ex. 13:00).")
        return f"{int(hours):02d}:{minutes}"

    @field_validator("location")
    @classmethod
    def _optional(cls, v: str | None) -> str | None:
        return (v or "").strip() or None

    @field_validator("video_link")
    @classmethod
    def _link(cls, v: str | None) -> str | None:
        v = (v or "").strip()
        if v and not v.lower().startswith(("https://", "http://")):
            raise ValueError(f"\"{v}\" är inte en länk (ska börja med https://).")
        return v or None

    @model_validator(mode="after")
    def _end_after_start(self):
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise PydanticCustomError("time_order", "Sluttid: måste vara efter starttiden.")
        return self


# The chair and the protokollförare are named by the role they sign in (glossary terms of SignatureRole).
NAMES = {"chair_id": glossary.term(SignatureRole.CHAIR), "secretary_id": glossary.term(SignatureRole.SECRETARY)}


def _checked_details(data: dict, now: datetime) -> ReviewDetails:
    """Validate the review's details, refusing a meeting date before the portal's data or years ahead."""
    details = validated(ReviewDetails, data, NAMES)
    if problems := limits.day_problems(now.date(), happened=False, meeting_date=details.meeting_date):
        raise InvalidInput(problems)
    return details


def get_review(session: Session, *, actor: Actor, review_id: int) -> Review:
    """Return a review the actor may see."""
    return visible_review(session, actor, review_id)


def find_review(session: Session, *, actor: Actor, clinic_id: int, year: int) -> Review | None:
    """Return the clinic's review held in the year, if any."""
    require(actor, Permission.VIEW_CLINIC, clinic_id)
    return session.exec(select(Review).where(Review.clinic_id == clinic_id, Review.year == year)).first()


def _agenda(review_id: int) -> list[AgendaItem]:
    """Number the agenda template's items for a new review, each with its standard decision or note, if any."""
    items = agenda.template()
    return [AgendaItem(review_id=review_id, number=i, title=item["title"], kind=item.get("kind", "other"),
                       notes=item.get("note"), decisions=item.get("decision"))
            for i, item in enumerate(items, start=1)]


def _role_of(user: User) -> MeetingRole:
    """Guess a clinic user's meeting role from the portal role (the coordinator may edit it)."""
    return {Role.VERKSAMHETSCHEF: MeetingRole.HEAD_OF_DEPARTMENT,
            Role.SAMORDNARE: MeetingRole.COORDINATOR}.get(Role(user.role), MeetingRole.OTHER)


def _invitations(session: Session, review_id: int, clinic: Clinic) -> list[Attendance]:
    """Pre-fill the invitation list: the routine's roles from the clinic's key people and its users."""
    users = session.exec(select(User).join(UserClinic, col(UserClinic.user_id) == User.id)
                         .where(UserClinic.clinic_id == clinic.id, User.active == True)).all()  # noqa: E712
    by_name = {u.name.casefold(): u for u in users}
    rows, named = [], set()
    for role in REQUIRED_ROLES:
        name = getattr(clinic, CLINIC_PEOPLE[role], None) if role in CLINIC_PEOPLE else None
        user = by_name.get((name or "").casefold())
        rows.append(Attendance(review_id=review_id, user_id=user.id if user else None, name=name or "",
                               meeting_role=role.value, email=user.email if user else None))
        named.add((name or "").casefold())
    for user in users:
        if user.name.casefold() not in named and Role(user.role) != Role.LASARE:
            rows.append(Attendance(review_id=review_id, user_id=user.id, name=user.name,
                                   meeting_role=_role_of(user).value, email=user.email))
    return rows


def _carry_over(session: Session, review: Review) -> list[int]:
    """Return the ids of the clinic's open actions from earlier reviews, and of those done since, to follow up."""
    earlier = session.exec(select(Review).where(Review.clinic_id == review.clinic_id, Review.year < review.year)
                           .order_by(col(Review.year).desc())).first()
    since = earlier.meeting_date if earlier and earlier.meeting_date else date.min
    actions = session.exec(select(Action).join(Review, col(Review.id) == Action.review_id).where(
        Action.clinic_id == review.clinic_id, Review.year < review.year)).all()
    return [a.id for a in actions if a.id is not None  # a stored action always has its id
            and (a.status in ActionStatus.open_values()
                 or (a.status == ActionStatus.DONE and a.done_on and a.done_on >= since))]


def create_review(session: Session, *, actor: Actor, clinic_id: int, year: int, data: dict,
                  now: datetime) -> Review:
    """Create the clinic's review for a meeting year, with invitations, agenda and follow-up."""
    history.track(session, actor=actor, now=now)
    require(actor, Permission.PREPARE_REVIEW, clinic_id)
    details = _checked_details(data, now)
    clinic = get_or_fail(session, Clinic, clinic_id)
    if session.exec(select(Review).where(Review.clinic_id == clinic_id, Review.year == year)).first():
        raise InvalidInput([f"År: {clinic.code} har redan en genomgång {year}."])
    check_chair_and_secretary(session, clinic_id, details.chair_id, details.secretary_id)
    report = report_of_year(session, year - 1)
    review = Review(
        clinic_id=clinic_id,
        year=year,
        annual_report_id=report.id if report else None,
        protocol_number=_protocol_number(session, clinic, year),
        created_at=now,
        created_by_id=actor.user_id,
        **details.model_dump(),
    )
    session.add(review)
    session.flush()
    assert review.id is not None  # the flush gave the new review its id
    follow_ups = [FollowUp(review_id=review.id, action_id=action_id) for action_id in _carry_over(session, review)]
    session.add_all([*_agenda(review.id), *_invitations(session, review.id, clinic), *follow_ups])
    return review


def _protocol_number(session: Session, clinic: Clinic, year: int) -> str:
    """Number the clinic's protocols in order: "RTG 3/2026" is the clinic's third review, held in 2026."""
    held = session.exec(select(func.count()).select_from(Review).where(Review.clinic_id == clinic.id)).one()
    return f"{clinic.code} {held + 1}/{year}"


def update_review(session: Session, *, actor: Actor, review_id: int, data: dict, expected_version: int,
                  now: datetime) -> Review:
    """Change date, time, place, chair or minute-taker; refused on approved minutes or a stale form."""
    history.track(session, actor=actor, now=now)
    review = get_or_fail(session, Review, review_id)
    require(actor, Permission.PREPARE_REVIEW, review.clinic_id)
    details = _checked_details(data, now)
    check_chair_and_secretary(session, review.clinic_id, details.chair_id, details.secretary_id)
    review = claim_editable(session, review_id, expected_version)
    for key, value in details.model_dump().items():
        setattr(review, key, value)
    session.add(review)
    return review


@checked_arguments()
def set_status(session: Session, *, actor: Actor, review_id: int, status: ReviewStatus, now: datetime) -> Review:
    """Move a review between preparation, called and meeting (justering has its own rules)."""
    if status not in ReviewStatus.editable_values():
        raise UserError("Justering sker genom att skicka protokollet till justering.")
    history.track(session, actor=actor, now=now)
    review = editable_review(session, actor, review_id)
    if status == ReviewStatus.CALLED:
        preparation.check_ready_for_notice(session, actor=actor, review_id=review_id)
    change_status(session, review, status)
    return review


def clinic_people(session: Session, *, actor: Actor, clinic_id: int) -> list[User]:
    """Return the clinic's active users, for choosing chair, minute-taker, owners and justerare."""
    require(actor, Permission.VIEW_CLINIC, clinic_id)
    return list(session.exec(select(User).join(UserClinic, col(UserClinic.user_id) == User.id)
                             .where(UserClinic.clinic_id == clinic_id, User.active == True)  # noqa: E712
                             .order_by(User.name)))


def chair_candidates(session: Session, *, actor: Actor, clinic_id: int) -> list[User]:
    """Return the clinic's users who may chair the review (they approve its minutes as chair)."""
    require(actor, Permission.VIEW_CLINIC, clinic_id)
    return chair_candidates_of(session, clinic_id)


def set_next_review(session: Session, *, actor: Actor, review_id: int, next_date: date | None, now: datetime) -> None:
    """Record the date of the next review."""
    history.track(session, actor=actor, now=now)
    review = editable_review(session, actor, review_id)
    if next_date and review.meeting_date and next_date <= review.meeting_date:
        raise InvalidInput(["Nästa genomgång: måste vara efter detta möte."])
    if problems := limits.day_problems(now.date(), happened=False, next_review_date=next_date):
        raise InvalidInput(problems)
    review.next_review_date = next_date
    review.version += 1
    session.add(review)


def move_to_item(session: Session, *, actor: Actor, review_id: int, index: int) -> None:
    """Remember which § the meeting is on (not a change of the minutes, so neither versioned nor logged)."""
    review = get_or_fail(session, Review, review_id)
    require(actor, Permission.PREPARE_REVIEW, review.clinic_id)
    review.current_item = index
    session.add(review)
