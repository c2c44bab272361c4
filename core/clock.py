"""The real clock, read only at the edges (pages, command line); rules get the time passed in."""
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

SWEDEN = ZoneInfo("Europe/Stockholm")


def now() -> datetime:
    """Return the current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def today() -> date:
    """Return today's date in Sweden."""
    return datetime.now(SWEDEN).date()


def local(moment: datetime) -> datetime:
    """Return a stored UTC moment in Swedish local time."""
    return moment.astimezone(SWEDEN)
