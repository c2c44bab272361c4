"""Configuration from STRALPORTAL_* environment variables (or root keys of .streamlit/secrets.toml)."""
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from core.errors import UserError

# Streamlit reads .streamlit/ of the working directory too: the folder the portal is started from.
SECRETS_FILE = Path(".streamlit") / "secrets.toml"
DEFAULT_DATA_DIR = "data"  # relative to the working directory, never inside an installed package
DATABASE_FILE = "stralportal.db"
MIN_COOKIE_KEY_BYTES = 32
TRUE_WORDS = {"1", "true", "yes", "ja", "on"}
ENVIRONMENTS = ("development", "production")
# Development is only what is asked for (`make run` sets it): an unset STRALPORTAL_ENV is production.
DEFAULT_ENVIRONMENT = "production"


@dataclass(frozen=True)
class Settings:
    """The portal's settings; see the README for what each means."""

    database_url: str = f"sqlite:///{DEFAULT_DATA_DIR}/{DATABASE_FILE}"
    data_dir: Path = Path(DEFAULT_DATA_DIR)
    env: str = DEFAULT_ENVIRONMENT
    cookie_key: str | None = None  # configured; unset: a random key kept in data_dir (core/local_secrets.py)
    cookie_name: str = "stralportal_inloggning"
    cookie_expiry_days: float = 1.0
    demo: bool = False
    base_url: str = "http://localhost:8501"
    smtp_host: str | None = None
    smtp_port: int | None = None
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_tls: str = "starttls"
    smtp_from: str = "stralportal@localhost"
    audit_interval_years: int = 5  # seed 002: a clinical audit of the whole activity at least every fifth year
    login_max_attempts: int = 5
    login_lock_minutes: int = 15
    seal_p12: Path | None = None  # the organisation's seal (PKCS#12); unset: a self-signed one in data_dir
    seal_password: str | None = None
    tsa_url: str | None = None  # an RFC 3161 time-stamp service for every seal, when set

    @property
    def is_production(self) -> bool:
        """Tell whether the portal runs as a production deployment."""
        return self.env == "production"


def _secrets() -> dict:
    """Read root keys of .streamlit/secrets.toml, if the file exists."""
    if not SECRETS_FILE.exists():
        return {}
    with SECRETS_FILE.open("rb") as f:
        return {k: v for k, v in tomllib.load(f).items() if not isinstance(v, dict)}


def _lookup(name: str, secrets: dict) -> str | None:
    """Return STRALPORTAL_<name> from the environment, else from secrets.toml."""
    key = f"STRALPORTAL_{name}"
    value = os.environ.get(key, secrets.get(key))
    return None if value in (None, "") else str(value)


def is_set(name: str) -> bool:
    """Tell whether STRALPORTAL_<name> is set in the environment or in secrets.toml."""
    return _lookup(name, _secrets()) is not None


def resolve_sqlite_path(url: str) -> str:
    """Make a relative SQLite path absolute (from the working directory), so a later chdir never moves it."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
        return prefix + str(Path(url[len(prefix):]).resolve())
    return url


def _environment(value: str) -> str:
    """Return STRALPORTAL_ENV when it is development or production; refuse anything else in Swedish."""
    if value not in ENVIRONMENTS:
        raise UserError(f"STRALPORTAL_ENV är \"{value}\", men får bara vara development eller production. "
                        "Portalen startar inte förrän värdet är rättat.")
    return value


def load_settings() -> Settings:
    """Build Settings from the environment and secrets.toml."""
    s = _secrets()
    env = _environment(_lookup("ENV", s) or DEFAULT_ENVIRONMENT)
    demo_default = "0" if env == "production" else "1"
    port = _lookup("SMTP_PORT", s)
    data_dir = Path(_lookup("DATA_DIR", s) or DEFAULT_DATA_DIR).resolve()
    return Settings(
        database_url=resolve_sqlite_path(_lookup("DATABASE_URL", s) or f"sqlite:///{data_dir / DATABASE_FILE}"),
        data_dir=data_dir,
        env=env,
        cookie_key=_lookup("COOKIE_KEY", s),
        demo=(_lookup("DEMO", s) or demo_default).lower() in TRUE_WORDS,
        base_url=_lookup("BASE_URL", s) or Settings.base_url,
        smtp_host=_lookup("SMTP_HOST", s),
        smtp_port=int(port) if port else None,
        smtp_user=_lookup("SMTP_USER", s),
        smtp_password=_lookup("SMTP_PASSWORD", s),
        smtp_tls=_lookup("SMTP_TLS", s) or "starttls",
        smtp_from=_lookup("SMTP_FROM", s) or Settings.smtp_from,
        audit_interval_years=int(_lookup("AUDIT_INTERVAL_YEARS", s) or Settings.audit_interval_years),
        seal_p12=Path(seal).resolve() if (seal := _lookup("SEAL_P12", s)) else None,
        seal_password=_lookup("SEAL_PASSWORD", s),
        tsa_url=_lookup("TSA_URL", s),
    )


def configuration_problems(settings: Settings) -> list[str]:
    """List, in Swedish, why the portal must not start with these settings (empty when fine)."""
    from core.local_secrets import cookie_key_problem  # both need the settings first; imported here, not at start
    from core.seal import seal_problem

    problems = [problem for problem in (seal_problem(settings), cookie_key_problem(settings)) if problem]
    if settings.cookie_key is not None and len(settings.cookie_key.encode()) < MIN_COOKIE_KEY_BYTES:
        problems.append(f"STRALPORTAL_COOKIE_KEY är för kort: använd minst {MIN_COOKIE_KEY_BYTES} slumpmässiga "
                        "tecken, eller ta bort inställningen så skapar portalen en egen nyckel i datamappen.")
    if settings.is_production and settings.demo:
        problems.append("STRALPORTAL_DEMO är påslaget: demodata får inte läsas in i drift.")
    return problems
