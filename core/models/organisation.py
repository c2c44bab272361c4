"""The organisation, its clinics and users, and the documents stored with them."""
from datetime import datetime

from sqlalchemy import Column, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.models._base import ENUM_LEN, _json_list


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
    # The clinic's own investigation levels for a staff group's highest personal dose (mSv per year).
    investigation_hp10: float | None = None
    investigation_hp3: float | None = None
    investigation_extremity: float | None = None
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
    password_changed_at: datetime | None = None  # sessions and login cookies from before it are ended
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
