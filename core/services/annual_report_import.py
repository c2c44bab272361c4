"""Loading a strålskyddsbokslut: validate, show what would change, then apply all or nothing."""
import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, insert
from sqlmodel import Session, col, select

from core.annual_report import schema
from core.annual_report.checks import check_workbook
from core.annual_report.reader import ParsedWorkbook, read_workbook
from core.errors import InvalidInput
from core.models import (
    Action,
    AnnualReport,
    Clinic,
    Document,
    Finding,
    Goal,
    Indicator,
    Organisation,
    ReportSummary,
    Review,
)
from core.permissions import Actor, Permission, require
from core.services import audit

# Sheet → (model, the fields a row fills). Kliniker and Sammanfattning are handled on their own.
TABLES = {"Mål": Goal, "Indikatorer": Indicator, "Brister": Finding}
CLINIC_FIELDS = ("name", "site", "head_name", "coordinator_name", "modalities")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NARRATIVE_TYPES = {".pdf": "application/pdf", ".doc": "application/msword",
                   ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


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


def _key(row: dict, id_field: str) -> tuple:
    """Identify a row within its sheet: clinic code and ID (case-insensitive)."""
    return (row.get("clinic_code"), str(row.get(id_field, "")).casefold())


def sheet_fields(sheet_name: str) -> list[str]:
    """Return the fields a table sheet fills (besides the clinic)."""
    sheet = next(s for s in schema.TABLE_SHEETS if s.name == sheet_name)
    return [c.field for c in sheet.columns if c.field != "clinic_code"]


def _row_of(obj, code_of: dict[int, str], fields: list[str]) -> dict:
    """Describe a stored row like a workbook row."""
    return {"clinic_code": code_of.get(obj.clinic_id), **{f: getattr(obj, f) for f in fields}, "id": obj.id}


def _diff(existing: list, rows: list[dict], code_of: dict[int, str], fields: list[str],
          id_field: str = "code") -> SheetChanges:
    """Compare stored rows with the workbook's rows by clinic and ID."""
    stored = {_key(r, id_field): r for r in (_row_of(o, code_of, fields) for o in existing)}
    changes = SheetChanges()
    for row in rows:
        old = stored.pop(_key(row, id_field), None)
        if old is None:
            changes.added.append(row)
        elif any(_normalised(old.get(f)) != _normalised(row.get(f)) for f in fields):
            changes.changed.append({**row, "id": old["id"]})
    changes.removed = list(stored.values())
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
        elif any(row.get(f) not in (None, []) and row.get(f) != getattr(clinic, f) for f in CLINIC_FIELDS):
            changes.changed.append({**row, "id": clinic.id})
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


def _plan_sheets(session: Session, parsed: ParsedWorkbook, report: AnnualReport | None) -> dict[str, SheetChanges]:
    """Compute what changes per sheet."""
    code_of = dict(session.exec(select(Clinic.id, Clinic.code)).all())
    sheets = {"Kliniker": _clinic_changes(session, parsed.rows["Kliniker"]),
              "Sammanfattning": _diff(_existing(session, ReportSummary, report),
                                      _summary_rows(parsed.rows["Sammanfattning"]), code_of,
                                      ["part", "text"], id_field="part")}
    for name, model in TABLES.items():
        sheets[name] = _diff(_existing(session, model, report), parsed.rows[name], code_of, sheet_fields(name))
    return sheets


def _organisation(session: Session, name: str) -> Organisation | None:
    """Return the portal's organisation, refusing a workbook of another one."""
    org = session.exec(select(Organisation).order_by(Organisation.id)).first()
    if org is not None and org.name.casefold() != name.casefold():
        raise InvalidInput([f"Bokslut, kolumn Organisation: \"{name}\" är inte portalens organisation "
                            f"\"{org.name}\"."])
    return org


def _protected_findings(session: Session, removed: list[dict]) -> list[str]:
    """Name the findings a replace would remove although an action answers them."""
    ids = [r["id"] for r in removed]
    answered = set(session.exec(select(Action.finding_id).where(col(Action.finding_id).in_(ids))))
    return [f"{r['code']} ({r['clinic_code'] or 'hela organisationen'})" for r in removed if r["id"] in answered]


def _locked_minutes(session: Session, report: AnnualReport | None) -> list[str]:
    """Name the minutes frozen on a bokslut (sent for justering or approved): a replace leaves them as they are."""
    if report is None:
        return []
    rows = session.exec(select(Review.protocol_number, Review.status).where(
        Review.annual_report_id == report.id, col(Review.status).in_(["approval", "approved"]))
        .order_by(Review.protocol_number)).all()
    return [f"{number} ({'justerat' if status == 'approved' else 'under justering'})" for number, status in rows]


def plan_import(session: Session, *, actor: Actor, data: bytes, filename: str, replace: bool) -> ImportPlan:
    """Validate a workbook against the portal and return what loading it would change; writes nothing."""
    require(actor, Permission.IMPORT_ANNUAL_REPORT)
    known = set(session.exec(select(Clinic.code)))
    parsed = check_workbook(read_workbook(data, filename), known)
    if parsed.errors:
        raise InvalidInput([str(p) for p in parsed.errors])
    org = _organisation(session, parsed.header["organisation"])
    year = parsed.header["year"]
    report = org and session.exec(select(AnnualReport).where(
        AnnualReport.organisation_id == org.id, AnnualReport.year == year)).first()
    if report is not None and not replace:
        raise InvalidInput([f"Strålskyddsbokslutet för {year} är redan inläst. Välj att ersätta det "
                            "om arbetsboken är en rättad version."])
    sheets = _plan_sheets(session, parsed, report)
    protected = _protected_findings(session, sheets["Brister"].removed)
    if protected:
        raise InvalidInput(["Brister: arbetsboken saknar brister som redan har beslutade åtgärder och därför "
                            "inte får tas bort: " + ", ".join(protected) + "."])
    return ImportPlan(organisation=parsed.header["organisation"], year=year, replacing=report is not None,
                      sheets=sheets, warnings=[str(w) for w in parsed.warnings], parsed=parsed,
                      locked_minutes=_locked_minutes(session, report))


def _apply_clinics(session: Session, *, actor: Actor, org: Organisation, changes: SheetChanges,
                   now: datetime) -> dict[str, int]:
    """Create and update clinics from the Kliniker sheet; return code → id for every clinic."""
    for row in changes.added:
        clinic = Clinic(organisation_id=org.id, code=row["code"],
                        **{f: row.get(f) or ([] if f == "modalities" else None) for f in CLINIC_FIELDS})
        session.add(clinic)
        session.flush()
        audit.record(session, actor=actor, now=now, entity="Clinic", entity_id=clinic.id, operation="create",
                     new=audit.snapshot(clinic), clinic_id=clinic.id)
    for row in changes.changed:
        clinic = session.get(Clinic, row["id"])
        old = audit.snapshot(clinic)
        for f in CLINIC_FIELDS:
            if row.get(f) not in (None, []):
                setattr(clinic, f, row[f])
        clinic.version += 1
        before, after = audit.changed(old, audit.snapshot(clinic))
        audit.record(session, actor=actor, now=now, entity="Clinic", entity_id=clinic.id, operation="update",
                     old=before, new=after, clinic_id=clinic.id)
    return {code: cid for cid, code in session.exec(select(Clinic.id, Clinic.code)).all()}


def _apply_rows(session: Session, model, changes: SheetChanges, fields: list[str], report_id: int,
                clinic_ids: dict[str, int], extra: dict) -> None:
    """Remove, update and insert one sheet's rows (inserted in bulk: a bokslut can be large)."""
    if changes.removed:
        session.execute(delete(model).where(col(model.id).in_([r["id"] for r in changes.removed])))
    for row in changes.changed:
        obj = session.get(model, row["id"])
        for f in fields:
            setattr(obj, f, row.get(f))
    if changes.added:
        session.execute(insert(model), [
            {"annual_report_id": report_id, "clinic_id": clinic_ids.get(row.get("clinic_code")),
             **{f: row.get(f) for f in fields}, **extra} for row in changes.added])


def _store_document(session: Session, *, report_id: int, kind: str, data: bytes, filename: str,
                    media_type: str, actor: Actor, now: datetime) -> Document:
    """Keep a file with the bokslut, with its SHA-256."""
    document = Document(annual_report_id=report_id, kind=kind, filename=filename, media_type=media_type,
                        size=len(data), sha256=hashlib.sha256(data).hexdigest(), content=data,
                        uploaded_at=now, uploaded_by_id=actor.user_id)
    session.add(document)
    return document


def narrative_media_type(filename: str) -> str:
    """Return the media type of a narrative bokslut, refusing anything but PDF or Word."""
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix not in NARRATIVE_TYPES:
        raise InvalidInput([f"Bilaga: {filename} är inte en PDF- eller Word-fil (.pdf, .doc, .docx)."])
    return NARRATIVE_TYPES[suffix]


def _report_row(session: Session, org: Organisation, plan: ImportPlan, actor: Actor, now: datetime) -> AnnualReport:
    """Create the bokslut, or update its header when replacing."""
    header = plan.parsed.header
    report = session.exec(select(AnnualReport).where(AnnualReport.organisation_id == org.id,
                                                     AnnualReport.year == plan.year)).first()
    report = report or AnnualReport(organisation_id=org.id, year=plan.year, imported_at=now)
    for key in ("prepared_by", "completed_on", "version_label"):
        setattr(report, key, header.get(key))
    report.imported_at, report.imported_by_id = now, actor.user_id
    session.add(report)
    session.flush()
    return report


def import_annual_report(session: Session, *, actor: Actor, data: bytes, filename: str, replace: bool = False,
                         narrative: tuple[bytes, str] | None = None, now: datetime) -> ImportPlan:
    """Load a workbook: all or nothing, in the caller's one transaction. Return what changed."""
    media_type = narrative_media_type(narrative[1]) if narrative else None
    plan = plan_import(session, actor=actor, data=data, filename=filename, replace=replace)
    org = _organisation(session, plan.organisation)
    if org is None:
        org = Organisation(name=plan.organisation, created_at=now)
        session.add(org)
        session.flush()
    clinic_ids = _apply_clinics(session, actor=actor, org=org, changes=plan.sheets["Kliniker"], now=now)
    report = _report_row(session, org, plan, actor, now)
    _apply_rows(session, ReportSummary, plan.sheets["Sammanfattning"], ["part", "text"], report.id, clinic_ids, {})
    for name, model in TABLES.items():
        extra = {"created_at": now} if model is Finding else {}
        _apply_rows(session, model, plan.sheets[name], sheet_fields(name), report.id, clinic_ids, extra)
    _store_document(session, report_id=report.id, kind="workbook", data=data, filename=filename,
                    media_type=XLSX_TYPE, actor=actor, now=now)
    if narrative:
        _store_document(session, report_id=report.id, kind="narrative", data=narrative[0], filename=narrative[1],
                        media_type=media_type, actor=actor, now=now)
    audit.record(session, actor=actor, now=now, entity="AnnualReport", entity_id=report.id,
                 operation="update" if plan.replacing else "create",
                 new={name: dict(zip(("nya", "ändrade", "borttagna"), ch.counts())) for name, ch in plan.sheets.items()})
    return plan
