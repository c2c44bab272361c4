"""Översikt: for each clinic the actor may see, what exists for this year's review."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from core.enums import ActionStatus
from core.models import (
    Action,
    AnnualReport,
    Clinic,
    ClinicalAudit,
    Review,
    SelfAssessment,
    UserClinic,
)
from core.permissions import Actor
from core.services.clinics import list_clinics

OPEN_STATUSES = (ActionStatus.NOT_STARTED.value, ActionStatus.IN_PROGRESS.value)


@dataclass(frozen=True)
class ClinicStatus:
    """One clinic's row on Översikt; `year` is the meeting year, covering the bokslut of year - 1."""

    clinic: Clinic
    year: int
    members: int
    report_loaded: bool
    review_status: str | None
    open_actions: int
    overdue_actions: int
    self_assessment: bool
    last_whole_audit: date | None = None


def _counts(session: Session, query) -> dict[int, int]:
    """Run a (clinic_id, count) query and return it as a dict."""
    return {clinic_id: n for clinic_id, n in session.exec(query).all()}


def meeting_years(session: Session, *, today: date) -> list[int]:
    """Return the meeting years worth choosing: this year and every year with a bokslut or review."""
    years = {today.year}
    years |= {y + 1 for y in session.exec(select(AnnualReport.year))}
    years |= set(session.exec(select(Review.year)))
    return sorted(years, reverse=True)


def clinic_statuses(session: Session, *, actor: Actor, year: int, today: date) -> list[ClinicStatus]:
    """Return what exists for each visible clinic for the meeting year, aggregated in SQL."""
    clinics = list_clinics(session, actor=actor)
    ids = [c.id for c in clinics]
    members = _counts(session, select(UserClinic.clinic_id, func.count())
                      .where(col(UserClinic.clinic_id).in_(ids)).group_by(UserClinic.clinic_id))
    open_q = select(Action.clinic_id, func.count()).where(
        col(Action.clinic_id).in_(ids), col(Action.status).in_(OPEN_STATUSES)).group_by(Action.clinic_id)
    open_actions = _counts(session, open_q)
    overdue = _counts(session, open_q.where(Action.due_date < today))
    reviews = dict(session.exec(select(Review.clinic_id, Review.status)
                                .where(col(Review.clinic_id).in_(ids), Review.year == year)).all())
    assessed = set(session.exec(select(SelfAssessment.clinic_id)
                                .where(col(SelfAssessment.clinic_id).in_(ids), SelfAssessment.year == year)))
    audits = dict(session.exec(select(ClinicalAudit.clinic_id, func.max(ClinicalAudit.audit_date))
                               .where(col(ClinicalAudit.clinic_id).in_(ids), ClinicalAudit.whole_activity == True)  # noqa: E712
                               .group_by(ClinicalAudit.clinic_id)).all())
    reported_orgs = set(session.exec(select(AnnualReport.organisation_id).where(AnnualReport.year == year - 1)))
    return [ClinicStatus(
        clinic=c, year=year, members=members.get(c.id, 0),
        report_loaded=c.organisation_id in reported_orgs, review_status=reviews.get(c.id),
        open_actions=open_actions.get(c.id, 0), overdue_actions=overdue.get(c.id, 0),
        self_assessment=c.id in assessed, last_whole_audit=audits.get(c.id),
    ) for c in clinics]
