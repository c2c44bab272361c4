"""Events reported to SSM and internal deviations."""
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_
from sqlalchemy.ext.hybrid import hybrid_method, hybrid_property
from sqlmodel import Field, SQLModel, col

from core.enums import (
    SafetyEventStatus,
)
from core.models._base import ENUM_LEN, _text


class SafetyEvent(SQLModel, table=True):
    """An event reported to SSM, or an internal deviation of importance for radiation protection."""

    id: int | None = Field(default=None, primary_key=True)
    clinic_id: int = Field(foreign_key="clinic.id", index=True)
    kind: str = Field(max_length=ENUM_LEN)
    occurred_on: date = Field(index=True)
    # Whom it concerns (EventConcerns); None only on events registered before migration 0015, until next edited.
    concerns: str | None = Field(default=None, max_length=ENUM_LEN)
    notified_on: date | None = None  # the first report to SSM, "snarast" (strålskyddsförordningen 8 kap. 9 §)
    description: str = _text(nullable=False)
    ssm_reference: str | None = Field(default=None, max_length=50)  # SSM:s diarienummer
    # The written report: three months after an event concerning a patient, stödperson or forskningsperson
    # (SSMFS 2018:5 3 kap. 10 §); set by safety_events.report_deadline, None where that paragraph does not apply.
    report_due: date | None = None
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
