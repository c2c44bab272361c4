"""The self-assessment (egenkontroll): criteria versions, a clinic's yearly assessment, answers."""
from datetime import datetime

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.models._base import _json_list, _text


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
    version: int = 1  # the staffing form's stale-save check


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
