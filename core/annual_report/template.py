"""Build the empty bokslut workbook (templates/bokslut-mall.xlsx) from the format in schema.py.

The file in templates/ is what users download and may adapt; `python -m core.annual_report.template`
rebuilds it after the format changes, and a test checks that it still matches the format.
"""
import sys
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from core import glossary
from core.annual_report import schema
from core.annual_report.schema import CHOICE, CHOICES, NUMBER
from core.enums import Modality
from core.resources import TEMPLATES

TEMPLATE_PATH = TEMPLATES / "bokslut-mall.xlsx"
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
REQUIRED_FONT = Font(bold=True)
DATA_ROWS = 1000  # drop-down lists cover this many rows below the header

INSTRUCTIONS = [
    "Strålskyddsbokslut – instruktioner",
    "",
    "Fyll i en arbetsbok per organisation och år som bokslutet gäller, och läs in den i Strålsäkerhetsportalen "
    "(sidan Strålskyddsbokslut, fliken Läs in) eller med: stralportal bokslut import FIL.xlsx",
    "",
    "• Bladet Bokslut är obligatoriskt: Organisation och År (året bokslutet gäller, t.ex. 2025).",
    "• Kolumner märkta med * är obligatoriska. Första ifyllda raden i varje blad är rubrikraden.",
    "• Klinikkod tom = hela organisationen. Koden måste finnas i portalen eller i bladet Kliniker.",
    "• Mål-ID, Indikator-ID och Brist-ID ska vara unika per klinik. Samma Indikator-ID år efter år ger en trend.",
    "• Värde och Målvärde är tal: 12,5 eller 1 250 eller 95 % går bra.",
    "• Välj Bedömning, Riktning, Allvarlighet, Källa och Del i listorna.",
    "• Modaliteter skrivs kommaseparerat: " + ", ".join(glossary.options(Modality).values()) + ".",
    "• Sammanfattning: de tre delar som SSMFS 2018:5 3 kap. 13 § kräver: hur strålskyddsarbetet har bedrivits, "
    "vilka åtgärder som vidtagits och vilka resultat som uppnåtts.",
    "• Formatversion 1.1 lägger till tre valfria blad: Utbildning (andel av varje personalgrupp med genomförd "
    "strålskyddsutbildning), Persondosimetri (högsta Hp(10), Hp(3) för ögonlinsen och extremitetsdos samt antal i "
    "kategori A) och DRL (lokal diagnostisk standardnivå mot nationell DRL och när den senast bestämdes; "
    "SSMFS 2018:5 6 kap. 1 §: minst vart tredje år). En arbetsbok i format 1.0 utan dem läses som förut.",
    "• Formatversion 1.2: DRL-bladet anger utrustning, och undersökningstyp och dosstorhet som i SSM:s tabell "
    "(SSMFS 2018:5 bilaga 1, t.ex. DT buk med kontrast, DLP). Nationell DRL hämtas ur tabellen; en egen siffra "
    "jämförs bara. Doser över dosgräns eller klinikens utredningsnivå och nivåer över DRL blir brister.",
    "",
    "En arbetsbok med fel ändrar ingenting: portalen visar alla fel med blad, rad och kolumn.",
    "Ett år som redan är inläst ersätts bara om du väljer det; brister med beslutade åtgärder tas aldrig bort.",
]


def _style_header(ws, headers: list[str], widths: list[int]) -> None:
    """Write a bold, shaded header row with column widths and frozen panes."""
    ws.append(headers)
    for cell, width in zip(ws[1], widths):
        cell.fill = HEADER_FILL
        cell.font = REQUIRED_FONT if cell.value.endswith("*") else Font(bold=False)
        ws.column_dimensions[cell.column_letter].width = width
    ws.freeze_panes = "A2"


def _choice_list(ws, column_letter: str, kind) -> None:
    """Offer the allowed Swedish terms as a drop-down list under the header."""
    terms = ",".join(glossary.options(kind).values())
    rule = DataValidation(type="list", formula1=f'"{terms}"', allow_blank=True, showErrorMessage=True,
                          errorTitle="Ogiltigt värde", error=f"Välj ett av: {terms.replace(',', ', ')}")
    ws.add_data_validation(rule)
    rule.add(f"{column_letter}2:{column_letter}{DATA_ROWS + 1}")


def _number_rule(ws, column_letter: str) -> None:
    """Ask Excel to accept only numbers in a number column."""
    rule = DataValidation(type="decimal", operator="between", formula1="-1E+15", formula2="1E+15",
                          allow_blank=True, showErrorMessage=True, errorTitle="Ogiltigt värde",
                          error="Skriv ett tal, t.ex. 12,5.")
    ws.add_data_validation(rule)
    rule.add(f"{column_letter}2:{column_letter}{DATA_ROWS + 1}")


def _table_sheet(workbook: Workbook, sheet: schema.Sheet) -> None:
    """Add one table sheet with its headers and rules."""
    ws = workbook.create_sheet(sheet.name)
    _style_header(ws, [c.header + ("*" if c.required else "") for c in sheet.columns],
                  [c.width for c in sheet.columns])
    for cell, column in zip(ws[1], sheet.columns):
        if column.kind == CHOICE:
            _choice_list(ws, cell.column_letter, column.choices)
        elif column.kind == NUMBER:
            _number_rule(ws, cell.column_letter)
        elif column.kind == CHOICES:
            cell.alignment = Alignment(wrap_text=True)


def build_template() -> Workbook:
    """Return the empty workbook: Instruktioner, Bokslut and the table sheets."""
    workbook = Workbook()
    info = workbook.active
    info.title = "Instruktioner"
    for line in INSTRUCTIONS:
        info.append([line])
    info["A1"].font = Font(bold=True, size=14)
    info.column_dimensions["A"].width = 120
    bokslut = workbook.create_sheet(schema.BOKSLUT)
    _style_header(bokslut, ["Fält", "Värde"], [22, 40])
    for name, (attribute, required) in schema.BOKSLUT_FIELDS.items():
        bokslut.append([name + ("*" if required else ""),
                        schema.FORMAT_VERSIONS[-1] if attribute == "format_version" else None])
    for sheet in schema.TABLE_SHEETS:
        _table_sheet(workbook, sheet)
    return workbook


def write_template(path: Path = TEMPLATE_PATH) -> None:
    """Write the empty workbook to path."""
    build_template().save(path)


if __name__ == "__main__":
    write_template(Path(sys.argv[1]) if len(sys.argv) > 1 else TEMPLATE_PATH)
