"""Protokoll and justering: the minutes' content, approval by chair and justerare, locking and reopening."""
import hashlib
import json
from datetime import datetime

from sqlmodel import Session, select

from core.enums import ReviewStatus, SignatureRole
from core.errors import InvalidInput, UserError
from core.models import Action, FindingDecision, FollowUp, Review, Signature, User
from core.permissions import Actor, Permission, require
from core.services import audit
from core.services.common import get_or_fail
from core.services.reviews import agenda, attendance, change_status, editable_review


def _plain(obj, *fields: str) -> dict:
    """Return chosen fields of a row as JSON-friendly values."""
    return {f: audit.plain(getattr(obj, f)) for f in fields}


def minutes_content(session: Session, review_id: int) -> dict:
    """Return everything the minutes state, in a fixed form: what each approver's checksum covers."""
    review = get_or_fail(session, Review, review_id)
    follow_ups = session.exec(select(FollowUp, Action).join(Action, Action.id == FollowUp.action_id)
                              .where(FollowUp.review_id == review_id).order_by(Action.due_date, Action.id)).all()
    actions = session.exec(select(Action).where(Action.review_id == review_id).order_by(Action.number)).all()
    decisions = session.exec(select(FindingDecision).where(FindingDecision.review_id == review_id)
                             .order_by(FindingDecision.finding_id)).all()
    return {
        "review": _plain(review, "clinic_id", "year", "protocol_number", "meeting_date", "start_time", "end_time",
                         "location", "video_link", "chair_id", "secretary_id", "next_review_date",
                         "minutes_version"),
        "attendance": [_plain(a, "name", "meeting_role", "status", "stand_in_for") for a in attendance(session, review_id)],
        "agenda": [_plain(i, "number", "title", "notes", "decisions") for i in agenda(session, review_id)],
        "follow_up": [{**_plain(a, "id", "title", "owner_name", "due_date"), **_plain(f, "status", "comment")}
                      for f, a in follow_ups],
        "actions": [_plain(a, "number", "title", "description", "owner_name", "owner_role", "due_date", "priority",
                           "finding_id") for a in actions],
        "no_action": [_plain(d, "finding_id", "no_action_reason") for d in decisions],
    }


def content_hash(content: dict) -> str:
    """Return the SHA-256 of the minutes' content."""
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def signatures(session: Session, review: Review) -> list[Signature]:
    """Return the approvals of the current minutes version: chair first, then justerare."""
    rows = session.exec(select(Signature).where(Signature.review_id == review.id,
                                                Signature.minutes_version == review.minutes_version)).all()
    return sorted(rows, key=lambda s: (s.role != SignatureRole.CHAIR, s.id))


def choose_adjusters(session: Session, *, actor: Actor, review_id: int, user_ids: list[int], now: datetime) -> None:
    """Choose the justerare (and keep the chair's approval row) for the current minutes version."""
    review = editable_review(session, actor, review_id)
    if not user_ids:
        raise InvalidInput(["Justerare: välj minst en justerare."])
    if review.chair_id in user_ids:
        raise InvalidInput(["Justerare: ordföranden justerar redan som ordförande; välj någon annan."])
    if review.secretary_id in user_ids:
        raise InvalidInput(["Justerare: protokollföraren kan inte justera sitt eget protokoll; välj någon annan."])
    if len(set(user_ids)) > 2:
        raise InvalidInput(["Justerare: välj en eller två justerare."])
    for row in signatures(session, review):
        session.delete(row)
    session.flush()
    for user_id in [review.chair_id, *user_ids] if review.chair_id else user_ids:
        get_or_fail(session, User, user_id)
        role = SignatureRole.CHAIR if user_id == review.chair_id else SignatureRole.ADJUSTER
        session.add(Signature(review_id=review.id, user_id=user_id, role=role.value,
                              minutes_version=review.minutes_version))
    audit.record(session, actor=actor, now=now, entity="Signature", entity_id=None, operation="update",
                 new={"justerare": user_ids}, clinic_id=review.clinic_id, review_id=review.id)


def send_for_approval(session: Session, *, actor: Actor, review_id: int, now: datetime) -> Review:
    """Close the meeting and send the minutes to the chair and the justerare."""
    review = editable_review(session, actor, review_id)
    problems = [] if review.chair_id else ["Ordförande: välj ordförande innan protokollet går till justering."]
    if not any(s.role == SignatureRole.ADJUSTER for s in signatures(session, review)):
        problems.append("Justerare: välj minst en justerare (§ Val av justerare).")
    if not any(s.role == SignatureRole.CHAIR for s in signatures(session, review)) and review.chair_id:
        session.add(Signature(review_id=review.id, user_id=review.chair_id, role=SignatureRole.CHAIR.value,
                              minutes_version=review.minutes_version))
    if problems:
        raise InvalidInput(problems)
    change_status(session, actor, review, ReviewStatus.APPROVAL, now)
    return review


def approve(session: Session, *, actor: Actor, review_id: int, now: datetime) -> Review:
    """Approve the minutes with the actor's own login; when all have approved, the review is locked."""
    review = get_or_fail(session, Review, review_id)
    if review.status != ReviewStatus.APPROVAL:
        raise UserError("Protokollet är inte skickat till justering.")
    mine = [s for s in signatures(session, review) if s.user_id == actor.user_id and s.signed_at is None]
    if not mine:
        raise UserError("Du är inte vald som ordförande eller justerare för detta protokoll, eller har redan justerat.")
    checksum = content_hash(minutes_content(session, review.id))
    for signature in mine:
        signature.signed_at, signature.content_sha256 = now, checksum
        session.add(signature)
        audit.record(session, actor=actor, now=now, entity="Signature", entity_id=signature.id, operation="approve",
                     new={"roll": signature.role, "sha256": checksum}, clinic_id=review.clinic_id, review_id=review.id)
    session.flush()
    if all(s.signed_at for s in signatures(session, review)):
        review.approved_at = now
        change_status(session, actor, review, ReviewStatus.APPROVED, now, operation="approve")
    return review


def return_to_meeting(session: Session, *, actor: Actor, review_id: int, now: datetime) -> Review:
    """Take minutes under justering back for corrections; approvals given so far are cleared."""
    review = get_or_fail(session, Review, review_id)
    require(actor, Permission.PREPARE_REVIEW, review.clinic_id)
    if review.status != ReviewStatus.APPROVAL:
        raise UserError("Protokollet är inte under justering.")
    for signature in signatures(session, review):
        signature.signed_at, signature.content_sha256 = None, None
        session.add(signature)
    change_status(session, actor, review, ReviewStatus.MEETING, now)
    return review


def reopen(session: Session, *, actor: Actor, review_id: int, reason: str, now: datetime) -> Review:
    """Reopen approved minutes: needs a reason, is logged, raises the version and clears the approvals."""
    review = get_or_fail(session, Review, review_id)
    require(actor, Permission.APPROVE_REVIEW, review.clinic_id)
    if review.status != ReviewStatus.APPROVED:
        raise UserError("Bara ett justerat protokoll kan återöppnas.")
    if not (reason or "").strip():
        raise InvalidInput(["Motivering: skriv varför protokollet återöppnas."])
    previous = signatures(session, review)
    review.minutes_version += 1
    review.approved_at = None
    for old in previous:
        session.add(Signature(review_id=review.id, user_id=old.user_id, role=old.role,
                              minutes_version=review.minutes_version))
    change_status(session, actor, review, ReviewStatus.MEETING, now, operation="reopen",
                extra={"motivering": reason.strip(), "version": review.minutes_version})
    return review
