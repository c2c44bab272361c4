"""The domain model (docs/DESIGN.md §2): one table per concept, English names, Swedish labels in glossary.

Value sets are stored as plain strings (see core/enums.py) so that PostgreSQL needs no enum types
and adding a value never needs a migration. Timestamps are aware datetimes, stored as UTC.
"""
from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy import JSON, Column, ColumnElement, Index, LargeBinary, Text, UniqueConstraint, and_, text
from sqlalchemy.ext.hybrid import hybrid_method, hybrid_property
from sqlmodel import Field, SQLModel, col

from core.enums import (
    ActionStatus,
    AttendanceStatus,
    Direction,
    Priority,
    ReviewStatus,
    SafetyEventStatus,
)

ENUM_LEN = 32


class Stored(Protocol):
    """A row with a database id: None only until its first flush."""

    id: int | None


def stored_id(row: Stored) -> int:
    """Return the id of a row read from or flushed to the database, where it always has one."""
    if row.id is None:
        raise ValueError(f"{type(row).__name__} has no id until it is flushed")
    return row.id


def _json_list() -> Any:
    """Return a JSON column for a list of strings."""
    return Field(default_factory=list, sa_column=Column(JSON, nullable=False))


def _text(nullable: bool = True) -> Any:
    """Return an unbounded text column."""
    return Field(default=None if nullable else "", sa_column=Column(Text, nullable=nullable))


def _unique_codes(table: str) -> tuple:
    """Return the rules that a code is used once per bokslut and clinic, and once organisation-wide.

    clinic_id is NULL on organisation-wide rows, and NULLs never collide in a unique constraint, so those
    rows get a partial unique index of their own.
    """
    organisation_wide = text("clinic_id IS NULL")
    return (UniqueConstraint("annual_report_id", "clinic_id", "code", name=f"uq_{table}_report_clinic_code"),
            Index(f"uq_{table}_report_code_organisation", "annual_report_id", "code", unique=True,
                  sqlite_where=organisation_wide, postgresql_where=organisation_wide))


class Organisation(SQLModel, table=True):
    """The licence holder or hospital whose bokslut it is."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    licence_holder: str | None = Field(default=None, max_length=200)  # tillståndshavare, e.g. the region
    licence_number: str | None = Field(default=None, max_length=50)  # SSM's number, printed on the minutes
    created_at: datetime


class Clinic(SQLModel, table=True):
    """A unit that holds its own yearly review."""

    __table_args__ = (UniqueConstraint("organisation_id", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    code: str = Field(max_length=20, index=True)
    name: str = Field(max_length=200)
    site: str | None = Field(default=None, max_length=200)
    modalities: list[str] = _json_list()
    head_name: str | None = Field(default=None, max_length=200)
    coordinator_name: str | None = Field(default=None, max_length=200)
    protection_officer_name: str | None = Field(default=None, max_length=200)
    physicist_name: str | None = Field(default=None, max_length=200)
    radiology_lead_name: str | None = Field(default=None, max_length=200)
    active: bool = True
    version: int = 1


class User(SQLModel, table=True):
    """A login with a role and the clinics it belongs to."""

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=200)
    email: str = Field(max_length=254)
    role: str = Field(max_length=ENUM_LEN)
    password_hash: str = Field(max_length=100)
    active: bool = True
    is_demo: bool = False
    failed_logins: int = 0
    locked_until: datetime | None = None
    last_login_at: datetime | None = None
    logged_out_at: datetime | None = None
    created_at: datetime
    version: int = 1


class UserClinic(SQLModel, table=True):
    """Which clinics a user belongs to."""

    user_id: int = Field(foreign_key="user.id", primary_key=True)
    clinic_id: int = Field(foreign_key="clinic.id", primary_key=True, index=True)


class Document(SQLModel, table=True):
    """A stored file (original workbook, narrative bokslut, attachment), kept in the database."""

    id: int | None = Field(default=None, primary_key=True)
    annual_report_id: int | None = Field(default=None, foreign_key="annualreport.id", index=True)
    review_id: int | None = Field(default=None, foreign_key="review.id", index=True)
    clinical_audit_id: int | None = Field(default=None, foreign_key="clinicalaudit.id", index=True)
    answer_id: int | None = Field(default=None, foreign_key="answer.id", index=True)
    kind: str = Field(max_length=ENUM_LEN)
    filename: str = Field(max_length=255)
    media_type: str = Field(max_length=120)
    size: int
    sha256: str = Field(max_length=64)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    uploaded_at: datetime
    uploaded_by_id: int | None = Field(default=None, foreign_key="user.id")


class AnnualReport(SQLModel, table=True):
    """A strålskyddsbokslut: one per organisation and covered year."""

    __table_args__ = (UniqueConstraint("organisation_id", "year"),)
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    year: int
    prepared_by: str | None = Field(default=None, max_length=200)
    completed_on: date | None = None
    version_label: str | None = Field(default=None, max_length=50)
    imported_at: datetime
    imported_by_id: int | None = Field(default=None, foreign_key="user.id")


class ReportSummary(SQLModel, table=True):
    """One of the three narrative parts of a bokslut, for the organisation or one clinic."""

    id: int | None = Field(default=None, primary_key=True)
    annual_report_id: int = Field(foreign_key="annualreport.id", index=True)
    clinic_id: int | None = Field(default=None, foreign_key="clinic.id", index=True)
    part: str = Field(max_length=ENUM_LEN)
    text: str = _text(nullable=False)


class Goal(SQLModel, table=True):
    """A goal of the bokslut with target, outcome and assessment."""

    __table_args__ = _unique_codes("goal")
    id: int | None = Field(default=None, primary_key=True)
    annual_report_id: int = Field(foreign_key="annualreport.id", index=True)
    clinic_id: int | None = Field(default=None, foreign_key="clinic.id", index=True)
    code: str = Field(max_length=50)
    text: str = _text(nullable=False)
    target: str | None = Field(default=None, max_length=200)
    outcome: str | None = Field(default=None, max_length=200)
    assessment: str = Field(max_length=ENUM_LEN)
    comment: str | None = _text()


class Indicator(SQLModel, table=True):
    """A measured value with unit, target and direction, per clinic or organisation-wide."""

    __table_args__ = (*_unique_codes("indicator"), Index("ix_indicator_clinic_code", "clinic_id", "code"))
    id: int | None = Field(default=None, primary_key=True)
    annual_report_id: int = Field(foreign_key="annualreport.id", index=True)
    clinic_id: int | None = Field(default=None, foreign_key="clinic.id", index=True)
    code: str = Field(max_length=50, index=True)
    name: str = Field(max_length=300)
    area: str | None = Field(default=None, max_length=200)
    unit: str | None = Field(default=None, max_length=50)
    value: float
    target: float | None = None
    direction: str = Field(default=Direction.NONE.value, max_length=ENUM_LEN)
    comment: str | None = _text()


class Finding(SQLModel, table=True):
    """A deficiency with severity, reference and source; belongs to a clinic or the organisation."""

    __table_args__ = _unique_codes("finding")
    id: int | None = Field(default=None, primary_key=True)
    annual_report_id: int | None = Field(default=None, foreign_key="annualreport.id", index=True)
    clinic_id: int | None = Field(default=None, foreign_key="clinic.id", index=True)
    code: str = Field(max_length=50)
    area: str | None = Field(default=None, max_length=200)
    description: str = _text(nullable=False)
    severity: str = Field(max_length=ENUM_LEN)
    reference: str | None = Field(default=None, max_length=300)
    source: str | None = Field(default=None, max_length=ENUM_LEN)
    suggested_action: str | None = _text()
    clinical_audit_id: int | None = Field(default=None, foreign_key="clinicalaudit.id", index=True)
    safety_event_id: int | None = Field(default=None, foreign_key="safetyevent.id", index=True)
    created_at: datetime


class TrainingRecord(SQLModel, table=True):
    """How many of a staff group at a clinic had completed the required radiation-protection training (bokslut)."""

    id: int | None = Field(default=None, primary_key=True)
    annual_report_id: int = Field(foreign_key="annualreport.id", index=True)
    clinic_id: int | None = Field(default=None, foreign_key="clinic.id", index=True)
    staff_group: str = Field(max_length=ENUM_LEN)
    staff_count: float
    trained_count: float
    comment: str | None = Field(default=None, max_length=500)


class DosimetryRecord(SQLModel, table=True):
    """A staff group's personal doses in the bokslut year: the highest Hp(10), Hp(3) eye lens and extremity."""

    id: int | None = Field(default=None, primary_key=True)
    annual_report_id: int = Field(foreign_key="annualreport.id", index=True)
    clinic_id: int | None = Field(default=None, foreign_key="clinic.id", index=True)
    staff_group: str = Field(max_length=ENUM_LEN)
    category_a_count: float | None = None
    max_hp10: float | None = None
    max_hp3: float | None = None
    max_extremity: float | None = None
    comment: str | None = Field(default=None, max_length=500)


class DrlStatus(SQLModel, table=True):
    """An examination type's local diagnostic standard level against the national DRL, and when it was set."""

    id: int | None = Field(default=None, primary_key=True)
    annual_report_id: int = Field(foreign_key="annualreport.id", index=True)
    clinic_id: int | None = Field(default=None, foreign_key="clinic.id", index=True)
    examination: str = Field(max_length=200)
    quantity: str | None = Field(default=None, max_length=50)
    unit: str | None = Field(default=None, max_length=30)
    local_level: float | None = None
    national_drl: float | None = None
    determined_on: date | None = None
    comment: str | None = Field(default=None, max_length=500)


class SafetyEvent(SQLModel, table=True):
    """An event reported to SSM, or an internal deviation of importance for radiation protection."""

    id: int | None = Field(default=None, primary_key=True)
    clinic_id: int = Field(foreign_key="clinic.id", index=True)
    kind: str = Field(max_length=ENUM_LEN)
    occurred_on: date = Field(index=True)
    description: str = _text(nullable=False)
    ssm_reference: str | None = Field(default=None, max_length=50)  # SSM:s diarienummer
    report_due: date | None = None  # the written report: three months after the event (SSMFS 2018:5 3 kap. 10 §)
    report_sent_on: date | None = None
    status: str = Field(default=SafetyEventStatus.OPEN.value, max_length=ENUM_LEN)
    created_at: datetime
    version: int = 1

    model_config = {"ignored_types": (hybrid_method, hybrid_property)}

    @hybrid_property
    def report_outstanding(self) -> bool:
        """Tell whether a written report to SSM is due and not yet sent (nor the event closed)."""
        return (self.report_due is not None and self.report_sent_on is None
                and self.status != SafetyEventStatus.CLOSED.value)

    @report_outstanding.inplace.expression
    @classmethod
    def _report_outstanding(cls) -> ColumnElement[bool]:
        return and_(col(cls.report_due).is_not(None), col(cls.report_sent_on).is_(None),
                    col(cls.status) != SafetyEventStatus.CLOSED.value)

    @hybrid_method
    def is_report_overdue_on(self, day: date) -> bool:
        """Tell whether the written report to SSM is late on the day (computed, never stored), in Python or SQL."""
        due = self.report_due
        return self.report_outstanding and due is not None and due < day

    @is_report_overdue_on.expression  # in place, like .inplace (which mypy misreads on a hybrid_method)
    @classmethod
    def _is_report_overdue_on(cls, day: date) -> ColumnElement[bool]:
        return and_(cls.report_outstanding, col(cls.report_due) < day)


class Review(SQLModel, table=True):
    """One clinic's yearly review meeting; the meeting year is the covered year + 1."""

    __table_args__ = (UniqueConstraint("clinic_id", "year"), Index("ix_review_year", "year"))
    id: int | None = Field(default=None, primary_key=True)
    clinic_id: int = Field(foreign_key="clinic.id", index=True)
    year: int
    annual_report_id: int | None = Field(default=None, foreign_key="annualreport.id")
    protocol_number: str | None = Field(default=None, max_length=50)
    meeting_date: date | None = None
    start_time: str | None = Field(default=None, max_length=5)
    end_time: str | None = Field(default=None, max_length=5)
    location: str | None = Field(default=None, max_length=300)
    video_link: str | None = Field(default=None, max_length=500)
    chair_id: int | None = Field(default=None, foreign_key="user.id")
    secretary_id: int | None = Field(default=None, foreign_key="user.id")
    status: str = Field(default=ReviewStatus.PREPARATION.value, max_length=ENUM_LEN)
    current_item: int = 0
    next_review_date: date | None = None
    minutes_version: int = 1
    approved_at: datetime | None = None
    created_at: datetime
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    version: int = 1


class Attendance(SQLModel, table=True):
    """A person at a review: their role and whether they were invited, present, absent or a stand-in."""

    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", index=True)
    user_id: int | None = Field(default=None, foreign_key="user.id")
    name: str = Field(max_length=200)
    meeting_role: str = Field(max_length=ENUM_LEN)
    status: str = Field(default=AttendanceStatus.INVITED.value, max_length=ENUM_LEN)
    stand_in_for: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=254)
    version: int = 1


class AgendaItem(SQLModel, table=True):
    """A numbered § of a review's agenda with notes and decisions."""

    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", index=True)
    number: int
    title: str = Field(max_length=300)
    kind: str = Field(default="other", max_length=ENUM_LEN)
    notes: str | None = _text()
    decisions: str | None = _text()
    version: int = 1


class Action(SQLModel, table=True):
    """An action decided at a review, with owner, due date, priority and status."""

    # Open actions by due date: the action plan, Översikt's counts, the årshjul and the reminders.
    __table_args__ = (Index("ix_action_status_due_date", "status", "due_date"),
                      Index("ix_action_clinic_status_due_date", "clinic_id", "status", "due_date"))
    id: int | None = Field(default=None, primary_key=True)
    clinic_id: int = Field(foreign_key="clinic.id", index=True)
    review_id: int = Field(foreign_key="review.id", index=True)
    number: int
    title: str = Field(max_length=300)
    description: str | None = _text()
    finding_id: int | None = Field(default=None, foreign_key="finding.id", index=True)
    criterion_id: int | None = Field(default=None, foreign_key="criterion.id")
    owner_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    owner_name: str = Field(max_length=200)
    owner_role: str | None = Field(default=None, max_length=200)
    due_date: date
    priority: str = Field(default=Priority.MEDIUM.value, max_length=ENUM_LEN)
    status: str = Field(default=ActionStatus.NOT_STARTED.value, max_length=ENUM_LEN)
    status_comment: str | None = _text()
    cancel_reason: str | None = _text()
    done_on: date | None = None
    created_at: datetime
    updated_at: datetime
    version: int = 1

    model_config = {"ignored_types": (hybrid_method,)}

    @hybrid_method
    def is_overdue_on(self, day: date) -> bool:
        """Tell whether the action is late on the day: still open after its due date (computed, never stored).

        The same rule in Python (`action.is_overdue_on(today)`) and in SQL (`select(Action).where(...)`).
        """
        return self.status not in ActionStatus.closed_values() and self.due_date < day

    @is_overdue_on.expression  # in place, like .inplace (which mypy misreads on a hybrid_method)
    @classmethod
    def _is_overdue_on(cls, day: date) -> ColumnElement[bool]:
        return and_(col(cls.status).not_in(ActionStatus.closed_values()), col(cls.due_date) < day)


class FindingDecision(SQLModel, table=True):
    """A review's decision that a finding or a self-assessment gap gets no action, with the reason.

    Exactly one of finding_id and criterion_id is set; actions link to what they answer the same way.
    """

    __table_args__ = (UniqueConstraint("review_id", "finding_id"), UniqueConstraint("review_id", "criterion_id"))
    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", index=True)
    finding_id: int | None = Field(default=None, foreign_key="finding.id", index=True)
    criterion_id: int | None = Field(default=None, foreign_key="criterion.id")
    no_action_reason: str = _text(nullable=False)
    decided_at: datetime
    decided_by_id: int | None = Field(default=None, foreign_key="user.id")


class FollowUp(SQLModel, table=True):
    """An action's status and comment as recorded at a later review; frozen with those minutes."""

    __table_args__ = (UniqueConstraint("review_id", "action_id"),)
    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", index=True)
    action_id: int = Field(foreign_key="action.id", index=True)
    status: str | None = Field(default=None, max_length=ENUM_LEN)
    comment: str | None = _text()
    new_due_date: date | None = None  # when the meeting postponed the action
    original_due_date: date | None = None  # the due date it was followed up against, when postponed
    recorded_at: datetime | None = None
    recorded_by_id: int | None = Field(default=None, foreign_key="user.id")


class Signature(SQLModel, table=True):
    """An approval (justering) of the minutes: who, in what capacity, when, and what they approved."""

    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", index=True)
    user_id: int = Field(foreign_key="user.id")
    role: str = Field(max_length=ENUM_LEN)
    minutes_version: int = 1
    signed_at: datetime | None = None
    content_sha256: str | None = Field(default=None, max_length=64)


class MinutesVersion(SQLModel, table=True):
    """One version of a review's minutes: its content frozen when sent for justering, its PDF once approved.

    What was approved is printed from here, never again from the live rows (QATrack+'s performed instances).
    """

    __table_args__ = (UniqueConstraint("review_id", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", index=True)
    version: int
    content: dict = Field(sa_column=Column(JSON, nullable=False))
    content_sha256: str = Field(max_length=64)
    frozen_at: datetime
    frozen_by_id: int | None = Field(default=None, foreign_key="user.id")
    approved_at: datetime | None = None
    pdf: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    pdf_sha256: str | None = Field(default=None, max_length=64)
    reopened_at: datetime | None = None
    reopened_by_name: str | None = Field(default=None, max_length=200)
    reopen_reason: str | None = _text()


class AssessmentTemplate(SQLModel, table=True):
    """A versioned set of self-assessment criteria, loaded from templates/."""

    __table_args__ = (UniqueConstraint("name", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    version: str = Field(max_length=50)
    source: str = _text(nullable=False)
    loaded_at: datetime
    active: bool = True


class Criterion(SQLModel, table=True):
    """One requirement a clinic assesses itself against."""

    __table_args__ = (UniqueConstraint("template_id", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    template_id: int = Field(foreign_key="assessmenttemplate.id", index=True)
    code: str = Field(max_length=50)
    area: str = Field(max_length=200)
    text: str = _text(nullable=False)
    evidence_hint: str | None = _text()
    reference: str | None = Field(default=None, max_length=300)
    reference_verified: bool = False
    quote: str | None = _text()  # the regulation's sentence a verified criterion rests on (criteria v2 on)
    note: str | None = _text()  # what a clinic should know about the criterion and its source
    modalities: list[str] = _json_list()
    position: int = 0


class SelfAssessment(SQLModel, table=True):
    """A clinic's self-assessment (egenkontroll) for one year."""

    __table_args__ = (UniqueConstraint("clinic_id", "year"),)
    id: int | None = Field(default=None, primary_key=True)
    clinic_id: int = Field(foreign_key="clinic.id", index=True)
    year: int
    template_id: int = Field(foreign_key="assessmenttemplate.id")
    copied_from_id: int | None = Field(default=None, foreign_key="selfassessment.id")
    staffing: dict | None = Field(default=None, sa_column=Column(JSON))  # radiotherapy staffing inputs
    created_at: datetime
    created_by_id: int | None = Field(default=None, foreign_key="user.id")


class Answer(SQLModel, table=True):
    """The answer to one criterion; keeps a copy of the criterion text it answered."""

    __table_args__ = (UniqueConstraint("self_assessment_id", "criterion_id"),)
    id: int | None = Field(default=None, primary_key=True)
    self_assessment_id: int = Field(foreign_key="selfassessment.id", index=True)
    criterion_id: int = Field(foreign_key="criterion.id")
    criterion_text: str = _text(nullable=False)
    level: int | None = None
    not_applicable: bool = False
    not_applicable_reason: str | None = _text()
    evidence: str | None = _text()
    comment: str | None = _text()
    reconsidered: bool = True
    answered_by_id: int | None = Field(default=None, foreign_key="user.id")
    answered_at: datetime | None = None
    version: int = 1


class ClinicalAudit(SQLModel, table=True):
    """A clinical audit (klinisk revision) of a clinic: when, by whom, of what; its findings are Findings."""

    id: int | None = Field(default=None, primary_key=True)
    clinic_id: int = Field(foreign_key="clinic.id", index=True)
    audit_date: date
    external: bool = False
    whole_activity: bool = False
    scope: str = _text(nullable=False)
    auditors: str = Field(max_length=300)
    summary: str | None = _text()
    created_at: datetime
    created_by_id: int | None = Field(default=None, foreign_key="user.id")


class Reminder(SQLModel, table=True):
    """A reminder e-mail, claimed (committed) before it is sent and marked when sent: never sent twice."""

    __table_args__ = (UniqueConstraint("user_id", "action_id", "stage"),)
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    action_id: int = Field(foreign_key="action.id", index=True)
    stage: str = Field(max_length=ENUM_LEN)  # 30, 7, 1 days before the due date, or overdue
    claimed_at: datetime | None = None
    sent_at: datetime | None = None


class HistoryEntry(SQLModel, table=True):
    """Who changed what and when, with old and new values."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    user_id: int | None = Field(default=None, foreign_key="user.id")
    actor_name: str = Field(max_length=200)
    entity: str = Field(max_length=50, index=True)
    entity_id: int | None = Field(default=None, index=True)
    operation: str = Field(max_length=ENUM_LEN)
    clinic_id: int | None = Field(default=None, foreign_key="clinic.id", index=True)
    review_id: int | None = Field(default=None, foreign_key="review.id", index=True)
    old_values: dict | None = Field(default=None, sa_column=Column(JSON))
    new_values: dict | None = Field(default=None, sa_column=Column(JSON))
