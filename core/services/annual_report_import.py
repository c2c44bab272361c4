"""Loading a strålskyddsbokslut: validate, show what would change, then apply all or nothing."""
import hashlib
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from core import history
from core.annual_report.checks import capped, check_workbook
from core.annual_report.reader import ParsedWorkbook, read_workbook
from core.clock import local
from core.enums import HistoryOperation
from core.errors import Conflict, InvalidInput
from core.files import safe_filename
from core.formatting import number_text
from core.limits import text_limit
from core.models import (
    AnnualReport,
    Clinic,
    Document,
    Finding,
    Organisation,
    ReportSummary,
    stored_id,
)
from core.permissions import Actor, Permission, require
from core.regulation.dose_limits import investigation_levels
from core.services._annual_report_plan import (  # noqa: F401  SheetChanges and ImportPlan are used by the page
    CLINIC_FIELDS,
    TABLES,
    ImportPlan,
    SheetChanges,
    locked_minutes,
    plan_sheets,
    protected_findings,
    sheet_fields,
)
from core.services._common import get_or_fail, lock_annual_reports
from core.services._queries import clinic_codes

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BUSY = "Ett annat strålskyddsbokslut läses in just nu. Inget har ändrats; vänta en stund och försök igen."
RACED = ("Någon annan läste in ett strålskyddsbokslut samtidigt, så inget har ändrats. Läs in arbetsboken igen "
         "för att se vad den nu skulle ändra.")
NARRATIVE_TYPES = {".pdf": "application/pdf", ".doc": "application/msword",
                   ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def _organisation(session: Session, name: str) -> Organisation | None:
    """Return the portal's organisation, refusing a workbook of another one."""
    org = session.exec(select(Organisation).order_by(col(Organisation.id))).first()
    if org is not None and org.name.casefold() != name.casefold():
        raise InvalidInput([f"Bokslut, kolumn Organisation: \"{name}\" är inte portalens organisation "
                            f"\"{org.name}\"."])
    return org


def _refuse_removing_decided(session: Session, sheets: dict[str, SheetChanges]) -> None:
    """Refuse a replace that would remove findings a review has decided on."""
    protected = protected_findings(session, sheets["Brister"].removed)
    if protected:
        raise InvalidInput(["Brister: arbetsboken saknar brister som en genomgång redan har beslutat om (en åtgärd "
                            "eller ingen åtgärd) och som därför inte får tas bort: " + ", ".join(protected)
                            + ". Lägg tillbaka dem i arbetsboken."])


def _report_of(session: Session, org: Organisation | None, year: int, replace: bool) -> AnnualReport | None:
    """Return the stored bokslut of the year; refuse a second load unless replacing."""
    report = None if org is None else session.exec(select(AnnualReport).where(
        AnnualReport.organisation_id == org.id, AnnualReport.year == year)).first()
    if report is not None and not replace:
        raise InvalidInput([f"Strålskyddsbokslutet för {year} är redan inläst. Välj att ersätta det "
                            "om arbetsboken är en rättad version."])
    return report


def _checked(session: Session, parsed: ParsedWorkbook, today: date) -> ParsedWorkbook:
    """Check the read workbook against the portal's clinics and the day; refuse it with every problem (capped)."""
    clinics = session.exec(select(Clinic)).all()
    parsed = check_workbook(parsed, {c.code for c in clinics}, today=today,
                            investigation={c.code: investigation_levels(c) for c in clinics})
    if parsed.errors:
        raise InvalidInput(capped(parsed.errors))
    return parsed


def _refuse_long_filename(filename: str, what: str) -> None:
    """Refuse a file name longer than the database keeps."""
    limit = text_limit(Document, "filename")
    if len(filename) > limit:
        raise InvalidInput([f"{what}: filnamnet är {number_text(len(filename))} tecken långt; högst "
                            f"{number_text(limit)} tecken får plats. Byt namn på filen och försök igen."])


def _read(*, actor: Actor, data: bytes, filename: str, narrative_name: str | None) -> ParsedWorkbook:
    """Check the permission and the file names, then read the workbook (no database needed)."""
    require(actor, Permission.IMPORT_ANNUAL_REPORT)
    _refuse_long_filename(filename, "Arbetsboken")
    if narrative_name is not None:
        narrative_media_type(narrative_name)
        _refuse_long_filename(narrative_name, "Bilaga")
    return read_workbook(data, filename)


def _plan(session: Session, parsed: ParsedWorkbook, replace: bool, today: date) -> ImportPlan:
    """Check a read workbook against the portal and work out what loading it changes."""
    parsed = _checked(session, parsed, today)
    org = _organisation(session, parsed.header["organisation"])
    year = parsed.header["year"]
    report = _report_of(session, org, year, replace)
    sheets = plan_sheets(session, parsed, report)
    _refuse_removing_decided(session, sheets)
    return ImportPlan(organisation=parsed.header["organisation"], year=year, replacing=report is not None,
                      sheets=sheets, warnings=capped(parsed.warnings, "varningar till."), parsed=parsed,
                      locked_minutes=locked_minutes(session, report))


def plan_import(session: Session, *, actor: Actor, data: bytes, filename: str, replace: bool, today: date,
                narrative_name: str | None = None) -> ImportPlan:
    """Validate a workbook against the portal and return what loading it would change; writes nothing.

    The real load runs exactly these steps (after taking the import lock), so a dry run says what it will do.
    """
    parsed = _read(actor=actor, data=data, filename=filename, narrative_name=narrative_name)
    return _plan(session, parsed, replace, today)


def _apply_clinics(session: Session, org: Organisation, changes: SheetChanges) -> dict[str, int]:
    """Create and update clinics from the Kliniker sheet; return code → id for every clinic."""
    for row in changes.added:
        values: dict[str, Any] = {f: row.get(f) or ([] if f == "modalities" else None) for f in CLINIC_FIELDS}
        clinic = Clinic(organisation_id=stored_id(org), code=row["code"], **values)
        session.add(clinic)
    for row in changes.changed:
        clinic = get_or_fail(session, Clinic, row["id"])
        for f in CLINIC_FIELDS:
            if row.get(f) not in (None, []):
                setattr(clinic, f, row[f])
        clinic.version += 1
    return {code: cid for cid, code in clinic_codes(session).items()}


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
            {"annual_report_id": report_id, "clinic_id": _clinic_id(clinic_ids, row.get("clinic_code")),
             **{f: row.get(f) for f in fields}, **extra} for row in changes.added])


def _clinic_id(clinic_ids: dict[str, int], code: str | None) -> int | None:
    """Return the id of a row's clinic, or None for an organisation-wide row (no clinic code)."""
    return clinic_ids.get(code) if code is not None else None


def _store_document(session: Session, *, report_id: int, kind: str, data: bytes, filename: str,
                    media_type: str, actor: Actor, now: datetime) -> Document:
    """Keep a file with the bokslut under a safe base name, with its SHA-256 (the page and the CLI alike)."""
    document = Document(annual_report_id=report_id, kind=kind, filename=safe_filename(filename), media_type=media_type,
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
    report = report or AnnualReport(organisation_id=stored_id(org), year=plan.year, imported_at=now)
    for key in ("prepared_by", "completed_on", "version_label"):
        setattr(report, key, header.get(key))
    report.imported_at, report.imported_by_id = now, actor.user_id
    session.add(report)
    session.flush()
    return report


def _apply(session: Session, plan: ImportPlan, *, actor: Actor, data: bytes, filename: str,
           narrative: tuple[bytes, str] | None, now: datetime) -> AnnualReport:
    """Write the plan: clinics, the bokslut, its rows and its documents."""
    org = _organisation(session, plan.organisation)
    if org is None:
        org = Organisation(name=plan.organisation, created_at=now)
        session.add(org)
        session.flush()
    clinic_ids = _apply_clinics(session, org, plan.sheets["Kliniker"])
    report = _report_row(session, org, plan, actor, now)
    report_id = stored_id(report)
    _apply_rows(session, ReportSummary, plan.sheets["Sammanfattning"], ["part", "text"], report_id, clinic_ids, {})
    for name, model in TABLES.items():
        extra = {"created_at": now} if model is Finding else {}
        _apply_rows(session, model, plan.sheets[name], sheet_fields(name), report_id, clinic_ids, extra)
    _store_document(session, report_id=report_id, kind="workbook", data=data, filename=filename,
                    media_type=XLSX_TYPE, actor=actor, now=now)
    if narrative:
        _store_document(session, report_id=report_id, kind="narrative", data=narrative[0], filename=narrative[1],
                        media_type=narrative_media_type(narrative[1]), actor=actor, now=now)
    session.flush()
    return report


def import_annual_report(session: Session, *, actor: Actor, data: bytes, filename: str, replace: bool = False,
                         narrative: tuple[bytes, str] | None = None, now: datetime) -> ImportPlan:
    """Load a workbook: all or nothing, in the caller's one transaction. Return what changed.

    The import lock is taken before anything is looked up, so a second load waits and then plans against the
    first one's result: two replaces at once never duplicate rows.
    """
    parsed = _read(actor=actor, data=data, filename=filename, narrative_name=narrative and narrative[1])
    history.track(session, actor=actor, now=now)
    lock_annual_reports(session, BUSY)
    plan = _plan(session, parsed, replace, local(now).date())
    try:
        report = _apply(session, plan, actor=actor, data=data, filename=filename, narrative=narrative, now=now)
    except IntegrityError:  # only a load racing this one can break a unique rule here
        raise Conflict(RACED) from None
    history.record(session, report, operation=HistoryOperation.UPDATE if plan.replacing else HistoryOperation.CREATE,
                   new={name: dict(zip(("nya", "ändrade", "borttagna"), ch.counts(), strict=True))
                        for name, ch in plan.sheets.items()})
    return plan
