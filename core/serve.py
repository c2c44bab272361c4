"""`stralportal serve`: migrate, load the demo when enabled, refuse an unsafe production, start Streamlit."""
import ipaddress
import os
import sys
import tomllib

from sqlalchemy.engine import make_url

from core.config import is_set, load_settings
from core.errors import EXIT_FAILED, EXIT_OK, UserError
from core.resources import APP_SCRIPT, STREAMLIT_CONFIG
from core.startup import prepare, startup_problems


def cmd_serve(args) -> int:
    """Migrate, load the demo into an empty database when enabled, refuse unsafe production, start."""
    if not is_set("BASE_URL"):  # the links in calendar files and e-mails point where this portal answers
        host = "localhost" if args.address in ("0.0.0.0", "127.0.0.1", "::") else args.address
        os.environ["STRALPORTAL_BASE_URL"] = f"http://{host}:{args.port}"
    settings = load_settings()
    if not settings.is_production and not is_loopback(args.address):
        raise UserError(f"Portalen startar inte: utvecklingsläget (STRALPORTAL_ENV=development) lyssnar bara på den "
                        f"egna datorn (127.0.0.1, ::1 eller localhost), inte på {args.address}. På en server: ta bort "
                        "STRALPORTAL_ENV eller sätt den till production.")
    engine = prepare(settings, say=lambda text: print(text, flush=True))
    problems = startup_problems(engine, settings)
    if problems:
        print("Portalen startar inte i drift:", *(f"- {p}" for p in problems), sep="\n", file=sys.stderr)
        return EXIT_FAILED
    print(f"Startar portalen på {settings.base_url} (databas: {_safe_url(settings.database_url)}) …", flush=True)
    argv = [sys.executable, "-m", "streamlit", "run", str(APP_SCRIPT), *streamlit_options(),
            f"--server.port={args.port}", f"--server.address={args.address}"]
    os.execv(sys.executable, argv)
    return EXIT_OK


def is_loopback(address: str) -> bool:
    """Tell whether an address reaches only this computer (so development mode may listen on it)."""
    if address.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip().strip("[]")).is_loopback
    except ValueError:
        return False  # a host name may resolve to anything


def streamlit_options() -> list[str]:
    """The portal's Streamlit settings (its packaged .streamlit/config.toml) as command-line options.

    Streamlit reads config.toml only from the working directory, which for an installed portal is the
    operator's folder; options on the command line apply wherever the portal is started.
    """
    config = tomllib.loads(STREAMLIT_CONFIG.read_text(encoding="utf-8"))
    return [f"--{section}.{key}={str(value).lower() if isinstance(value, bool) else value}"
            for section, values in config.items() for key, value in values.items()]


def _safe_url(url: str) -> str:
    """A database URL without its password, fit to print."""
    return make_url(url).render_as_string(hide_password=True)


