"""What loading a strålskyddsbokslut would change: rows added, changed and removed per sheet."""
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from core.annual_report import schema
from core.annual_report.reader import ParsedWorkbook
from core.enums import FindingSource, ReviewStatus
from core.models import (
    AnnualReport,
    Clinic,
    DosimetryRecord,
    DrlStatus,
    Finding,
    Goal,
    Indicator,
    ReportSummary,
    Review,
    TrainingRecord,
)
from core.services._queries import clinic_codes, decided_finding_ids

# Sheet → the model its rows are stored in. Kliniker and Sammanfattning are handled on their own.
TABLES = {"Mål": Goal, "Indikatorer": Indicator, "Brister": Finding, "Utbildning": TrainingRecord,
          "Persondosimetri": DosimetryRecord, "DRL": DrlStatus}
CLINIC_FIELDS = ("name", "site", "head_name", "coordinator_name", "modalities")


@dataclass
class SheetChanges:
    """What loading would do to one sheet's rows."""

    added: list[dict] = field(default_factory=list)
    changed: list[dict] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)

    def counts(self) -> tuple[int, int, int]:
        """Return (added, changed, removed)."""
        return len(self.added), len(self.changed), len(self.removed)


@dataclass
class ImportPlan:
    """Everything an import would change, shown before it is confirmed."""

    organisation: str
    year: int
    replacing: bool
    sheets: dict[str, SheetChanges]
    warnings: list[str]
    parsed: ParsedWorkbook
    locked_minutes: list[str] = field(default_factory=list)  # minutes frozen on the bokslut being replaced

    def summary(self) -> str:
        """Describe the plan in one Swedish line per sheet."""
        lines = [f"Strålskyddsbokslut {self.year} för {self.organisation}"
                 + (" (ersätter det inlästa)" if self.replacing else "") + ":"]
        for name, changes in self.sheets.items():
            added, changed, removed = changes.counts()
            lines.append(f"  {name}: {added} nya, {changed} ändrade, {removed} borttagna")
        if self.locked_minutes:
            lines.append(self.locked_note())
        return "\n".join(lines)

    def locked_note(self) -> str:
        """Say that the minutes already frozen on this bokslut stay as they are."""
        return (f"Protokoll som redan är justerade eller under justering och bygger på bokslutet "
                f"{self.year} ändras inte av att det ersätts: {', '.join(self.locked_minutes)}.")


def _key(row: dict, fields: tuple[str, ...]) -> tuple:
    """Identify a row within its sheet: clinic code and ID fields (case-insensitive)."""
    return (row.get("clinic_code"), *(str(row.get(f) or "").casefold() for f in fields))


def sheet_fields(sheet_name: str) -> list[str]:
    """Return the fields a table sheet fills (besides the clinic)."""
    sheet = next(s for s in schema.TABLE_SHEETS if s.name == sheet_name)
    return [c.field for c in sheet.columns if c.field != "clinic_code"] + list(sheet.derived)


def _row_of(obj, code_of: dict[int, str], fields: list[str]) -> dict:
    """Describe a stored row like a workbook row."""
    return {"clinic_code": code_of.get(obj.clinic_id), **{f: getattr(obj, f) for f in fields}, "id": obj.id}


def _diff(existing: list, rows: list[dict], code_of: dict[int, str], fields: list[str],
          key: tuple[str, ...] = ("code",)) -> SheetChanges:
    """Compare stored rows with the workbook's rows by clinic and ID."""
    stored: dict[tuple, dict] = {}
    changes = SheetChanges()
    for row in (_row_of(o, code_of, fields) for o in sorted(existing, key=lambda o: o.id)):
        if _key(row, key) in stored:  # the same ID stored twice (before IDs were unique): the later goes
            changes.removed.append(row)
        else:
            stored[_key(row, key)] = row
    for row in rows:
        old = stored.pop(_key(row, key), None)
        if old is None:
            changes.added.append(row)
        elif was := {f: old.get(f) for f in fields if _normalised(old.get(f)) != _normalised(row.get(f))}:
            changes.changed.append({**row, "id": old["id"], "was": was})  # the preview shows old → new
    changes.removed += list(stored.values())
    return changes


def _normalised(value):
    """Compare empty and missing alike, and numbers as floats."""
    if value in ("", None):
        return None
    return float(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _clinic_changes(session: Session, rows: list[dict]) -> SheetChanges:
    """Compare the Kliniker sheet with the portal's clinics (clinics are never removed by a workbook)."""
    clinics = {c.code: c for c in session.exec(select(Clinic))}
    changes = SheetChanges()
    for row in rows:
        clinic = clinics.get(row["code"])
        if clinic is None:
            changes.added.append(row)
        elif was := {f: getattr(clinic, f) for f in CLINIC_FIELDS
                     if row.get(f) not in (None, []) and row.get(f) != getattr(clinic, f)}:
            changes.changed.append({**row, "id": clinic.id, "was": was})
    return changes


def _summary_rows(rows: list[dict]) -> list[dict]:
    """Merge summary rows per clinic and part (several rows of one part become paragraphs)."""
    merged: dict[tuple, dict] = {}
    for row in rows:
        key = (row.get("clinic_code"), row["part"])
        if key in merged:
            merged[key]["text"] += "\n\n" + row["text"]
        else:
            merged[key] = dict(row)
    return list(merged.values())


def _existing(session: Session, model, report: AnnualReport | None) -> list:
    """Return the stored rows of a model for the report (none for a new year)."""
    if report is None:
        return []
    return list(session.exec(select(model).where(model.annual_report_id == report.id)))


def plan_sheets(session: Session, parsed: ParsedWorkbook, report: AnnualReport | None) -> dict[str, SheetChanges]:
    """Compute what changes per sheet."""
    code_of = clinic_codes(session)
    sheets = {"Kliniker": _clinic_changes(session, parsed.rows["Kliniker"]),
              "Sammanfattning": _diff(_existing(session, ReportSummary, report),
                                      _summary_rows(parsed.rows["Sammanfattning"]), code_of,
                                      ["part", "text"], key=("part",))}
    for name, model in TABLES.items():
        if name in parsed.absent:  # e.g. training entered on the page is kept when a 1.0 workbook replaces
            sheets[name] = SheetChanges()
            continue
        sheet = next(s for s in schema.TABLE_SHEETS if s.name == name)
        sheets[name] = _diff(_existing(session, model, report), parsed.rows[name], code_of, sheet_fields(name),
                             key=sheet.key_fields())
    _keep_unchecked_findings(sheets["Brister"], parsed.absent)
    return sheets


def _keep_unchecked_findings(changes: SheetChanges, absent: set[str]) -> None:
    """Keep the findings the checks made from a sheet this workbook lacks: its rows stay, so their findings do."""
    sheets_of = {"DRL-": schema.DRL.name, "DOS-": schema.PERSONDOSIMETRI.name}
    changes.removed = [r for r in changes.removed if not (
        r.get("source") == FindingSource.FIGURE_CHECK and sheets_of.get(str(r["code"])[:4]) in absent)]


def protected_findings(session: Session, removed: list[dict]) -> list[str]:
    """Name the findings a replace would remove although a review decided on them (an action or "ingen åtgärd")."""
    decided = decided_finding_ids(session, [r["id"] for r in removed])
    return [f"{r['code']} ({r['clinic_code'] or 'hela organisationen'})" for r in removed if r["id"] in decided]


def locked_minutes(session: Session, report: AnnualReport | None) -> list[str]:
    """Name the minutes frozen on a bokslut (sent for justering or approved): a replace leaves them as they are."""
    if report is None:
        return []
    rows = session.exec(select(Review.protocol_number, Review.status).where(
        Review.annual_report_id == report.id, col(Review.status).not_in(ReviewStatus.editable_values()))
        .order_by(Review.protocol_number)).all()
    return [f"{number} ({'justerat' if status == ReviewStatus.APPROVED else 'under justering'})"
            for number, status in rows]
