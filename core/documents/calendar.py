"""The kallelse as an iCalendar (.ics) event that Outlook and other calendars open."""
from datetime import UTC, datetime, time, timedelta

from core.clock import SWEDEN

ICS_DATE = "%Y%m%dT%H%M%S"


def _escape(text: str) -> str:
    """Escape text for an iCalendar value (RFC 5545 §3.3.11)."""
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Fold a content line at 75 octets, as the format requires."""
    data, parts, limit = line.encode(), [], 75
    while len(data) > limit:
        cut = limit
        while (data[cut] & 0xC0) == 0x80:  # never split a UTF-8 character
            cut -= 1
        parts.append(data[:cut].decode())
        data, limit = data[cut:], 74  # continuation lines begin with a space
    parts.append(data.decode())
    return "\r\n ".join(parts)


def invitation_ics(*, uid: str, title: str, day, start: str | None, end: str | None, location: str | None,
                   description: str, organizer_email: str | None, attendees: list[tuple[str, str]],
                   stamp: datetime, sequence: int = 0) -> bytes:
    """Return one calendar event (Swedish local time) for the review meeting."""
    begin = datetime.combine(day, time.fromisoformat(start or "09:00"), SWEDEN)
    finish = datetime.combine(day, time.fromisoformat(end), SWEDEN) if end else begin + timedelta(hours=2)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Strålsäkerhetsportalen//SV", "CALSCALE:GREGORIAN",
             "METHOD:REQUEST", "BEGIN:VEVENT", f"UID:{uid}", f"SEQUENCE:{sequence}",
             f"DTSTAMP:{stamp.astimezone(UTC).strftime(ICS_DATE)}Z",
             # UTC times need no VTIMEZONE block; calendars show them in the reader's local time.
             f"DTSTART:{begin.astimezone(UTC).strftime(ICS_DATE)}Z",
             f"DTEND:{finish.astimezone(UTC).strftime(ICS_DATE)}Z",
             f"SUMMARY:{_escape(title)}", f"DESCRIPTION:{_escape(description)}"]
    if location:
        lines.append(f"LOCATION:{_escape(location)}")
    if organizer_email:
        lines.append(f"ORGANIZER:mailto:{organizer_email}")
    lines += [f"ATTENDEE;CN={_escape(name)};ROLE=REQ-PARTICIPANT:mailto:{email}" for name, email in attendees if email]
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode()


def due_dates_ics(events: list[tuple[str, object, str]], stamp: datetime) -> bytes:
    """Return all-day calendar events (uid, date, summary) for a person's due dates."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Strålsäkerhetsportalen//SV", "CALSCALE:GREGORIAN"]
    for uid, day, summary in events:
        lines += ["BEGIN:VEVENT", f"UID:{uid}", f"DTSTAMP:{stamp.astimezone(UTC).strftime(ICS_DATE)}Z",
                  f"DTSTART;VALUE=DATE:{day.strftime('%Y%m%d')}",
                  f"DTEND;VALUE=DATE:{(day + timedelta(days=1)).strftime('%Y%m%d')}",
                  f"SUMMARY:{_escape(summary)}", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode()
