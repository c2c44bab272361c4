"""The real clock, read only at the edges (pages, command line); rules get the time passed in."""
import calendar
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


def add_months(day: date, months: int) -> date:
    """The same day some months later (the month's last day when that month is shorter)."""
    month = day.month + months
    year, month = day.year + (month - 1) // 12, (month - 1) % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))
