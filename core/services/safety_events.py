"""Händelser och avvikelser: events reported to SSM and internal deviations, per clinic.

An event reported to SSM needs a written report within three months (SSMFS 2018:5 3 kap. 10 §); one still
unsent after that is flagged on Översikt and in the årshjul. An event can be raised as a finding, which then
comes to the clinic's reviews until one decides on it, like the findings of a clinical audit.
"""
from datetime import date, datetime

from pydantic import BaseModel, field_validator
from sqlmodel import Session, col, select

from core import glossary, history
from core.clock import add_months
from core.enums import FindingSource, HistoryOperation, SafetyEventKind, SafetyEventStatus, Severity
from core.errors import Conflict, InvalidInput
from core.glossary import FIELDS
from core.models import Finding, SafetyEvent
from core.permissions import Actor, Permission, require
from core.services._common import claim_version, get_or_fail
from core.services._queries import in_visible_clinics
from core.validation import validated

REPORT_MONTHS = 3  # SSMFS 2018:5 3 kap. 10 §: a written report to SSM within three months
REPORT_SOURCE = "SSMFS 2018:5 3 kap. 10 §"


class EventFields(BaseModel):
    """An event as registered or changed."""

    kind: SafetyEventKind
    occurred_on: date
    description: str = ""
    ssm_reference: str | None = None
    report_sent_on: date | None = None
    status: SafetyEventStatus = SafetyEventStatus.OPEN

    @field_validator("occurred_on", mode="before")  # before the date is parsed, so a date given as None is named
    @classmethod
    def _date(cls, v: object) -> object:
        if v is None:
            raise ValueError("måste fyllas i (ÅÅÅÅ-MM-DD).")
        return v

    @field_validator("description")
    @classmethod
    def _described(cls, v: str) -> str:
        if not (v or "").strip():
            raise ValueError("måste fyllas i.")
        return v.strip()

    @field_validator("ssm_reference")
    @classmethod
    def _reference(cls, v: str | None) -> str | None:
        v = (v or "").strip() or None
        if v and len(v) > 50:
            raise ValueError("högst 50 tecken.")
        return v


def _checked(data: dict, today: date) -> EventFields:
    """Validate an event's fields, with the rules that tie them together."""
    fields = validated(EventFields, data)
    problems = []
    if fields.occurred_on > today:
        problems.append(f"{FIELDS['occurred_on']}: {fields.occurred_on.isoformat()} har inte inträffat än.")
    if fields.report_sent_on and fields.report_sent_on < fields.occurred_on:
        problems.append(f"{FIELDS['report_sent_on']}: kan inte vara före händelsen.")
    if fields.kind == SafetyEventKind.INTERNAL and (fields.report_sent_on or fields.ssm_reference):
        problems.append("En intern avvikelse har ingen rapport till SSM; välj Rapporterad till SSM.")
    if fields.status == SafetyEventStatus.REPORT_SENT and not fields.report_sent_on:
        problems.append(f"{FIELDS['report_sent_on']}: ange när den skriftliga rapporten skickades.")
    if problems:
        raise InvalidInput(problems)
    if fields.report_sent_on and fields.status == SafetyEventStatus.OPEN:
        fields.status = SafetyEventStatus.REPORT_SENT
    return fields


def report_deadline(kind: str, occurred_on: date) -> date | None:
    """Return the written report's last day: three months after an event reported to SSM (none for a deviation)."""
    return add_months(occurred_on, REPORT_MONTHS) if kind == SafetyEventKind.REPORTED else None


def register(session: Session, *, actor: Actor, clinic_id: int, data: dict, today: date,
             now: datetime) -> SafetyEvent:
    """Register an event for a clinic."""
    require(actor, Permission.REGISTER_EVENTS, clinic_id)
    history.track(session, actor=actor, now=now)
    fields = _checked(data, today)
    event = SafetyEvent(
        clinic_id=clinic_id,
        created_at=now,
        report_due=report_deadline(fields.kind, fields.occurred_on),
        **fields.model_dump(),
    )
    session.add(event)
    session.flush()
    return event


def update(session: Session, *, actor: Actor, event_id: int, data: dict, expected_version: int, today: date,
           now: datetime) -> SafetyEvent:
    """Change an event (e.g. the report sent, SSM's diarienummer, closed); a stale form is refused."""
    history.track(session, actor=actor, now=now)
    event = get_or_fail(session, SafetyEvent, event_id)
    require(actor, Permission.REGISTER_EVENTS, event.clinic_id)
    fields = _checked(data, today)
    claim_version(session, SafetyEvent, event_id, expected_version)
    for key, value in fields.model_dump().items():
        setattr(event, key, value)
    event.report_due = report_deadline(fields.kind, fields.occurred_on)
    session.add(event)
    return event


def events(session: Session, *, actor: Actor, clinic_id: int | None = None,
           year: int | None = None) -> list[SafetyEvent]:
    """A clinic's (or every visible clinic's) events, newest first, optionally of one calendar year."""
    if clinic_id is not None:
        require(actor, Permission.VIEW_CLINIC, clinic_id)
    query = in_visible_clinics(select(SafetyEvent), actor, SafetyEvent.clinic_id)
    if clinic_id is not None:
        query = query.where(SafetyEvent.clinic_id == clinic_id)
    if year is not None:
        query = query.where(SafetyEvent.occurred_on >= date(year, 1, 1), SafetyEvent.occurred_on <= date(year, 12, 31))
    return list(session.exec(query.order_by(col(SafetyEvent.occurred_on).desc(), col(SafetyEvent.id).desc())))


def overdue_reports(session: Session, *, actor: Actor, today: date) -> list[SafetyEvent]:
    """Events whose written report to SSM is past its three months, for the clinics the actor sees."""
    query = in_visible_clinics(select(SafetyEvent), actor, SafetyEvent.clinic_id).where(
        SafetyEvent.is_report_overdue_on(today))
    return list(session.exec(query.order_by(col(SafetyEvent.report_due))))


def reports_due_in(session: Session, *, actor: Actor, year: int) -> list[SafetyEvent]:
    """Events whose written report is due in a year and not yet sent (for the årshjul)."""
    query = in_visible_clinics(select(SafetyEvent), actor, SafetyEvent.clinic_id).where(
        SafetyEvent.report_outstanding, col(SafetyEvent.report_due).between(date(year, 1, 1), date(year, 12, 31)))
    return list(session.exec(query.order_by(col(SafetyEvent.report_due))))


def raise_as_finding(session: Session, *, actor: Actor, event_id: int, severity: str, now: datetime) -> Finding:
    """Bring an event to the clinic's next review as a finding (once)."""
    history.track(session, actor=actor, now=now)
    event = get_or_fail(session, SafetyEvent, event_id)
    require(actor, Permission.REGISTER_EVENTS, event.clinic_id)
    if severity not in {s.value for s in Severity}:
        raise InvalidInput(["Allvarlighet: välj Hög, Medel eller Låg."])
    if session.exec(select(Finding.id).where(Finding.safety_event_id == event_id)).first():
        raise Conflict("Händelsen är redan upptagen som brist till genomgången.")
    kind = glossary.term(SafetyEventKind(event.kind))
    finding = Finding(
        clinic_id=event.clinic_id,
        safety_event_id=event.id,
        code=f"H-{event.id}",
        description=f"{kind} {event.occurred_on.isoformat()}: {event.description}",
        severity=severity,
        source=FindingSource.INCIDENT.value,
        reference=REPORT_SOURCE if event.kind == SafetyEventKind.REPORTED else None,
        created_at=now,
    )
    session.add(finding)
    session.flush()
    history.record(session, finding, operation=HistoryOperation.CREATE, clinic_id=event.clinic_id,
                   new={"code": finding.code, "description": finding.description})
    return finding


def findings_raised(session: Session, *, actor: Actor, event_ids: list[int]) -> set[int]:
    """Which of these events have been raised as findings (in the clinics the actor sees)."""
    query = in_visible_clinics(select(Finding.safety_event_id), actor, Finding.clinic_id)
    rows = session.exec(query.where(col(Finding.safety_event_id).in_(event_ids)))
    return {r for r in rows if r is not None}
