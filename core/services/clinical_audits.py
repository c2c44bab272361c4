"""Kliniska revisioner: the register per clinic; their findings go to the next review like other findings."""
import hashlib
from datetime import date, datetime

from pydantic import BaseModel, field_validator
from sqlmodel import Session, col, select

from core import history, limits
from core.clock import local
from core.enums import FindingSource, HistoryOperation, Severity
from core.errors import InvalidInput
from core.files import safe_filename
from core.models import Clinic, ClinicalAudit, Document, Finding
from core.permissions import Actor, Permission, require
from core.services._common import get_or_fail
from core.validation import checked_arguments, validated


class AuditCreate(BaseModel):
    """A clinical audit as registered."""

    audit_date: date | None = None
    external: bool = False
    whole_activity: bool = False
    scope: str = ""
    auditors: str = ""
    summary: str | None = None

    @field_validator("audit_date")
    @classmethod
    def _date(cls, v: date | None) -> date:
        if v is None:
            raise ValueError("måste fyllas i (ÅÅÅÅ-MM-DD).")
        return v

    @field_validator("scope", "auditors")
    @classmethod
    def _required(cls, v: str) -> str:
        if not (v or "").strip():
            raise ValueError("måste fyllas i.")
        return v.strip()


@checked_arguments()
def register(session: Session, *, actor: Actor, clinic_id: int, data: dict, findings: list[dict],
             report: tuple[bytes, str] | None, now: datetime) -> ClinicalAudit:
    """Register an audit with its findings (description, severity) and optionally its report file."""
    require(actor, Permission.EDIT_SELF_ASSESSMENT, clinic_id)
    history.track(session, actor=actor, now=now)
    get_or_fail(session, Clinic, clinic_id)
    fields = validated(AuditCreate, {**data, "audit_date": data.get("audit_date")})
    problems = limits.day_problems(local(now).date(), happened=True, audit_date=fields.audit_date)
    problems += [f"Brist {i}: beskrivning saknas." for i, f in enumerate(findings, start=1)
                if not (f.get("description") or "").strip()]
    problems += [f"Brist {i}: allvarlighet ska vara Hög, Medel eller Låg." for i, f in enumerate(findings, start=1)
                 if f.get("severity") not in {s.value for s in Severity}]
    if problems:
        raise InvalidInput(problems)
    record = ClinicalAudit(clinic_id=clinic_id, created_at=now, created_by_id=actor.user_id, **fields.model_dump())
    session.add(record)
    session.flush()
    for i, finding in enumerate(findings, start=1):
        session.add(Finding(clinic_id=clinic_id, clinical_audit_id=record.id, code=f"KR-{record.id}-{i}",
                            description=finding["description"].strip(), severity=finding["severity"],
                            source=FindingSource.CLINICAL_AUDIT.value, area=finding.get("area"), created_at=now))
    if report:
        data_bytes, name = report[0], safe_filename(report[1])
        session.add(Document(clinical_audit_id=record.id, kind="audit_report", filename=name,
                             media_type=("application/pdf" if name.lower().endswith(".pdf")
                                         else "application/octet-stream"),
                             size=len(data_bytes), sha256=hashlib.sha256(data_bytes).hexdigest(), content=data_bytes,
                             uploaded_at=now, uploaded_by_id=actor.user_id))
    history.record(session, record, operation=HistoryOperation.CREATE, new={"brister": len(findings)})
    return record


def audits_of(session: Session, *, actor: Actor, clinic_id: int) -> list[tuple[ClinicalAudit, list[Finding]]]:
    """Return a clinic's audits, newest first, with their findings."""
    require(actor, Permission.VIEW_CLINIC, clinic_id)
    records = session.exec(select(ClinicalAudit).where(ClinicalAudit.clinic_id == clinic_id)
                           .order_by(col(ClinicalAudit.audit_date).desc())).all()
    findings = session.exec(select(Finding).where(col(Finding.clinical_audit_id).in_([r.id for r in records]))).all()
    return [(r, [f for f in findings if f.clinical_audit_id == r.id]) for r in records]


def report_of(session: Session, *, actor: Actor, audit_id: int) -> Document | None:
    """Return an audit's report file, if any."""
    record = get_or_fail(session, ClinicalAudit, audit_id)
    require(actor, Permission.VIEW_CLINIC, record.clinic_id)
    return session.exec(select(Document).where(Document.clinical_audit_id == audit_id)).first()


def whole_activity_overdue(last: date | None, today: date, interval_years: int) -> bool:
    """Tell whether the last audit of the whole activity is older than the interval (or never held)."""
    if last is None:
        return True
    try:
        due = last.replace(year=last.year + interval_years)
    except ValueError:  # 29 February
        due = last.replace(year=last.year + interval_years, day=28)
    return today > due
