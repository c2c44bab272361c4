"""The kallelse (notice of meeting) of a review: as a calendar file and a PDF, with the agenda and who is invited."""
from datetime import datetime

from sqlmodel import Session, func, select

from core import glossary
from core.addresses import is_valid
from core.config import load_settings
from core.documents.calendar import invitation_ics
from core.documents.pdf import Invitation, kallelse_pdf
from core.enums import MeetingRole
from core.errors import UserError
from core.formatting import date_text
from core.mail import Delivery, message, send_each
from core.models import AnnualReport, Clinic, FollowUp, Review, User, stored_id
from core.permissions import Actor, Permission, require
from core.services import preparation
from core.services._common import get_or_fail
from core.services._queries import agenda_rows, attendance_rows
from core.services.reviews import get_review


def meeting_title(review: Review, clinic: Clinic) -> str:
    """Name the meeting as the routine does."""
    return f"Klinikens genomgång av verksamhet med joniserande strålning {review.year} – {clinic.name}"


def _name(session: Session, user_id: int | None) -> str:
    """Return a user's name, or a dash."""
    user = session.get(User, user_id) if user_id else None
    return user.name if user else "–"


def _basis(session: Session, review: Review) -> list[str]:
    """List what the meeting is based on."""
    report = session.get(AnnualReport, review.annual_report_id) if review.annual_report_id else None
    follow_ups = session.exec(select(func.count()).select_from(FollowUp).where(FollowUp.review_id == review.id)).one()
    return [f"Strålskyddsbokslut {review.year - 1}" + (f" (version {report.version_label})" if report and
                                                         report.version_label else "" if report else " – ej inläst"),
            f"Uppföljning av {follow_ups} tidigare beslutade åtgärder"]


def _invitation(session: Session, review: Review, actor: Actor) -> Invitation:
    """Gather what the kallelse says."""
    clinic = get_or_fail(session, Clinic, review.clinic_id)
    review_id = stored_id(review)
    when = f"{date_text(review.meeting_date) or 'datum ej bestämt'}" + (
        f" kl. {review.start_time}–{review.end_time or ''}" if review.start_time else "")
    place = ", ".join(p for p in (review.location, review.video_link) if p) or "plats ej bestämd"
    invited = [[glossary.term(a.meeting_role, MeetingRole), a.name or "(namn saknas)"]
               for a in attendance_rows(session, review_id)]
    items = [f"§ {i.number}  {i.title}" for i in agenda_rows(session, review_id)]
    return Invitation(title=meeting_title(review, clinic), clinic=f"{clinic.code} – {clinic.name}", when=when,
                      place=place, chair=_name(session, review.chair_id), secretary=_name(session, review.secretary_id),
                      basis=_basis(session, review), invited=invited, agenda=items, caller=actor.name)


def notice_files(session: Session, *, actor: Actor, review_id: int, now: datetime) -> tuple[bytes, bytes]:
    """Return the kallelse as (.ics, .pdf); refused before the chair and the protokollförare are chosen."""
    review = get_review(session, actor=actor, review_id=review_id)
    preparation.check_ready_for_notice(session, actor=actor, review_id=review_id)
    if review.meeting_date is None:
        raise UserError("Datum: bestäm mötesdatum innan kallelsen skapas.")
    invitation = _invitation(session, review, actor)
    settings = load_settings()
    description = (f"{invitation.title}\nUnderlag: {'; '.join(invitation.basis)}\n\nDagordning:\n"
                   + "\n".join(invitation.agenda) + f"\n\n{settings.base_url}/genomgang")
    # An address stored before addresses were checked is left out of the calendar file; sending names it.
    people = [(a.name, a.email) for a in attendance_rows(session, review_id) if a.email and is_valid(a.email)]
    ics = invitation_ics(uid=f"genomgang-{review.id}@stralportal", title=invitation.title, day=review.meeting_date,
                         start=review.start_time, end=review.end_time, location=invitation.place,
                         description=description, organizer_email=settings.smtp_from, attendees=people,
                         stamp=now, sequence=review.version)
    return ics, kallelse_pdf(invitation)


def send_notice(session: Session, *, actor: Actor, review_id: int, settings, now: datetime) -> Delivery:
    """E-mail the kallelse (PDF and .ics attached) to everyone invited who has an e-mail address.

    Return who got it and who did not (an address the server refused, or one stored unchecked before).
    """
    review = get_review(session, actor=actor, review_id=review_id)
    require(actor, Permission.PREPARE_REVIEW, review.clinic_id)
    ics, pdf = notice_files(session, actor=actor, review_id=review_id, now=now)
    clinic = get_or_fail(session, Clinic, review.clinic_id)
    recipients = sorted({a.email for a in attendance_rows(session, review_id) if a.email})
    if not recipients:
        raise UserError("Ingen i kallelsen har en e-postadress.")
    title = meeting_title(review, clinic)
    body = (f"Du är kallad till {title}.\n\nTid: {date_text(review.meeting_date)} kl. {review.start_time or ''}\n"
            f"Plats: {review.location or '–'}\n\nKallelsen med dagordning finns som PDF, och mötet som kalenderfil.\n\n"
            f"{actor.name}")
    name = f"kallelse-{clinic.code}-{review.year}"
    return send_each(settings, recipients, lambda to: message(
        settings, to=to, subject=f"Kallelse: {title}", body=body,
        attachments=[(f"{name}.pdf", pdf, "application/pdf"), (f"{name}.ics", ics, "text/calendar")]))
