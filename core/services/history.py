"""The change history (Ändringshistorik) as pages read it; core/history.py writes it from every flush."""
from sqlmodel import Session, col, select

from core.models import HistoryEntry, Review
from core.permissions import Actor, Permission, require


def review_history(session: Session, *, actor: Actor, review_id: int) -> list[HistoryEntry]:
    """Return a review's change history, newest first."""
    review = session.get(Review, review_id)
    require(actor, Permission.VIEW_CLINIC, review.clinic_id if review else -1)
    return list(session.exec(select(HistoryEntry).where(HistoryEntry.review_id == review_id)
                             .order_by(col(HistoryEntry.at).desc(), col(HistoryEntry.id).desc())))
