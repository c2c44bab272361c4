"""Secrets the portal makes for itself in its data folder: the login cookie's key and the one-time startkod.

Nothing here is derived from the source code: a key not configured (STRALPORTAL_COOKIE_KEY) is drawn at random
on the first start and kept in the data folder, readable by the portal's user only; the startkod is drawn anew
at every start, printed only in the server's log, and kept only as a hash with an expiry and an attempt budget.
"""
import fcntl
import hashlib
import hmac
import json
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from core.config import Settings
from core.errors import InvalidInput, UserError
from core.files import create_private_file, replace_private_file

COOKIE_KEY_FILE = "inloggningsnyckel"  # in Settings.data_dir, mode 0600
SETUP_CODE_FILE = "startkod.json"  # the startkod's hash, expiry and attempts left; mode 0600
SETUP_CODE_HOURS = 24
SETUP_CODE_ATTEMPTS = 10
# Read from a log and typed by hand: no 0/O or 1/I. 16 characters of 32 kinds: 80 bits.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_GROUPS, GROUP_LENGTH = 4, 4
NEW_CODE = ("Starta om portalen med `stralportal serve`, så skrivs en ny startkod i serverns logg, "
            "eller lägg upp portalen med `stralportal setup` på servern.")


def cookie_key_path(settings: Settings) -> Path:
    """Return where the generated cookie key is kept."""
    return settings.data_dir / COOKIE_KEY_FILE


def ensure_cookie_key(settings: Settings) -> bool:
    """Draw the cookie key into the data folder unless one is configured or already kept; True if made now."""
    if settings.cookie_key or cookie_key_path(settings).exists():
        return False
    try:
        return create_private_file(cookie_key_path(settings), secrets.token_urlsafe(48).encode())
    except OSError as exc:
        raise UserError(f"Inloggningsnyckeln kunde inte skapas i {settings.data_dir}: {exc.strerror or exc}. "
                        "Kontrollera att datamappen (STRALPORTAL_DATA_DIR) finns och är skrivbar, eller sätt "
                        "STRALPORTAL_COOKIE_KEY.") from None


def cookie_key(settings: Settings) -> str:
    """Return the key that signs login cookies: the configured one, else the one kept in the data folder."""
    if settings.cookie_key:
        return settings.cookie_key
    ensure_cookie_key(settings)
    path = cookie_key_path(settings)
    try:
        key = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"Inloggningsnyckeln {path} kan inte läsas: {exc}.") from None
    if len(key) < 32:
        raise UserError(f"Inloggningsnyckeln {path} är för kort. Ta bort filen så skapas en ny vid nästa start.")
    return key


def cookie_key_problem(settings: Settings) -> str | None:
    """Say, in Swedish, why the kept cookie key must not be used (others may read it), or None."""
    path = cookie_key_path(settings)
    if settings.cookie_key or not path.exists():
        return None
    if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        return (f"Inloggningsnyckeln {path} kan läsas av andra än portalens användare. "
                f"Gör den privat med `chmod 600 {path}`.")
    return None


def _normalised(code: str) -> str:
    """Return the code as generated: upper case, without the spaces and dashes a person may type."""
    return "".join(ch for ch in str(code or "").upper() if ch.isalnum())


def _digest(code: str) -> str:
    """Return the SHA-256 of a normalised code (what is kept instead of the code)."""
    return hashlib.sha256(_normalised(code).encode()).hexdigest()


def new_setup_code(settings: Settings, *, now: datetime) -> str:
    """Draw a new startkod for this start, keep only its hash, expiry and attempt budget; return it to print."""
    code = "-".join("".join(secrets.choice(CODE_ALPHABET) for _ in range(GROUP_LENGTH)) for _ in range(CODE_GROUPS))
    state = {"sha256": _digest(code), "expires_at": (now + timedelta(hours=SETUP_CODE_HOURS)).isoformat(),
             "attempts_left": SETUP_CODE_ATTEMPTS}
    try:
        replace_private_file(settings.data_dir / SETUP_CODE_FILE, json.dumps(state).encode())
    except OSError as exc:
        raise UserError(f"Startkoden kunde inte sparas i {settings.data_dir}: {exc.strerror or exc}. Kontrollera "
                        "att datamappen (STRALPORTAL_DATA_DIR) finns och är skrivbar.") from None
    return code


@contextmanager
def _locked_state(settings: Settings) -> Iterator[dict | None]:
    """Yield the kept startkod's state under an exclusive lock, and write back what the caller changed."""
    try:
        handle = (settings.data_dir / SETUP_CODE_FILE).open("r+", encoding="utf-8")
    except FileNotFoundError:
        yield None
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # two guesses at once cannot both spend the same attempt
        try:
            state = json.loads(handle.read() or "null")
        except ValueError:
            state = None
        before = json.dumps(state)
        yield state
        if json.dumps(state) != before:
            handle.seek(0)
            handle.truncate()
            handle.write(json.dumps(state))


def _refusal(state: dict | None, code: str, now: datetime) -> str | None:
    """Say why the typed code does not open the first run (spending one attempt when wrong), or None."""
    if not isinstance(state, dict) or not state.get("sha256"):
        return f"ingen giltig startkod finns. {NEW_CODE}"
    if int(state.get("attempts_left", 0)) <= 0:
        return f"för många felaktiga försök, så koden gäller inte längre. {NEW_CODE}"
    try:
        expires_at = datetime.fromisoformat(str(state.get("expires_at")))
    except ValueError:
        return f"ingen giltig startkod finns. {NEW_CODE}"
    if now >= expires_at:
        return f"koden har gått ut (den gäller i {SETUP_CODE_HOURS} timmar). {NEW_CODE}"
    if not hmac.compare_digest(_digest(code), state["sha256"]):
        state["attempts_left"] = int(state["attempts_left"]) - 1
        return "koden stämmer inte. Den står i serverns logg när portalen startar."
    return None


def check_setup_code(settings: Settings, code: str, *, now: datetime) -> None:
    """Refuse a startkod that is wrong, expired, used or out of attempts (compared in constant time)."""
    with _locked_state(settings) as state:
        refusal = _refusal(state, code, now)
    if refusal:
        raise InvalidInput([f"Startkod: {refusal}"])


def forget_setup_code(settings: Settings) -> None:
    """Void the startkod: it sets the portal up once."""
    (settings.data_dir / SETUP_CODE_FILE).unlink(missing_ok=True)
