"""Build bokslut workbooks for tests, starting from the valid 2025 sample and changing what a test needs."""
import io
from pathlib import Path

from openpyxl import Workbook, load_workbook

DATA = Path(__file__).parent / "data"
SAMPLE_2024 = DATA / "bokslut-2024-demosjukhuset.xlsx"
SAMPLE_2025 = DATA / "bokslut-2025-demosjukhuset.xlsx"
WITH_ERRORS = DATA / "bokslut-2025-med-fel.xlsx"
DEMO_2025 = Path(__file__).parent.parent / "core" / "demo" / "bokslut-2025-demosjukhuset.xlsx"  # format 1.2


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


def with_sheets(base: Path, sheets: dict[str, list[tuple]], version: str = "1.1") -> bytes:
    """A sample workbook with format 1.1 sheets added (rows as tuples, the header first)."""
    book = load_workbook(base)
    book["Bokslut"].append(["Formatversion", version])
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(list(row))
    return workbook_bytes(book)
