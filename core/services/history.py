"""The change history (Ändringshistorik): who changed what and when, with old and new values."""
from datetime import date, datetime

from sqlmodel import Session, SQLModel, col, select

from core.models import HistoryEntry, Review
from core.permissions import Actor, Permission, require

SECRET_FIELDS = {"password_hash", "content"}


def plain(value):
    """Make a value JSON-friendly for the log."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set, frozenset)):
        return sorted(value) if isinstance(value, (set, frozenset)) else list(value)
    return value


def snapshot(obj: SQLModel) -> dict:
    """Return an object's loggable fields (secrets and bookkeeping left out)."""
    skip = SECRET_FIELDS | {"version"}
    return {k: plain(v) for k, v in obj.model_dump().items() if k not in skip}


def changed(old: dict, new: dict) -> tuple[dict, dict]:
    """Return only the keys whose values differ, as (old, new)."""
    keys = [k for k in new if old.get(k) != new.get(k)]
    return {k: old.get(k) for k in keys}, {k: new[k] for k in keys}


def record(session: Session, *, actor: Actor, now: datetime, entity: str, entity_id: int | None,
           operation: str, old: dict | None = None, new: dict | None = None,
           clinic_id: int | None = None, review_id: int | None = None) -> None:
    """Add a history entry to the session's transaction."""
    session.add(HistoryEntry(
        at=now, user_id=actor.user_id, actor_name=actor.name, entity=entity, entity_id=entity_id,
        operation=operation, clinic_id=clinic_id, review_id=review_id,
        old_values={k: plain(v) for k, v in (old or {}).items()} or None,
        new_values={k: plain(v) for k, v in (new or {}).items()} or None,
    ))


def review_history(session: Session, *, actor: Actor, review_id: int) -> list[HistoryEntry]:
    """Return a review's change history, newest first."""
    review = session.get(Review, review_id)
    require(actor, Permission.VIEW_CLINIC, review.clinic_id if review else -1)
    return list(session.exec(select(HistoryEntry).where(HistoryEntry.review_id == review_id)
                             .order_by(col(HistoryEntry.at).desc(), col(HistoryEntry.id).desc())))
