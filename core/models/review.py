"""A clinic's yearly review: attendance, agenda, actions, follow-up, signatures and frozen minutes."""
from datetime import date, datetime

from sqlalchemy import JSON, Column, ColumnElement, Index, LargeBinary, UniqueConstraint, and_
from sqlalchemy.ext.hybrid import hybrid_method
from sqlmodel import Field, SQLModel, col

from core.enums import (
    ActionStatus,
    AttendanceStatus,
    Priority,
    ReviewStatus,
)
from core.models._base import ENUM_LEN, _text


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
    answers_to: str | None = Field(default=None, max_length=300)  # what a free action answers (no finding, no gap)
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
