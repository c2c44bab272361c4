"""Login support: the credentials the login form checks, who is logged in, and locking after failures."""
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from core.config import Settings
from core.enums import Role
from core.errors import UserError
from core.models import User, stored_id
from core.permissions import Actor
from core.services._queries import clinic_ids_of

# The command line acts as the server's administrator unless told to act as a named user.
SYSTEM_ACTOR = Actor(user_id=None, username="system", name="Kommandoraden", role=Role.ADMIN)


class SessionEnded(UserError):
    """A logged-in session may not go on (account deactivated, password changed); the message says why."""


def _timestamp(moment: datetime | None) -> float | None:
    """Return a stored UTC moment as a Unix timestamp (SQLite gives it back without its time zone)."""
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def password_epoch(user: User) -> float:
    """Return when the user's password last changed, as a timestamp (0 when never): a session keeps it at login."""
    return _timestamp(user.password_changed_at) or 0.0


def login_credentials(session: Session, *, settings: Settings, now: datetime, only: str | None = None) -> dict:
    """Return active users in streamlit-authenticator's credentials format (a dict, never a file).

    Once logged in, a page needs only the user's own entry (`only`), not every account of the region.
    """
    query = select(User).where(User.active == True)  # noqa: E712
    if settings.is_production:  # their passwords are known (demo1234): never a way in to a real portal
        query = query.where(User.is_demo == False)  # noqa: E712
    users = session.exec(query if only is None else query.where(User.username == only)).all()
    return {"usernames": {
        u.username: {
            "name": u.name, "email": u.email, "password": u.password_hash, "roles": [u.role],
            # A locked account starts at the library's limit, so the library refuses it outright.
            "failed_login_attempts": settings.login_max_attempts if is_locked(u, now) else 0,
            "logged_out_at": _timestamp(u.logged_out_at),
            "password_changed_at": _timestamp(u.password_changed_at),
        } for u in users
    }}


def is_locked(user: User, now: datetime) -> bool:
    """Tell whether the user is locked out after too many failed logins."""
    return user.locked_until is not None and user.locked_until > now


def record_failed_login(session: Session, *, username: str, settings: Settings, now: datetime) -> bool:
    """Count a failed login; lock the account when the limit is reached. Return True if now locked."""
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None:
        return False
    user.failed_logins += 1
    if user.failed_logins >= settings.login_max_attempts:
        user.locked_until = now + timedelta(minutes=settings.login_lock_minutes)
        user.failed_logins = 0
    session.add(user)
    return is_locked(user, now)


def record_login(session: Session, *, username: str, now: datetime) -> None:
    """Note a successful login and forget earlier failures."""
    user = session.exec(select(User).where(User.username == username)).first()
    if user is not None:
        user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
        session.add(user)


def record_logout(session: Session, *, username: str, now: datetime) -> None:
    """Note a logout: login cookies issued before it no longer log the user in, on any device."""
    user = session.exec(select(User).where(User.username == username)).first()
    if user is not None:
        user.logged_out_at = now
        session.add(user)


def cookie_accepted(account: dict | None, token: dict, expiry_days: float) -> bool:
    """Tell whether a login cookie may log in: its user is active; it is newer than their logout and password change."""
    if account is None:
        return False
    issued_at = token["exp_date"] - expiry_days * 86400  # the token only carries its expiry
    ended = [account[k] for k in ("logged_out_at", "password_changed_at") if account.get(k) is not None]
    return issued_at > max(ended, default=float("-inf"))


def actor_for(session: Session, username: str | None) -> Actor | None:
    """Return the acting user for a username, or None when unknown or deactivated."""
    if not username:
        return None
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None or not user.active:
        return None
    return _actor(session, user)


def session_actor(session: Session, *, username: str | None, epoch: float | None) -> tuple[Actor, float]:
    """Return the logged-in user and their password epoch; refuse a session the user may no longer use.

    epoch is what the session kept at login (None right after it): a password changed since ends the session.
    """
    user = session.exec(select(User).where(User.username == username)).first() if username else None
    if user is None or not user.active:
        raise SessionEnded("Ditt konto är inaktiverat eller borttaget. Kontakta administratören.")
    if epoch is not None and password_epoch(user) != epoch:
        raise SessionEnded("Lösenordet för ditt konto har ändrats, så du är utloggad här. "
                           "Logga in med det nya lösenordet.")
    return _actor(session, user), password_epoch(user)


def _actor(session: Session, user: User) -> Actor:
    """Return the acting user for a stored user."""
    user_id = stored_id(user)
    return Actor(user_id=user_id, username=user.username, name=user.name, role=Role(user.role),
                 clinic_ids=frozenset(clinic_ids_of(session, user_id)))
