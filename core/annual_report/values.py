"""Convert one workbook cell for its column; every refusal is a ValueError with a Swedish message."""
import math
import re
from datetime import date, datetime

from core import glossary
from core.annual_report import schema
from core.annual_report.cells import CellFault
from core.annual_report.schema import CHOICE, CHOICES, DATE, NUMBER, Column
from core.formatting import number_text
from core.limits import MAX_CELL_CHARS, character_problem, is_single_line, length_problem, text_limit

NUMBER_TEXT = re.compile(r"^[+-]?\d+([.,]\d+)?$")
SHOWN = 60


def text_of(value) -> str | None:
    """Return a cell as stripped text, or None when empty."""
    if value is None:
        return None
    if isinstance(value, CellFault):
        raise ValueError(value.reason)
    if isinstance(value, bool):  # a TRUE/FALSE cell, named as Swedish Excel names it
        return "SANT" if value else "FALSKT"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def quoted(text: str) -> str:
    """Quote a value for a message, shortened when long (a message must stay readable)."""
    return f"\"{text}\"" if len(text) <= SHOWN else f"\"{text[:SHOWN]}…\" ({number_text(len(text))} tecken)"


def checked_text(text: str, limit: int = MAX_CELL_CHARS, single_line: bool = False) -> str:
    """Return text that fits its column and holds only the characters it may (core.limits), or raise ValueError."""
    problem = length_problem(text, limit) or character_problem(text, single_line)
    if problem:
        raise ValueError(problem)
    return text


def parse_number(value, percent_format: bool = False) -> tuple[float, bool]:
    """Read a number from a cell or text (decimal comma, spaces, %); return (number, was_percent)."""
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, (int, float)):
        number, percent = (float(value) * 100, True) if percent_format else (float(value), False)
    else:
        text = str(value).replace("\u00a0", " ").replace("\u202f", " ").strip()
        percent = text.endswith("%")
        text = text.rstrip("%").replace(" ", "")
        if not NUMBER_TEXT.match(text):
            raise ValueError
        number = float(text.replace(",", "."))
    if not math.isfinite(number):
        raise ValueError
    return number, percent


def _allowed(kind) -> str:
    """List an enum's Swedish terms for a message."""
    return ", ".join(glossary.options(kind).values())


def _choice(column: Column, text: str) -> str:
    """Return the enum value for a Swedish term, or raise ValueError with the message."""
    assert column.choices is not None  # a choice column names its enum
    member = glossary.parse(column.choices, text)
    if member is None:
        raise ValueError(f"{quoted(text)} är inte ett av: {_allowed(column.choices)}.")
    return member.value


def _number(column: Column, raw, percent_format: bool, text: str, result: dict) -> float:
    """Read a number cell, noting a percent so the unit can follow.

    A percentage where the column holds a count, a dose or a level is refused: such a figure is never a share, so
    reading the cell as 0,5 (what it holds) or as 50 (what it shows) would both be a guess.
    """
    try:
        number, percent = parse_number(raw, percent_format)
    except ValueError:
        raise ValueError(f"{quoted(text)} är inte ett tal.") from None
    if percent and not column.percent:
        raise ValueError(f"cellen visar ett procenttal ({number_text(number, None if number.is_integer() else 2)} %),"
                         " men kolumnen tar ett tal utan procent. Ta bort procentformatet (eller %-tecknet) och "
                         "skriv talet som det ska läsas.")
    if percent:
        result.setdefault("percent_columns", set()).add(column.field)
    return number


def cell_value(column: Column, limit: int, raw, percent_format, result: dict, single_line: bool = False) -> object:
    """Convert one cell for its column; percent_format() tells whether the cell is formatted as percent."""
    text = text_of(raw)
    if text is None:
        if column.required:
            raise ValueError("värde saknas (obligatoriskt).")
        return column.default
    if column.kind == schema.TEXT:
        checked_text(text, limit, single_line)
    else:
        checked_text(text)
    if column.kind == NUMBER:
        return _number(column, raw, isinstance(raw, (int, float)) and percent_format(), text, result)
    if column.kind == CHOICE:
        return _choice(column, text)
    if column.kind == CHOICES:
        return [_choice(column, part.strip()) for part in text.split(",") if part.strip()]
    if column.kind == DATE:
        return _read_date(text, raw)
    return text


def _read_date(text: str, raw) -> date:
    """Read an Excel date or ÅÅÅÅ-MM-DD text within the years a bokslut can have."""
    try:
        day = raw.date() if isinstance(raw, datetime) else raw if isinstance(raw, date) else date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{quoted(text)} är inte ett datum (ÅÅÅÅ-MM-DD).") from None
    if not schema.FIRST_YEAR <= day.year <= schema.LAST_YEAR + 1:
        raise ValueError(f"{day.isoformat()} är inget rimligt datum (från {schema.FIRST_YEAR}-01-01 till "
                         f"{schema.LAST_YEAR + 1}-12-31).")
    return day


def _year(raw, text: str) -> int:
    """Read the covered year."""
    try:
        number = parse_number(raw)[0]
    except ValueError:
        number = None
    if number is None or not number.is_integer() or not schema.FIRST_YEAR <= number <= schema.LAST_YEAR:
        raise ValueError(f"{quoted(text)} är inte ett år (ett heltal {schema.FIRST_YEAR}–{schema.LAST_YEAR}).")
    return int(number)


def header_value(attribute: str, raw, text: str):
    """Convert one value of the Bokslut sheet; raise ValueError with the message."""
    if attribute == "year":
        return _year(raw, text)
    if attribute == "completed_on":
        return _read_date(text, raw)
    if attribute == "format_version":
        version = text.replace(",", ".").strip()
        version = f"{version}.0" if version.isdigit() else version
        if version not in schema.FORMAT_VERSIONS:
            raise ValueError(f"{quoted(text)} är ingen formatversion som portalen läser "
                             f"({' eller '.join(schema.FORMAT_VERSIONS)}).")
        return version
    model, field = schema.BOKSLUT_COLUMNS[attribute]
    return checked_text(text, text_limit(model, field), is_single_line(model, field))
