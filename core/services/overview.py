"""Översikt: for each clinic the actor may see, what exists for this year's review."""
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, case, func, or_
from sqlmodel import Session, col, select

from core.enums import ActionStatus, Severity
from core.models import (
    Action,
    AnnualReport,
    Answer,
    Clinic,
    ClinicalAudit,
    Finding,
    FindingDecision,
    Review,
    SafetyEvent,
    SelfAssessment,
    UserClinic,
)
from core.permissions import Actor, Permission, require
from core.services._queries import visible_clinics
from core.services.clinics import list_clinics


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
    done_actions: int = 0
    self_assessment_score: float | None = None
    late_reports: int = 0  # written reports to SSM past their three months (SSMFS 2018:5 3 kap. 10 §)


def _counts(session: Session, query) -> dict[int, int]:
    """Run a (clinic_id, count) query and return it as a dict."""
    return {clinic_id: n for clinic_id, n in session.exec(query).all()}


def meeting_years(session: Session, *, actor: Actor, today: date) -> list[int]:
    """Return the meeting years worth choosing: this year and every year with a bokslut or review."""
    require(actor, Permission.VIEW_CLINIC)
    years = {today.year}
    years |= {y + 1 for y in session.exec(select(AnnualReport.year))}
    years |= set(session.exec(select(Review.year)))
    return sorted(years, reverse=True)


def clinic_statuses(session: Session, *, actor: Actor, year: int, today: date) -> list[ClinicStatus]:
    """Return what exists for each visible clinic for the meeting year, aggregated in SQL."""
    clinics = list_clinics(session, actor=actor)
    ids = visible_clinics(actor)
    members = _counts(session, select(UserClinic.clinic_id, func.count())
                      .where(col(UserClinic.clinic_id).in_(ids)).group_by(col(UserClinic.clinic_id)))
    open_q = (select(Action.clinic_id, func.count())
              .where(col(Action.clinic_id).in_(ids), col(Action.status).in_(ActionStatus.open_values()))
              .group_by(col(Action.clinic_id)))
    open_actions = _counts(session, open_q)
    overdue = _counts(session, open_q.where(Action.is_overdue_on(today)))
    reviews = dict(session.exec(select(Review.clinic_id, Review.status)
                                .where(col(Review.clinic_id).in_(ids), Review.year == year)).all())
    assessed = set(session.exec(select(SelfAssessment.clinic_id)
                                .where(col(SelfAssessment.clinic_id).in_(ids), SelfAssessment.year == year)))
    done = _counts(session, select(Action.clinic_id, func.count()).where(
        col(Action.clinic_id).in_(ids), Action.status == ActionStatus.DONE.value).group_by(col(Action.clinic_id)))
    scored = (Answer.level != None) & (Answer.not_applicable == False)  # noqa: E711,E712
    scores = {cid: round(100 * (points or 0) / (4 * n), 1) for cid, points, n in session.exec(
        select(SelfAssessment.clinic_id, func.sum(Answer.level), func.count(col(Answer.id)))
        .join(Answer, col(Answer.self_assessment_id) == SelfAssessment.id)
        .where(col(SelfAssessment.clinic_id).in_(ids), SelfAssessment.year == year, scored)
        .group_by(col(SelfAssessment.clinic_id))).all() if n}
    audits = dict(session.exec(select(ClinicalAudit.clinic_id, func.max(ClinicalAudit.audit_date))
                               .where(col(ClinicalAudit.clinic_id).in_(ids), ClinicalAudit.whole_activity == True)  # noqa: E712
                               .group_by(col(ClinicalAudit.clinic_id))).all())
    reported_orgs = set(session.exec(select(AnnualReport.organisation_id).where(AnnualReport.year == year - 1)))
    late = _counts(session, select(SafetyEvent.clinic_id, func.count())
                   .where(col(SafetyEvent.clinic_id).in_(ids), SafetyEvent.is_report_overdue_on(today))
                   .group_by(col(SafetyEvent.clinic_id)))
    return [ClinicStatus(
        clinic=c, year=year, members=members.get(c.id, 0),
        report_loaded=c.organisation_id in reported_orgs, review_status=reviews.get(c.id),
        open_actions=open_actions.get(c.id, 0), overdue_actions=overdue.get(c.id, 0),
        self_assessment=c.id in assessed, last_whole_audit=audits.get(c.id), done_actions=done.get(c.id, 0),
        self_assessment_score=scores.get(c.id), late_reports=late.get(c.id, 0),
    ) for c in clinics if c.id is not None]  # a listed clinic is stored, so it always has its id


def actions_by_status(session: Session, *, actor: Actor, top: int | None = None) -> list[dict]:
    """Count actions per clinic and status, in SQL; with top, only the clinics with the most open actions."""
    ids = visible_clinics(actor)
    if top is not None:
        busiest = (select(Action.clinic_id)
                   .where(col(Action.clinic_id).in_(ids), col(Action.status).in_(ActionStatus.open_values()))
                   .group_by(col(Action.clinic_id)).order_by(func.count().desc(), col(Action.clinic_id)).limit(top))
        ids = list(session.exec(busiest))
    rows = session.exec(select(Clinic.code, Action.status, func.count())
                        .join(Clinic, col(Clinic.id) == Action.clinic_id)
                        .where(col(Action.clinic_id).in_(ids)).group_by(col(Clinic.code), col(Action.status))).all()
    return [{"clinic": code, "status": status, "count": n} for code, status, n in rows]


def on_time_share(session: Session, *, actor: Actor) -> list[dict]:
    """Per year of decision: the share of actions completed by their due date."""
    ids = visible_clinics(actor)
    done_in_time = and_(col(Action.status) == ActionStatus.DONE.value, col(Action.done_on) <= col(Action.due_date))
    on_time = func.sum(case((done_in_time, 1), else_=0))
    rows = session.exec(select(Review.year, func.count(), on_time).join(Review, col(Review.id) == Action.review_id)
                        .where(col(Action.clinic_id).in_(ids)).group_by(col(Review.year)).order_by(col(Review.year))).all()
    return [{"year": y, "actions": n, "on_time": int(ok or 0), "share": round(100 * (ok or 0) / n, 1)}
            for y, n, ok in rows]


def _month_ends(today: date, months: int) -> list[date]:
    """Return the last day of each of the past months, ending with today."""
    ends = []
    for back in range(months - 1, 0, -1):
        year, month = divmod(today.year * 12 + today.month - back, 12)  # the month after the one measured
        ends.append(date(year, month + 1, 1) - timedelta(days=1))
    return ends + [today]


def overdue_over_time(session: Session, *, actor: Actor, today: date, months: int = 12) -> list[dict]:
    """Count, at each month end of the last year, the actions that were past due and not yet done then."""
    ids = visible_clinics(actor)
    moments = _month_ends(today, months)
    late_at = [func.sum(case((and_(col(Action.due_date) < m, col(Action.created_at) <= _end_of(m),
                                   or_(col(Action.done_on).is_(None), col(Action.done_on) > m)), 1), else_=0))
               for m in moments]
    # Only actions due before today and not done before the first month end can count (an index narrows them).
    counts = session.exec(select(*late_at).where(
        col(Action.clinic_id).in_(ids), Action.status != ActionStatus.CANCELLED.value, Action.due_date < today,
        or_(col(Action.done_on).is_(None), col(Action.done_on) > moments[0]))).one()
    return [{"date": m, "overdue": int(n or 0)} for m, n in zip(moments, counts)]


def _end_of(day: date) -> datetime:
    """Return the last moment of a day (UTC)."""
    return datetime.combine(day, time.max, UTC)


def unanswered_findings(session: Session, *, actor: Actor, report_year: int) -> list[tuple[Finding, str]]:
    """Findings of a year's bokslut that no action and no 'ingen åtgärd' decision answers yet."""
    ids = visible_clinics(actor)
    answered = select(Action.finding_id).where(Action.finding_id != None)  # noqa: E711
    decided = select(FindingDecision.finding_id).where(FindingDecision.finding_id != None)  # noqa: E711
    rows = session.exec(select(Finding, Clinic.code)
                        .join(AnnualReport, col(AnnualReport.id) == Finding.annual_report_id)
                        .join(Clinic, col(Clinic.id) == Finding.clinic_id, isouter=True)
                        .where(AnnualReport.year == report_year, col(Finding.id).notin_(answered),
                               col(Finding.id).notin_(decided),
                               or_(col(Finding.clinic_id).in_(ids), col(Finding.clinic_id).is_(None)))
                        .order_by(Finding.severity, Finding.code)).all()
    order = {s.value: i for i, s in enumerate(Severity)}
    return sorted([(f, code or "Hela organisationen") for f, code in rows], key=lambda r: order.get(r[0].severity, 9))
