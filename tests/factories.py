"""Plain factory functions for tests: explicit values, explicit dates."""
from datetime import UTC, date, datetime

from sqlmodel import Session

from core import history
from core.enums import Role
from core.models import Clinic, Organisation, User, UserClinic
from core.permissions import Actor
from core.security import hash_password

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
TODAY = date(2026, 3, 10)
PASSWORD = "hemligt123"
_HASH = hash_password(PASSWORD)  # hashed once: bcrypt is deliberately slow


def make_org(session: Session, name: str = "Testsjukhuset") -> Organisation:
    """Add an organisation."""
    org = Organisation(name=name, created_at=NOW)
    with history.unrecorded(session):
        session.add(org)
    return org


def make_clinic(session: Session, org: Organisation, code: str = "RTG", **fields) -> Clinic:
    """Add a clinic to the organisation."""
    clinic = Clinic(organisation_id=org.id, code=code, name=fields.pop("name", f"Klinik {code}"), **fields)
    with history.unrecorded(session):
        session.add(clinic)
    return clinic


def make_user(session: Session, username: str, role: Role, clinics: list[Clinic] = (), **fields) -> User:
    """Add a user with the test password and the given clinics."""
    user = User(username=username, name=fields.pop("name", username.title()),
                email=fields.pop("email", f"{username}@test.se"), role=role, password_hash=_HASH,
                created_at=NOW, **fields)
    with history.unrecorded(session):
        session.add(user)
        session.flush()
        session.add_all(UserClinic(user_id=user.id, clinic_id=c.id) for c in clinics)
    return user


def actor_of(user: User, clinics: list[Clinic] = ()) -> Actor:
    """Return the Actor for a user."""
    return Actor(user_id=user.id, username=user.username, name=user.name, role=Role(user.role),
                 clinic_ids=frozenset(c.id for c in clinics))
