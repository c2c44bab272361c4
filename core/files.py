"""Safe file output: short base names, spreadsheet cells never formulas, private files created once."""
import os
import re
import tempfile
import unicodedata
from pathlib import Path

MAX_NAME_LENGTH = 100  # characters, extension included; the column holds 255
DEFAULT_NAME = "fil"
FORBIDDEN = re.compile(r'[<>:"/\\|?*]')  # not allowed in a Windows file name; the slashes split folders
WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what Excel and LibreOffice may read as a formula


def safe_filename(name: str | None) -> str:
    """Reduce an uploaded file's name to a safe, short base name (no folders, no control characters)."""
    base = re.split(r"[\\/]", name or "")[-1]
    return filename_part(base) or DEFAULT_NAME


def filename_part(text: str | None) -> str:
    """Make text usable inside a file name: printable, no separators, no leading dots, at most 100 characters."""
    text = unicodedata.normalize("NFC", str(text or ""))
    text = "".join(" " if unicodedata.category(ch).startswith(("C", "Z")) else ch for ch in text)
    text = re.sub(r"\s+", " ", FORBIDDEN.sub("_", text)).strip(" .")
    stem, dot, extension = text.rpartition(".")
    if not dot or not stem or len(extension) > 10:
        stem, extension = text, ""
    if stem.split(".")[0].upper() in WINDOWS_RESERVED:
        stem = "_" + stem
    suffix = f".{extension}" if extension else ""
    return stem[:MAX_NAME_LENGTH - len(suffix)].rstrip(" .") + suffix


def unique_name(name: str, taken: set[str]) -> str:
    """Return name, or name with " (2)", " (3)" … before the extension, so it is not in taken; add it to taken."""
    stem, dot, extension = name.rpartition(".")
    if not dot or "/" in extension:
        stem, extension = name, ""
    candidate, number = name, 1
    while candidate.lower() in {t.lower() for t in taken}:
        number += 1
        candidate = f"{stem} ({number})" + (f".{extension}" if extension else "")
    taken.add(candidate)
    return candidate


def is_formula_like(value) -> bool:
    """Tell whether a text would be read as a formula by a spreadsheet program."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_cell(value):
    """Return a CSV value that no spreadsheet evaluates: formula-like text gets a leading apostrophe."""
    return "'" + value if is_formula_like(value) else value


def append_text_safe(sheet, row: list) -> None:
    """Append a row to an openpyxl sheet with every text cell stored as text, never as a formula."""
    sheet.append(row)
    for column in range(1, len(row) + 1):
        cell = sheet.cell(row=sheet.max_row, column=column)
        if isinstance(cell.value, str):
            cell.data_type = "s"
            if is_formula_like(cell.value):
                cell.quotePrefix = True  # Excel keeps it text even when the cell is edited


def _private_temporary(path: Path, data: bytes) -> str:
    """Write data to a new file beside path, readable by its owner only (mkstemp's mode 0600), flushed to disk."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
    with os.fdopen(handle, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    return temporary


def create_private_file(path: Path, data: bytes) -> bool:
    """Create path readable by its owner only (mode 0600), atomically; keep a file another process made first.

    Return True when this call made it. Two processes starting at once therefore agree on one file.
    """
    temporary = _private_temporary(path, data)
    try:
        os.link(temporary, path)  # atomic, and never replaces a file already there
        return True
    except FileExistsError:
        return False
    finally:
        os.unlink(temporary)


def replace_private_file(path: Path, data: bytes) -> None:
    """Write path readable by its owner only (mode 0600), atomically replacing what was there."""
    temporary = _private_temporary(path, data)
    try:
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
