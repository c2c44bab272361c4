"""First run: the organisation and its first administrator, created once on an empty database.

`stralportal setup` and the first-run page both come here. The page asks for the startkod that
`stralportal serve` draws at random and prints in the server's log (core/local_secrets.py), so that nobody
who merely reaches the portal first can claim it.
"""
from datetime import datetime

from pydantic import BaseModel, ValidationInfo, field_validator
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from core import history, local_secrets
from core.config import Settings
from core.enums import Role
from core.errors import Conflict
from core.glossary import LABELS
from core.limits import character_problem, too_long
from core.models import Organisation, User
from core.permissions import Actor, Permission, require
from core.services import users
from core.validation import validated

# Who the history names for what the first-run page creates (nobody can log in yet).
FIRST_RUN_ACTOR = Actor(user_id=None, username="forsta-start", name="Första start", role=Role.ADMIN)
# One organisation per installation, always with this id: two first runs at once cannot both succeed.
ORGANISATION_ID = 1


class OrganisationCreate(BaseModel):
    """What the first run asks about the organisation."""

    name: str
    licence_holder: str
    licence_number: str

    @field_validator("name", "licence_holder", "licence_number")
    @classmethod
    def _filled(cls, v: str, info: ValidationInfo) -> str:
        if problem := character_problem(v, single_line=True):  # before spaces are joined: a tab or NUL is refused
            raise ValueError(problem)
        v = " ".join(v.split())
        if not v:
            raise ValueError("måste fyllas i.")
        if problem := too_long(Organisation, str(info.field_name), v):
            raise ValueError(problem)
        return v


def needs_setup(session: Session) -> bool:
    """Tell whether the portal still lacks its organisation (a fresh production database; asked before any login)."""
    return session.exec(select(Organisation.id).limit(1)).first() is None


def set_up(session: Session, *, actor: Actor, organisation: dict, admin: dict,
           now: datetime) -> tuple[Organisation, User]:
    """Create the organisation and its first administrator; refused once the portal is set up."""
    require(actor, Permission.MANAGE_USERS)
    history.track(session, actor=actor, now=now)  # the first run's actor names the system (nobody is logged in)
    if not needs_setup(session):
        raise Conflict("Portalen är redan upplagd: organisationen finns. Lägg till fler användare under Användare "
                       "eller med `stralportal user add`.")
    fields = validated(OrganisationCreate, organisation, {"name": LABELS["organisation_name"]})
    admin = {**admin, "role": Role.ADMIN, "clinics": []}
    validated(users.UserCreate, admin, users.FIRST_PASSWORD)  # the administrator's e-mail too, before any write
    org = Organisation(id=ORGANISATION_ID, name=fields.name, licence_holder=fields.licence_holder,
                       licence_number=fields.licence_number, created_at=now)
    session.add(org)
    try:
        session.flush()
    except IntegrityError:  # someone else finished the first run a moment earlier
        session.rollback()
        raise Conflict("Portalen lades just upp av någon annan. Logga in med det konto som skapades då.") from None
    first_admin = users.create_user(session, actor=actor, data=admin, now=now)
    return org, first_admin


def set_up_with_code(session: Session, *, actor: Actor, code: str, settings: Settings, organisation: dict,
                     admin: dict, now: datetime) -> tuple[Organisation, User]:
    """The first-run page's way in: the startkod from the server's log (once, in time), then set_up."""
    local_secrets.check_setup_code(settings, code, now=now)
    result = set_up(session, actor=actor, organisation=organisation, admin=admin, now=now)
    local_secrets.forget_setup_code(settings)
    return result
