"""Build bokslut workbooks for tests, starting from the valid 2025 sample and changing what a test needs."""
import io
from pathlib import Path

from openpyxl import Workbook, load_workbook

DATA = Path(__file__).parent / "data"
SAMPLE_2024 = DATA / "bokslut-2024-demosjukhuset.xlsx"
SAMPLE_2025 = DATA / "bokslut-2025-demosjukhuset.xlsx"
WITH_ERRORS = DATA / "bokslut-2025-med-fel.xlsx"


def workbook_bytes(workbook: Workbook) -> bytes:
    """Save a workbook to bytes."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sample(path: Path = SAMPLE_2025) -> Workbook:
    """Open a sample workbook for editing."""
    return load_workbook(path)


def minimal(year: int = 2025, organisation: str = "Demosjukhuset", **sheets: list[list]) -> bytes:
    """Return a workbook with a Bokslut sheet and the given table sheets (name → rows, header first)."""
    workbook = Workbook()
    bokslut = workbook.active
    bokslut.title = "Bokslut"
    for row in (["Fält", "Värde"], ["Organisation", organisation], ["År", year]):
        bokslut.append(row)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name.replace("_", " "))
        for row in rows:
            sheet.append(row)
    return workbook_bytes(workbook)


INDICATOR_HEADER = ["Klinikkod", "Indikator-ID*", "Indikator*", "Område", "Enhet", "Värde*", "Målvärde", "Riktning"]
