"""The workbook format as documented (docs/spec/bokslut-format.md) is the format as read (annual_report/schema.py)."""
import re

from core.annual_report import schema
from tests.conftest import PROJECT_DIR

SPEC = PROJECT_DIR / "docs" / "spec" / "bokslut-format.md"
SHEET_START = re.compile(r"^### `([^`]+)`|^`([^`]+)`:")  # "### `Mål`", "### `Bokslut` (required)…", "`DRL`: …"
ROW = re.compile(r"^\| ([^|]+?) \| (yes|no) \|")


def _documented() -> dict[str, list[tuple[str, bool]]]:
    """Return {sheet: [(column or field, required)]} from the spec's tables, in order."""
    sheets: dict[str, list[tuple[str, bool]]] = {}
    current = None
    for line in SPEC.read_text(encoding="utf-8").splitlines():
        start = SHEET_START.match(line)
        if start:
            current = start.group(1) or start.group(2)
        row = ROW.match(line)
        if row and current:
            sheets.setdefault(current, []).append((row.group(1), row.group(2) == "yes"))
    return sheets


def test_every_sheet_and_column_is_documented_as_the_reader_reads_it():
    expected = {sheet.name: [(c.header, c.required) for c in sheet.columns] for sheet in schema.TABLE_SHEETS}
    expected[schema.BOKSLUT] = [(name, required) for name, (_, required) in schema.BOKSLUT_FIELDS.items()]
    assert _documented() == expected


def test_the_format_versions_and_the_new_sheets_are_the_ones_read():
    text = SPEC.read_text(encoding="utf-8")
    assert schema.FORMAT_VERSIONS == ("1.0", "1.1", "1.2") and text.startswith(
        "# Strålskyddsbokslut workbook format (version 1.2; versions 1.0 and 1.1 still read)")
    optional = [s.name for s in schema.TABLE_SHEETS if s.optional]
    assert optional == ["Utbildning", "Persondosimetri", "DRL"]
    assert "### Format 1.1: `Utbildning`, `Persondosimetri` and `DRL`" in text
