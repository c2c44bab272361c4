"""A large, valid bokslut workbook for the import benchmark."""
from pathlib import Path

from openpyxl import Workbook

from core.annual_report import schema


def _rows_for(sheet: schema.Sheet, rows: list[list]) -> list[list]:
    """Put the header (required columns marked) above the rows."""
    return [[c.header + ("*" if c.required else "") for c in sheet.columns], *rows]


def generate_workbook(path: Path, clinics: int, indicators_per_clinic: int, goals: int, findings: int) -> None:
    """Write a large, valid bokslut workbook."""
    codes = [f"K{i:02d}" for i in range(clinics)]
    sheets: dict[schema.Sheet, list[list]] = {
        schema.KLINIKER: [[c, f"Klinik {c}", "Storsjukhuset", None, None, "Röntgen"] for c in codes],
        schema.MAL: [[codes[i % clinics], f"M{i}", f"Mål nummer {i}", "100 %", "90 %", "Delvis uppfyllt", None]
                     for i in range(goals)],
        schema.INDIKATORER: [[c, f"IND-{j:02d}", f"Indikator {j}", "Personalstrålskydd", "%", 90 + j % 10, 95,
                              "Högre är bättre", None] for c in codes for j in range(indicators_per_clinic)],
        schema.BRISTER: [[codes[i % clinics], f"B-{i}", "Optimering och dos", f"Brist nummer {i}", "Medel",
                          "SSMFS 2018:5", "Bokslut", "Åtgärda"] for i in range(findings)],
    }
    workbook = Workbook(write_only=True)
    bokslut = workbook.create_sheet(schema.BOKSLUT)
    for row in (["Fält", "Värde"], ["Organisation", "Storsjukhuset"], ["År", 2025]):
        bokslut.append(row)
    for sheet, rows in sheets.items():
        target = workbook.create_sheet(sheet.name)
        for row in _rows_for(sheet, rows):
            target.append(row)
    workbook.save(path)
