"""Calendar files (.ics) that Outlook and other calendars open: the kallelse and a person's due dates.

Written with the icalendar library, which escapes, quotes and folds as RFC 5545 requires (a name such
as "Berg; Anna" in an ATTENDEE parameter must be quoted, text values escaped, long lines folded).
"""
from datetime import UTC, date, datetime, time, timedelta

from icalendar import Calendar, Event, vCalAddress

from core.addresses import one_line
from core.clock import SWEDEN

PRODUCT = "-//Strålsäkerhetsportalen//SV"


def _calendar(method: str | None = None) -> Calendar:
    """An empty calendar with the portal as its producer."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    return calendar


def _address(email: str, name: str | None = None, **params: str) -> vCalAddress:
    """A mailto: address with its display name and any other parameters."""
    address = vCalAddress(f"mailto:{email}")
    if name:  # a parameter value cannot hold a line break, and a name stored before the checks may
        address.params["CN"] = one_line(name)
    address.params.update(params)
    return address


def invitation_ics(*, uid: str, title: str, day: date, start: str | None, end: str | None, location: str | None,
                   description: str, organizer_email: str | None, attendees: list[tuple[str, str]],
                   stamp: datetime, sequence: int = 0) -> bytes:
    """Return one calendar event (Swedish local time, written as UTC) for the review meeting."""
    begin = datetime.combine(day, time.fromisoformat(start or "09:00"), SWEDEN)
    finish = datetime.combine(day, time.fromisoformat(end), SWEDEN) if end else begin + timedelta(hours=2)
    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", stamp.astimezone(UTC))
    # UTC times need no VTIMEZONE block; calendars show them in the reader's local time.
    event.add("dtstart", begin.astimezone(UTC))
    event.add("dtend", finish.astimezone(UTC))
    event.add("summary", title)
    event.add("description", description)
    if location:
        event.add("location", location)
    if organizer_email:
        event.add("organizer", _address(organizer_email))
    for name, email in attendees:
        if email:
            event.add("attendee", _address(email, name, ROLE="REQ-PARTICIPANT"), encode=False)
    calendar = _calendar("REQUEST")
    calendar.add_component(event)
    return calendar.to_ical()


def due_dates_ics(events: list[tuple[str, date, str]], stamp: datetime) -> bytes:
    """Return all-day calendar events (uid, date, summary) for a person's due dates."""
    calendar = _calendar()
    for uid, day, summary in events:
        event = Event()
        event.add("uid", uid)
        event.add("dtstamp", stamp.astimezone(UTC))
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        event.add("summary", summary)
        calendar.add_component(event)
    return calendar.to_ical()
