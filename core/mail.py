"""Sending e-mail through the configured SMTP server (STRALPORTAL_SMTP_*)."""
import smtplib
import ssl
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from email.message import EmailMessage

from core.config import Settings
from core.errors import UserError


def configured(settings: Settings) -> bool:
    """Tell whether an SMTP server is configured."""
    return bool(settings.smtp_host)


def message(settings: Settings, *, to: str, subject: str, body: str,
            attachments: Sequence[tuple[str, bytes, str]] = ()) -> EmailMessage:
    """Build a plain-text Swedish e-mail with optional (file name, data, media type) attachments."""
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = settings.smtp_from, to, subject
    mail.set_content(body)
    for name, data, media_type in attachments:
        main, _, sub = media_type.partition("/")
        mail.add_attachment(data, maintype=main, subtype=sub, filename=name)
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
        """Send one e-mail over the open connection."""
        try:
            server.send_message(mail)
        except (OSError, smtplib.SMTPException) as exc:
            raise _refusal(settings, port, exc) from None
    try:
        yield deliver
    finally:
        _close(server)


def _close(server: smtplib.SMTP) -> None:
    """Say goodbye to the server; what was sent is sent even if it does not answer."""
    try:
        server.quit()
    except (OSError, smtplib.SMTPException):
        server.close()


def send(settings: Settings, mails: list[EmailMessage]) -> None:
    """Send the e-mails over one SMTP connection; refuse clearly when none is configured or it fails."""
    with connection(settings) as deliver:
        for mail in mails:
            deliver(mail)
