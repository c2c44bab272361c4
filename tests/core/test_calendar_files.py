"""Calendar files read back as a calendar program would: names with ; , " and line breaks survive."""
from datetime import UTC, date, datetime

from icalendar import Calendar

from core.documents.calendar import due_dates_ics, invitation_ics

STAMP = datetime(2026, 2, 20, 8, 0, tzinfo=UTC)
ATTENDEES = [("Berg; Anna", "anna.berg@demosjukhuset.se"), ("Lind, Erik", "erik.lind@demosjukhuset.se"),
             ("Öberg \"Kajsa\" Karin", "karin@demosjukhuset.se"), ("Utan e-post", "")]


def _invitation() -> Calendar:
    data = invitation_ics(uid="genomgang-7@stralportal", title="Genomgång RTG 2026; röntgen, del 1",
                          day=date(2026, 3, 12), start="13:00", end="15:30", location="Sal 4; plan 2",
                          description="Dagordning:\n1. Öppnande\n2. Val av justerare " + "lång text " * 20,
                          organizer_email="erik.lind@demosjukhuset.se", attendees=ATTENDEES, stamp=STAMP)
    assert all(len(line) <= 75 for line in data.split(b"\r\n")), "lines are folded at 75 octets"
    return Calendar.from_ical(data)


def test_the_kallelse_keeps_every_name_and_text_as_typed():
    event = _invitation().walk("VEVENT")[0]
    attendees = event.get("ATTENDEE")
    # RFC 6868 (^' for a quote) lets a name keep its quotes inside the quoted parameter
    assert [str(a.params["CN"]) for a in attendees] == ["Berg; Anna", "Lind, Erik", "Öberg \"Kajsa\" Karin"]
    assert [str(a) for a in attendees][0] == "mailto:anna.berg@demosjukhuset.se"
    assert len(attendees) == 3  # nobody without an e-mail address
    assert str(event["SUMMARY"]) == "Genomgång RTG 2026; röntgen, del 1"
    assert str(event["LOCATION"]) == "Sal 4; plan 2"
    assert str(event["DESCRIPTION"]).startswith("Dagordning:\n1. Öppnande\n2. Val av justerare")


def test_the_meeting_is_at_swedish_local_time():
    event = _invitation().walk("VEVENT")[0]
    assert event.decoded("DTSTART") == datetime(2026, 3, 12, 12, 0, tzinfo=UTC)  # 13:00 CET
    assert event.decoded("DTEND") == datetime(2026, 3, 12, 14, 30, tzinfo=UTC)


def test_due_dates_are_all_day_events():
    calendar = Calendar.from_ical(due_dates_ics([("a1@stralportal", date(2026, 9, 30), "Åtgärd; Utbilda (RTG)")],
                                                STAMP))
    event = calendar.walk("VEVENT")[0]
    assert event.decoded("DTSTART") == date(2026, 9, 30) and event.decoded("DTEND") == date(2026, 10, 1)
    assert str(event["SUMMARY"]) == "Åtgärd; Utbilda (RTG)"
