"""The strålskyddsbokslut: the year's report, its parts, goals, indicators, findings and figures."""
from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from core.enums import (
    Direction,
)
from core.models._base import ENUM_LEN, _once_per_clinic, _text, _unique_codes


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

    # An event is raised as a finding once; the index also finds an event's finding (most findings have none).
    __table_args__ = (*_unique_codes("finding"),
                      Index("uq_finding_safety_event", "safety_event_id", unique=True,
                            sqlite_where=text("safety_event_id IS NOT NULL"),
                            postgresql_where=text("safety_event_id IS NOT NULL")))
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
    safety_event_id: int | None = Field(default=None, foreign_key="safetyevent.id")
    created_at: datetime


class TrainingRecord(SQLModel, table=True):
    """How many of a staff group at a clinic had completed the required radiation-protection training (bokslut)."""

    __table_args__ = _once_per_clinic("trainingrecord", "staff_group", "group")
    id: int | None = Field(default=None, primary_key=True)
    annual_report_id: int = Field(foreign_key="annualreport.id", index=True)
    clinic_id: int | None = Field(default=None, foreign_key="clinic.id", index=True)
    staff_group: str = Field(max_length=ENUM_LEN)
    staff_count: float
    trained_count: float
    comment: str | None = Field(default=None, max_length=500)


class DosimetryRecord(SQLModel, table=True):
    """A staff group's personal doses in the bokslut year: the highest Hp(10), Hp(3) eye lens and extremity."""

    __table_args__ = _once_per_clinic("dosimetryrecord", "staff_group", "group")
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
    """An examination type's local diagnostic standard level on one equipment against the national DRL.

    The national level and the table it comes from are copied from the shipped table at import, so the bokslut
    keeps the level it was compared with when a new SSMFS changes the table.
    """

    id: int | None = Field(default=None, primary_key=True)
    annual_report_id: int = Field(foreign_key="annualreport.id", index=True)
    clinic_id: int | None = Field(default=None, foreign_key="clinic.id", index=True)
    examination: str = Field(max_length=200)
    quantity: str | None = Field(default=None, max_length=50)
    unit: str | None = Field(default=None, max_length=30)
    equipment: str | None = Field(default=None, max_length=100)
    local_level: float | None = None
    national_drl: float | None = None
    national_source: str | None = Field(default=None, max_length=100)  # e.g. "SSMFS 2023:3"
    determined_on: date | None = None
    comment: str | None = Field(default=None, max_length=500)
