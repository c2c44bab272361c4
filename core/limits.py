"""What a stored value may be: text limits read from the models (one source for the database, the imports and the
forms' max_chars), the characters a text may hold, and the bounds of plausible figures and dates.

A flush is checked against the text rules (guard_sessions), so every path that writes through the session (forms,
the command line, imports, first run) refuses in Swedish what PostgreSQL would otherwise refuse with a DataError.
"""
import re
from collections.abc import Iterator, Mapping
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import String, Table, event, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.types import TypeEngine
from sqlmodel import SQLModel

from core.errors import InvalidInput
from core.formatting import number_text
from core.glossary import FIELDS, MODELS

# Excel's own limit for one cell; also the cap for unbounded text columns (a description, notes, a comment).
MAX_CELL_CHARS = 32_767
# Unbounded columns that hold a whole file's text, capped where the file is read (the criteria YAML), not here.
WHOLE_FILE_TEXTS = frozenset({("assessmenttemplate", "source")})
# Bounded columns that may still hold several lines: the comments typed in a workbook cell or a form.
MULTI_LINE_FIELDS = frozenset({"comment"})
# Characters no text may hold: the control characters (Unicode category Cc: C0, DEL and C1), lone surrogates (UTF-8
# cannot encode them) and the two non-characters. PostgreSQL refuses NUL; the rest hide text or break a line,
# a header of an e-mail or a PDF. A tab and a line break (\n, or \r\n as Windows writes it) are allowed where text
# may have several lines; a one-line text (a name, a title) also refuses those and the Unicode line separators.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]|\r(?!\n)")
MAX_LISTED = 200  # problems listed at once (a message must stay readable)
LINE_BREAK = re.compile("[\t\n\r\u2028\u2029]")


# Plausible figures and dates. A value outside these bounds is a typing or unit error, never a measurement, so it is
# refused where it enters (a workbook, a form, the command line). High values that can really happen still pass,
# so an accident can be recorded: the legal limits in core/regulation flag those, and this module does not.
FIRST_DAY = date(2000, 1, 1)  # the portal's data begins with bokslut year 2000; nothing it records is older
MAX_YEARS_AHEAD = 10  # a planned date (a due date, a meeting) further ahead than this is a typing error
MAX_STAFF = 100_000  # people in one staff group of one clinic: more than a whole Swedish region employs
# The highest personal dose of a year (mSv) that a living worker's dosimeter can report. 10 Sv whole-body is lethal
# and 10 Sv to the eye lens is far beyond any recorded exposure; accidents with sealed sources have given the hands
# local doses of tens of Gy, so the extremity bound is ten times higher.
MAX_DOSE_MSV = {"max_hp10": 10_000.0, "max_hp3": 10_000.0, "max_extremity": 100_000.0,
                "investigation_hp10": 10_000.0, "investigation_hp3": 10_000.0, "investigation_extremity": 100_000.0}
# The highest local diagnostic standard level per dose quantity of SSM's table (in the table's unit): a hundredfold
# and more the largest national DRL of the quantity, so only a wrong unit or a typing error reaches it.
MAX_DRL = {"DAP": 10_000.0, "CTDIvol": 10_000.0, "DLP": 100_000.0, "AGD": 1_000.0, "Aktivitet": 100_000.0,
           "Aktivitet per kg": 1_000.0}
MAX_DRL_ANY = max(MAX_DRL.values())  # a level whose quantity is not known

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
    return length_problem(text, limit)


def length_problem(text: str, limit: int) -> str | None:
    """Return the Swedish refusal of a text longer than limit, or None when it fits."""
    if len(text) <= limit:
        return None
    return f"texten är {number_text(len(text))} tecken lång; högst {number_text(limit)} tecken får plats."


def is_single_line(model: type, field: str) -> bool:
    """Tell whether the column holds one line (a bounded text: a name, a title, a code), not a comment or notes."""
    return max_length(model, field) is not None and field not in MULTI_LINE_FIELDS


def character_problem(text: str, single_line: bool = False) -> str | None:
    """Return the Swedish refusal of a text holding a control character (or, on one line, a line break), or None."""
    bad = CONTROL.search(text) or (LINE_BREAK.search(text) if single_line else None)
    if bad is None:
        return None
    char = bad.group()[0]
    if single_line and LINE_BREAK.fullmatch(char):
        return (f"texten har en radbrytning eller ett tabbtecken på plats {bad.start() + 1}; skriv den på en rad "
                "utan tabbtecken.")
    return f"texten innehåller ett otillåtet tecken (kod {ord(char):#06x}) på plats {bad.start() + 1}."


def text_problem(model: type, field: str, text: str) -> str | None:
    """Return the Swedish refusal of a text for this column (too long, or a character it may not hold), or None."""
    whole_file = (table_of(model).name, field) in WHOLE_FILE_TEXTS
    return ((None if whole_file else too_long(model, field, text))
            or character_problem(text, is_single_line(model, field)))


@cache
def _texts(table: Table) -> tuple[str, ...]:
    """Return the table's text columns (bounded or not; JSON and binary columns hold no one text)."""
    return tuple(c.key for c in table.columns if _holds_text(c.type))


def _holds_text(column_type: TypeEngine) -> bool:
    """Tell whether a column type stores one text (a String, also behind a TypeDecorator such as AutoString)."""
    return isinstance(getattr(column_type, "impl_instance", column_type), String)


def _label(model: type | None, field: str) -> str:
    """Name a field in Swedish (by the model's term when the field has none of its own)."""
    return FIELDS.get(field) or (model and MODELS.get(model.__name__)) or "Ett textfält"


def _problems(obj: SQLModel, check_all: bool) -> list[str]:
    """Refuse the texts of one row that break the text rules (for an old row: only what changed)."""
    state = inspect(obj)
    problems = []
    for field in _texts(table_of(type(obj))):
        value = getattr(obj, field, None)
        if isinstance(value, str) and (check_all or state.attrs[field].history.has_changes()):
            problem = text_problem(type(obj), field, value)
            if problem:
                problems.append(f"{_label(type(obj), field)}: {problem}")
    return problems


def refuse_bad_text(session: Session, _flush_context, _instances) -> None:
    """Refuse a flush that would store a text its column may not hold (SQLite keeps it, PostgreSQL fails)."""
    problems = [p for obj in session.new if hasattr(obj, "__table__") for p in _problems(obj, True)]
    problems += [p for obj in session.dirty if hasattr(obj, "__table__") for p in _problems(obj, False)]
    if problems:
        raise InvalidInput(problems)


def _model_of(table: Table) -> type | None:
    """Return the SQLModel class mapped to a table."""
    return next((m.class_ for m in SQLModel._sa_registry.mappers if m.local_table is table), None)


def refuse_bad_bulk_text(state: ORMExecuteState) -> None:
    """Refuse a bulk INSERT or UPDATE through the session (a workbook's rows) with a text its column may not hold."""
    table = getattr(state.statement, "table", None)
    if not (state.is_insert or state.is_update) or not isinstance(table, Table):
        return
    model, params = _model_of(table), state.parameters
    rows: list[Mapping[str, Any]] = [params] if isinstance(params, Mapping) else list(params or [])
    problems = [f"{_label(model, field)}: {problem}" for row in rows for field in _texts(table)
                if isinstance(row.get(field), str) and model is not None
                and (problem := text_problem(model, field, row[field]))]
    if problems:
        raise InvalidInput(problems[:MAX_LISTED])


NUL_REFUSED = "En uppgift innehåller ett otillåtet tecken (kod 0x0000); ta bort det och försök igen."


def _values(parameters: Any) -> Iterator[Any]:
    """Yield every value of a statement's parameters (a dict, a sequence, or many of either)."""
    for item in parameters.values() if isinstance(parameters, Mapping) else parameters or ():
        if isinstance(item, (Mapping, list, tuple)):
            yield from _values(item)
        else:
            yield item


def refuse_nul(_conn, _cursor, _statement, parameters, _context, _executemany) -> None:
    """Refuse a NUL in any value sent to the database, a lookup included (PostgreSQL fails on it with DataError);
    a write is refused before this, naming its field (refuse_bad_text)."""
    if any(isinstance(v, str) and "\x00" in v for v in _values(parameters)):
        raise InvalidInput([NUL_REFUSED])


def guard_sessions() -> None:
    """Check every session's writes against the text rules, and every statement for NUL (once per process)."""
    if not event.contains(Session, "before_flush", refuse_bad_text):
        event.listen(Session, "before_flush", refuse_bad_text)
        event.listen(Session, "do_orm_execute", refuse_bad_bulk_text)
        event.listen(Engine, "before_cursor_execute", refuse_nul)


def figure_text(value: float) -> str:
    """Format a figure for a message, also an absurd one (1e300 is not written out in 301 digits)."""
    if value != value:  # NaN: an empty cell of a table editor
        return "Ett tomt värde"
    return number_text(value) if abs(value) < 1e12 else f"{value:.3g}".replace(".", ",")


def count_problem(value: float) -> str | None:
    """Return the Swedish refusal of a head count that is not a whole number from 0 to MAX_STAFF, or None."""
    if 0 <= value <= MAX_STAFF and float(value).is_integer():
        return None
    return f"{figure_text(value)} är inget antal (ett heltal från 0 till {number_text(MAX_STAFF)})."


def dose_problem(field: str, value: float) -> str | None:
    """Return the Swedish refusal of a personal dose (mSv) that is negative or impossibly high, or None."""
    if value < 0:
        return "en dos kan inte vara negativ."
    if value > MAX_DOSE_MSV[field]:
        return (f"{figure_text(value)} mSv är ingen möjlig dos under ett år (högst "
                f"{number_text(MAX_DOSE_MSV[field])} mSv); kontrollera värdet och enheten.")
    return None


def drl_problem(quantity: str | None, unit: str | None, value: float) -> str | None:
    """Return the Swedish refusal of a standard level that is not above 0 or implausibly high for its quantity."""
    if value <= 0:
        return "en standardnivå måste vara större än 0."
    bound = MAX_DRL.get(quantity or "", MAX_DRL_ANY)
    if value > bound:
        return (f"{figure_text(value)} {unit or ''}".rstrip() + f" är ingen rimlig nivå (högst {number_text(bound)}"
                f"{' ' + unit if unit else ''}); kontrollera värdet och enheten.")
    return None


def day_problems(today: date, *, happened: bool, **days: date | None) -> list[str]:
    """Return "Fält: vad som är fel" for each implausible date given by its field name (see day_problem)."""
    return [f"{_label(None, name)}: {problem}" for name, day in days.items()
            if day is not None and (problem := day_problem(day, today, happened=happened))]


def day_problem(day: date, today: date, *, happened: bool) -> str | None:
    """Return the Swedish refusal of an implausible date: before the portal's data, in the future for what has
    happened, or further ahead than any plan; None when it is plausible."""
    if day < FIRST_DAY:
        return f"{day.isoformat()} är inget rimligt datum (tidigast {FIRST_DAY.isoformat()})."
    if happened and day > today:
        return f"{day.isoformat()} har inte inträffat än (i dag är det {today.isoformat()})."
    if day.year > today.year + MAX_YEARS_AHEAD:
        return f"{day.isoformat()} ligger mer än {MAX_YEARS_AHEAD} år fram i tiden."
    return None
