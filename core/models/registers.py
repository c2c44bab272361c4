"""Clinical audits, reminders sent and the change history (Ändringshistorik)."""
from datetime import date, datetime

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.models._base import ENUM_LEN, _text


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
    """Who changed what and when, with old and new values; chained by SHA-256 when its transaction commits."""

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
    # The hash chain (core/history_chain.py): set at commit, in commit order; None only until then.
    chain_seq: int | None = Field(default=None, unique=True, index=True)
    previous_sha256: str | None = Field(default=None, max_length=64)
    entry_sha256: str | None = Field(default=None, max_length=64)


class HistoryChain(SQLModel, table=True):
    """The head of the history's hash chain (one row, id 1): the last chained entry's number and SHA-256."""

    id: int | None = Field(default=None, primary_key=True)
    seq: int
    sha256: str = Field(max_length=64)
