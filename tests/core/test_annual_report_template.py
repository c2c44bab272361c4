"""The empty bokslut workbook in templates/ follows the format, offers drop-down lists and reads back."""
from openpyxl import load_workbook

from core import glossary
from core.annual_report import schema
from core.annual_report.reader import read_workbook
from core.annual_report.schema import CHOICE
from core.annual_report.template import TEMPLATE_PATH
from tests.annual_report_files import workbook_bytes


def test_template_has_every_sheet_header_and_required_marker():
    workbook = load_workbook(TEMPLATE_PATH)
    assert workbook.sheetnames == ["Instruktioner", "Bokslut", *(s.name for s in schema.TABLE_SHEETS)]
    for sheet in schema.TABLE_SHEETS:
        headers = [c.value for c in workbook[sheet.name][1]]
        assert headers == [c.header + ("*" if c.required else "") for c in sheet.columns]
    assert "SSMFS 2018:5 3 kap. 13 §" in " ".join(str(r[0].value) for r in workbook["Instruktioner"].iter_rows())


def test_template_offers_every_allowed_value_as_a_list():
    workbook = load_workbook(TEMPLATE_PATH)
    for sheet in schema.TABLE_SHEETS:
        rules = workbook[sheet.name].data_validations.dataValidation
        lists = {next(iter(rule.sqref.ranges)).min_col: rule.formula1 for rule in rules if rule.type == "list"}
        for index, column in enumerate(sheet.columns, start=1):
            if column.kind == CHOICE:
                assert lists[index] == '"' + ",".join(glossary.options(column.choices).values()) + '"'


def test_filled_template_loads_and_empty_template_asks_for_organisation_and_year():
    empty = read_workbook(TEMPLATE_PATH.read_bytes(), "mall.xlsx")
    assert [str(p) for p in empty.errors] == ["Bokslut, rad 2, kolumn Organisation: värde saknas (obligatoriskt).",
                                              "Bokslut, rad 3, kolumn År: värde saknas (obligatoriskt)."]
    workbook = load_workbook(TEMPLATE_PATH)
    workbook["Bokslut"]["B2"], workbook["Bokslut"]["B3"] = "Demosjukhuset", 2026
    workbook["Mål"].append([None, "M1", "Ett mål", "100 %", "90 %", "Delvis uppfyllt", None])
    parsed = read_workbook(workbook_bytes(workbook))
    assert parsed.errors == [] and parsed.rows["Mål"][0]["assessment"] == "partly_met"
