"""Users: add, change role and clinics, reset or change password, deactivate."""
import re
from datetime import datetime
from typing import ClassVar

from pydantic import BaseModel, ValidationInfo, field_validator
from sqlmodel import Session, col, delete, select

from core import glossary, history
from core.addresses import address_problem
from core.enums import HistoryOperation, Role
from core.errors import InvalidInput, NotFound
from core.models import Clinic, User, UserClinic
from core.permissions import CLINIC_ROLES, Actor, Permission, require
from core.security import check_password, hash_password, password_problem
from core.services._common import claim_version, get_or_fail
from core.services._queries import clinic_ids_of
from core.validation import checked_arguments, validated

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


class UserUpdate(BaseModel):
    """What an administrator may change on a user."""

    name: str
    email: str
    role: str
    clinics: list[int] = []
    active: bool = True

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not (v or "").strip():
            raise ValueError("måste fyllas i.")
        return v.strip()

    @field_validator("email")
    @classmethod
    def _email(cls, v: str) -> str:
        v = (v or "").strip()
        if not v:
            raise ValueError("måste fyllas i.")
        problem = address_problem(v)
        if problem:
            raise ValueError(problem)
        return v

    @field_validator("role")
    @classmethod
    def _role(cls, v: str) -> str:
        if v not in {r.value for r in Role}:
            allowed = ", ".join(glossary.options(Role).values())
            raise ValueError(f"okänd roll \"{v}\"; tillåtna är {allowed}.")
        return v

    @field_validator("clinics")
    @classmethod
    def _clinic_roles_need_a_clinic(cls, v: list[int], info: ValidationInfo) -> list[int]:
        role = info.data.get("role")
        if role and Role(role) in CLINIC_ROLES and not v:
            raise ValueError(f"rollen {glossary.term(Role(role))} måste kopplas till minst en klinik.")
        return v


class UserCreate(UserUpdate):
    """A new user: also a username and a first password."""

    FORM_ORDER: ClassVar[tuple[str, ...]] = ("username", "name", "email", "password", "role", "clinics")
    username: str
    password: str

    @field_validator("username")
    @classmethod
    def _username(cls, v: str) -> str:
        v = (v or "").strip().lower()
        if not v:
            raise ValueError("måste fyllas i.")
        if not USERNAME_PATTERN.match(v):
            raise ValueError("2–64 tecken: små bokstäver a–z, siffror, punkt, - eller _.")
        return v

    @field_validator("password")
    @classmethod
    def _password(cls, v: str) -> str:
        problem = password_problem(v or "")
        if problem:
            raise ValueError(problem)
        return v


def _set_clinics(session: Session, user_id: int, clinic_ids: list[int]) -> None:
    """Replace the user's clinic memberships, refusing unknown clinics."""
    found = session.exec(select(Clinic.id).where(col(Clinic.id).in_(clinic_ids)))
    known = {clinic_id for clinic_id in found if clinic_id is not None}  # a stored clinic always has its id
    unknown = sorted(set(clinic_ids) - known)
    if unknown:
        raise InvalidInput([f"Kliniker: okänd klinik (id {', '.join(map(str, unknown))})."])
    session.exec(delete(UserClinic).where(col(UserClinic.user_id) == user_id))
    session.add_all(UserClinic(user_id=user_id, clinic_id=c) for c in sorted(known))


def list_users(session: Session, *, actor: Actor) -> list[tuple[User, list[int]]]:
    """Return every user with their clinic ids, ordered by name."""
    require(actor, Permission.MANAGE_USERS)
    users = list(session.exec(select(User).order_by(User.name)))
    links = session.exec(select(UserClinic.user_id, UserClinic.clinic_id)).all()
    by_user: dict[int | None, list[int]] = {}  # looked up by User.id, which the model types as optional
    for user_id, clinic_id in links:
        by_user.setdefault(user_id, []).append(clinic_id)
    return [(u, sorted(by_user.get(u.id, []))) for u in users]


# Field names as the add form shows them.
FIRST_PASSWORD = {"password": "Första lösenord"}  # the form asks for the first password, which the user changes


def create_user(session: Session, *, actor: Actor, data: dict, now: datetime,
                is_demo: bool = False) -> User:
    """Add a user; a duplicate username is refused."""
    require(actor, Permission.MANAGE_USERS)
    history.track(session, actor=actor, now=now)
    fields = validated(UserCreate, data, FIRST_PASSWORD)
    if session.exec(select(User).where(User.username == fields.username)).first():
        raise InvalidInput([f"Användarnamn: {fields.username} finns redan."])
    user = User(username=fields.username, name=fields.name, email=fields.email, role=fields.role,
                password_hash=hash_password(fields.password), active=fields.active,
                is_demo=is_demo, created_at=now)
    session.add(user)
    session.flush()
    assert user.id is not None  # the flush gave the new user its id
    _set_clinics(session, user.id, fields.clinics)
    history.record(session, user, operation=HistoryOperation.CREATE, new={"clinics": clinic_ids_of(session, user.id)})
    return user


def update_user(session: Session, *, actor: Actor, user_id: int, data: dict,
                expected_version: int, now: datetime) -> User:
    """Change a user's name, e-mail, role, clinics or active flag."""
    require(actor, Permission.MANAGE_USERS)
    history.track(session, actor=actor, now=now)
    fields = validated(UserUpdate, data)
    user = get_or_fail(session, User, user_id)
    assert user.id is not None  # a stored user has its id
    if user.id == actor.user_id and not fields.active:
        raise InvalidInput(["Aktiv: du kan inte inaktivera dig själv."])
    if user.id == actor.user_id and fields.role != Role.ADMIN:
        raise InvalidInput(["Roll: du kan inte ta bort din egen administratörsbehörighet."])
    before = clinic_ids_of(session, user.id)
    claim_version(session, User, user_id, expected_version)
    for key in ("name", "email", "role", "active"):
        setattr(user, key, getattr(fields, key))
    session.add(user)
    _set_clinics(session, user.id, fields.clinics)
    after = clinic_ids_of(session, user.id)
    if after != before:  # the clinics are rows of their own, so the flush does not see them as the user's
        history.record(session, user, operation=HistoryOperation.UPDATE, old={"clinics": before},
                       new={"clinics": after})
    return user


@checked_arguments()
def deactivate_user(session: Session, *, actor: Actor, username: str, now: datetime) -> User:
    """Stop a user from logging in; their history stays."""
    require(actor, Permission.MANAGE_USERS)
    history.track(session, actor=actor, now=now)
    user = session.exec(select(User).where(User.username == username.strip().lower())).first()
    if user is None:
        raise NotFound(f"Användaren {username} finns inte.")
    if user.id == actor.user_id:
        raise InvalidInput(["Aktiv: du kan inte inaktivera dig själv."])
    if user.active:
        user.active = False
        user.version += 1
        session.add(user)
    return user


@checked_arguments()
def reset_password(session: Session, *, actor: Actor, user_id: int, new_password: str,
                   now: datetime) -> None:
    """Set another user's password (administrator), lift any login lock and end the user's sessions."""
    require(actor, Permission.MANAGE_USERS)
    history.track(session, actor=actor, now=now)
    _store_password(session, get_or_fail(session, User, user_id), new_password, now)


def change_own_password(session: Session, *, actor: Actor, current_password: str,
                        new_password: str, repeated: str, now: datetime) -> datetime:
    """Change the actor's own password after checking the current one; return when (the user's other sessions end)."""
    history.track(session, actor=actor, now=now)
    user = session.get(User, actor.user_id) if actor.user_id else None
    if user is None:
        raise NotFound("Ditt konto finns inte i databasen.")
    problems = []
    if not current_password:
        problems.append("Nuvarande lösenord: måste fyllas i.")
    elif not check_password(current_password, user.password_hash):
        problems.append("Nuvarande lösenord: stämmer inte.")
    problem = password_problem(new_password or "")
    if problem:
        problems.append(f"Nytt lösenord: {problem}")
    elif new_password == current_password:
        problems.append("Nytt lösenord: måste skilja sig från det nuvarande.")
    if new_password != repeated:
        problems.append("Upprepa nytt lösenord: stämmer inte med det nya lösenordet.")
    if problems:
        raise InvalidInput(problems)
    _store_password(session, user, new_password, now)
    return now


def _store_password(session: Session, user: User, new_password: str, now: datetime) -> None:
    """Hash and store a new password after checking it is acceptable; sessions and cookies from before end."""
    problem = password_problem(new_password or "")
    if problem:
        raise InvalidInput([f"Nytt lösenord: {problem}"])
    user.password_hash = hash_password(new_password)
    user.failed_logins, user.locked_until, user.password_changed_at = 0, None, now
    session.add(user)
    history.record(session, user, operation=HistoryOperation.UPDATE, new={"password": "ändrat"})  # never the hash
