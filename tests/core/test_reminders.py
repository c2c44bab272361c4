"""Reminders over a real SMTP server on loopback (aiosmtpd): who gets what, and never twice."""
import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from tests.core.test_cli import _run


class Inbox:
    """An SMTP handler that keeps every message it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  aiosmtpd's name
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


@pytest.fixture
def smtp(monkeypatch):
    """A real SMTP server on a free loopback port, configured for the portal."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("STRALPORTAL_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("STRALPORTAL_SMTP_PORT", str(port))
    monkeypatch.setenv("STRALPORTAL_SMTP_TLS", "none")
    monkeypatch.setenv("STRALPORTAL_SMTP_FROM", "stralportal@demosjukhuset.se")
    yield inbox
    controller.stop()


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
    from core.models import Clinic
    from core.services import invitations, reviews
    from core.services.auth import SYSTEM_ACTOR
    with db.session_scope(db.make_engine(demo_env)) as s:
        rtg = s.exec(select(Clinic).where(Clinic.code == "NM")).one()
        review = reviews.create_review(s, actor=SYSTEM_ACTOR, clinic_id=rtg.id, year=2026, now=clock.now(),
                                       data={"meeting_date": date(2026, 3, 11), "start_time": "13:00"})
        sent = invitations.send_invitation(s, actor=SYSTEM_ACTOR, review_id=review.id, settings=load_settings(),
                                           now=clock.now())
    assert "karin.oberg@demosjukhuset.se" in sent and len(smtp.messages) == len(sent)
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
    assert sent == ["ingrid.strand@demosjukhuset.se"] and len(smtp.messages) == 1  # the chair has signed
    assert [(r.protocol_number, role) for r, _, role in waiting] == [("KARD 2/2026", "adjuster")]
    body = smtp.messages[0][1].get_content()
    assert "protokoll nr KARD 2/2026" in body and "/genomgang?klinik=KARD&ar=2026" in body
    assert smtp.messages[0][1]["Subject"] == "Att justera: protokoll KARD 2/2026"
