"""Sending e-mail through the configured SMTP server (STRALPORTAL_SMTP_*)."""
import smtplib
import ssl
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage

from core.addresses import address_problem, one_line, shown
from core.config import Settings
from core.errors import UserError

CLOSING = 421  # the server is shutting the connection: nothing more can be sent over it


class Undeliverable(UserError):
    """One e-mail could not be sent to its recipient; the connection, and the other e-mails, are fine."""


def configured(settings: Settings) -> bool:
    """Tell whether an SMTP server is configured."""
    return bool(settings.smtp_host)


def message(settings: Settings, *, to: str, subject: str, body: str,
            attachments: Sequence[tuple[str, bytes, str]] = ()) -> EmailMessage:
    """Build a plain-text Swedish e-mail with optional (file name, data, media type) attachments.

    The subject and file names are put on one line: a clinic name stored with a line break must not end the
    header (the e-mail library refuses it) nor start a new one. An address that cannot be written to is refused.
    """
    if address_problem(to):
        raise Undeliverable(f"{shown(to)}: ogiltig e-postadress")
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = settings.smtp_from, to, one_line(subject)
    mail.set_content(body)
    for name, data, media_type in attachments:
        main, _, sub = media_type.partition("/")
        mail.add_attachment(data, maintype=main, subtype=sub, filename=one_line(name))
    return mail


def require_configured(settings: Settings) -> None:
    """Refuse clearly when no SMTP server is configured."""
    if not configured(settings):
        raise UserError("Ingen e-postserver är inställd (STRALPORTAL_SMTP_HOST).")


def _refusal(settings: Settings, port: int, exc: Exception) -> UserError:
    """Explain in Swedish that the mail server failed."""
    return UserError(f"E-postservern {settings.smtp_host}:{port} svarade inte som väntat ({type(exc).__name__}). "
                     "Inga fler e-brev skickades.")


def _open(settings: Settings, port: int) -> smtplib.SMTP:
    """Connect (and log in) to the configured SMTP server."""
    host = settings.smtp_host or ""
    server: smtplib.SMTP
    if settings.smtp_tls == "ssl":
        server = smtplib.SMTP_SSL(host, port, context=ssl.create_default_context(), timeout=30)
    else:
        server = smtplib.SMTP(host, port, timeout=30)
    try:
        if settings.smtp_tls == "starttls":
            server.starttls(context=ssl.create_default_context())
        if settings.smtp_user:
            server.login(settings.smtp_user, settings.smtp_password or "")
    except BaseException:
        server.close()
        raise
    return server


@contextmanager
def connection(settings: Settings) -> Iterator[Callable[[EmailMessage], None]]:
    """Open one SMTP connection and yield a function that sends one e-mail over it; a failure is a UserError."""
    require_configured(settings)
    port = settings.smtp_port or (465 if settings.smtp_tls == "ssl" else 587 if settings.smtp_tls == "starttls" else 25)
    try:
        server = _open(settings, port)
    except (OSError, smtplib.SMTPException) as exc:
        raise _refusal(settings, port, exc) from None

    def deliver(mail: EmailMessage) -> None:
        """Send one e-mail over the open connection; a refusal of this e-mail alone is Undeliverable."""
        try:
            server.send_message(mail)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPNotSupportedError) as exc:
            if _code(exc) == CLOSING:
                raise _refusal(settings, port, exc) from None
            raise Undeliverable(f"{mail['To']}: e-postservern tog inte emot e-brevet ({_reply(exc)})") from None
        except (OSError, smtplib.SMTPException) as exc:
            raise _refusal(settings, port, exc) from None
    try:
        yield deliver
    finally:
        _close(server)


def _code(exc: smtplib.SMTPException) -> int | None:
    """Return the server's reply code for a refused e-mail (the first recipient's, when recipients were refused)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return next(iter(exc.recipients.values()))[0] if exc.recipients else None
    return exc.smtp_code if isinstance(exc, smtplib.SMTPResponseException) else None


def _reply(exc: smtplib.SMTPException) -> str:
    """Quote the server's reply to a refused e-mail on one short line."""
    text: bytes | str
    if isinstance(exc, smtplib.SMTPRecipientsRefused) and exc.recipients:
        code, text = next(iter(exc.recipients.values()))
    elif isinstance(exc, smtplib.SMTPResponseException):
        code, text = exc.smtp_code, exc.smtp_error
    else:
        return type(exc).__name__
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return shown(f"{code} {words}")


def _close(server: smtplib.SMTP) -> None:
    """Say goodbye to the server; what was sent is sent even if it does not answer."""
    try:
        server.quit()
    except (OSError, smtplib.SMTPException):
        server.close()


@dataclass
class Delivery:
    """What one sending achieved: the addresses written to, and each one that could not be, with why."""

    sent: list[str] = field(default_factory=list)
    not_sent: list[str] = field(default_factory=list)

    def text(self, what: str) -> str:
        """Tell the sender in Swedish what was sent, and to whom it could not be."""
        done = f"{what} är skickad till {len(self.sent)} {'person' if len(self.sent) == 1 else 'personer'}."
        if not self.not_sent:
            return done
        return done + " Den kunde inte skickas till: " + "; ".join(self.not_sent) + "."


def send_each(settings: Settings, recipients: Sequence[str], build: Callable[[str], EmailMessage]) -> Delivery:
    """Build and send one e-mail per recipient over one connection; one refused recipient stops nobody else."""
    delivery = Delivery()
    with connection(settings) as deliver:
        for to in recipients:
            try:
                deliver(build(to))
            except Undeliverable as exc:
                delivery.not_sent.append(str(exc))
            else:
                delivery.sent.append(to)
    return delivery
