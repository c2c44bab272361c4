"""Canaries for the openpyxl internals that core/annual_report/cells.py relies on (openpyxl is pinned for them).

An upgrade of openpyxl that renames or changes one of these fails here, by name, before a workbook is misread.
"""
import inspect
import io
import re
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE
from openpyxl.worksheet import _reader

from core.annual_report import cells
from tests.conftest import PROJECT_DIR

PERCENT = "0.0%"
CUSTOM = "0.000"  # not built in: stored after the built-in formats


@pytest.fixture(scope="module")
def workbook():
    """A read-only workbook, opened as the reader opens one, with a text, a date, two formats and a merged range."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Blad"
    sheet.append(["Text", date(2025, 3, 12), 0.25, 1.5])
    sheet["B1"].number_format = "yyyy-mm-dd"
    sheet["C1"].number_format = PERCENT
    sheet["D1"].number_format = CUSTOM
    sheet.merge_cells("A2:B2")
    data = io.BytesIO()
    book.save(data)
    opened = load_workbook(io.BytesIO(data.getvalue()), read_only=True, data_only=True)
    yield opened
    opened.close()


def _parse(workbook, parser_class=_reader.WorkSheetParser):
    """Run openpyxl's worksheet parser over the sheet as cells.SheetStream does; return the parser and its rows."""
    sheet = workbook["Blad"]
    with workbook._archive.open(sheet._worksheet_path) as source:
        parser = parser_class(source, sheet._shared_strings, data_only=True, epoch=workbook.epoch,
                              date_formats=workbook._date_formats, timedelta_formats=workbook._timedelta_formats)
        return parser, list(parser.parse())


def test_cells_uses_only_the_internals_checked_here():
    """A new private name in cells.py needs its canary below."""
    code = (PROJECT_DIR / "core" / "annual_report" / "cells.py").read_text(encoding="utf-8")
    private = {*re.findall(r"(?<!openpyxl\.)(?:workbook|worksheet)\.(_\w+)", code),
               *re.findall(r"openpyxl[\w.]*\._\w+", code)}
    assert private == {"_date_formats", "_timedelta_formats", "_cell_styles", "_archive", "_number_formats",
                       "_worksheet_path", "_shared_strings", "openpyxl.worksheet._reader"}


def test_the_private_reader_module_has_the_parser_and_the_value_tag():
    assert cells.WorkSheetParser is _reader.WorkSheetParser
    assert _reader.VALUE_TAG == "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}v"
    parameters = inspect.signature(_reader.WorkSheetParser).parameters
    assert {"src", "shared_strings", "data_only", "epoch", "date_formats", "timedelta_formats"} <= set(parameters)


def test_the_workbook_keeps_its_archive_styles_and_formats(workbook):
    sheet = workbook["Blad"]
    assert sheet._worksheet_path in workbook._archive.namelist()  # the sheet's XML part in the zip
    assert sheet._shared_strings == []  # openpyxl writes its texts inline; a saved-by-Excel file shares them
    assert isinstance(workbook._date_formats, set) and isinstance(workbook._timedelta_formats, set)
    assert all(hasattr(style, "numFmtId") for style in workbook._cell_styles)
    assert BUILTIN_FORMATS_MAX_SIZE == 164 and BUILTIN_FORMATS[10] == "0.00%"
    assert CUSTOM in list(workbook._number_formats) and PERCENT in list(workbook._number_formats)


def test_the_parser_yields_numbered_rows_of_cell_dicts_with_style_ids(workbook):
    parser, rows = _parse(workbook)
    (number, row), (merged_row, _) = rows
    assert (number, merged_row) == (1, 2)
    assert [set(c) for c in row] == [{"row", "column", "value", "data_type", "style_id"}] * 4
    assert [(c["row"], c["column"]) for c in row] == [(1, 1), (1, 2), (1, 3), (1, 4)]
    assert row[0]["value"] == "Text" and row[1]["value"].date() == date(2025, 3, 12)
    assert row[1]["style_id"] in workbook._date_formats  # how a date-formatted number is told
    assert parser.row_counter == 2 and parser.date_formats is workbook._date_formats
    assert [r.ref for r in parser.merged_cells.mergeCell] == ["A2:B2"]  # known once the rows are read


def test_a_shared_text_is_read_by_its_index_into_the_sheets_shared_strings():
    saved = load_workbook(PROJECT_DIR / "tests" / "data" / "bokslut-2025-sparad-i-libreoffice.xlsx", read_only=True,
                          data_only=True)
    sheet = saved["Mål"]
    with saved._archive.open(sheet._worksheet_path) as source:
        xml = source.read()
    assert b't="s"' in xml and sheet._shared_strings and all(isinstance(t, str) for t in sheet._shared_strings)
    with saved._archive.open(sheet._worksheet_path) as source:
        parser = _reader.WorkSheetParser(source, sheet._shared_strings, data_only=True)
        header = next(parser.parse())[1]
    assert parser.shared_strings is sheet._shared_strings and header[1]["value"] == "Mål-ID*"
    saved.close()


def test_a_style_id_leads_to_its_number_format(workbook):
    _, rows = _parse(workbook)
    formats = [workbook._cell_styles[c["style_id"]].numFmtId for c in rows[0][1][2:]]
    custom = workbook._number_formats[formats[1] - BUILTIN_FORMATS_MAX_SIZE]
    assert formats[1] >= BUILTIN_FORMATS_MAX_SIZE and custom == CUSTOM
    stream = cells.SheetStream(workbook, workbook["Blad"])
    assert [stream.number_format(c["style_id"]) for c in rows[0][1][2:]] == [PERCENT, CUSTOM]


SHEET = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
         b'<row r="3"><c r="B3"><v>1</v></c><c><v>2</v></c></row><row><c><v>3</v></c></row></sheetData></worksheet>')


def test_each_cell_goes_through_parse_cell_and_a_cell_without_address_follows_col_counter():
    class Skipping(_reader.WorkSheetParser):
        def parse_cell(self, element):
            cell = super().parse_cell(element)
            self.col_counter += 1  # as cells.py keeps the counter in step past a damaged cell
            return cell

    plain = list(_reader.WorkSheetParser(io.BytesIO(SHEET), []).parse())
    assert [(n, [(c["column"], c["value"]) for c in row]) for n, row in plain] == [(3, [(2, 1), (3, 2)]), (4, [(1, 3)])]
    skipped = list(Skipping(io.BytesIO(SHEET), []).parse())
    assert [[c["column"] for c in row] for _, row in skipped] == [[2, 4], [1]]
