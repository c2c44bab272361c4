"""Read a filled strålskyddsbokslut workbook: every problem reported in Swedish, nothing written.

Reading is streamed (openpyxl read-only), so a large workbook costs little more than opening it.
"""
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from core import glossary
from core.annual_report import schema
from core.annual_report.schema import CHOICE, CHOICES, NUMBER, Column, Sheet

NUMBER_TEXT = re.compile(r"^[+-]?\d+([.,]\d+)?$")
NOT_A_WORKBOOK = ("Filen {name} är inte en läsbar Excel-arbetsbok (.xlsx). Spara den som "
                  "Excel-arbetsbok och försök igen; en CSV-fil, en PDF, en skadad eller lösenordsskyddad "
                  "fil kan inte läsas.")


@dataclass(frozen=True)
class Problem:
    """One refusal, with where it is and what is allowed."""

    sheet: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        place = ", ".join(p for p in (self.sheet, self.row and f"rad {self.row}",
                                      self.column and f"kolumn {self.column}") if p)
        return f"{place}: {self.message}" if place else self.message


@dataclass
class ParsedWorkbook:
    """What a workbook says, sheet by sheet; rows are dicts keyed by schema field, plus `row`."""

    header: dict = field(default_factory=dict)
    rows: dict[str, list[dict]] = field(default_factory=dict)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def _text(value) -> str | None:
    """Return a cell as stripped text, or None when empty."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def parse_number(value, percent_format: bool = False) -> tuple[float | None, bool]:
    """Read a number from a cell or text (decimal comma, spaces, %); return (number, was_percent)."""
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, (int, float)):
        return (float(value) * 100, True) if percent_format else (float(value), False)
    text = str(value).replace("\u00a0", " ").replace("\u202f", " ").strip()
    percent = text.endswith("%")
    text = text.rstrip("%").replace(" ", "")
    if not NUMBER_TEXT.match(text):
        raise ValueError
    return float(text.replace(",", ".")), percent


def _allowed(kind) -> str:
    """List an enum's Swedish terms for a message."""
    return ", ".join(glossary.options(kind).values())


def _choice(column: Column, text: str) -> str:
    """Return the enum value for a Swedish term, or raise ValueError with the message."""
    member = glossary.parse(column.choices, text)
    if member is None:
        raise ValueError(f"\"{text}\" är inte ett av: {_allowed(column.choices)}.")
    return member.value


def _cell_value(column: Column, cell, result: dict) -> object:
    """Convert one cell for its column; raise ValueError with a Swedish message when it cannot."""
    raw = cell.value if cell is not None else None
    text = _text(raw)
    if text is None:
        if column.required:
            raise ValueError("värde saknas (obligatoriskt).")
        return None
    if column.kind == NUMBER:
        try:
            number, percent = parse_number(raw, "%" in (getattr(cell, "number_format", "") or ""))
        except ValueError:
            raise ValueError(f"\"{text}\" är inte ett tal.") from None
        if percent:
            result.setdefault("percent_columns", set()).add(column.field)
        return number
    if column.kind == CHOICE:
        return _choice(column, text)
    if column.kind == CHOICES:
        return [_choice(column, part.strip()) for part in text.split(",") if part.strip()]
    return text


def _header_map(sheet: Sheet, cells, parsed: ParsedWorkbook, row_no: int) -> dict[int, Column]:
    """Match header cells to the sheet's columns; warn about unknown ones, refuse missing required ones."""
    by_name = {c.header.casefold(): c for c in sheet.columns}
    found: dict[int, Column] = {}
    for index, cell in enumerate(cells):
        name = (_text(cell.value) or "").rstrip("*").strip()
        if not name:
            continue
        column = by_name.get(name.casefold())
        if column is None:
            parsed.warnings.append(Problem(sheet.name, row_no, name, "okänd kolumn, den läses inte."))
        else:
            found[index] = column
    for column in sheet.columns:
        if column.required and column not in found.values():
            parsed.errors.append(Problem(sheet.name, row_no, column.header, "kolumnen saknas (obligatorisk)."))
    return found


def _read_row(sheet: Sheet, columns: dict[int, Column], cells, row_no: int, parsed: ParsedWorkbook) -> dict:
    """Convert one data row, collecting every problem in it."""
    result: dict = {"row": row_no}
    for index, column in columns.items():
        cell = cells[index] if index < len(cells) else None
        try:
            result[column.field] = _cell_value(column, cell, result)
        except ValueError as exc:
            parsed.errors.append(Problem(sheet.name, row_no, column.header, str(exc)))
    return result


def _read_table(sheet: Sheet, worksheet, parsed: ParsedWorkbook) -> None:
    """Read a table sheet: the first non-empty row is the header; empty rows are skipped."""
    rows, columns = [], None
    for row_no, cells in enumerate(worksheet.iter_rows(), start=1):
        if all(_text(c.value) is None for c in cells):
            continue
        if columns is None:
            columns = _header_map(sheet, cells, parsed, row_no)
            continue
        rows.append(_read_row(sheet, columns, cells, row_no, parsed))
    parsed.rows[sheet.name] = rows


def _read_date(text: str, raw) -> date:
    """Read an Excel date or ÅÅÅÅ-MM-DD text."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    return date.fromisoformat(text)


def _header_value(attribute: str, raw, text: str):
    """Convert one value of the Bokslut sheet; raise ValueError with the message."""
    if attribute == "year":
        try:
            number = parse_number(raw)[0]
        except ValueError:
            number = None
        if number is None or not number.is_integer() or not schema.FIRST_YEAR <= number <= schema.LAST_YEAR:
            raise ValueError(f"\"{text}\" är inte ett år (ett heltal {schema.FIRST_YEAR}–{schema.LAST_YEAR}).")
        return int(number)
    if attribute == "completed_on":
        try:
            return _read_date(text, raw)
        except ValueError:
            raise ValueError(f"\"{text}\" är inte ett datum (ÅÅÅÅ-MM-DD).") from None
    return text


def _read_bokslut(worksheet, parsed: ParsedWorkbook) -> None:
    """Read the two-column Bokslut sheet: field name, value."""
    fields = {name.casefold(): (name, *spec) for name, spec in schema.BOKSLUT_FIELDS.items()}
    label_rows: dict[str, int] = {}
    for row_no, cells in enumerate(worksheet.iter_rows(max_col=2), start=1):
        key = (_text(cells[0].value) or "").rstrip("*").strip().casefold() if cells else ""
        if key not in fields:
            continue
        name, attribute, _ = fields[key]
        label_rows[attribute] = row_no
        raw = cells[1].value if len(cells) > 1 else None
        text = _text(raw)
        if text is None:
            continue
        try:
            parsed.header[attribute] = _header_value(attribute, raw, text)
        except ValueError as exc:
            parsed.errors.append(Problem(schema.BOKSLUT, row_no, name, str(exc)))
    for name, (attribute, required) in schema.BOKSLUT_FIELDS.items():
        already_refused = any(p.sheet == schema.BOKSLUT and p.column == name for p in parsed.errors)
        if required and attribute not in parsed.header and not already_refused:
            parsed.errors.append(Problem(schema.BOKSLUT, label_rows.get(attribute), name,
                                         "värde saknas (obligatoriskt)."))


def open_workbook(data: bytes, filename: str):
    """Open the bytes as a workbook, or raise ValueError with one clear Swedish message."""
    if not data:
        raise ValueError(f"Filen {filename} är tom.")
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError):
        raise ValueError(NOT_A_WORKBOOK.format(name=filename)) from None


def read_workbook(data: bytes, filename: str = "arbetsboken") -> ParsedWorkbook:
    """Read and check a workbook's form (not yet against the database)."""
    parsed = ParsedWorkbook()
    try:
        workbook = open_workbook(data, filename)
    except ValueError as exc:
        parsed.errors.append(Problem("", None, None, str(exc)))
        return parsed
    try:
        sheets = {ws.title.strip().casefold(): ws for ws in workbook.worksheets}
        if schema.BOKSLUT.casefold() in sheets:
            _read_bokslut(sheets[schema.BOKSLUT.casefold()], parsed)
        else:
            parsed.errors.append(Problem(schema.BOKSLUT, None, None, "bladet saknas (obligatoriskt)."))
        for sheet in schema.TABLE_SHEETS:
            if sheet.name.casefold() in sheets:
                _read_table(sheet, sheets[sheet.name.casefold()], parsed)
            else:
                parsed.rows[sheet.name] = []
                parsed.warnings.append(Problem(sheet.name, None, None, "bladet saknas och räknas som tomt."))
    finally:
        workbook.close()
    return parsed
