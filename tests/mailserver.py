"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, or refuses as a failing server would."""
import asyncio
import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller


class Inbox:
    """An SMTP handler that keeps every message it receives (or refuses one, as a failing server would)."""

    def __init__(self):
        self.messages = []
        self.received = 0
        self.refuse = None  # the number of the message to refuse: 2 is the second one received
        self.reply = "554 5.3.0 Tillfälligt fel i testservern"  # what the refused message is answered
        self.unknown = set()  # recipients the server refuses, as it would an address that does not exist
        self.delay = 0.0  # seconds each message takes, so that two runs overlap

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802  aiosmtpd's name
        if address in self.unknown:
            return "550 5.1.1 Okänd mottagare"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  aiosmtpd's name
        self.received += 1
        await asyncio.sleep(self.delay)
        if self.received == self.refuse:
            return self.reply
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"

    def to(self, address: str) -> list:
        """Return the messages received for one address."""
        return [mail for rcpt_tos, mail in self.messages if address in rcpt_tos]


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
