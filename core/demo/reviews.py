"""The demo's reviews: approved 2025 reviews for every clinic, and RTG's 2026 review under justering."""
from datetime import UTC, date, datetime, time

from sqlmodel import Session, select

from core.enums import AttendanceStatus, MeetingRole, ReviewStatus
from core.errors import NotFound
from core.models import Clinic, Criterion, Finding, Review, User, stored_id
from core.permissions import Actor
from core.services import actions, agenda, attendance, minutes, reviews, self_assessments
from core.services.auth import SYSTEM_ACTOR, actor_for

YEAR = 2025


def _user(session: Session, username: str) -> User:
    """Return a demo user by username."""
    return session.exec(select(User).where(User.username == username)).one()


def _actor(session: Session, username: str | None) -> Actor:
    """Return a demo user's actor (the demo adds its users before its reviews)."""
    actor = actor_for(session, username)
    if actor is None:
        raise NotFound(f"Demodata: användaren {username} finns inte.")
    return actor


def _user_id(actor: Actor) -> int:
    """Return the user id of a demo user's actor (only the command line's own actor has none)."""
    if actor.user_id is None:
        raise NotFound(f"Demodata: {actor.username} är ingen användare.")
    return actor.user_id


def _finding_id(session: Session, code: str | None) -> int | None:
    """Return the id of a bokslut finding by its code."""
    if not code:
        return None
    return session.exec(select(Finding.id).where(Finding.code == code)).first()


def _hold_meeting(session: Session, review: Review, actor: Actor, at: datetime, guest: Actor) -> None:
    """Everyone invited came, except the first-line manager who has no name yet; the justerare too."""
    review_id = stored_id(review)
    invited = attendance.attendees(session, actor=SYSTEM_ACTOR, review_id=review_id)
    if not any(row.user_id == guest.user_id for row in invited):
        attendance.add_attendee(session, actor=actor, review_id=review_id, name=guest.name,
                                meeting_role=MeetingRole.OTHER.value, user_id=guest.user_id, now=at)
    for row in attendance.attendees(session, actor=SYSTEM_ACTOR, review_id=review_id):
        status = AttendanceStatus.PRESENT if row.name else AttendanceStatus.ABSENT
        attendance.update_attendee(session, actor=actor, attendance_id=stored_id(row), status=status, now=at,
                                   expected_version=row.version)
    reviews.set_status(session, actor=actor, review_id=review_id, status=ReviewStatus.MEETING, now=at)


def _decide(session: Session, review: Review, chair: Actor, spec: dict, at: datetime) -> None:
    """Decide one action and give it the status it has reached since."""
    owner = _user(session, spec["owner"])
    action = actions.decide_action(session, actor=chair, review_id=stored_id(review), now=at, data={
        "title": spec["title"], "owner_id": owner.id, "due_date": spec["due"],
        "finding_id": _finding_id(session, spec.get("finding")), "answers_to": spec.get("answers")})
    action.status, action.status_comment = spec["status"], spec.get("comment")
    action.done_on = spec.get("done")
    session.add(action)


def _review(session: Session, clinic: Clinic, spec: dict) -> None:
    """Create, hold and approve one clinic's 2025 review."""
    at = datetime.combine(spec["date"], time(13, 0), UTC)
    chair, adjuster, review = _create(session, clinic, spec, YEAR, at)
    for item in spec["actions"]:
        _decide(session, review, chair, item, at)
    reviews.set_next_review(session, actor=chair, review_id=stored_id(review),
                            next_date=date(YEAR + 1, 3, spec["date"].day), now=at)
    _send(session, review, chair, adjuster, at)
    minutes.approve(session, actor=adjuster, review_id=stored_id(review), now=at.replace(day=at.day + 1, hour=9))


def _create(session: Session, clinic: Clinic, spec: dict, year: int, at: datetime) -> tuple[Actor, Actor, Review]:
    """Create a clinic's review (chaired by the head, minutes by the coordinator when a user) and hold it."""
    by_name: dict[str | None, str] = {u.name: u.username for u in session.exec(select(User))}
    chair = _actor(session, by_name[clinic.head_name])
    secretary = actor_for(session, by_name.get(clinic.coordinator_name)) or chair
    adjuster = _actor(session, spec["adjuster"])
    review = reviews.create_review(session, actor=chair, clinic_id=stored_id(clinic), year=year, now=at, data={
        "meeting_date": spec["date"], "start_time": "13:00", "end_time": "15:00",
        "location": f"Konferensrummet, {clinic.name}", "chair_id": chair.user_id, "secretary_id": secretary.user_id})
    _hold_meeting(session, review, chair, at, adjuster)
    return chair, adjuster, review


def _send(session: Session, review: Review, chair: Actor, adjuster: Actor, at: datetime) -> None:
    """Choose the justerare, send the minutes for justering; the chair and the protokollförare approve."""
    review_id = stored_id(review)
    minutes.choose_adjusters(session, actor=chair, review_id=review_id, user_ids=[_user_id(adjuster)], now=at)
    minutes.send_for_approval(session, actor=chair, review_id=review_id, now=at)
    minutes.approve(session, actor=chair, review_id=review_id, now=at.replace(hour=16))
    secretary = session.get(User, review.secretary_id)
    if secretary is None:
        raise NotFound("Demodata: genomgången saknar protokollförare.")
    if secretary.id != chair.user_id:
        minutes.approve(session, actor=_actor(session, secretary.username), review_id=review_id,
                        now=at.replace(hour=17))


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



def _criterion_id(session: Session, template_id: int, code: str) -> int:
    """Return the id of a criterion of the active set by its code."""
    return stored_id(session.exec(select(Criterion).where(Criterion.template_id == template_id,
                                                          Criterion.code == code)).one())


def _self_assess(session: Session, clinic: Clinic, chair: Actor, gaps: dict, at: datetime) -> int:
    """Answer every criterion at level 3 or 4, except the gaps; return the criteria set's id."""
    assessment = self_assessments.start(session, actor=chair, clinic_id=stored_id(clinic), year=YEAR + 1,
                                        copy_last_year=False, now=at)
    answers = self_assessments.answers(session, actor=chair, assessment_id=stored_id(assessment))
    for i, (answer, criterion) in enumerate(answers):
        level = gaps.get(criterion.code, 4 if i % 3 else 3)
        self_assessments.save_answer(session, actor=chair, answer_id=stored_id(answer), level=level,
                                     not_applicable=False, reason=None, evidence="Se klinikens strålskyddspärm.",
                                     comment=None, now=at, expected_version=answer.version)
    return assessment.template_id


def _follow_up(session: Session, review: Review, chair: Actor, spec: dict, at: datetime) -> None:
    """Record last year's actions at the meeting: as still planned, or as the spec says."""
    for follow_up, action, _ in actions.follow_ups(session, actor=SYSTEM_ACTOR, review_id=stored_id(review)):
        given = spec.get(action.title, {})
        actions.record_follow_up(session, actor=chair, follow_up_id=stored_id(follow_up),
                                 status=given.get("status", action.status), comment=given.get("comment"),
                                 new_due_date=given.get("new_due"), expected_version=action.version,
                                 today=at.date(), now=at)


def _decisions(session: Session, review: Review, chair: Actor, spec: dict, template_id: int, at: datetime) -> None:
    """Decide the actions and the 'ingen åtgärd' of the spec."""
    def subject(item: dict) -> dict:
        if "criterion" in item:
            return {"criterion_id": _criterion_id(session, template_id, item["criterion"])}
        return {"finding_id": _finding_id(session, item["finding"])}
    for item in spec["decisions"]:
        owner = _user(session, item["owner"])
        actions.decide_action(session, actor=chair, review_id=stored_id(review), now=at, data={
            "title": item["title"], "owner_id": owner.id, "due_date": item["due"],
            "priority": item.get("priority", "medium"), **subject(item)})
    for item in spec["no_action"]:
        actions.decide_no_action(session, actor=chair, review_id=stored_id(review), reason=item["reason"], now=at,
                                 **subject(item))


def load_review_2026(session: Session, spec: dict) -> int:
    """Add RTG's 2026 review under justering when missing; return 1 if added."""
    clinic = session.exec(select(Clinic).where(Clinic.code == spec["clinic"])).one()
    if session.exec(select(Review).where(Review.clinic_id == clinic.id, Review.year == YEAR + 1)).first():
        return 0
    at = datetime.combine(spec["date"], time(13, 0), UTC)
    chair, adjuster, review = _create(session, clinic, spec, YEAR + 1, at)
    template_id = _self_assess(session, clinic, chair, spec["gaps"], at)
    _follow_up(session, review, chair, spec["follow_up"], at)
    _decisions(session, review, chair, spec, template_id, at)
    for item in agenda.items(session, actor=SYSTEM_ACTOR, review_id=stored_id(review)):
        text = spec["notes"].pop(item.kind, None)
        if text:
            agenda.save_notes(session, actor=chair, item_id=stored_id(item), notes=text.get("notes", ""),
                              decisions=text.get("decisions", ""), now=at, expected_version=item.version)
    reviews.set_next_review(session, actor=chair, review_id=stored_id(review), next_date=spec["next"], now=at)
    _send(session, review, chair, adjuster, at)
    return 1
