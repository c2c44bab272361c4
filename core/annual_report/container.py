"""Check the .xlsx zip container before any part of it is unpacked: size, parts, declared unpacked size.

Python's zipfile never unpacks more of a part than its directory entry declares (a part that grows beyond it
fails its checksum), so summing the declared sizes bounds what reading the workbook can cost.
"""
import io
import zipfile

from core.annual_report import schema
from core.formatting import number_text


def _megabytes(size: int) -> str:
    """Return a size in whole megabytes, Swedish style."""
    return f"{size / 1_000_000:.0f} MB"


def check_container(data: bytes, filename: str) -> None:
    """Raise ValueError with one Swedish message when the file is too large or unpacks to too much."""
    if len(data) > schema.MAX_FILE_BYTES:
        raise ValueError(f"Filen {filename} är {_megabytes(len(data))}; en arbetsbok för strålskyddsbokslut får "
                         f"vara högst {_megabytes(schema.MAX_FILE_BYTES)}.")
    try:
        parts = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return  # not a zip at all: opening it as a workbook gives the clear message
    unpacked = sum(part.file_size for part in parts)
    if len(parts) > schema.MAX_PARTS or unpacked > schema.MAX_UNPACKED_BYTES:
        raise ValueError(f"Filen {filename} packas upp till {_megabytes(unpacked)} i {number_text(len(parts))} "
                         "delar; en arbetsbok för strålskyddsbokslut får packas upp till högst "
                         f"{_megabytes(schema.MAX_UNPACKED_BYTES)}. Filen är skadad eller gjord för att "
                         "överbelasta portalen och läses inte in.")


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PART_NAMES = {"xl/sharedStrings.xml": "arbetsbokens texter", "xl/styles.xml": "arbetsbokens format",
              "xl/workbook.xml": "arbetsbokens innehållsförteckning"}


def _well_formed(archive: zipfile.ZipFile, name: str) -> bool:
    """Tell whether one XML part parses (entities refused, as openpyxl refuses them)."""
    from defusedxml.ElementTree import iterparse
    try:
        with archive.open(name) as source:
            for _event, element in iterparse(source):
                element.clear()
    except (RuntimeError, NotImplementedError, zipfile.BadZipFile):
        return True  # not an XML problem: opening it as a workbook gives the general message
    except Exception:  # noqa: BLE001  hostile XML: whatever the parser raises, the part is broken
        return False
    return True


def _sheet_titles(archive: zipfile.ZipFile) -> dict[str, str]:
    """Map worksheet parts to the sheet names the workbook gives them (empty when that cannot be read)."""
    from defusedxml.ElementTree import fromstring
    try:
        targets = {rel.get("Id"): "xl/" + rel.get("Target", "").lstrip("/").removeprefix("xl/")
                   for rel in fromstring(archive.read("xl/_rels/workbook.xml.rels"))}
        sheets = fromstring(archive.read("xl/workbook.xml")).iter(f"{{{MAIN}}}sheet")
        return {targets.get(s.get(f"{{{REL}}}id"), ""): s.get("name", "") for s in sheets}
    except Exception:  # noqa: BLE001  the workbook's own parts are broken: name the part instead
        return {}


def _described(archive: zipfile.ZipFile, name: str) -> str:
    """Name a part for a message: the sheet it holds, or what it is."""
    title = _sheet_titles(archive).get(name) if name.startswith("xl/worksheets/") else None
    if title:
        return f"bladet {title} ({name})"
    return f"{PART_NAMES.get(name, 'delen')} ({name})"


def broken_part(data: bytes) -> str | None:
    """Describe the first XML part of the file that does not parse, or None (called after opening failed)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    for name in archive.namelist():
        if name.endswith((".xml", ".rels")) and not _well_formed(archive, name):
            return _described(archive, name)
    return None
