"""Unexpected errors: a short incident number for the user, the traceback under that number in the server log."""
import logging
import secrets

LOGGER = logging.getLogger("stralportal.incident")
MESSAGE = ("Ett oväntat fel inträffade (incident {incident}). Inget av det du skrev har sparats. "
           "Försök igen om en stund. Kvarstår felet, kontakta administratören och uppge incidentnumret.")


def new_incident_id() -> str:
    """Return a short random incident number, e.g. 7F3A09C2."""
    return secrets.token_hex(4).upper()


def _ensure_handler() -> None:
    """Make sure incidents reach the server log even when nobody configured logging."""
    if not LOGGER.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        LOGGER.addHandler(handler)


def log_incident(exc: BaseException, where: str = "") -> str:
    """Log an unexpected error with its traceback under a new incident number; return the number."""
    _ensure_handler()
    incident = new_incident_id()
    LOGGER.error("Incident %s%s: %s: %s", incident, f" ({where})" if where else "", type(exc).__name__, exc,
                 exc_info=(type(exc), exc, exc.__traceback__))
    return incident


def incident_message(incident: str) -> str:
    """Return the Swedish message the user sees for an incident."""
    return MESSAGE.format(incident=incident)
