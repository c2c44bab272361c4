"""Händelser och avvikelser: events reported to SSM and internal deviations, per clinic.

An event of importance for radiation protection is reported to SSM "snarast" (strålskyddsförordningen
(2018:506) 8 kap. 9 §; that text is not among the regulations copied to docs/forfattningar/), recorded as
`notified_on`. SSMFS 2018:5 3 kap. 10 § adds a written report within three months, but only for an event at a
medical exposure where the patient, the stödperson or the forskningsperson was or could have been seriously
harmed; so the deadline depends on whom the event concerns, and an event about a worker or the public has none.
A written report still unsent after its deadline is marked late on Händelser, Översikt, in the årshjul and in
the minutes. An event can be raised as a finding, which then comes to the clinic's reviews until one decides on
it, like the findings of a clinical audit.
"""
from datetime import date, datetime

from pydantic import BaseModel, field_validator
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from core import glossary, history, limits
from core.clock import add_months
from core.enums import (
    EventConcerns,
    FindingSource,
    HistoryOperation,
    SafetyEventKind,
    SafetyEventStatus,
    Severity,
)
from core.errors import Conflict, InvalidInput
from core.formatting import date_text
from core.glossary import FIELDS
from core.models import Clinic, Finding, SafetyEvent
from core.permissions import Actor, Permission, require
from core.services._common import claim_version, get_or_fail
from core.services._queries import in_visible_clinics
from core.validation import checked_arguments, validated

REPORT_MONTHS = 3  # SSMFS 2018:5 3 kap. 10 §: a written report to SSM within three months
REPORT_SOURCE = "SSMFS 2018:5 3 kap. 10 §"
RAISED_ALREADY = "Händelsen är redan upptagen som brist till genomgången."
# Not shipped in docs/forfattningar/ (only SSM's föreskrifter are); "snarast" as in the domain's verified list.
NOTIFY_SOURCE = "SFS 2018:506 8 kap. 9 §"
# Whom 3 kap. 10 § names: "patienten, personen som utanför sin yrkesutövning hjälper och stöder patienten och
# medvetet exponeras eller forskningspersonen" (the regulation's 2 kap. calls the second a stödperson).
WRITTEN_REPORT_CONCERNS = frozenset({EventConcerns.PATIENT, EventConcerns.CARER, EventConcerns.RESEARCH_SUBJECT})
# SSMFS 2018:5 3 kap. 10 §, word for word (docs/forfattningar/SSMFS-2018-5.txt, line-break hyphens removed).
REPORT_RULE = ("En händelse som inträffar vid en medicinsk exponering och som innebär att patienten, personen som "
               "utanför sin yrkesutövning hjälper och stöder patienten och medvetet exponeras eller "
               "forskningspersonen har drabbats eller skulle kunna ha drabbats av en allvarlig skada, ska redovisas "
               "i en skriftlig rapport till Strålsäkerhetsmyndigheten inom tre månader från det att händelsen "
               "inträffade.")
NOT_REQUIRED = "Krävs inte"


class EventFields(BaseModel):
    """An event as registered or changed."""

    kind: SafetyEventKind
    concerns: EventConcerns
    occurred_on: date
    notified_on: date | None = None
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

    @field_validator("concerns", mode="before")  # before the value is checked, so an unchosen one says so
    @classmethod
    def _concerns(cls, v: object) -> object:
        if v is None or v == "":
            raise ValueError("välj vem händelsen berör.")
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


def _date_problems(fields: EventFields, today: date) -> list[str]:
    """Return what is wrong with the event's dates: none in the future, none before the event."""
    problems = limits.day_problems(today, happened=True, occurred_on=fields.occurred_on)
    for name in ("notified_on", "report_sent_on"):
        day = getattr(fields, name)
        if day and day < fields.occurred_on:
            problems.append(f"{FIELDS[name]}: kan inte vara före händelsen.")
        elif day and day > today:
            problems.append(f"{FIELDS[name]}: {day.isoformat()} har inte kommit än.")
    return problems


def _checked(data: dict, today: date) -> EventFields:
    """Validate an event's fields, with the rules that tie them together."""
    fields = validated(EventFields, data)
    problems = _date_problems(fields, today)
    if fields.kind == SafetyEventKind.INTERNAL and (fields.report_sent_on or fields.ssm_reference
                                                    or fields.notified_on):
        problems.append("En intern avvikelse har ingen rapport till SSM; välj Rapporterad till SSM.")
    if fields.status == SafetyEventStatus.REPORT_SENT and not fields.report_sent_on:
        problems.append(f"{FIELDS['report_sent_on']}: ange när den skriftliga rapporten skickades.")
    if problems:
        raise InvalidInput(problems)
    if fields.report_sent_on and fields.status == SafetyEventStatus.OPEN:
        fields.status = SafetyEventStatus.REPORT_SENT
    return fields


def report_deadline(kind: str, concerns: str | None, occurred_on: date) -> date | None:
    """Return the written report's last day under SSMFS 2018:5 3 kap. 10 §, or None where it does not apply."""
    if kind != SafetyEventKind.REPORTED:
        return None
    # Unknown concerns (an event from before migration 0015) keeps the deadline it had, so no upgrade drops one.
    if concerns is not None and concerns not in WRITTEN_REPORT_CONCERNS:
        return None
    return add_months(occurred_on, REPORT_MONTHS)


def late_text(due: date) -> str:
    """Mark a written report as late, with the day it fell due."""
    return f"Rapport försenad (förföll {date_text(due)})"


def written_report(event: SafetyEvent, day: date) -> str:
    """Say where the written report to SSM stands on a day: its last day, late, sent (perhaps late), not required."""
    if event.kind != SafetyEventKind.REPORTED:
        return ""
    due, sent = event.report_due, event.report_sent_on
    if due is None:
        return NOT_REQUIRED
    if event.is_report_overdue_on(day):
        return late_text(due)
    if sent is None:
        return f"Senast {date_text(due)}"
    return f"Inskickad {date_text(sent)}" + (f" – {late_text(due)}" if sent > due else "")


def concerns_text(event: SafetyEvent) -> str:
    """Whom the event concerns, in words ("Ej angivet" for an event registered before it was asked)."""
    return glossary.term(EventConcerns(event.concerns)) if event.concerns else "Ej angivet"


def no_report_reason(event: SafetyEvent) -> str:
    """Say why an event reported to SSM needs no written report within three months (empty when it does)."""
    if event.kind != SafetyEventKind.REPORTED or event.report_due is not None or event.concerns is None:
        return ""
    whom = glossary.term(EventConcerns(event.concerns)).lower()
    return (f"{NOT_REQUIRED}: händelsen berör {whom}, och {REPORT_SOURCE} gäller bara patienten, stödpersonen "
            "eller forskningspersonen.")


@checked_arguments()
def register(session: Session, *, actor: Actor, clinic_id: int, data: dict, today: date,
             now: datetime) -> SafetyEvent:
    """Register an event for a clinic."""
    require(actor, Permission.REGISTER_EVENTS, clinic_id)
    history.track(session, actor=actor, now=now)
    get_or_fail(session, Clinic, clinic_id)
    fields = _checked(data, today)
    event = SafetyEvent(
        clinic_id=clinic_id,
        created_at=now,
        report_due=report_deadline(fields.kind, fields.concerns, fields.occurred_on),
        **fields.model_dump(),
    )
    session.add(event)
    session.flush()
    return event


@checked_arguments()
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
    event.report_due = report_deadline(fields.kind, fields.concerns, fields.occurred_on)
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


@checked_arguments()
def raise_as_finding(session: Session, *, actor: Actor, event_id: int, severity: str, now: datetime) -> Finding:
    """Bring an event to the clinic's next review as a finding (once)."""
    history.track(session, actor=actor, now=now)
    event = get_or_fail(session, SafetyEvent, event_id)
    require(actor, Permission.REGISTER_EVENTS, event.clinic_id)
    if severity not in {s.value for s in Severity}:
        raise InvalidInput(["Allvarlighet: välj Hög, Medel eller Låg."])
    if session.exec(select(Finding.id).where(Finding.safety_event_id == event_id)).first():
        raise Conflict(RAISED_ALREADY)
    kind = glossary.term(SafetyEventKind(event.kind))
    finding = Finding(
        clinic_id=event.clinic_id,
        safety_event_id=event.id,
        code=f"H-{event.id}",
        description=f"{kind} {event.occurred_on.isoformat()}: {event.description}",
        severity=severity,
        source=FindingSource.INCIDENT.value,
        reference=_reference(event),
        created_at=now,
    )
    session.add(finding)
    try:
        session.flush()
    except IntegrityError:  # someone raised it at the same moment: one finding per event (uq_finding_safety_event)
        raise Conflict(RAISED_ALREADY) from None
    history.record(session, finding, operation=HistoryOperation.CREATE, clinic_id=event.clinic_id,
                   new={"code": finding.code, "description": finding.description})
    return finding


def _reference(event: SafetyEvent) -> str | None:
    """The provision a finding raised from an event rests on: the written report's, or the first report's."""
    if event.report_due is not None:
        return REPORT_SOURCE
    return NOTIFY_SOURCE if event.kind == SafetyEventKind.REPORTED else None


def findings_raised(session: Session, *, actor: Actor, event_ids: list[int]) -> set[int]:
    """Which of these events have been raised as findings; refused for an event of a clinic the actor may not see."""
    clinic_of = dict(session.exec(select(SafetyEvent.id, SafetyEvent.clinic_id)
                                  .where(col(SafetyEvent.id).in_(event_ids))).all())
    for missing in sorted(set(event_ids) - clinic_of.keys()):
        get_or_fail(session, SafetyEvent, missing)  # refused, naming the event that is not there
    for clinic_id in sorted(set(clinic_of.values())):
        require(actor, Permission.VIEW_CLINIC, clinic_id)
    query = in_visible_clinics(select(Finding.safety_event_id), actor, Finding.clinic_id)
    rows = session.exec(query.where(col(Finding.safety_event_id).in_(event_ids)))
    return {r for r in rows if r is not None}
