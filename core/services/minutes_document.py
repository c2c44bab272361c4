"""The minutes as a PDF: a draft from the live rows, minutes under justering from their frozen content,
and approved minutes exactly as stored when the last approver signed."""
from datetime import datetime

from sqlmodel import Session, col, select

from core import charts
from core.documents.content import MinutesContent, read
from core.documents.minutes_pdf import Stamp, minutes_pdf
from core.enums import ReviewStatus
from core.errors import NotFound
from core.models import MinutesVersion
from core.permissions import Actor
from core.services import reviews
from core.services._integrity import approved_record, checked, content_bytes, content_hash
from core.services._queries import approval_times, minutes_record
from core.services.minutes_content import build_content

__all__ = ["content_hash", "render", "render_approved", "review_minutes_pdf", "content_for", "approved_versions",
           "approved_pdf"]


def render(content: MinutesContent, stamp: Stamp) -> bytes:
    """Print a content document, with its key-indicator chart."""
    points = [p.model_dump() for p in content.chart]
    chart = charts.png(charts.key_indicators_chart(points, zero=content.hyphens_and_zero_axes)) if points else None
    return minutes_pdf(content, stamp, chart)


def render_approved(frozen: MinutesVersion, approved: list[str | None], metadata: dict[str, str] | None = None,
                    *, created: datetime | None = None) -> bytes:
    """Print the frozen content as approved: a PDF/A-3b with every approval time, the content attached.

    `metadata` adds lines to the document metadata (XMP stralportal:NAME and Info /Keywords), such as the head of
    the change history at approval. The PDF counts as created at `created` (pass the last approval's `now`), else
    when the version was approved, else when it was frozen: never the clock, so one approval prints one file.
    """
    stamp = Stamp(draft=False, checksum=frozen.content_sha256, approved=approved,
                  content_json=content_bytes(frozen.content), created=created or frozen.approved_at or frozen.frozen_at,
                  metadata=metadata or {})
    return render(read(frozen.content), stamp)


def review_minutes_pdf(session: Session, *, actor: Actor, review_id: int, with_chart: bool = True) -> bytes:
    """Return the minutes of a review: the stored PDF once approved, else a draft (frozen or live)."""
    review = reviews.get_review(session, actor=actor, review_id=review_id)
    frozen = minutes_record(session, review)
    if review.status == ReviewStatus.APPROVED:
        pdf = approved_record(session, review, frozen).pdf
        assert pdf is not None  # approved_record refuses a version without its PDF
        return pdf
    if frozen is not None:
        checked(session, frozen)
    content = read(frozen.content) if frozen else build_content(session, actor=actor, review=review)
    checksum = frozen.content_sha256 if frozen else content_hash(content.as_json())
    if not with_chart:
        content = content.model_copy(update={"chart": []})
    stamp = Stamp(draft=True, checksum=checksum,
                  approved=approval_times(session, review) if frozen else [])
    return render(content, stamp)


def content_for(session: Session, *, actor: Actor, review_id: int) -> tuple[MinutesContent, str]:
    """Return what the minutes say and its checksum: the frozen content once sent for justering, else live."""
    review = reviews.get_review(session, actor=actor, review_id=review_id)
    frozen = minutes_record(session, review)
    if review.status == ReviewStatus.APPROVED:
        frozen = approved_record(session, review, frozen)
    if frozen is not None:
        checked(session, frozen)
        return read(frozen.content), frozen.content_sha256
    content = build_content(session, actor=actor, review=review)
    return content, content_hash(content.as_json())


def approved_versions(session: Session, *, actor: Actor, review_id: int) -> list[MinutesVersion]:
    """Return every approved version of a review's minutes, oldest first, each with its stored PDF."""
    reviews.get_review(session, actor=actor, review_id=review_id)
    return [checked(session, frozen) for frozen in
            session.exec(select(MinutesVersion).where(MinutesVersion.review_id == review_id,
                                                      MinutesVersion.approved_at != None)  # noqa: E711
                         .order_by(col(MinutesVersion.version)))]


def approved_pdf(session: Session, *, actor: Actor, review_id: int, version: int) -> bytes:
    """Return the stored PDF of one approved version."""
    review = reviews.get_review(session, actor=actor, review_id=review_id)
    frozen = minutes_record(session, review, version)
    if frozen is None or frozen.pdf is None:
        raise NotFound(f"Protokollet version {version} är inte justerat.")
    checked(session, frozen)
    return frozen.pdf
