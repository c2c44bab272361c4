"""Checks a whole backup before restore writes anything: tables, columns, types, known values, references, checksums
and the change history's hash chain.

Every refusal is Swedish and names the table, the row (with its id) and the column.
"""
import base64
import binascii
import hashlib
import math
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Table, TypeDecorator

from core import enums, history_chain
from core.errors import InvalidInput, UserError
from core.self_assessment.criteria import ALL as ALL_MODALITIES
from core.services._integrity import recorded_pdf_hashes, version_problems

MAX_PROBLEMS = 20
INT_RANGE = (-(2 ** 31), 2 ** 31 - 1)  # PostgreSQL's INTEGER
ENUM_COLUMNS: dict[tuple[str, str], type[StrEnum]] = {  # columns holding one value of a set in core/enums.py
    ("user", "role"): enums.Role, ("reportsummary", "part"): enums.SummaryPart,
    ("goal", "assessment"): enums.GoalAssessment, ("indicator", "direction"): enums.Direction,
    ("finding", "severity"): enums.Severity, ("finding", "source"): enums.FindingSource,
    ("review", "status"): enums.ReviewStatus, ("attendance", "meeting_role"): enums.MeetingRole,
    ("attendance", "status"): enums.AttendanceStatus, ("action", "priority"): enums.Priority,
    ("action", "status"): enums.ActionStatus, ("followup", "status"): enums.ActionStatus,
    ("signature", "role"): enums.SignatureRole, ("historyentry", "operation"): enums.HistoryOperation,
    ("safetyevent", "kind"): enums.SafetyEventKind, ("safetyevent", "status"): enums.SafetyEventStatus,
    ("safetyevent", "concerns"): enums.EventConcerns,
    ("trainingrecord", "staff_group"): enums.StaffGroup, ("dosimetryrecord", "staff_group"): enums.StaffGroup,
}
LIST_COLUMNS: dict[tuple[str, str], tuple[str, ...]] = {  # JSON lists of known values
    ("clinic", "modalities"): tuple(enums.Modality), ("criterion", "modalities"): (*enums.Modality, ALL_MODALITIES),
}


def python_type(column) -> type | None:
    """Return the Python type a column holds (decorated types included), if known."""
    type_ = column.type
    if isinstance(type_, TypeDecorator):
        type_ = type_.impl_instance
    try:
        return type_.python_type
    except NotImplementedError:
        return None


def check_document(tables: list[Table], document: dict) -> None:
    """Refuse the backup, listing every problem found, unless restore can write all of it exactly."""
    data = document.get("tables")
    if not isinstance(data, dict):
        raise UserError("Säkerhetskopian saknar tabellerna (nyckeln \"tables\"). Inget har ändrats.")
    known = {t.name for t in tables}
    problems = [f"Okänd tabell {name} i säkerhetskopian." for name in data if name not in known]
    problems += [f"Tabellen {name} ska vara en lista med rader." for name, rows in data.items()
                 if name in known and not isinstance(rows, list)]
    if not problems:
        for table in tables:
            for number, row in enumerate(data.get(table.name, []), start=1):
                problems += row_problems(table, number, row)
        problems += reference_problems(tables, data) if not problems else []
        problems += record_problems(data) if not problems else []
        problems += history_chain.backup_problems(data) if not problems else []  # the rows are sound: walk the chain
    if problems:
        raise InvalidInput(problems[:MAX_PROBLEMS] + ([f"… och {len(problems) - MAX_PROBLEMS} fel till."]
                                                      if len(problems) > MAX_PROBLEMS else []))


def _where(table: Table, number: int, row) -> str:
    """Name a row for a message: table, position and id."""
    ident = f" (id {row['id']})" if isinstance(row, dict) and row.get("id") is not None else ""
    return f"Tabellen {table.name}, rad {number}{ident}"


def row_problems(table: Table, number: int, row) -> list[str]:
    """Return what is wrong with one row: unknown columns, missing or mistyped values, checksums."""
    where = _where(table, number, row)
    if not isinstance(row, dict):
        return [f"{where}: raden ska vara ett objekt med kolumnnamn och värden."]
    problems = [f"{where}: okänd kolumn {name}." for name in row if name not in table.columns]
    for column in table.columns:
        problem = value_problem(table, column, row.get(column.name))
        if problem:
            problems.append(f"{where}, kolumnen {column.name}: {problem}")
    return problems + (checksum_problems(table, row, where) if not problems else [])


def value_problem(table: Table, column, value) -> str | None:
    """Return why a value cannot go into the column, or None when it can."""
    if value is None:
        return None if column.nullable and not column.primary_key else "värde saknas."
    if isinstance(column.type, JSON):
        return _list_problem(LIST_COLUMNS.get((table.name, column.name)), value)
    problem = _type_problem(python_type(column), value, getattr(column.type, "length", None))
    allowed = ENUM_COLUMNS.get((table.name, column.name))
    if not problem and allowed and value not in set(allowed):
        problem = _unknown(value, tuple(allowed))
    return problem


def _unknown(value, allowed: tuple[str, ...]) -> str:
    """Say that a value is not one of the allowed ones."""
    return f"okänt värde \"{value}\" (tillåtna: {', '.join(allowed)})."


def _list_problem(allowed: tuple[str, ...] | None, value) -> str | None:
    """Check a JSON list of known values (modalities); other JSON is taken as it is."""
    if allowed is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return "ska vara en lista med texter."
    unknown = [v for v in value if v not in allowed]
    return _unknown(unknown[0], allowed) if unknown else None


def _type_problem(kind: type | None, value, length: int | None) -> str | None:
    """Return why value is not of the column's type (as a backup stores it), or None."""
    if kind is bool:
        return None if isinstance(value, bool) else f"ska vara true eller false, inte {value!r}."
    if kind is int:
        ok = isinstance(value, int) and not isinstance(value, bool) and INT_RANGE[0] <= value <= INT_RANGE[1]
        return None if ok else f"ska vara ett heltal, inte {value!r}."
    if kind is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
        return None if ok else f"ska vara ett tal, inte {value!r}."
    if kind is bytes:
        return None if decoded(value) is not None else "är inte giltig base64."
    if kind in (date, datetime):
        return _moment_problem(kind, value)
    if kind is str:
        return _text_problem(value, length)
    return None


def _moment_problem(kind: type[date] | type[datetime], value) -> str | None:
    """Check an ISO date (ÅÅÅÅ-MM-DD) or date and time."""
    try:
        kind.fromisoformat(value)
    except (TypeError, ValueError):
        return f"\"{value}\" är inte {'ett datum (ÅÅÅÅ-MM-DD)' if kind is date else 'en tidpunkt (ISO 8601)'}."
    return None


def _text_problem(value, length: int | None) -> str | None:
    """Check a text: a string, no NUL character, not longer than the column."""
    if not isinstance(value, str):
        return f"ska vara en text, inte {value!r}."
    if "\x00" in value:
        return "texten innehåller ett NUL-tecken."
    if length and len(value) > length:
        return f"texten är {len(value)} tecken, högst {length} får plats."
    return None


def decoded(value) -> bytes | None:
    """Return the bytes of a base64 text, or None when it is not valid base64."""
    try:
        return base64.b64decode(value, validate=True) if isinstance(value, str) else None
    except (binascii.Error, ValueError):
        return None


def checksum_problems(table: Table, row: dict, where: str) -> list[str]:
    """Check that stored files match their SHA-256 (documents, approved minutes PDFs) and size."""
    if table.name == "document":
        content = decoded(row["content"]) or b""  # invalid base64 is refused before; empty never matches
        problems = [] if hashlib.sha256(content).hexdigest() == row["sha256"] else [
            f"{where}: filen {row.get('filename')} stämmer inte med sin kontrollsumma (SHA-256)."]
        return problems + ([] if row["size"] == len(content) else
                           [f"{where}: filen {row.get('filename')} har storleken {len(content)} byte, "
                            f"inte {row['size']}."])
    if table.name == "minutesversion" and (row.get("pdf") is not None or row.get("pdf_sha256") is not None):
        pdf = decoded(row.get("pdf")) if row.get("pdf") is not None else None
        if pdf is None or hashlib.sha256(pdf).hexdigest() != row.get("pdf_sha256"):
            return [f"{where}: protokollets PDF stämmer inte med sin kontrollsumma (SHA-256)."]
    return []


def reference_problems(tables: list[Table], data: dict) -> list[str]:
    """Refuse duplicate keys and references to rows that are not in the backup (the database is empty)."""
    keys: dict[str, set] = {}
    problems = []
    for table in tables:
        names = [c.name for c in table.primary_key.columns]
        seen = keys.setdefault(table.name, set())
        for number, row in enumerate(data.get(table.name, []), start=1):
            key = tuple(row.get(n) for n in names)
            if key in seen:
                problems.append(f"{_where(table, number, row)}: nyckeln {', '.join(map(str, key))} finns två gånger.")
            seen.add(key)
    for table in tables:
        for number, row in enumerate(data.get(table.name, []), start=1):
            problems += _missing_references(table, number, row, keys)
    return problems


def _missing_references(table: Table, number: int, row: dict, keys: dict[str, set]) -> list[str]:
    """Return a problem for each reference of the row to a row the backup does not hold."""
    problems = []
    for column in table.columns:
        for foreign_key in column.foreign_keys:
            target = foreign_key.column.table.name
            value = row.get(column.name)
            if value is not None and (value,) not in keys.get(target, set()):
                problems.append(f"{_where(table, number, row)}, kolumnen {column.name}: hänvisar till {target} "
                                f"id {value}, som inte finns i säkerhetskopian.")
    return problems


MOMENTS = ("frozen_at", "approved_at", "reopened_at", "signed_at")


def _decoded_row(row: dict) -> dict:
    """Return a minutes or signature row with its moments and PDF as the database gives them back."""
    values = {**row, **{k: datetime.fromisoformat(row[k]) for k in MOMENTS if row.get(k) is not None}}
    return {**values, "pdf": decoded(row["pdf"])} if row.get("pdf") is not None else values


def record_problems(data: dict) -> list[str]:
    """Refuse frozen minutes that disagree with their checksums, signatures or approval, and approved reviews
    without their frozen minutes: restored, they would be served as the approved record."""
    signatures: dict[tuple, list[dict]] = {}
    for row in data.get("signature", []):
        signatures.setdefault((row["review_id"], row["minutes_version"]), []).append(_decoded_row(row))
    versions = {(row["review_id"], row["version"]): row for row in data.get("minutesversion", [])}
    recorded: dict[int, list] = {}
    for entry in data.get("historyentry", []):
        if entry.get("entity") in ("Review", "MinutesVersion"):
            recorded.setdefault(entry.get("review_id"), []).append(entry.get("new_values"))
    problems = []
    for (review_id, version), row in versions.items():
        found = version_problems(_decoded_row(row), signatures.get((review_id, version), []),
                                 recorded_pdf_hashes(recorded.get(review_id, [])))
        problems += [f"Tabellen minutesversion (id {row['id']}, genomgång {review_id}, version {version}): {p}."
                     for p in found]
    for review in data.get("review", []):
        stored = versions.get((review["id"], review["minutes_version"]))
        if review["status"] == enums.ReviewStatus.APPROVED and (stored is None or stored.get("approved_at") is None):
            problems.append(f"Tabellen review (id {review['id']}): genomgången är justerad men dess justerade "
                            f"protokoll (version {review['minutes_version']}) finns inte i säkerhetskopian.")
    return problems
