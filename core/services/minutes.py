"""Justering of the minutes: who signs, freezing the content, approval, returning and reopening.

Sending the minutes for justering freezes what they say into a MinutesVersion; every approver signs its
SHA-256, and when the last one has signed the PDF is rendered once from the frozen content and stored.
Every later download, the archive and the command line return that PDF.
"""
import hashlib
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from core import history
from core.config import Settings
from core.documents.content import read
from core.enums import AttendanceStatus, HistoryOperation, ReviewStatus, SignatureRole
from core.errors import InvalidInput, UserError
from core.formatting import datetime_text
from core.history_chain import chain_head
from core.mail import Delivery, message, send_each
from core.models import Attendance, Clinic, MinutesVersion, Review, Signature, User
from core.permissions import Actor, Permission, require
from core.services import undecided
from core.services._common import get_or_fail
from core.services._integrity import approved_record, checked
from core.services._queries import approval_times, minutes_record, signature_rows
from core.services._rules import (
    change_status,
    editable_review,
    may_approve,
)
from core.services.minutes_content import build_content
from core.services.minutes_document import content_hash, render_approved
from core.services.reviews import get_review
from core.services.sealing import render_sealed
from core.validation import checked_arguments

__all__ = [
    "content_hash",
    "signatures",
    "signers_of",
    "choose_adjusters",
    "send_for_approval",
    "approve",
    "return_to_meeting",
    "reopen",
    "warnings",
    "awaiting_approval",
    "notify_approvers",
]


def signatures(session: Session, *, actor: Actor, review_id: int) -> list[Signature]:
    """Return the approvals of the current minutes version: chair, protokollförare, then justerare."""
    return signature_rows(session, get_review(session, actor=actor, review_id=review_id))


def signers_of(session: Session, *, actor: Actor, review_id: int) -> list[User]:
    """Return the people who sign the current version (for showing their names)."""
    ids = {s.user_id for s in signatures(session, actor=actor, review_id=review_id)}
    return list(session.exec(select(User).where(col(User.id).in_(ids)))) if ids else []


def _present_users(session: Session, review: Review) -> set[int]:
    """Return the users recorded as present (or standing in) at the meeting."""
    present = session.exec(select(Attendance.user_id).where(Attendance.review_id == review.id,
                                                            col(Attendance.status).in_(AttendanceStatus.attended_values()),
                                                            Attendance.user_id != None)).all()  # noqa: E711
    return {user_id for user_id in present if user_id is not None}  # the query already leaves out the unnamed


def _adjuster_problems(session: Session, review: Review, user_ids: list[int]) -> list[str]:
    """Check the justerare: one or two, present at the meeting, neither the chair nor the protokollförare."""
    if not user_ids:
        return ["Justerare: välj minst en justerare (§ Val av justerare)."]
    if len(set(user_ids)) > 2:
        return ["Justerare: välj en eller två justerare."]
    problems, present = [], _present_users(session, review)
    for user_id in dict.fromkeys(user_ids):
        user = get_or_fail(session, User, user_id)
        if user_id == review.chair_id:
            problems.append("Justerare: ordföranden justerar redan som ordförande; välj någon annan.")
        elif user_id == review.secretary_id:
            problems.append("Justerare: protokollföraren kan inte justera sitt eget protokoll; välj någon annan.")
        elif user_id not in present:
            problems.append(f"Justerare: {user.name} är inte antecknad som närvarande vid mötet; justerare väljs "
                            "bland de närvarande.")
    return problems


def choose_adjusters(session: Session, *, actor: Actor, review_id: int, user_ids: list[int], now: datetime) -> None:
    """Choose the justerare of the current minutes version among those present."""
    history.track(session, actor=actor, now=now)
    review = editable_review(session, actor, review_id)
    problems = _adjuster_problems(session, review, user_ids)
    if problems:
        raise InvalidInput(problems)
    for row in signature_rows(session, review):
        if row.role == SignatureRole.ADJUSTER:
            session.delete(row)
    session.flush()
    for user_id in dict.fromkeys(user_ids):
        session.add(Signature(review_id=review_id, user_id=user_id, role=SignatureRole.ADJUSTER.value,
                              minutes_version=review.minutes_version))
    history.record(session, "Signature", operation=HistoryOperation.UPDATE, clinic_id=review.clinic_id,
                   review_id=review.id, new={"justerare": list(dict.fromkeys(user_ids))})


def warnings(session: Session, *, actor: Actor, review_id: int) -> list[str]:
    """Return what is allowed but worth a second look before justering."""
    review = get_review(session, actor=actor, review_id=review_id)
    if review.chair_id and review.chair_id == review.secretary_id:
        return ["Ordföranden är också protokollförare. Det är tillåtet, men ingen annan än justerarna "
                "granskar då protokollet."]
    return []


def _justering_problems(session: Session, review: Review) -> list[str]:
    """Everything that must hold before the minutes go to justering."""
    problems = []
    chair = session.get(User, review.chair_id) if review.chair_id else None
    if chair is None:
        problems.append("Ordförande: välj ordförande innan protokollet går till justering.")
    elif not may_approve(session, chair, review.clinic_id):
        problems.append(f"Ordförande: {chair.name} får inte justera klinikens protokoll som ordförande; välj "
                        "klinikens verksamhetschef.")
    if review.secretary_id is None:
        problems.append("Protokollförare: välj protokollförare; protokollföraren skriver under vid protokollet.")
    adjusters = [s.user_id for s in signature_rows(session, review) if s.role == SignatureRole.ADJUSTER]
    return problems + _adjuster_problems(session, review, adjusters)


def send_for_approval(session: Session, *, actor: Actor, review_id: int, now: datetime) -> Review:
    """Close the meeting, freeze what the minutes say, and send them to the chair, protokollförare and justerare."""
    history.track(session, actor=actor, now=now)
    review = editable_review(session, actor, review_id)  # locked: nothing changes the minutes until we commit
    problems = _justering_problems(session, review)
    problems += [u.text for u in undecided.undecided(session, actor=actor, review_id=review_id)]
    if problems:
        raise InvalidInput(problems)
    assert review.chair_id is not None and review.secretary_id is not None  # else _justering_problems refused
    for row in signature_rows(session, review):
        if row.role != SignatureRole.ADJUSTER:
            session.delete(row)
    session.flush()
    session.add(Signature(review_id=review_id, user_id=review.chair_id, role=SignatureRole.CHAIR.value,
                          minutes_version=review.minutes_version))
    session.add(Signature(review_id=review_id, user_id=review.secretary_id, role=SignatureRole.SECRETARY.value,
                          minutes_version=review.minutes_version))
    session.flush()
    content = build_content(session, actor=actor, review=review).as_json()
    checksum = content_hash(content)
    session.add(MinutesVersion(review_id=review_id, version=review.minutes_version, content=content,
                               content_sha256=checksum, frozen_at=now, frozen_by_id=actor.user_id))
    change_status(session, review, ReviewStatus.APPROVAL, extra={"sha256": checksum})
    return review


def _lock_in(session: Session, review_id: int, status: ReviewStatus, refusal: str) -> Review:
    """Lock the review row if it is in the status, else refuse (one statement: no step can slip between)."""
    result = session.exec(update(Review).where(col(Review.id) == review_id, col(Review.status) == status.value)
                          .values(version=Review.version).execution_options(synchronize_session=False))
    review = get_or_fail(session, Review, review_id)
    session.refresh(review)
    if result.rowcount == 0:
        raise UserError(refusal)
    return review


def _rendered_if_last(session: Session, actor: Actor, review_id: int, now: datetime) -> tuple[list, bytes] | None:
    """Print the approved PDF before anything is written when the actor's approval will be the last one.

    Printing takes seconds; done here, the approval's write transaction (SQLite's one write lock) stays short.
    """
    review = session.get(Review, review_id)
    if review is None or review.status != ReviewStatus.APPROVAL:
        return None
    rows = signature_rows(session, review)
    if not rows or any(s.signed_at is None and s.user_id != actor.user_id for s in rows) or \
            all(s.signed_at for s in rows):
        return None
    frozen = minutes_record(session, review)
    if frozen is None:
        return None
    times = [datetime_text(s.signed_at or now) or None for s in rows]
    return times, render_sealed(checked(session, frozen), times, _history_head(session), created=now)


def _history_head(session: Session) -> dict[str, str]:
    """Name the change history's head at approval, for the sealed PDF's metadata (what the history held then)."""
    head = chain_head(session)
    return {"historyHeadSeq": str(head[0]), "historyHeadSha256": head[1]} if head else {}


def approve(session: Session, *, actor: Actor, review_id: int, now: datetime) -> Review:
    """Approve the frozen minutes with the actor's own login; the last approval stores the PDF and locks them."""
    rendered = _rendered_if_last(session, actor, review_id, now)
    history.track(session, actor=actor, now=now)
    review = _lock_in(session, review_id, ReviewStatus.APPROVAL, "Protokollet är inte skickat till justering.")
    mine = [s for s in signature_rows(session, review) if s.user_id == actor.user_id and s.signed_at is None]
    if not mine:
        raise UserError("Du är inte vald att justera detta protokoll, eller har redan justerat.")
    if any(s.role == SignatureRole.CHAIR for s in mine):
        require(actor, Permission.APPROVE_REVIEW, review.clinic_id)
    frozen = minutes_record(session, review)
    assert frozen is not None  # minutes under justering were frozen when they were sent
    checked(session, frozen)  # what the earlier approvers signed is what this one signs
    for signature in mine:
        signature.signed_at, signature.content_sha256 = now, frozen.content_sha256
        session.add(signature)
        history.record(session, signature, operation=HistoryOperation.APPROVE, clinic_id=review.clinic_id,
                       review_id=review.id, new={"roll": signature.role, "sha256": frozen.content_sha256})
    session.flush()
    if all(s.signed_at for s in signature_rows(session, review)):
        times = approval_times(session, review)
        review.approved_at = frozen.approved_at = now
        # printed before the lock unless someone else signed in between (then printed here, once)
        frozen.pdf = rendered[1] if rendered and rendered[0] == times else \
            render_sealed(frozen, times, _history_head(session), created=now)
        frozen.pdf_sha256 = hashlib.sha256(frozen.pdf).hexdigest()
        session.add(frozen)
        change_status(session, review, ReviewStatus.APPROVED, operation=HistoryOperation.APPROVE,
                      extra={"pdf_sha256": frozen.pdf_sha256})
    return review


def return_to_meeting(session: Session, *, actor: Actor, review_id: int, now: datetime) -> Review:
    """Take minutes under justering back for corrections; the frozen draft and approvals so far are dropped."""
    history.track(session, actor=actor, now=now)
    review = get_or_fail(session, Review, review_id)
    require(actor, Permission.PREPARE_REVIEW, review.clinic_id)
    review = _lock_in(session, review_id, ReviewStatus.APPROVAL, "Protokollet är inte under justering.")
    for signature in signature_rows(session, review):
        signature.signed_at, signature.content_sha256 = None, None
        session.add(signature)
    frozen = minutes_record(session, review)
    if frozen is not None:  # never approved, so not a record: the next freeze replaces it
        session.delete(frozen)
    change_status(session, review, ReviewStatus.MEETING)
    return review


@checked_arguments()
def reopen(session: Session, *, actor: Actor, review_id: int, reason: str, now: datetime) -> Review:
    """Reopen approved minutes: needs a reason, keeps the approved version, and starts the next one."""
    history.track(session, actor=actor, now=now)
    review = get_or_fail(session, Review, review_id)
    require(actor, Permission.APPROVE_REVIEW, review.clinic_id)
    if not (reason or "").strip():
        raise InvalidInput(["Motivering: skriv varför protokollet återöppnas."])
    review = _lock_in(session, review_id, ReviewStatus.APPROVED, "Bara ett justerat protokoll kan återöppnas.")
    frozen = approved_record(session, review, minutes_record(session, review))
    frozen.reopened_at, frozen.reopened_by_name, frozen.reopen_reason = now, actor.name, reason.strip()
    session.add(frozen)
    previous = signature_rows(session, review)
    review.minutes_version += 1
    review.approved_at = None
    for old in previous:
        if old.role == SignatureRole.ADJUSTER:
            session.add(Signature(review_id=review_id, user_id=old.user_id, role=old.role,
                                  minutes_version=review.minutes_version))
    change_status(session, review, ReviewStatus.MEETING, operation=HistoryOperation.REOPEN,
                  extra={"motivering": reason.strip(), "version": review.minutes_version})
    return review


def store_unrecorded(session: Session, *, actor: Actor, now: datetime) -> int:
    """Store approved minutes approved before minutes were frozen (an older portal), once; return how many.

    They can only be printed from the rows as they are at the upgrade; from then on they never change.
    """
    require(actor, Permission.ADMINISTER_DATABASE)
    history.track(session, actor=actor, now=now)
    stored = 0
    for review in session.exec(select(Review).where(Review.status == ReviewStatus.APPROVED.value)).all():
        if minutes_record(session, review) is not None:
            continue
        content = build_content(session, actor=actor, review=review).as_json()
        assert review.id is not None  # a stored review has its id
        frozen = MinutesVersion(review_id=review.id, version=review.minutes_version, content=content,
                                content_sha256=content_hash(content), frozen_at=now, approved_at=review.approved_at)
        frozen.pdf = render_approved(frozen, approval_times(session, review))
        frozen.pdf_sha256 = hashlib.sha256(frozen.pdf).hexdigest()
        session.add(frozen)
        history.record(session, "MinutesVersion", operation=HistoryOperation.CREATE, clinic_id=review.clinic_id,
                       review_id=review.id, new={"version": review.minutes_version, "lagrad_vid_uppgradering": True,
                            "pdf_sha256": frozen.pdf_sha256})
        stored += 1
    return stored


def awaiting_approval(session: Session, *, actor: Actor) -> list[tuple[Review, Clinic, str]]:
    """Return the minutes the actor still has to sign, with the clinic and the capacity they sign in."""
    rows = session.exec(select(Review, Clinic, Signature.role).join(Signature, col(Signature.review_id) == Review.id)
                        .join(Clinic, col(Clinic.id) == Review.clinic_id)
                        .where(Signature.user_id == actor.user_id, Signature.signed_at == None,  # noqa: E711
                               Signature.minutes_version == Review.minutes_version,
                               Review.status == ReviewStatus.APPROVAL.value)
                        .order_by(col(Review.year), col(Clinic.code))).all()
    return [(review, clinic, role) for review, clinic, role in rows]


def notify_approvers(session: Session, *, actor: Actor, review_id: int, settings: Settings) -> Delivery:
    """E-mail everyone who still has to sign a link to the review; return who got it and who could not."""
    review = get_or_fail(session, Review, review_id)
    require(actor, Permission.PREPARE_REVIEW, review.clinic_id)
    clinic = get_or_fail(session, Clinic, review.clinic_id)
    link = f"{settings.base_url}/genomgang?klinik={clinic.code}&ar={review.year}"
    bodies: dict[str, str] = {}
    frozen = minutes_record(session, review)
    if frozen is None:
        raise UserError("Protokollet är inte skickat till justering.")
    for signer, signature in zip(read(checked(session, frozen).content).signers, signature_rows(session, review)):
        user = session.get(User, signature.user_id)
        if signature.signed_at or not user or not user.email or user.email in bodies:
            continue
        bodies[user.email] = (
            f"Hej {user.name},\n\nProtokollet från {clinic.name}s genomgång {review.year} (protokoll nr "
            f"{review.protocol_number}, version {review.minutes_version}) väntar på din justering som "
            f"{signer.capacity.lower()}.\n\nLäs och justera det här: {link}\n\nStrålsäkerhetsportalen")
    subject = f"Att justera: protokoll {review.protocol_number}"
    return send_each(settings, list(bodies), lambda to: message(settings, to=to, subject=subject, body=bodies[to]))
