"""Rules the services share: is the review still editable, who belongs to a clinic, who may chair.

They take no actor: the public service that calls them has checked it. Pages read `is_editable` through
core.services.reviews; the rest is for services only."""
from sqlalchemy import update
from sqlmodel import Session, col, select

from core import history
from core.enums import HistoryOperation, ReviewStatus, Role
from core.errors import InvalidInput, UserError
from core.models import Review, User, UserClinic
from core.permissions import (
    ALL_CLINICS,
    GRANTS,
    Actor,
    Permission,
    PermissionDenied,
    can,
    require,
    visible_clinic_ids,
)
from core.services._common import get_or_fail, require_version, stale


def is_editable(review: Review) -> bool:
    """Tell whether the review's minutes may still change: not under justering, not approved."""
    return review.status in ReviewStatus.editable_values()


def ensure_editable(review: Review) -> None:
    """Refuse changes to minutes under justering or approved (justerade): those are read-only."""
    if review.status == ReviewStatus.APPROVED:
        raise UserError(f"Protokollet för genomgången {review.year} är justerat och kan inte ändras. "
                        "Ordföranden kan återöppna det med en motivering.")
    if review.status == ReviewStatus.APPROVAL:
        raise UserError("Protokollet är under justering och kan inte ändras. Ta tillbaka det till mötet för att "
                        "rätta (de godkännanden som getts nollställs).")


def belongs_to_clinic(session: Session, user: User, clinic_id: int) -> bool:
    """Tell whether a user is one of the clinic's people (or sees every clinic, as the strateg does)."""
    if GRANTS[Role(user.role)].get(Permission.VIEW_CLINIC) == ALL_CLINICS:
        return True
    return session.get(UserClinic, (user.id, clinic_id)) is not None


def may_approve(session: Session, user: User, clinic_id: int) -> bool:
    """Tell whether a user, as chair, may approve the clinic's minutes."""
    actor = Actor(user_id=user.id, username=user.username, name=user.name, role=Role(user.role),
                  clinic_ids=frozenset([clinic_id]) if belongs_to_clinic(session, user, clinic_id) else frozenset())
    return user.active and can(actor, Permission.APPROVE_REVIEW, clinic_id)


def chair_candidates_of(session: Session, clinic_id: int) -> list[User]:
    """Return the clinic's active users who may approve its minutes as chair, by name."""
    users = session.exec(select(User).join(UserClinic, col(UserClinic.user_id) == User.id)
                         .where(UserClinic.clinic_id == clinic_id, User.active == True)  # noqa: E712
                         .order_by(col(User.name))).all()
    return [u for u in users if may_approve(session, u, clinic_id)]


def check_chair_and_secretary(session: Session, clinic_id: int, chair_id: int | None,
                              secretary_id: int | None) -> None:
    """Refuse a chair who may not approve the clinic's minutes, or a minute-taker from outside the clinic."""
    problems = []
    chair = session.get(User, chair_id) if chair_id else None
    if chair_id and (chair is None or not may_approve(session, chair, clinic_id)):
        problems.append(f"Ordförande: {chair.name if chair else 'personen'} får inte justera klinikens protokoll som "
                        "ordförande; välj klinikens verksamhetschef.")
    secretary = session.get(User, secretary_id) if secretary_id else None
    if secretary_id and (secretary is None or not secretary.active
                         or not belongs_to_clinic(session, secretary, clinic_id)):
        problems.append("Protokollförare: välj en av klinikens användare.")
    if problems:
        raise InvalidInput(problems)


def change_status(session: Session, review: Review, status: ReviewStatus,
                  operation: HistoryOperation = HistoryOperation.UPDATE, extra: dict | None = None) -> None:
    """Change a review's status (a new version for open forms); an approval or reopening is named in the history."""
    old = review.status
    review.status, review.version = status.value, review.version + 1
    session.add(review)
    history.record(session, review, operation=operation, old={"status": old},
                   new={"status": status.value, **(extra or {})})


def lock_editable(session: Session, review_id: int) -> Review:
    """Lock the review row if its minutes are still editable, else refuse (a change of something the minutes hold)."""
    return _claim(session, review_id, None)


def claim_editable(session: Session, review_id: int, expected_version: int) -> Review:
    """Lock the review row if its minutes are still editable and at the version the form was opened with."""
    return _claim(session, review_id, require_version(expected_version))


def _claim(session: Session, review_id: int, expected_version: int | None) -> Review:
    """Lock the review row if its minutes are still editable (and at the version, when one is given), else refuse.

    The check and the lock are one UPDATE, so a change of the minutes and the step that freezes them for
    justering cannot interleave: whichever comes second waits for the first and then sees its result
    (a row lock on PostgreSQL, the write lock on SQLite).
    """
    condition = [col(Review.id) == review_id, col(Review.status).in_(ReviewStatus.editable_values())]
    if expected_version is not None:
        condition.append(col(Review.version) == expected_version)
    bump = Review.version + 1 if expected_version is not None else Review.version
    result = session.exec(update(Review).where(*condition).values(version=bump)
                          .execution_options(synchronize_session=False))
    review = get_or_fail(session, Review, review_id)
    session.refresh(review)
    if result.rowcount == 0:
        ensure_editable(review)
        raise stale("genomgången")
    return review


def visible_review(session: Session, actor: Actor, review_id: int) -> Review:
    """Return a review the actor may see."""
    review = get_or_fail(session, Review, review_id)
    require(actor, Permission.VIEW_CLINIC, review.clinic_id)
    return review


def editable_review(session: Session, actor: Actor, review_id: int) -> Review:
    """Return the review, locked, for a change by someone who may run it; refuse minutes sent for justering."""
    review = get_or_fail(session, Review, review_id)
    require(actor, Permission.PREPARE_REVIEW, review.clinic_id)
    return lock_editable(session, review_id)


def claim_year_open(session: Session, *, clinic_id: int, year: int, what: str) -> None:
    """Refuse a change of something the year's minutes print once they are sent for justering (lock otherwise)."""
    review = session.exec(select(Review).where(Review.clinic_id == clinic_id, Review.year == year)).first()
    if review is None:
        return
    assert review.id is not None  # a row read from the database has its id
    try:
        lock_editable(session, review.id)
    except UserError:
        state = "justerat" if review.status == ReviewStatus.APPROVED else "under justering"
        raise UserError(f"{what} ingår i protokollet för genomgången {year}, som är {state}, och kan inte "
                        "ändras. Ordföranden kan återöppna protokollet med en motivering.") from None


def require_report_scope(actor: Actor, clinic_id: int | None) -> None:
    """Let the actor see a bokslut for one of its clinics, or for every clinic only when its role sees them all."""
    if clinic_id is not None:
        require(actor, Permission.VIEW_CLINIC, clinic_id)
    elif visible_clinic_ids(actor) is not None:
        raise PermissionDenied("Du kan bara se bokslutet för dina egna kliniker.")
