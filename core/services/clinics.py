"""Clinics: list, add and edit, with their modalities and key people."""
import re
from datetime import datetime
from typing import ClassVar

from pydantic import BaseModel, ValidationInfo, field_validator
from sqlmodel import Session, col, select

from core import glossary, history
from core.enums import Modality
from core.errors import InvalidInput
from core.formatting import number_text
from core.limits import max_length
from core.models import Clinic, Organisation, stored_id
from core.permissions import Actor, Permission, require, visible_clinic_ids
from core.regulation.dose_limits import dose_limits
from core.services._common import claim_version, get_or_fail
from core.services._queries import clinic_by_code, organisation
from core.validation import checked_arguments, validated

CODE_PATTERN = re.compile(r"^[A-ZÅÄÖ0-9][A-ZÅÄÖ0-9_-]{0,19}$")
NAMES = {"name": glossary.FIELDS["clinic_name"]}  # the form calls a clinic's name "Klinik"
INVESTIGATION_FIELDS = ("investigation_hp10", "investigation_hp3", "investigation_extremity")
PEOPLE_FIELDS = ("head_name", "coordinator_name", "protection_officer_name", "physicist_name",
                 "radiology_lead_name")


def _clean(value: str | None) -> str | None:
    """Strip text and turn an empty string into None."""
    value = (value or "").strip()
    return value or None


class ClinicUpdate(BaseModel):
    """What may change on a clinic (the code stays: workbooks and links refer to it)."""

    name: str
    site: str | None = None
    modalities: list[str] = []
    head_name: str | None = None
    coordinator_name: str | None = None
    protection_officer_name: str | None = None
    physicist_name: str | None = None
    radiology_lead_name: str | None = None
    investigation_hp10: float | None = None
    investigation_hp3: float | None = None
    investigation_extremity: float | None = None

    @field_validator(*INVESTIGATION_FIELDS)
    @classmethod
    def _investigation(cls, v: float | None, info: ValidationInfo) -> float | None:
        limit = dose_limits().limits["max_" + str(info.field_name).removeprefix("investigation_")].value
        if v is not None and not 0 < v < limit:
            raise ValueError(f"en utredningsnivå ligger över 0 och under dosgränsen {number_text(limit)} mSv.")
        return v

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not (v or "").strip():
            raise ValueError("måste fyllas i.")
        return v.strip()

    @field_validator("site", *PEOPLE_FIELDS)
    @classmethod
    def _optional(cls, v: str | None) -> str | None:
        return _clean(v)

    @field_validator("modalities")
    @classmethod
    def _modalities(cls, v: list[str]) -> list[str]:
        unknown = [m for m in v if m not in Modality.__members__.values()]
        if unknown:
            allowed = ", ".join(glossary.options(Modality).values())
            raise ValueError(f"okänd modalitet {', '.join(unknown)}; tillåtna är {allowed}.")
        return [m.value for m in Modality if m.value in v]


class ClinicCreate(ClinicUpdate):
    """A new clinic: also its code."""

    FORM_ORDER: ClassVar[tuple[str, ...]] = ("code", "name", "site", "modalities")
    code: str

    @field_validator("code")
    @classmethod
    def _code(cls, v: str) -> str:
        v = (v or "").strip().upper()
        if not v:
            raise ValueError("måste fyllas i.")
        if not CODE_PATTERN.match(v):
            raise ValueError("1–20 tecken: versaler, siffror, - eller _, t.ex. RTG.")
        return v


def list_clinics(session: Session, *, actor: Actor, include_inactive: bool = False) -> list[Clinic]:
    """Return the clinics the actor may see, ordered by code."""
    query = select(Clinic).order_by(Clinic.code)
    visible = visible_clinic_ids(actor)
    if visible is not None:
        query = query.where(col(Clinic.id).in_(visible))
    if not include_inactive:
        query = query.where(Clinic.active == True)  # noqa: E712  SQL comparison
    return list(session.exec(query))


def get_clinic(session: Session, *, actor: Actor, clinic_id: int) -> Clinic:
    """Return one clinic the actor may see."""
    require(actor, Permission.VIEW_CLINIC, clinic_id)
    return get_or_fail(session, Clinic, clinic_id)


@checked_arguments()
def find_by_code(session: Session, *, actor: Actor, code: str) -> Clinic | None:
    """Return the clinic with this code (whatever its case), if the actor may see it."""
    clinic = clinic_by_code(session, code)
    if clinic is not None:
        require(actor, Permission.VIEW_CLINIC, clinic.id)
    return clinic


def the_organisation(session: Session, *, actor: Actor) -> Organisation:
    """Return the portal's organisation (one per installation)."""
    require(actor, Permission.VIEW_CLINIC)
    return organisation(session)


@checked_arguments()
def update_organisation(session: Session, *, actor: Actor, name: str, licence_number: str | None,
                        now: datetime, licence_holder: str | None = None) -> Organisation:
    """Change the organisation's name, licence holder and SSM licence number (printed on new minutes)."""
    require(actor, Permission.MANAGE_CLINICS)
    history.track(session, actor=actor, now=now)
    org = organisation(session)
    problems = [] if (name or "").strip() else ["Namn: måste fyllas i."]
    problems += [f"{glossary.FIELDS[field]}: högst {max_length(Organisation, field)} tecken." for field, value in
                 (("name", name), ("licence_holder", licence_holder), ("licence_number", licence_number))
                 if len((value or "").strip()) > (max_length(Organisation, field) or 0)]
    if problems:
        raise InvalidInput(problems)
    org.name, org.licence_number = name.strip(), _clean(licence_number)
    if licence_holder is not None:
        org.licence_holder = _clean(licence_holder)
    session.add(org)
    return org


def _name_taken(session: Session, name: str, except_id: int | None = None) -> list[str]:
    """Refuse a clinic name another clinic already has (case ignored), so lists stay unambiguous."""
    for other in session.exec(select(Clinic).where(Clinic.id != except_id) if except_id else select(Clinic)):
        if other.name.casefold() == name.casefold():
            return [f"{NAMES['name']}: {other.code} heter redan \"{other.name}\"."]
    return []


def create_clinic(session: Session, *, actor: Actor, data: dict, now: datetime) -> Clinic:
    """Add a clinic to the organisation; a duplicate code is refused."""
    require(actor, Permission.MANAGE_CLINICS)
    history.track(session, actor=actor, now=now)
    fields = validated(ClinicCreate, data, NAMES)
    problems = [f"Klinikkod: {fields.code} finns redan."] if clinic_by_code(session, fields.code) else []
    problems += _name_taken(session, fields.name)
    if problems:
        raise InvalidInput(problems)
    clinic = Clinic(organisation_id=stored_id(organisation(session)), **fields.model_dump())
    session.add(clinic)
    session.flush()
    return clinic


def update_clinic(session: Session, *, actor: Actor, clinic_id: int, data: dict,
                  expected_version: int, now: datetime) -> Clinic:
    """Change a clinic's details, refusing if someone else saved in between."""
    require(actor, Permission.MANAGE_CLINICS, clinic_id)
    history.track(session, actor=actor, now=now)
    fields = validated(ClinicUpdate, data, NAMES)
    clinic = get_or_fail(session, Clinic, clinic_id)
    problems = _name_taken(session, fields.name, except_id=clinic_id)
    if problems:
        raise InvalidInput(problems)
    claim_version(session, Clinic, clinic_id, expected_version)
    for key, value in fields.model_dump().items():
        setattr(clinic, key, value)
    session.add(clinic)
    return clinic
