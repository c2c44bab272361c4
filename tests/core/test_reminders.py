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
