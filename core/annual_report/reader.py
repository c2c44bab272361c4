"""Read a filled strålskyddsbokslut workbook: every problem reported in Swedish, nothing written.

Reading is streamed (openpyxl's parser, row by row), so a large workbook costs little more than opening it,
and a damaged or hostile one is refused naming the sheet, row and column, never with a traceback.
"""
import io
import warnings
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from core.annual_report import schema
from core.annual_report.cells import CellFault, RawCell, SheetDamaged, SheetStream
from core.annual_report.container import broken_part, check_container
from core.annual_report.schema import Column, Sheet
from core.annual_report.values import cell_value, header_value, parse_number, text_of
from core.formatting import number_text

__all__ = ["ParsedWorkbook", "Problem", "parse_number", "read_workbook"]

NOT_A_WORKBOOK = ("Filen {name} är inte en läsbar Excel-arbetsbok (.xlsx). Spara den som "
                  "Excel-arbetsbok och försök igen; en CSV-fil, en PDF, en skadad eller lösenordsskyddad "
                  "fil kan inte läsas.")
DAMAGED_PART = ("Filen {name} är skadad: {part} innehåller ogiltig eller otillåten XML och kan inte läsas. Öppna "
                "filen i Excel, spara den som Excel-arbetsbok och försök igen.")
LAST_ROW, LAST_COLUMN = 1_048_576, 16_384  # Excel's own limits, for ranges that name whole columns or rows

# openpyxl warns in English about what it skips (data validation extensions, a missing default style, dates out
# of range); the reader refuses what matters in Swedish, so those warnings would only reach stderr as noise.
warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl\.")


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
    absent: set[str] = field(default_factory=set)  # optional sheets the workbook does not have
    header_rows: dict[str, int] = field(default_factory=dict)  # the Bokslut sheet's row of each field found


def _blank(value) -> bool:
    """Tell whether a cell holds nothing (a damaged cell is not nothing)."""
    return value is None or (not isinstance(value, CellFault) and text_of(value) is None)


def _letter(index: int) -> str:
    """Return a column's letter for a message."""
    try:
        return get_column_letter(index)
    except ValueError:
        return str(index)


def _header_name(sheet: Sheet, index: int, cell: RawCell, parsed: ParsedWorkbook, row_no: int) -> str:
    """Return a header cell's name without the required marker; a damaged header cell is refused."""
    try:
        return (text_of(cell.value) or "").rstrip("*").strip()
    except ValueError as exc:
        parsed.errors.append(Problem(sheet.name, row_no, _letter(index), str(exc)))
        return ""


def _header_map(sheet: Sheet, cells: dict[int, RawCell], parsed: ParsedWorkbook, row_no: int) -> dict[int, Column]:
    """Match header cells to the sheet's columns; warn about unknown ones, refuse missing or repeated ones."""
    by_name = {c.header.casefold(): c for c in sheet.columns}
    found: dict[int, Column] = {}
    for index, cell in sorted(cells.items()):
        name = _header_name(sheet, index, cell, parsed, row_no)
        column = by_name.get(name.casefold())
        if not name:
            continue
        if column is None:
            parsed.warnings.append(Problem(sheet.name, row_no, name, "okänd kolumn, den läses inte."))
        elif column in found.values():
            parsed.errors.append(Problem(sheet.name, row_no, column.header, "kolumnen finns två gånger (kolumn "
                                         f"{_letter(index)}); ta bort den ena så att inget värde går förlorat."))
        else:
            found[index] = column
    for column in sheet.columns:
        if column.required and column not in found.values():
            parsed.errors.append(Problem(sheet.name, row_no, column.header, "kolumnen saknas (obligatorisk)."))
    return found


def _read_row(stream: SheetStream, sheet: Sheet, columns: dict[int, Column], cells: dict[int, RawCell],
              row_no: int, parsed: ParsedWorkbook) -> dict:
    """Convert one data row, collecting every problem in it (a damaged cell in any column included)."""
    result: dict = {"row": row_no}
    for index, column in columns.items():
        cell = cells.get(index)
        try:
            result[column.field] = cell_value(column, sheet.limit(column), cell and cell.value,
                                              lambda cell=cell: "%" in stream.number_format(cell.style_id), result,
                                              sheet.single_line(column))
        except ValueError as exc:
            parsed.errors.append(Problem(sheet.name, row_no, column.header, str(exc)))
    for index, cell in cells.items():
        if index not in columns and isinstance(cell.value, CellFault):
            parsed.errors.append(Problem(sheet.name, row_no, _letter(index), cell.value.reason))
    return result


def _damaged(sheet_name: str, damage: SheetDamaged, columns: dict[int, Column] | None = None) -> Problem:
    """Describe a sheet whose XML breaks off: at the cell when it is known, else after the last row read."""
    advice = "Öppna arbetsboken i Excel, spara den som Excel-arbetsbok och försök igen."
    if damage.row:
        known = (columns or {}).get(damage.column) if damage.column else None
        column = known.header if known else (_letter(damage.column) if damage.column else None)
        return Problem(sheet_name, damage.row, column, f"bladet är skadat här och kan inte läsas. {advice}")
    where = f" efter rad {damage.after_row}" if damage.after_row else ""
    return Problem(sheet_name, None, None, f"bladet är skadat{where} och kan inte läsas. {advice}")


def _merge_problem(sheet_name: str, bounds: tuple, columns: dict[int, Column], header_row: int) -> Problem | None:
    """Refuse a merged range that hides values of data rows (only its first cell holds a value)."""
    min_col, min_row, max_col, max_row = bounds
    min_row, max_row, max_col = min_row or 1, max_row or LAST_ROW, max_col or LAST_COLUMN
    covered = sorted(i for i in columns if min_col <= i <= max_col)
    first = max(min_row, header_row + 1)
    if not covered or first > max_row or (covered == [min_col] and first == max_row == min_row):
        return None
    ref = f"{_letter(min_col)}{min_row}:{_letter(max_col)}{max_row}"
    return Problem(sheet_name, first, columns[covered[0]].header,
                   f"cellerna {ref} är sammanfogade, så bara den första har ett värde och de andra skulle läsas "
                   "som tomma. Dela upp de sammanfogade cellerna och skriv värdet i varje rad.")


def _refuse_merged(sheet_name: str, stream: SheetStream, columns: dict[int, Column], header_row: int,
                   parsed: ParsedWorkbook) -> None:
    """Add a problem for every merged range over the read columns of data rows."""
    for bounds in stream.merged:
        problem = _merge_problem(sheet_name, bounds, columns, header_row)
        if problem:
            parsed.errors.append(problem)


def _too_many_rows(sheet_name: str) -> Problem:
    """Refuse a sheet beyond the row cap."""
    return Problem(sheet_name, None, None, f"bladet har fler än {number_text(schema.MAX_ROWS)} rader med innehåll; "
                   "ett bokslut får ha högst så många per blad. Ta bort rader som inte hör till bokslutet.")


def _read_table(sheet: Sheet, stream: SheetStream, parsed: ParsedWorkbook) -> None:
    """Read a table sheet: the first non-empty row is the header; empty rows are skipped."""
    rows: list = []
    columns, header_row = None, 0
    try:
        with closing(stream.rows()) as stream_rows:
            for row_no, cells in stream_rows:
                if all(_blank(c.value) for c in cells.values()):
                    continue
                if columns is None:
                    columns, header_row = _header_map(sheet, cells, parsed, row_no), row_no
                elif len(rows) == schema.MAX_ROWS:  # the sheet is refused whole, without a problem per row
                    parsed.errors.append(_too_many_rows(sheet.name))
                    rows = []
                    break
                else:
                    rows.append(_read_row(stream, sheet, columns, cells, row_no, parsed))
            else:
                _refuse_merged(sheet.name, stream, columns or {}, header_row, parsed)
    except SheetDamaged as exc:
        parsed.errors.append(_damaged(sheet.name, exc, columns))
    parsed.rows[sheet.name] = rows


def _bokslut_row(cells: dict[int, RawCell], row_no: int, fields: dict, label_rows: dict,
                 parsed: ParsedWorkbook) -> None:
    """Read one row of the Bokslut sheet: a known field name and its value."""
    try:
        key = (text_of(cells[1].value) or "").rstrip("*").strip().casefold() if 1 in cells else ""
    except ValueError as exc:
        parsed.errors.append(Problem(schema.BOKSLUT, row_no, None, str(exc)))
        return
    name, attribute, _ = fields.get(key, (None, None, None))
    if attribute:
        label_rows[attribute] = row_no
    try:
        raw = cells[2].value if 2 in cells else None
        text = text_of(raw)
        if attribute and text is not None:
            parsed.header[attribute] = header_value(attribute, raw, text)
    except ValueError as exc:
        parsed.errors.append(Problem(schema.BOKSLUT, row_no, name, str(exc)))


def _bokslut_rows(stream: SheetStream, parsed: ParsedWorkbook) -> dict[str, int]:
    """Read the Bokslut sheet's rows; return the row of each field name found."""
    fields = {name.casefold(): (name, *spec) for name, spec in schema.BOKSLUT_FIELDS.items()}
    label_rows: dict[str, int] = {}
    try:
        for row_no, cells in stream.rows():
            _bokslut_row(cells, row_no, fields, label_rows, parsed)
    except SheetDamaged as exc:
        parsed.errors.append(_damaged(schema.BOKSLUT, exc))
    return label_rows


def _bokslut_merges(stream: SheetStream, label_rows: dict[str, int], parsed: ParsedWorkbook) -> None:
    """Refuse merged cells over a field name or its value."""
    for min_col, min_row, max_col, max_row in stream.merged:
        rows = [r for r in label_rows.values() if (min_row or 1) <= r <= (max_row or LAST_ROW)]
        if rows and min_col <= 2 and (min_col, min_row) != (max_col, max_row):
            parsed.errors.append(Problem(schema.BOKSLUT, min(rows), None, "cellerna är sammanfogade; skriv fältets "
                                         "namn i kolumn A och värdet i kolumn B, utan sammanfogade celler."))


def _completed_in_time(parsed: ParsedWorkbook, label_rows: dict[str, int]) -> None:
    """Refuse a completion date before the year the bokslut covers has begun."""
    completed, year = parsed.header.get("completed_on"), parsed.header.get("year")
    if completed and year and completed < date(year, 1, 1):
        parsed.errors.append(Problem(schema.BOKSLUT, label_rows.get("completed_on"), "Färdigställd",
                                     f"{completed.isoformat()} ligger före det år bokslutet gäller ({year})."))


def _read_bokslut(stream: SheetStream, parsed: ParsedWorkbook) -> None:
    """Read the two-column Bokslut sheet: field name, value."""
    label_rows = parsed.header_rows = _bokslut_rows(stream, parsed)
    _bokslut_merges(stream, label_rows, parsed)
    _completed_in_time(parsed, label_rows)
    for name, (attribute, required) in schema.BOKSLUT_FIELDS.items():
        already_refused = any(p.sheet == schema.BOKSLUT and p.column == name for p in parsed.errors)
        if required and attribute not in parsed.header and not already_refused:
            parsed.errors.append(Problem(schema.BOKSLUT, label_rows.get(attribute), name,
                                         "värde saknas (obligatoriskt)."))


def open_workbook(data: bytes, filename: str):
    """Open the bytes as a workbook, or raise ValueError with one clear Swedish message."""
    if not data:
        raise ValueError(f"Filen {filename} är tom.")
    check_container(data, filename)
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001  hostile bytes: whatever the library raises, the file cannot be read
        part = broken_part(data)
        message = DAMAGED_PART.format(name=filename, part=part) if part else NOT_A_WORKBOOK.format(name=filename)
        raise ValueError(message) from None


def _sheets(workbook, parsed: ParsedWorkbook) -> dict:
    """Return the workbook's sheets by their schema name; a name used twice is refused."""
    names = {n.casefold(): n for n in [schema.BOKSLUT, *(s.name for s in schema.TABLE_SHEETS)]}
    sheets: dict = {}
    for worksheet in workbook.worksheets:
        name = names.get(worksheet.title.strip().casefold())
        if name is not None and name in sheets:
            parsed.errors.append(Problem(name, None, None, "arbetsboken har flera blad med det här namnet; behåll "
                                                           "bara ett så att inget läses fel."))
        elif name:
            sheets[name] = worksheet
    return sheets


def _read_sheets(workbook, parsed: ParsedWorkbook) -> None:
    """Read the Bokslut sheet and every table sheet the workbook has."""
    sheets = _sheets(workbook, parsed)
    if schema.BOKSLUT in sheets:
        _read_bokslut(SheetStream(workbook, sheets[schema.BOKSLUT], max_col=2), parsed)
    else:
        parsed.errors.append(Problem(schema.BOKSLUT, None, None, "bladet saknas (obligatoriskt)."))
    for sheet in schema.TABLE_SHEETS:
        if sheet.name in sheets:
            _read_table(sheet, SheetStream(workbook, sheets[sheet.name]), parsed)
        else:
            parsed.rows[sheet.name] = []
            if sheet.optional:  # a sheet of format 1.1: without it, what the portal holds for it stays
                parsed.absent.add(sheet.name)
            else:
                parsed.warnings.append(Problem(sheet.name, None, None, "bladet saknas och räknas som tomt."))


def read_workbook(data: bytes, filename: str = "arbetsboken") -> ParsedWorkbook:
    """Read and check a workbook's form (not yet against the database)."""
    parsed = ParsedWorkbook()
    try:
        workbook = open_workbook(data, filename)
    except ValueError as exc:
        parsed.errors.append(Problem("", None, None, str(exc)))
        return parsed
    try:
        _read_sheets(workbook, parsed)
    finally:
        workbook.close()
    return parsed
