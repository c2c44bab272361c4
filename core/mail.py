"""Sending e-mail through the configured SMTP server (STRALPORTAL_SMTP_*)."""
import smtplib
import ssl
from email.message import EmailMessage

from core.config import Settings
from core.errors import UserError


def configured(settings: Settings) -> bool:
    """Tell whether an SMTP server is configured."""
    return bool(settings.smtp_host)


def message(settings: Settings, *, to: str, subject: str, body: str,
            attachments: list[tuple[str, bytes, str]] = ()) -> EmailMessage:
    """Build a plain-text Swedish e-mail with optional (file name, data, media type) attachments."""
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = settings.smtp_from, to, subject
    mail.set_content(body)
    for name, data, media_type in attachments:
        main, _, sub = media_type.partition("/")
        mail.add_attachment(data, maintype=main, subtype=sub, filename=name)
    return mail


def send(settings: Settings, mails: list[EmailMessage]) -> None:
    """Send the e-mails over one SMTP connection; refuse clearly when none is configured or it fails."""
    if not configured(settings):
        raise UserError("Ingen e-postserver är inställd (STRALPORTAL_SMTP_HOST).")
    port = settings.smtp_port or (465 if settings.smtp_tls == "ssl" else 587 if settings.smtp_tls == "starttls" else 25)
    try:
        if settings.smtp_tls == "ssl":
            server = smtplib.SMTP_SSL(settings.smtp_host, port, context=ssl.create_default_context(), timeout=30)
        else:
            server = smtplib.SMTP(settings.smtp_host, port, timeout=30)
        with server:
            if settings.smtp_tls == "starttls":
                server.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                server.login(settings.smtp_user, settings.smtp_password or "")
            for mail in mails:
                server.send_message(mail)
    except (OSError, smtplib.SMTPException) as exc:
        raise UserError(f"E-postservern {settings.smtp_host}:{port} svarade inte som väntat ({type(exc).__name__}). "
                        "Inga fler e-brev skickades.") from None
