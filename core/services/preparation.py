"""Förbered: what a review still lacks before the kallelse and the meeting, each with where it is fixed.

The chair and the protokollförare are needed before the kallelse is sent (it names them, and nobody else may
approve the minutes as chair); the bokslut, the self-assessment and the routine's roles before the meeting.
"""
from dataclasses import dataclass

from sqlmodel import Session, select

from core import glossary
from core.enums import MeetingRole, Role, SignatureRole
from core.errors import UserError
from core.glossary import MODELS, PAGES
from core.models import Answer, Attendance, Clinic, Review, SelfAssessment, User, stored_id
from core.permissions import Actor, Permission, require
from core.services._common import get_or_fail
from core.services._queries import REQUIRED_ROLES
from core.services._rules import chair_candidates_of, may_approve, visible_review

# Where a missing item is fixed: a step of Genomgång, or a page (a key of glossary.PAGES).
DETAILS, CALL = "details", "call"
STEPS = {DETAILS: "Förbered", CALL: "Kalla"}
CHAIR, SECRETARY = glossary.term(SignatureRole.CHAIR), glossary.term(SignatureRole.SECRETARY)


@dataclass(frozen=True)
class Missing:
    """Something a review lacks, said in Swedish, and where it is fixed (DETAILS, CALL or a key of PAGES)."""

    text: str
    where: str


def missing(session: Session, *, actor: Actor, review_id: int) -> list[Missing]:
    """List what the review lacks: chair, protokollförare, the routine's roles, the bokslut, the self-assessment."""
    review = visible_review(session, actor, review_id)
    return [*_people(session, review), *_roles(session, review), *_basis(session, review)]


def notice_problems(session: Session, *, actor: Actor, review_id: int) -> list[Missing]:
    """List what must be chosen before the kallelse is sent: a chair who may approve, and a protokollförare."""
    return _people(session, visible_review(session, actor, review_id))


def check_ready_for_notice(session: Session, *, actor: Actor, review_id: int) -> None:
    """Refuse to send the kallelse (or mark the review as called) before chair and protokollförare are chosen."""
    problems = notice_problems(session, actor=actor, review_id=review_id)
    if problems:
        raise UserError("Kallelsen kan inte skickas ännu. " + " ".join(p.text for p in problems))


def no_chair_warning(session: Session, *, actor: Actor, clinic_id: int) -> str | None:
    """Warn, before a review is created, when the clinic has nobody who may chair it and approve its minutes."""
    require(actor, Permission.VIEW_CLINIC, clinic_id)
    clinic = get_or_fail(session, Clinic, clinic_id)
    return None if chair_candidates_of(session, clinic_id) else _no_chair_text(clinic)


def _no_chair_text(clinic: Clinic) -> str:
    """Say that the clinic has no possible chair, and whom the administrator should add where."""
    head = f" ({clinic.head_name})" if clinic.head_name else ""
    return (f"{CHAIR}: {clinic.code} har ingen användare som får justera klinikens protokoll som ordförande. Be "
            f"administratören lägga upp klinikens verksamhetschef{head} under {PAGES['users']}, med rollen "
            f"{glossary.term(Role.VERKSAMHETSCHEF)} och kliniken {clinic.code}.")


def _people(session: Session, review: Review) -> list[Missing]:
    """The chair and the protokollförare, when not (or wrongly) chosen."""
    found = []
    chair = session.get(User, review.chair_id) if review.chair_id else None
    if chair is None or not may_approve(session, chair, review.clinic_id):
        if not chair_candidates_of(session, review.clinic_id):
            found.append(Missing(_no_chair_text(get_or_fail(session, Clinic, review.clinic_id)), "users"))
        else:
            who = f"{chair.name} får inte justera klinikens protokoll som ordförande; " if chair else ""
            found.append(Missing(f"{CHAIR}: {who}välj klinikens verksamhetschef som {CHAIR.lower()} under "
                                 f"{STEPS[DETAILS]}.", DETAILS))
    if review.secretary_id is None:
        found.append(Missing(f"{SECRETARY}: välj vem som för protokollet under {STEPS[DETAILS]}.", DETAILS))
    return found


def _roles(session: Session, review: Review) -> list[Missing]:
    """The routine's roles that nobody on the invitation list fills."""
    rows = session.exec(select(Attendance.meeting_role, Attendance.name)
                        .where(Attendance.review_id == stored_id(review))).all()
    named = {role for role, name in rows if (name or "").strip()}
    return [Missing(f"{glossary.term(role, MeetingRole)}: ingen i kallelsen har rollen; fyll i namnet under "
                    f"{STEPS[CALL]} (Ändra i kallelsen) eller lägg till personen.", CALL)
            for role in REQUIRED_ROLES if role.value not in named]


def _basis(session: Session, review: Review) -> list[Missing]:
    """The bokslut of the covered year and the clinic's self-assessment of the meeting year."""
    found = []
    if review.annual_report_id is None:
        found.append(Missing(f"{MODELS['AnnualReport']} {review.year - 1}: inte inläst; strålsäkerhetsstrategen "
                             f"läser in det under {PAGES['annual_report_import']}.", "annual_report_import"))
    assessment = session.exec(select(SelfAssessment).where(SelfAssessment.clinic_id == review.clinic_id,
                                                           SelfAssessment.year == review.year)).first()
    if assessment is None:
        found.append(Missing(f"{MODELS['SelfAssessment']} {review.year}: inte påbörjad.", "self_assessment"))
        return found
    answers = session.exec(select(Answer).where(Answer.self_assessment_id == stored_id(assessment))).all()
    open_ = sum(1 for a in answers if a.level is None and not a.not_applicable)
    if open_:
        found.append(Missing(f"{MODELS['SelfAssessment']} {review.year}: {open_} av {len(answers)} kriterier "
                             "obesvarade.", "self_assessment"))
    return found
