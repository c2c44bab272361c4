"""Sealing approved minutes with the organisation's seal: at the last approval, and once at upgrade for older ones.

The seal's reason names the minutes and who approved them, so a PDF reader that shows the seal shows that too.
"""
import hashlib
from datetime import datetime

from sqlmodel import Session, col, select

from core import history, seal
from core.config import Settings, load_settings
from core.documents.content import MinutesContent, read
from core.enums import HistoryOperation
from core.formatting import date_text, datetime_text
from core.models import MinutesVersion, Organisation, Review
from core.permissions import Actor, Permission, require
from core.services._integrity import RecordAltered, checked
from core.services.minutes_document import render_approved


def _approvers(content: MinutesContent, approved: list[str | None]) -> str:
    """Name each approver with the capacity they signed in, and when (when known)."""
    times = [*approved, *([None] * len(content.signers))]
    return ", ".join(f"{s.name} ({s.capacity.lower()}{f', {when}' if when else ''})"
                     for s, when in zip(content.signers, times))


def approval_reason(content: MinutesContent, approved: list[str | None]) -> str:
    """The seal's reason at the last approval: which minutes, and who approved them when."""
    return (f"Justerat protokoll {content.number}, version {content.version}, {content.clinic}. "
            f"Justerat av: {_approvers(content, approved)}.")


def upgrade_reason(content: MinutesContent, *, approved_at: datetime | None, now: datetime) -> str:
    """The seal's reason for minutes approved before the portal sealed them: sealed at the upgrade, not at approval."""
    return (f"Förseglat vid uppgradering {date_text(now.date())}, justerat {datetime_text(approved_at) or 'tidigare'}: "
            f"protokoll {content.number}, version {content.version}, {content.clinic}. "
            f"Justerat av: {_approvers(content, [])}.")


def render_sealed(frozen: MinutesVersion, approved: list[str | None], metadata: dict[str, str] | None = None, *,
                  created: datetime | None = None, settings: Settings | None = None) -> bytes:
    """Print the frozen content as approved (render_approved) and seal it: what the last approval stores."""
    content = read(frozen.content)
    return seal.seal_pdf(render_approved(frozen, approved, metadata, created=created),
                         reason=approval_reason(content, approved), settings=settings or load_settings(),
                         organisation=content.organisation)


def ensure_organisation_seal(session: Session, *, actor: Actor, settings: Settings) -> bool:
    """Make the organisation's self-signed seal unless one is configured or made already; True when made now."""
    require(actor, Permission.ADMINISTER_DATABASE)
    name = session.exec(select(Organisation.name).order_by(col(Organisation.id))).first()
    return name is not None and seal.ensure_seal(settings, name)


def _approved_ids(session: Session) -> list[int]:
    """Return the ids of the approved versions, oldest first (whether each is sealed is read from its PDF)."""
    return [i for i in session.exec(select(MinutesVersion.id).where(MinutesVersion.approved_at != None,  # noqa: E711
                                                                    MinutesVersion.pdf != None)  # noqa: E711
                                    .order_by(col(MinutesVersion.id))).all() if i is not None]


def seal_unsealed(session: Session, *, actor: Actor, now: datetime, settings: Settings) -> int:
    """Seal every approved version stored before the portal sealed minutes, once; return how many were sealed."""
    require(actor, Permission.ADMINISTER_DATABASE)
    history.track(session, actor=actor, now=now)
    sealed = 0
    for version_id in _approved_ids(session):
        frozen = session.get(MinutesVersion, version_id)
        if frozen is None or frozen.pdf is None or seal.is_sealed(frozen.pdf):
            continue
        try:
            checked(session, frozen)
        except RecordAltered:
            continue  # never sealed, so never made to look genuine; the incident is in the server log
        content = read(frozen.content)
        before = frozen.pdf_sha256
        frozen.pdf = seal.seal_pdf(frozen.pdf, reason=upgrade_reason(content, approved_at=frozen.approved_at, now=now),
                                   settings=settings, organisation=content.organisation)
        frozen.pdf_sha256 = hashlib.sha256(frozen.pdf).hexdigest()
        session.add(frozen)
        review = session.get(Review, frozen.review_id)
        history.record(session, "MinutesVersion", operation=HistoryOperation.UPDATE,
                       clinic_id=review.clinic_id if review else None, review_id=frozen.review_id,
                       old={"version": frozen.version, "pdf_sha256": before},
                       new={"version": frozen.version, "pdf_sha256": frozen.pdf_sha256,
                            "förseglad_vid_uppgradering": True})
        sealed += 1
    return sealed
