"""Reminders over a real SMTP server on loopback (aiosmtpd): who gets what, and never twice."""
import socket
import threading
from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from core import clock, db
from core.config import load_settings
from core.errors import UserError
from core.models import Reminder
from core.services import reminders
from core.services.auth import SYSTEM_ACTOR
from tests import mailserver
from tests.core.test_cli import _run
from tests.mailserver import Inbox

smtp = mailserver.smtp  # the fixture

DAY = date(2026, 12, 28)  # three demo actions due 2026-12-31 are 3 days away (stage 7), several are overdue


def test_owners_get_one_mail_each_and_the_same_reminder_never_twice(demo_env, smtp, capsys):
    # On 2026-12-28 three demo actions due 2026-12-31 are 3 days away (stage 7) and several are overdue.
    code, out, err = _run(capsys, "remind", "--dry-run", "--today", "2026-12-28")
    assert code == 0, err
    assert "7 e-brev skulle skickas" in out and not smtp.messages
    code, out, err = _run(capsys, "remind", "--today", "2026-12-28")
    assert code == 0, err
    by_recipient = {tuple(to)[0]: mail for to, mail in smtp.messages if "Sammanfattning" not in mail["Subject"]}
    anna = by_recipient["anna.berg@demosjukhuset.se"].get_content()
    assert "RTG Inför dosregistrering för genomlysning – klart senast 2026-12-31 (klart inom en vecka)" in anna
    erik = by_recipient["erik.lind@demosjukhuset.se"].get_content()
    assert "Optimera CT-protokoll" in erik and "försenad" in erik
    assert any("Sammanfattning" in m["Subject"] for _, m in smtp.messages)  # the samordnare's summary
    count = len(smtp.messages)
    code, out, _ = _run(capsys, "remind", "--today", "2026-12-29")
    assert code == 0 and len(smtp.messages) == count and "0 e-brev skickade" in out


def test_without_a_mail_server_reminders_are_refused_clearly(demo_env, capsys, monkeypatch):
    monkeypatch.delenv("STRALPORTAL_SMTP_HOST", raising=False)
    code, _, err = _run(capsys, "remind", "--today", "2026-12-28")
    assert code == 2 and "Ingen e-postserver är inställd" in err
    code, _, err = _run(capsys, "remind", "--today", "28/12")
    assert code == 2 and "inte ett datum" in err


def test_kallelse_is_mailed_with_pdf_and_calendar_file(demo_env, smtp):
    from datetime import date

    from sqlmodel import select

    from core import clock, db
    from core.config import load_settings
    from core.models import Clinic, User
    from core.services import meeting_notice, reviews
    from core.services.auth import SYSTEM_ACTOR
    with db.session_scope(db.make_engine(demo_env)) as s:
        rtg = s.exec(select(Clinic).where(Clinic.code == "NM")).one()
        karin = s.exec(select(User).where(User.username == "karin")).one()  # the kallelse names chair and secretary
        review = reviews.create_review(s, actor=SYSTEM_ACTOR, clinic_id=rtg.id, year=2026, now=clock.now(),
                                       data={"meeting_date": date(2026, 3, 11), "start_time": "13:00",
                                             "chair_id": karin.id, "secretary_id": karin.id})
        sent = meeting_notice.send_notice(s, actor=SYSTEM_ACTOR, review_id=review.id, settings=load_settings(),
                                          now=clock.now())
    assert "karin.oberg@demosjukhuset.se" in sent.sent and len(smtp.messages) == len(sent.sent)
    assert sent.not_sent == [] and sent.text("Kallelsen") == "Kallelsen är skickad till 1 person."
    mail = smtp.messages[0][1]
    names = [part.get_filename() for part in mail.iter_attachments()]
    assert names == ["kallelse-NM-2026.pdf", "kallelse-NM-2026.ics"]
    assert mail["Subject"].startswith("Kallelse: Klinikens genomgång av verksamhet med joniserande strålning 2026")


def test_approvers_who_have_not_signed_get_a_link_to_the_review(demo_env, smtp):
    from sqlmodel import select

    from core import db
    from core.config import load_settings
    from core.models import Clinic, Review
    from core.services import minutes
    from core.services.auth import SYSTEM_ACTOR, actor_for
    with db.session_scope(db.make_engine(demo_env)) as s:
        kard = s.exec(select(Clinic).where(Clinic.code == "KARD")).one()
        review = s.exec(select(Review).where(Review.clinic_id == kard.id, Review.year == 2026)).one()
        sent = minutes.notify_approvers(s, actor=SYSTEM_ACTOR, review_id=review.id, settings=load_settings())
        waiting = minutes.awaiting_approval(s, actor=actor_for(s, "strateg"))
        assert minutes.awaiting_approval(s, actor=actor_for(s, "lars")) == []  # he has signed
    assert sent.sent == ["ingrid.strand@demosjukhuset.se"] and len(smtp.messages) == 1  # the chair has signed
    assert [(r.protocol_number, role) for r, _, role in waiting] == [("KARD 2/2026", "adjuster")]
    body = smtp.messages[0][1].get_content()
    assert "protokoll nr KARD 2/2026" in body and "/genomgang?klinik=KARD&ar=2026" in body
    assert smtp.messages[0][1]["Subject"] == "Att justera: protokoll KARD 2/2026"


def _due(url: str, now) -> set[tuple[int, int, str]]:
    """Return the reminders due on DAY as (user, action, stage), as the database records them when sent."""
    with Session(db.make_engine(url)) as s:
        due = reminders.due_reminders(s, actor=SYSTEM_ACTOR, today=DAY, now=now)
        return {key for o in due if o.user.email for key in reminders._keys(o)}


def _recorded(url: str) -> list[Reminder]:
    """Return every reminder row (claimed or sent)."""
    with Session(db.make_engine(url)) as s:
        return list(s.exec(select(Reminder)))


def _lines(inbox: Inbox) -> list[tuple[str, str, str]]:
    """Return every action line of every message received: (recipient, subject, line)."""
    return [(tuple(to)[0], mail["Subject"], line) for to, mail in inbox.messages
            for line in mail.get_content().splitlines() if line.startswith("- ")]


def test_two_runs_at_once_send_each_reminder_exactly_once(demo_env, smtp):
    smtp.delay = 0.05
    now, settings = clock.now(), load_settings()
    due = _due(demo_env, now)
    barrier, sent = threading.Barrier(2), [None, None]

    def run(i):
        engine = db.make_engine(demo_env)  # each run has its own engine and connections, as two processes would
        barrier.wait()
        sent[i] = reminders.send_reminders(engine, actor=SYSTEM_ACTOR, settings=settings, today=DAY, now=now)
        engine.dispose()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(isinstance(result, list) for result in sent), sent
    lines = _lines(smtp)
    assert len(lines) == len(set(lines)) == len(due) and len(due) > 7  # nothing twice, nothing left out
    assert sum(len(o.lines) for result in sent for o in result) == len(due)
    rows = _recorded(demo_env)
    assert {(r.user_id, r.action_id, r.stage) for r in rows} == due and len(rows) == len(due)
    assert all(r.sent_at is not None for r in rows)


def test_a_mail_server_failing_halfway_sends_nothing_twice_and_skips_nothing(demo_env, smtp, capsys):
    due = _due(demo_env, clock.now())
    smtp.refuse, smtp.reply = 2, "421 4.3.2 Testservern stänger"  # the server closes: nothing more can be sent
    code, out, err = _run(capsys, "remind", "--today", DAY.isoformat())
    assert code == 2 and len(smtp.messages) == 1
    assert "Påminnelserna avbröts: 1 e-brev skickades innan felet" in err and "SMTPDataError" in err, err
    first = _lines(smtp)
    rows = _recorded(demo_env)  # the first e-mail is recorded as sent; the rest are not even claimed
    assert len(rows) == len(first) and all(r.sent_at is not None for r in rows)
    smtp.refuse = None
    code, out, err = _run(capsys, "remind", "--today", DAY.isoformat())
    assert code == 0, err
    lines = _lines(smtp)
    assert len(lines) == len(set(lines)) == len(due) and lines[:len(first)] == first
    assert f"{len(smtp.messages) - 1} e-brev skickade" in out
    code, out, _ = _run(capsys, "remind", "--today", DAY.isoformat())
    assert code == 0 and "0 e-brev skickade" in out and len(_lines(smtp)) == len(due)


def test_a_claim_abandoned_by_a_crashed_run_is_sent_later_a_fresh_one_is_left_alone(demo_env, smtp):
    now, settings = clock.now(), load_settings()
    abandoned, busy = sorted(_due(demo_env, now))[:2]
    with db.session_scope(db.make_engine(demo_env)) as s:
        s.add(Reminder(user_id=abandoned[0], action_id=abandoned[1], stage=abandoned[2],
                       claimed_at=now - reminders.ABANDONED_AFTER - timedelta(minutes=1)))
        s.add(Reminder(user_id=busy[0], action_id=busy[1], stage=busy[2], claimed_at=now - timedelta(minutes=1)))
    assert busy not in _due(demo_env, now) and abandoned in _due(demo_env, now)
    engine = db.make_engine(demo_env)
    sent = reminders.send_reminders(engine, actor=SYSTEM_ACTOR, settings=settings, today=DAY, now=now)
    keys = {key for o in sent for key in reminders._keys(o)}
    assert abandoned in keys and busy not in keys
    rows = {(r.user_id, r.action_id, r.stage): r for r in _recorded(demo_env)}
    assert rows[abandoned].sent_at is not None and rows[busy].sent_at is None


def test_a_server_that_refuses_the_connection_sends_nothing_and_claims_nothing(demo_env, monkeypatch):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nobody listens here
    monkeypatch.setenv("STRALPORTAL_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("STRALPORTAL_SMTP_PORT", str(port))
    monkeypatch.setenv("STRALPORTAL_SMTP_TLS", "none")
    with pytest.raises(UserError, match="0 e-brev skickades innan felet"):
        reminders.send_reminders(db.make_engine(demo_env), actor=SYSTEM_ACTOR, settings=load_settings(), today=DAY,
                                 now=clock.now())
    assert _recorded(demo_env) == []
