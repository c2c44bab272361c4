"""Stream a worksheet's cells with openpyxl's own parser, so damage becomes a refusal, never a crash or a guess.

openpyxl's read-only worksheet pads every row to the declared width and yields an empty row for each
missing row number, and it lets a damaged cell raise (or, for a negative shared-string index, silently read
another cell's text). Here each cell is checked first; a cell that cannot be read becomes a CellFault with
the Swedish reason, and XML that breaks off raises SheetDamaged with the last row read.
"""
import math
import re
from collections import deque
from collections.abc import Generator
from dataclasses import dataclass
from typing import NamedTuple

from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE
from openpyxl.utils.cell import (
    column_index_from_string,
    coordinate_to_tuple,
    range_boundaries,
)
from openpyxl.utils.datetime import from_ISO8601
from openpyxl.worksheet._reader import VALUE_TAG, WorkSheetParser

DAMAGED = "cellen är skadad och kan inte läsas."
TWICE = "cellen finns två gånger i filen (skadad fil)."
ROW_START = re.compile(rb"<(?:\w+:)?row\b[^>]*?\br=\"(\d+)\"")
CELL_START = re.compile(rb"<(?:\w+:)?c\b[^>]*?\br=\"([A-Z]{1,3})(\d+)\"")
LAST_EXCEL_DATE = 2_958_465  # 9999-12-31


class CellProblem(ValueError):
    """A cell refused before openpyxl reads it; str() is the Swedish reason."""


@dataclass(frozen=True)
class CellFault:
    """A cell that could not be read, with the Swedish reason."""

    reason: str


class RawCell(NamedTuple):
    """A cell's value as read (or a CellFault) and its style index."""

    value: object
    style_id: int


class SheetDamaged(Exception):
    """The sheet's XML cannot be read beyond `after_row` (0: not even its first row); where, when known."""

    def __init__(self, after_row: int, row: int | None = None, column: int | None = None):
        super().__init__(after_row, row, column)
        self.after_row, self.row, self.column = after_row, row, column


def _offset(xml: bytes, position: tuple[int, int]) -> int:
    """Turn the parser's (line, column) into an offset in the XML."""
    line, column = position
    start = 0
    for _ in range(line - 1):
        start = xml.index(b"\n", start) + 1
    return start + column


def locate(xml: bytes, position: tuple[int, int] | None) -> tuple[int | None, int | None]:
    """Return the row and column of the cell where the XML broke off, as far as can be told."""
    if not position:
        return None, None
    try:
        head = xml[:_offset(xml, position)]
    except ValueError:
        return None, None
    rows, cells = deque(ROW_START.finditer(head), maxlen=1), deque(CELL_START.finditer(head), maxlen=1)
    row = int(rows[0].group(1)) if rows else None
    if cells and int(cells[0].group(2)) == row:
        return row, column_index_from_string(cells[0].group(1).decode())
    return row, None


def _index(text: str | None, size: int, reason: str) -> int:
    """Return text as an index below size, or raise CellProblem(reason)."""
    try:
        index = int(text or "0")
    except ValueError:
        raise CellProblem(reason) from None
    if not 0 <= index < size:
        raise CellProblem(reason)
    return index


class _Parser(WorkSheetParser):
    """openpyxl's worksheet parser, checking each cell before reading it."""

    def __init__(self, source, workbook, shared_strings):
        super().__init__(source, shared_strings, data_only=True, epoch=workbook.epoch,
                         date_formats=workbook._date_formats, timedelta_formats=workbook._timedelta_formats)
        self.style_count = len(workbook._cell_styles)

    def _check(self, element) -> None:
        """Refuse what openpyxl would crash on or misread: bad indexes, INF or NaN, impossible dates."""
        style_id = _index(element.get("s"), max(self.style_count, 1), "cellens format finns inte i arbetsboken "
                                                                      "(skadad fil).")
        kind, value = element.get("t", "n"), element.findtext(VALUE_TAG)
        if value is None or not value.strip():
            return
        if kind == "d":
            try:
                from_ISO8601(value.strip())
            except (ValueError, TypeError, OverflowError):
                raise CellProblem(f"\"{value.strip()[:40]}\" är inget giltigt datum.") from None
        elif kind == "s":
            _index(value, len(self.shared_strings), "cellen hänvisar till en text som inte finns i arbetsboken "
                                                    "(skadad fil).")
        elif kind == "n":
            number = float(value)
            if not math.isfinite(number):
                raise CellProblem(f"\"{value.strip()[:40]}\" är inget tal som kan sparas.")
            if style_id in self.date_formats and not 0 <= number <= LAST_EXCEL_DATE:
                raise CellProblem(f"cellen är formaterad som datum men {value.strip()[:40]} är inget giltigt datum.")

    def _position(self, element, column_before: int) -> tuple[int, int]:
        """Return the cell's row and column, keeping the parser's column counter in step."""
        try:
            row, self.col_counter = coordinate_to_tuple(element.get("r") or "")
        except (ValueError, TypeError):
            row, self.col_counter = self.row_counter, column_before + 1
        return row, self.col_counter

    def parse_cell(self, element):
        """Read one cell, or return a CellFault in its place."""
        column_before = self.col_counter
        try:
            self._check(element)
            return super().parse_cell(element)
        except CellProblem as exc:
            reason = str(exc)
        except Exception:  # noqa: BLE001  hostile XML: any failure of the library's parser is a damaged cell
            reason = DAMAGED
        row, column = self._position(element, column_before)
        return {"row": row, "column": column, "value": CellFault(reason), "data_type": "e", "style_id": 0}


class SheetStream:
    """One worksheet read once, row by row; its merged ranges are known when the rows are exhausted."""

    def __init__(self, workbook, worksheet, max_col: int | None = None):
        self.workbook, self.worksheet, self.max_col = workbook, worksheet, max_col
        self.merged: list[tuple[int, int, int, int]] = []  # (min_col, min_row, max_col, max_row)

    def rows(self) -> Generator[tuple[int, dict[int, RawCell]], None, None]:
        """Yield (row number, {column number: cell}) for every row the file holds; raise SheetDamaged."""
        last = 0
        with self.workbook._archive.open(self.worksheet._worksheet_path) as source:
            parser = _Parser(source, self.workbook, self.worksheet._shared_strings)
            parsed = parser.parse()
            while (row := self._next(parsed, last)) is not None:
                last = row[0]
                yield last, self._cells(row[1])
            self.merged = self._merged(parser, last)

    def _next(self, parsed, last: int):
        """Return the parser's next row, None at the end; raise SheetDamaged when the XML breaks."""
        try:
            return next(parsed)
        except StopIteration:
            return None
        except Exception as exc:  # noqa: BLE001  hostile XML: whatever the parser raises, the sheet is damaged
            raise SheetDamaged(last, *self._where(exc)) from None

    def _where(self, error: Exception) -> tuple[int | None, int | None]:
        """Find the cell where the parser stopped (the part is small enough: the container was checked)."""
        position = getattr(error, "position", None)
        if not position:
            return None, None
        with self.workbook._archive.open(self.worksheet._worksheet_path) as source:
            return locate(source.read(), position)

    def _cells(self, cells: list[dict]) -> dict[int, RawCell]:
        """Key a row's cells by column; a column written twice is a damaged cell."""
        row: dict[int, RawCell] = {}
        for cell in cells:
            column = cell["column"]
            if self.max_col is None or column <= self.max_col:
                twice = column in row
                row[column] = RawCell(CellFault(TWICE) if twice else cell["value"], cell["style_id"])
        return row

    @staticmethod
    def _merged(parser, last: int) -> list[tuple[int, int, int, int]]:
        """Return the sheet's merged ranges as boundaries."""
        ranges = getattr(getattr(parser, "merged_cells", None), "mergeCell", None) or []
        try:
            return [range_boundaries(r.ref) for r in ranges]
        except (ValueError, TypeError, AttributeError):
            raise SheetDamaged(last) from None

    def number_format(self, style_id: int) -> str:
        """Return the number format of a style index (already checked against the workbook's styles)."""
        styles = self.workbook._cell_styles
        if style_id >= len(styles):
            return "General"
        format_id = styles[style_id].numFmtId
        if format_id < BUILTIN_FORMATS_MAX_SIZE:
            return BUILTIN_FORMATS.get(format_id, "General")
        custom = self.workbook._number_formats
        index = format_id - BUILTIN_FORMATS_MAX_SIZE
        if index >= len(custom):
            raise CellProblem("cellens talformat finns inte i arbetsboken (skadad fil).")
        return custom[index]
