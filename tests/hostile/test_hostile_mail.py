"""E-mail that survives names: bad addresses refused where they enter, in Swedish and with nothing written; header
values on one line; what was stored before the checks neither crashes the kallelse nor stops the other e-mails;
and after a partial failure the samordnare's summary is sent, exactly once."""
from datetime import date

import pytest
from icalendar import Calendar
from sqlalchemy import text
from sqlmodel import Session, select

from core import clock, db
from core.config import load_settings
from core.enums import Role
from core.errors import InvalidInput
from core.models import Attendance, Clinic, HistoryEntry, Organisation, Reminder, User, UserClinic
from core.services import attendance, meeting_notice, reviews, setup, users
from core.services.auth import SYSTEM_ACTOR
from tests import mailserver
from tests.core import conftest as review_fixtures
from tests.core.conftest import make_review
from tests.core.test_cli import _run
from tests.core.test_reminders import DAY
from tests.factories import NOW

rtg = review_fixtures.rtg  # Röntgenkliniken and its people, as the core tests have them
smtp = mailserver.smtp  # a real SMTP server on loopback

LONG = "a" * 289 + "@sjukhus.se"  # 300 characters
BAD_ADDRESSES = [
    ("anna@@x", 'E-post: "anna@@x" är inte en giltig e-postadress (till exempel förnamn.efternamn@sjukhus.se).'),
    ("anna@x\r\nBcc: evil@x", "E-post: adressen innehåller en radbrytning eller ett annat styrtecken."),
    (LONG, "E-post: högst 254 tecken (adressen har 300)."),
    ("anna(kommentar)@sjukhus.se", 'E-post: "anna(kommentar)@sjukhus.se" är inte en giltig e-postadress'),
    ("anna@sjukhus.se, evil@x.se", 'E-post: "anna@sjukhus.se, evil@x.se" är inte en giltig e-postadress'),
]
CASES = ["dubbelt-snabel-a", "radbrytning-och-bcc", "300-tecken", "kommentar", "tva-adresser"]
TABLES = (Organisation, User, UserClinic, Attendance, HistoryEntry)


def _database(engine) -> dict[str, list[tuple]]:
    """Return every row of the tables an address goes into, and the change history, as committed."""
    with Session(engine) as s:
        return {model.__name__: sorted(tuple(row) for row in s.exec(select(*model.__table__.columns)))
                for model in TABLES}


@pytest.mark.parametrize("address,told", BAD_ADDRESSES, ids=CASES)
def test_an_attendee_with_a_bad_address_is_refused_in_swedish_and_nothing_changes(session, engine, rtg, address,
                                                                                    told):
    review = make_review(session, rtg)
    session.commit()
    before = _database(engine)
    with pytest.raises(InvalidInput) as refused:
        attendance.add_attendee(session, actor=rtg["erik"], review_id=review.id, name="Gäst Gästsson",
                                meeting_role="other", email=address, now=NOW)
    assert str(refused.value).startswith(told), str(refused.value)
    session.rollback()
    assert _database(engine) == before
    row = attendance.add_attendee(session, actor=rtg["erik"], review_id=review.id, name="Gäst Gästsson",
                                  meeting_role="other", email=" gast.gastsson@sjukhus.se ", now=NOW)
    assert row.email == "gast.gastsson@sjukhus.se"  # a good address is stored, without the spaces around it


@pytest.mark.parametrize("address,told", BAD_ADDRESSES, ids=CASES)
def test_a_user_with_a_bad_address_is_refused_in_swedish_and_nothing_changes(session, engine, rtg, address, told):
    admin = SYSTEM_ACTOR
    nils = rtg["users"]["nils"]
    before = _database(engine)
    new = {"username": "gast", "name": "Gäst Gästsson", "email": address, "password": "ett-langt-losenord",
           "role": Role.LASARE, "clinics": [rtg["clinic"].id]}
    with pytest.raises(InvalidInput) as refused:
        users.create_user(session, actor=admin, data=new, now=NOW)
    assert str(refused.value).startswith(told), str(refused.value)
    session.rollback()
    changed = {"name": nils.name, "email": address, "role": nils.role, "clinics": [rtg["clinic"].id]}
    with pytest.raises(InvalidInput) as refused:
        users.update_user(session, actor=admin, user_id=nils.id, data=changed, expected_version=nils.version, now=NOW)
    assert str(refused.value).startswith(told), str(refused.value)
    session.rollback()
    assert _database(engine) == before


@pytest.mark.parametrize("address,told", BAD_ADDRESSES[:3], ids=CASES[:3])
def test_the_first_administrator_with_a_bad_address_is_refused_before_anything_is_written(session, engine, address,
                                                                                         told):
    organisation = {"name": "Norrby sjukhus", "licence_holder": "Region Norrby", "licence_number": "SSM2024-0099"}
    admin = {"username": "maja", "name": "Maja Holm", "email": address, "password": "ett-langt-losenord"}
    with pytest.raises(InvalidInput) as refused:
        setup.set_up(session, actor=setup.FIRST_RUN_ACTOR, organisation=organisation, admin=admin, now=NOW)
    assert str(refused.value).startswith(told), str(refused.value)
    assert not session.new  # refused before the organisation was added, whatever the caller does next
    session.commit()
    assert setup.needs_setup(session) and all(rows == [] for rows in _database(engine).values())


def _nm_review(url: str) -> int:
    """Create Nuklearmedicin's 2026 review in the demo, ready for its kallelse; return its id."""
    with db.session_scope(db.make_engine(url)) as s:
        nm = s.exec(select(Clinic).where(Clinic.code == "NM")).one()
        karin = s.exec(select(User).where(User.username == "karin")).one()
        review = reviews.create_review(s, actor=SYSTEM_ACTOR, clinic_id=nm.id, year=2026, now=clock.now(),
                                       data={"meeting_date": date(2026, 3, 11), "start_time": "13:00",
                                             "chair_id": karin.id, "secretary_id": karin.id})
        return review.id


def _sql(url: str, statement: str, **values) -> None:
    """Change the demo database directly, as data stored before the checks (or by an import) would be."""
    engine = db.make_engine(url)
    with engine.begin() as conn:
        conn.execute(text(statement), values)
    engine.dispose()


def test_a_clinic_name_with_a_line_break_gives_a_kallelse_with_the_name_on_one_line(demo_env, smtp):
    review_id = _nm_review(demo_env)
    _sql(demo_env, "UPDATE clinic SET name = :name WHERE code = 'NM'", name="Nuklear\r\nmedicin\nBcc: evil@x.se")
    with db.session_scope(db.make_engine(demo_env)) as s:
        delivery = meeting_notice.send_notice(s, actor=SYSTEM_ACTOR, review_id=review_id, settings=load_settings(),
                                              now=clock.now())
    assert delivery.sent == ["karin.oberg@demosjukhuset.se"] and delivery.not_sent == []
    [(recipients, mail)] = smtp.messages
    assert recipients == ["karin.oberg@demosjukhuset.se"] and mail["Bcc"] is None
    assert mail["Subject"] == ("Kallelse: Klinikens genomgång av verksamhet med joniserande strålning 2026 – "
                               "Nuklear medicin Bcc: evil@x.se")
    assert [part.get_filename() for part in mail.iter_attachments()] == ["kallelse-NM-2026.pdf",
                                                                         "kallelse-NM-2026.ics"]


def test_addresses_stored_bad_before_the_checks_are_left_out_of_the_calendar_and_named_when_sending(demo_env, smtp):
    review_id = _nm_review(demo_env)
    guests = {"Gäst Ett": "anna@@x", "Gäst Två": "anna@x.se\r\nBcc: evil@x.se", "Gäst Tre": "gast.tre@sjukhus.se",
              "Gäst Fyra": "okand@sjukhus.se"}
    with db.session_scope(db.make_engine(demo_env)) as s:
        for name in guests:
            attendance.add_attendee(s, actor=SYSTEM_ACTOR, review_id=review_id, name=name, meeting_role="other",
                                    email="platshallare@sjukhus.se", now=clock.now())
    for name, address in guests.items():
        _sql(demo_env, "UPDATE attendance SET email = :address WHERE name = :name", address=address, name=name)
    smtp.unknown = {"okand@sjukhus.se"}  # the server knows no such mailbox
    with db.session_scope(db.make_engine(demo_env)) as s:
        ics, pdf = meeting_notice.notice_files(s, actor=SYSTEM_ACTOR, review_id=review_id, now=clock.now())
        delivery = meeting_notice.send_notice(s, actor=SYSTEM_ACTOR, review_id=review_id, settings=load_settings(),
                                              now=clock.now())
    [event] = Calendar.from_ical(ics).walk("VEVENT")
    invited = sorted(str(a) for a in event.get("attendee"))
    assert invited == ["mailto:gast.tre@sjukhus.se", "mailto:karin.oberg@demosjukhuset.se",
                       "mailto:okand@sjukhus.se"]
    assert b"evil" not in ics and pdf.startswith(b"%PDF")
    assert sorted(delivery.sent) == ["gast.tre@sjukhus.se", "karin.oberg@demosjukhuset.se"]
    assert sorted(delivery.not_sent) == [
        "anna@@x: ogiltig e-postadress", "anna@x.se Bcc: evil@x.se: ogiltig e-postadress",
        "okand@sjukhus.se: e-postservern tog inte emot e-brevet (550 5.1.1 Okänd mottagare)"]
    assert delivery.text("Kallelsen").startswith("Kallelsen är skickad till 2 personer. Den kunde inte skickas till: ")
    assert sorted(r for recipients, _ in smtp.messages for r in recipients) == sorted(delivery.sent)


def _summaries(inbox) -> list:
    """Return the samordnare's summaries received."""
    return [mail for _, mail in inbox.messages if mail["Subject"].startswith("Sammanfattning")]


def _sent_to(url: str, username: str) -> list[Reminder]:
    """Return the reminder rows of one user's own reminders (not summaries)."""
    with Session(db.make_engine(url)) as s:
        user = s.exec(select(User).where(User.username == username)).one()
        return [r for r in s.exec(select(Reminder).where(Reminder.user_id == user.id)) if "summary" not in r.stage]


def test_a_refused_recipient_stops_nobody_else_and_the_summary_is_sent_exactly_once(demo_env, smtp, capsys):
    smtp.unknown = {"anna.berg@demosjukhuset.se"}  # Anna Berg owns a Röntgen action; Erik Lind gets the summary
    code, out, err = _run(capsys, "remind", "--today", DAY.isoformat())
    assert code == 2 and "Traceback" not in err
    assert ("6 e-brev skickades, men 1 kunde inte skickas: anna.berg@demosjukhuset.se: e-postservern tog inte emot "
            "e-brevet (550 5.1.1 Okänd mottagare). De skickas igen nästa gång påminnelserna körs.") in err, err
    received = sorted(r for recipients, _ in smtp.messages for r in recipients)
    assert len(received) == 6 and "anna.berg@demosjukhuset.se" not in received
    [summary] = _summaries(smtp)
    assert summary["To"] == "erik.lind@demosjukhuset.se"
    assert "Påminnelsen kunde inte skickas till Anna Berg; den skickas igen" in summary.get_content()
    assert _sent_to(demo_env, "anna") == []  # given back, so a later run tries again
    code, _, err = _run(capsys, "remind", "--today", DAY.isoformat())  # the server still refuses her
    assert code == 2 and "0 e-brev skickades, men 1 kunde inte skickas" in err, err
    assert len(smtp.messages) == 6 and len(_summaries(smtp)) == 1  # nothing resent, the summary exactly once
    smtp.unknown = set()
    code, out, err = _run(capsys, "remind", "--today", DAY.isoformat())
    assert code == 0 and "1 e-brev skickade" in out, err
    assert len(smtp.to("anna.berg@demosjukhuset.se")) == 1 and len(_summaries(smtp)) == 1
    assert [r.sent_at is not None for r in _sent_to(demo_env, "anna")] == [True]


def test_a_user_address_stored_bad_before_the_checks_stops_nobody_else(demo_env, smtp, capsys):
    _sql(demo_env, "UPDATE \"user\" SET email = :address WHERE username = 'anna'",
         address="anna.berg@demosjukhuset.se\r\nBcc: evil@x.se")
    code, _, err = _run(capsys, "remind", "--today", DAY.isoformat())
    assert code == 2 and "Traceback" not in err
    assert ("6 e-brev skickades, men 1 kunde inte skickas: anna.berg@demosjukhuset.se Bcc: evil@x.se: ogiltig "
            "e-postadress.") in err, err
    received = [r for recipients, _ in smtp.messages for r in recipients]
    assert len(received) == 6 and not any("evil" in r or "anna" in r for r in received)
    assert len(_summaries(smtp)) == 1 and _sent_to(demo_env, "anna") == []
