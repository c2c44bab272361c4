"""Helpers every service uses: loading a row, and refusing a save based on a stale version."""
from typing import TypeVar

from sqlalchemy import update
from sqlmodel import Session, SQLModel

from core.errors import Conflict, NotFound
from core.glossary import DEFINITE, MODELS

T = TypeVar("T", bound=SQLModel)


def get_or_fail(session: Session, model: type[T], row_id: int) -> T:
    """Return the row or raise NotFound naming what was missing."""
    row = session.get(model, row_id)
    if row is None:
        raise NotFound(f"{MODELS[model.__name__]} med id {row_id} finns inte.")
    return row


def claim_version(session: Session, model: type[T], row_id: int, expected: int) -> None:
    """Bump the row's version if it is still `expected`, else raise Conflict (nothing is overwritten)."""
    result = session.execute(
        update(model).where(model.id == row_id, model.version == expected)
        .values(version=model.version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 0:
        what = DEFINITE.get(model.__name__, MODELS[model.__name__].lower())
        raise Conflict(f"Någon annan har ändrat {what} sedan du öppnade formuläret. Hämta de senaste uppgifterna "
                       "och gör din ändring igen.")
    row = session.get(model, row_id)
    if row is not None:
        session.refresh(row)
