"""Text limits, read from the models: one source for the database, the imports and the forms' max_chars."""
from functools import cache

from sqlalchemy import Table, event, inspect
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from core.errors import InvalidInput
from core.formatting import number_text
from core.glossary import FIELDS

# Excel's own limit for one cell; also the cap for unbounded text columns read from a workbook.
MAX_CELL_CHARS = 32_767


def table_of(model: type) -> Table:
    """The table a SQLModel class maps to (SQLModel declares `__table__` only at run time)."""
    return getattr(model, "__table__")  # noqa: B009


def max_length(model: type[SQLModel], field: str) -> int | None:
    """Return how many characters the model's column holds, or None when the column is unbounded text."""
    column = table_of(model).c[field]
    return getattr(column.type, "length", None)


def text_limit(model: type, field: str) -> int:
    """Return the most characters a text for this column may have (unbounded text: one Excel cell)."""
    return max_length(model, field) or MAX_CELL_CHARS


def too_long(model: type[SQLModel], field: str, text: str | None) -> str | None:
    """Return the Swedish refusal of a text longer than its column allows, or None when it fits."""
    limit = text_limit(model, field)
    if text is None or len(text) <= limit:
        return None
    return f"texten är {number_text(len(text))} tecken lång; högst {number_text(limit)} tecken får plats."




@cache
def _bounded(model: type) -> tuple[tuple[str, int], ...]:
    """Return the model's bounded text columns and their lengths."""
    columns = table_of(model).columns
    return tuple((c.key, length) for c in columns if (length := getattr(c.type, "length", None)))


def _label(field: str) -> str:
    """Name a field in Swedish."""
    return FIELDS.get(field) or "Ett textfält"


def _problems(obj: SQLModel, check_all: bool) -> list[str]:
    """Refuse the texts of one row that are longer than their columns (for an old row: only what changed)."""
    state = inspect(obj)
    problems = []
    for field, limit in _bounded(type(obj)):
        value = getattr(obj, field, None)
        if isinstance(value, str) and len(value) > limit and (check_all or state.attrs[field].history.has_changes()):
            problems.append(f"{_label(field)}: {too_long(type(obj), field, value)}")
    return problems


def refuse_too_long(session: Session, _flush_context, _instances) -> None:
    """Refuse a flush that would store a text longer than its column (SQLite keeps it, PostgreSQL fails)."""
    problems = [p for obj in session.new if hasattr(obj, "__table__") for p in _problems(obj, True)]
    problems += [p for obj in session.dirty if hasattr(obj, "__table__") for p in _problems(obj, False)]
    if problems:
        raise InvalidInput(problems)


def guard_sessions() -> None:
    """Check every session's flush against the column limits (once per process)."""
    if not event.contains(Session, "before_flush", refuse_too_long):
        event.listen(Session, "before_flush", refuse_too_long)
