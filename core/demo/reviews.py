"""The demo's approved 2025 reviews: held, with attendance, decided actions and justering."""
from datetime import UTC, date, datetime, time

from sqlmodel import Session, select

from core.enums import AttendanceStatus, ReviewStatus
from core.models import Clinic, Finding, Review, User
from core.permissions import Actor
from core.services import actions, minutes, reviews
from core.services.auth import actor_for

YEAR = 2025


def _user(session: Session, username: str) -> User:
    """Return a demo user by username."""
    return session.exec(select(User).where(User.username == username)).one()


def _finding_id(session: Session, code: str | None) -> int | None:
    """Return the id of a bokslut finding by its code."""
    if not code:
        return None
    return session.exec(select(Finding.id).where(Finding.code == code)).first()


def _hold_meeting(session: Session, review: Review, actor: Actor, at: datetime) -> None:
    """Everyone invited came, except the first-line manager who has no name yet."""
    for row in reviews.attendance(session, review.id):
        status = AttendanceStatus.PRESENT if row.name else AttendanceStatus.ABSENT
        reviews.update_attendee(session, actor=actor, attendance_id=row.id, status=status, now=at)
    reviews.set_status(session, actor=actor, review_id=review.id, status=ReviewStatus.MEETING, now=at)


def _decide(session: Session, review: Review, chair: Actor, spec: dict, at: datetime) -> None:
    """Decide one action and give it the status it has reached since."""
    owner = _user(session, spec["owner"])
    action = actions.decide_action(session, actor=chair, review_id=review.id, now=at, data={
        "title": spec["title"], "owner_id": owner.id, "due_date": spec["due"],
        "finding_id": _finding_id(session, spec.get("finding"))})
    action.status, action.status_comment = spec["status"], spec.get("comment")
    action.done_on = spec.get("done")
    session.add(action)


def _review(session: Session, clinic: Clinic, spec: dict) -> None:
    """Create, hold and approve one clinic's 2025 review."""
    at = datetime.combine(spec["date"], time(13, 0), UTC)
    chair = actor_for(session, next(u.username for u in session.exec(select(User)) if u.name == clinic.head_name))
    adjuster = actor_for(session, spec["adjuster"])
    review = reviews.create_review(session, actor=chair, clinic_id=clinic.id, year=YEAR, now=at, data={
        "meeting_date": spec["date"], "start_time": "13:00", "end_time": "15:00",
        "location": f"Konferensrummet, {clinic.name}", "chair_id": chair.user_id, "secretary_id": chair.user_id})
    _hold_meeting(session, review, chair, at)
    for item in spec["actions"]:
        _decide(session, review, chair, item, at)
    reviews.set_next_review(session, actor=chair, review_id=review.id, next_date=date(YEAR + 1, 3, spec["date"].day),
                            now=at)
    minutes.choose_adjusters(session, actor=chair, review_id=review.id, user_ids=[adjuster.user_id], now=at)
    minutes.send_for_approval(session, actor=chair, review_id=review.id, now=at)
    minutes.approve(session, actor=chair, review_id=review.id, now=at.replace(hour=16))
    minutes.approve(session, actor=adjuster, review_id=review.id, now=at.replace(day=at.day + 1, hour=9))


def load_reviews(session: Session, specs: dict) -> int:
    """Add the approved 2025 reviews that are missing; return how many were added."""
    added = 0
    for code, spec in specs.items():
        clinic = session.exec(select(Clinic).where(Clinic.code == code)).one()
        if session.exec(select(Review).where(Review.clinic_id == clinic.id, Review.year == YEAR)).first() is None:
            _review(session, clinic, spec)
            added += 1
    session.flush()
    return added

