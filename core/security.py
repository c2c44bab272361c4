"""Password hashing with bcrypt, in the format streamlit-authenticator checks."""
import secrets
from functools import cache

import bcrypt

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_BYTES = 72  # bcrypt's limit; longer passwords would be silently refused at login


def hash_password(password: str) -> str:
    """Return a bcrypt hash of the password."""
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode()


def check_password(password: str, password_hash: str) -> bool:
    """Tell whether the password matches the hash."""
    try:
        return bcrypt.checkpw(password.encode(), password_hash.encode())
    except ValueError:
        return False


@cache
def _unmatchable_hash() -> str:
    """Return a bcrypt hash, at the users' cost, of a random secret that no typed password matches."""
    return hash_password(secrets.token_urlsafe(32))


def spend_a_password_check() -> None:
    """Check a password against a hash nothing matches: an unknown or locked name is as slow to refuse."""
    check_password("inget-lösenord", _unmatchable_hash())  # bcrypt's time does not depend on the password


def password_problem(password: str) -> str | None:
    """Return why a new password is not acceptable, in Swedish, or None when it is."""
    if not password:
        return "måste fyllas i."
    if password != password.strip():
        return "får inte börja eller sluta med mellanslag."
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"måste ha minst {MIN_PASSWORD_LENGTH} tecken."
    if len(password.encode()) > MAX_PASSWORD_BYTES:
        return f"får vara högst {MAX_PASSWORD_BYTES} byte långt."
    return None
