"""Helpers every service uses: loading a row, refusing a save based on a stale version, the bokslut's lock."""
from typing import TypeVar

from sqlalchemy import update
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, SQLModel

from core.errors import Conflict, NotFound
from core.glossary import DEFINITE, MODELS
from core.limits import table_of
from core.models import Organisation

T = TypeVar("T", bound=SQLModel)


def get_or_fail(session: Session, model: type[T], row_id: int) -> T:
    """Return the row or raise NotFound naming what was missing."""
    row = session.get(model, row_id)
    if row is None:
        raise NotFound(f"{MODELS[model.__name__]} med id {row_id} finns inte.")
    return row


def stale(what: str) -> Conflict:
    """Return the refusal of a save made from a form someone else has saved since it was opened."""
    return Conflict(f"Någon annan har ändrat {what} sedan du öppnade formuläret. Ladda om de senaste uppgifterna "
                    "och gör din ändring igen.")


def require_version(expected: int) -> int:
    """Refuse a save without the version its form was opened with: a missing one would skip the stale-save check."""
    if isinstance(expected, bool) or not isinstance(expected, int):
        raise TypeError(f"expected_version must be the version the form was opened with (the command line and tests "
                        f"pass the current one), not {expected!r}")
    return expected


def claim_version(session: Session, model: type[T], row_id: int, expected: int, what: str | None = None) -> None:
    """Bump the row's version if it is still `expected`, else raise Conflict naming `what`."""
    columns = table_of(model).c
    condition = [columns.id == row_id, columns.version == require_version(expected)]
    result = session.exec(update(model).where(*condition).values(version=columns.version + 1)
                          .execution_options(synchronize_session=False))
    if result.rowcount == 0:
        raise stale(what or DEFINITE.get(model.__name__, MODELS[model.__name__].lower()))
    row = session.get(model, row_id)
    if row is not None:
        session.refresh(row)


def lock_annual_reports(session: Session, busy: str) -> None:
    """Make a second load of a bokslut, or save of its figures, wait for this one (row locks; SQLite's write lock).

    Every organisation row is locked, since a load may create the bokslut; SQLite gives up after its busy
    timeout ("database is locked"), which is refused with the `busy` message.
    """
    try:
        session.execute(update(Organisation).values(licence_number=Organisation.licence_number)
                        .execution_options(synchronize_session=False))
    except OperationalError as exc:
        if "locked" not in str(exc.orig):
            raise
        raise Conflict(busy) from None
