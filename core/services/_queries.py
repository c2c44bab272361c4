"""Reads the services share (not for pages): rows of one review, the organisation, a clinic by code.

They take no actor: the public service that calls them has checked it. Pages and the command line call the
public services, which each check the actor themselves (tests/core/test_architecture.py).
"""
from typing import TypeVar

from sqlalchemy import Select, or_, true
from sqlmodel import Session, col, select

from core.enums import AttendanceStatus, MeetingRole, SignatureRole
from core.errors import NotFound
from core.formatting import datetime_text
from core.models import (
    Action,
    AgendaItem,
    AnnualReport,
    AssessmentTemplate,
    Attendance,
    Clinic,
    FindingDecision,
    FollowUp,
    MinutesVersion,
    Organisation,
    Review,
    Signature,
    UserClinic,
)
from core.permissions import Actor, visible_clinic_ids

Q = TypeVar("Q", bound=Select)  # a query, which narrowing keeps of the same kind

# The routine (seed 003) names who is invited; each must be present or have a stand-in.
REQUIRED_ROLES = (MeetingRole.HEAD_OF_DEPARTMENT, MeetingRole.COORDINATOR, MeetingRole.PROTECTION_OFFICER,
                  MeetingRole.PHYSICIST, MeetingRole.RADIOLOGY_LEAD, MeetingRole.FIRST_LINE_MANAGER)
SIGNATURE_ORDER = {SignatureRole.CHAIR.value: 0, SignatureRole.SECRETARY.value: 1, SignatureRole.ADJUSTER.value: 2}


def visible_clinics(actor: Actor):
    """A subquery of the ids of the active clinics the actor may see (a semi-join, never a list of 240 ids)."""
    query = select(Clinic.id).where(Clinic.active == True)  # noqa: E712
    visible = visible_clinic_ids(actor)
    return query if visible is None else query.where(col(Clinic.id).in_(visible))


def attendance_rows(session: Session, review_id: int) -> list[Attendance]:
    """Return the invitation list in the routine's role order."""
    order = {r.value: i for i, r in enumerate(MeetingRole)}
    rows = session.exec(select(Attendance).where(Attendance.review_id == review_id)).all()
    return sorted(rows, key=lambda a: (order.get(a.meeting_role, 99), a.name))


def missing_roles_of(session: Session, review_id: int) -> list[MeetingRole]:
    """Return the required roles with nobody present (or standing in)."""
    present = {a.meeting_role for a in attendance_rows(session, review_id)
               if a.status in AttendanceStatus.attended_values()}
    return [role for role in REQUIRED_ROLES if role.value not in present]


def agenda_rows(session: Session, review_id: int) -> list[AgendaItem]:
    """Return the agenda in § order."""
    query = select(AgendaItem).where(AgendaItem.review_id == review_id).order_by(col(AgendaItem.number))
    return list(session.exec(query))


def decided_actions(session: Session, review_id: int) -> list[Action]:
    """Return the actions decided at a review, in decision order."""
    return list(session.exec(select(Action).where(Action.review_id == review_id).order_by(col(Action.number))))


def follow_up_rows(session: Session, review_id: int) -> list[tuple[FollowUp, Action, int]]:
    """Return the review's follow-ups with their actions and the year each was decided, in number order (2025:1 …).

    The order never depends on the due date: a postponement moves it, and the meeting and the minutes would
    then show the actions in another order than the one they were followed up in.
    """
    query = (select(FollowUp, Action, Review.year).join(Action, col(Action.id) == FollowUp.action_id)
             .join(Review, col(Review.id) == Action.review_id)
             .where(FollowUp.review_id == review_id).order_by(col(Review.year), col(Action.number), col(Action.id)))
    return list(session.exec(query).all())


def signature_rows(session: Session, review: Review) -> list[Signature]:
    """Return the approvals of the current minutes version: chair, protokollförare, then justerare."""
    rows = session.exec(select(Signature).where(Signature.review_id == review.id,
                                                Signature.minutes_version == review.minutes_version)).all()
    return sorted(rows, key=lambda s: (SIGNATURE_ORDER.get(s.role, 9), s.id))


def approval_times(session: Session, review: Review) -> list[str | None]:
    """When each signer of the current version approved (ÅÅÅÅ-MM-DD HH:MM), in the signers' order."""
    return [datetime_text(s.signed_at) or None for s in signature_rows(session, review)]


def minutes_record(session: Session, review: Review, version: int | None = None) -> MinutesVersion | None:
    """Return the frozen minutes of a version (the current one by default), if frozen."""
    return session.exec(select(MinutesVersion).where(MinutesVersion.review_id == review.id,
                                                     MinutesVersion.version == (version or review.minutes_version))
                        ).first()


def organisation(session: Session) -> Organisation:
    """Return the portal's organisation (one per installation)."""
    org = session.exec(select(Organisation).order_by(col(Organisation.id))).first()
    if org is None:
        raise NotFound("Ingen organisation finns ännu. Lägg upp den med `stralportal setup` (eller på portalens "
                       "första sida), eller läs in demodata med `stralportal demo`.")
    return org


def clinic_codes(session: Session) -> dict[int, str]:
    """Return every clinic's code by its id."""
    rows = session.exec(select(Clinic.id, Clinic.code)).all()
    return {clinic_id: code for clinic_id, code in rows if clinic_id is not None}  # a primary key is never NULL


def clinic_by_code(session: Session, code: str) -> Clinic | None:
    """Return the clinic with this code, whatever its case."""
    return session.exec(select(Clinic).where(Clinic.code == code.strip().upper())).first()


def report_of_year(session: Session, year: int) -> AnnualReport | None:
    """Return the organisation's bokslut for a covered year, if loaded."""
    org = organisation(session)
    return session.exec(select(AnnualReport).where(AnnualReport.organisation_id == org.id,
                                                   AnnualReport.year == year)).first()


def active_template(session: Session) -> AssessmentTemplate | None:
    """Return the newest active criteria set."""
    return session.exec(select(AssessmentTemplate).where(AssessmentTemplate.active == True)  # noqa: E712
                        .order_by(col(AssessmentTemplate.loaded_at).desc())).first()


def clinic_ids_of(session: Session, user_id: int) -> list[int]:
    """Return the ids of the user's clinics."""
    return list(session.exec(select(UserClinic.clinic_id).where(UserClinic.user_id == user_id)))


def in_visible_clinics(query: Q, actor: Actor, column) -> Q:
    """Narrow a query to rows of the clinics the actor may see (unchanged for roles that see every clinic)."""
    visible = visible_clinic_ids(actor)
    return query if visible is None else query.where(col(column).in_(visible))


def in_report_scope(model, clinic_id: int | None):
    """Bokslut rows of the clinic plus the organisation-wide rows; for the whole organisation, every row."""
    if clinic_id is None:
        return true()
    return or_(model.clinic_id == clinic_id, model.clinic_id == None)  # noqa: E711  SQL IS NULL


def report_rows(session: Session, model, report: AnnualReport, clinic_id: int | None, *order) -> list:
    """Return a model's rows of a bokslut in scope."""
    return list(session.exec(select(model).where(model.annual_report_id == report.id,
                                                 in_report_scope(model, clinic_id)).order_by(*order)))


def decided_finding_ids(session: Session, ids: list[int]) -> set[int]:
    """Of the findings, those a review has decided on (an action or "ingen åtgärd"): they may not be removed."""
    if not ids:
        return set()
    decided = set(session.exec(select(col(Action.finding_id)).where(col(Action.finding_id).in_(ids))))
    decided |= set(session.exec(select(col(FindingDecision.finding_id))
                                .where(col(FindingDecision.finding_id).in_(ids))))
    return {i for i in decided if i is not None}
