"""Reading a loaded strålskyddsbokslut: per clinic and year, with trends and comparisons."""
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, col, select

from core.annual_report import linked, schema
from core.enums import Direction, Severity
from core.errors import NotFound
from core.models import (
    AnnualReport,
    Clinic,
    Document,
    Finding,
    Goal,
    Indicator,
    ReportSummary,
)
from core.permissions import (
    Actor,
    Permission,
    require,
    visible_clinic_ids,
)
from core.services._queries import (
    clinic_codes,
    in_report_scope,
    organisation,
    report_of_year,
    report_rows,
)
from core.services._rules import require_report_scope


@dataclass(frozen=True)
class IndicatorRow:
    """An indicator with its verdict against the target and last year's value."""

    indicator: Indicator
    clinic_code: str | None
    met: bool | None
    previous: float | None
    table: linked.TableFigure | None = None  # the figure a table of the bokslut gives for the same thing


    @property
    def change(self) -> float | None:
        """Return the change from last year, when both years have a value."""
        return None if self.previous is None else self.indicator.value - self.previous


@dataclass
class ReportView:
    """What one clinic (or the whole organisation) sees of a year's bokslut."""

    report: AnnualReport
    clinic: Clinic | None
    summaries: list[ReportSummary] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    indicators: list[IndicatorRow] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    codes: dict[int, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)  # goals, indicators, findings in scope, always counted
    indicator_names: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # code → (name, unit)


PARTS = ("summaries", "goals", "indicators", "findings")


def indicator_met(value: float, target: float | None, direction: str) -> bool | None:
    """Tell whether a value meets its target in its direction (None when it has no target or direction)."""
    if target is None or direction == Direction.NONE:
        return None
    return value >= target if direction == Direction.HIGHER_IS_BETTER else value <= target


def report_years(session: Session, *, actor: Actor) -> list[int]:
    """Return the covered years with a loaded bokslut, newest first."""
    require(actor, Permission.VIEW_CLINIC)
    org = organisation(session)
    return list(session.exec(select(AnnualReport.year).where(AnnualReport.organisation_id == org.id)
                             .order_by(col(AnnualReport.year).desc())))


def get_report(session: Session, *, actor: Actor, year: int) -> AnnualReport | None:
    """Return the organisation's bokslut for a covered year, if loaded."""
    require(actor, Permission.VIEW_CLINIC)
    return report_of_year(session, year)


def _indicator_rows(session: Session, report: AnnualReport, clinic_id: int | None,
                    codes: dict[int, str]) -> list[IndicatorRow]:
    """Return the indicators with their verdict and last year's value for the same clinic and ID."""
    current = report_rows(session, Indicator, report, clinic_id, Indicator.area, Indicator.code)
    previous_report = report_of_year(session, report.year - 1)
    previous = {}
    if previous_report is not None:
        previous = {(i.clinic_id, i.code): i.value
                    for i in report_rows(session, Indicator, previous_report, clinic_id)}
    tables = _linked_tables(session, report, clinic_id, current)
    return [IndicatorRow(i, codes.get(i.clinic_id), indicator_met(i.value, i.target, i.direction),
                         previous.get((i.clinic_id, i.code)), _table_figure(i, tables)) for i in current]


def _linked_tables(session: Session, report: AnnualReport, clinic_id: int | None,
                   indicators: list[Indicator]) -> dict[str, list]:
    """The rows of the tables that some of the indicators are linked to, by sheet name."""
    sheets = {link.sheet for i in indicators if (link := linked.link_of(i.code, i.unit))}
    models = {s.name: s.model for s in schema.TABLE_SHEETS}
    return {sheet: report_rows(session, models[sheet], report, clinic_id) for sheet in sheets}


def _table_figure(indicator: Indicator, tables: dict[str, list]) -> linked.TableFigure | None:
    """The table's figure for an indicator of the same clinic, when the indicator is linked and the table has one."""
    link = linked.link_of(indicator.code, indicator.unit)
    if link is None:
        return None
    return link.figure([r for r in tables[link.sheet] if r.clinic_id == indicator.clinic_id])


def report_view(session: Session, *, actor: Actor, year: int, clinic_id: int | None,
                parts: tuple[str, ...] = PARTS) -> ReportView:
    """Return a year's bokslut for a clinic (with organisation-wide rows) or for the whole organisation.

    Only the parts asked for are loaded (a region's bokslut is thousands of rows; a page shows one part at a
    time); the number of goals, indicators and findings is always counted, and "indicator_names" lists them.
    """
    require_report_scope(actor, clinic_id)
    report = report_of_year(session, year)
    if report is None:
        raise NotFound(f"Inget strålskyddsbokslut för {year} är inläst.")
    codes = clinic_codes(session)
    view = ReportView(report=report, clinic=session.get(Clinic, clinic_id) if clinic_id else None, codes=codes,
                      counts={name: _count(session, model, report, clinic_id)
                              for name, model in (("goals", Goal), ("indicators", Indicator), ("findings", Finding))})
    if "summaries" in parts:
        view.summaries = report_rows(session, ReportSummary, report, clinic_id, ReportSummary.clinic_id)
    if "goals" in parts:
        view.goals = report_rows(session, Goal, report, clinic_id, Goal.code)
    if "indicators" in parts:
        view.indicators = _indicator_rows(session, report, clinic_id, codes)
    if "findings" in parts:
        severity_order = {s.value: i for i, s in enumerate(Severity)}
        view.findings = sorted(report_rows(session, Finding, report, clinic_id, Finding.code),
                               key=lambda f: severity_order.get(f.severity, 9))
    if "indicator_names" in parts:
        view.indicator_names = {code: (name, unit) for code, name, unit in session.exec(
            select(Indicator.code, func.min(Indicator.name), func.min(Indicator.unit))
            .where(Indicator.annual_report_id == report.id, in_report_scope(Indicator, clinic_id))
            .group_by(Indicator.code).order_by(Indicator.code))}
    return view


def _count(session: Session, model, report: AnnualReport, clinic_id: int | None) -> int:
    """Count a model's rows of the report in scope, in SQL."""
    return session.exec(select(func.count()).select_from(model)
                        .where(model.annual_report_id == report.id, in_report_scope(model, clinic_id))).one()


def indicator_trend(session: Session, *, actor: Actor, clinic_id: int | None, code: str) -> list[dict]:
    """Return an indicator's value and target per covered year, for one clinic or every clinic."""
    require_report_scope(actor, clinic_id)
    columns = (AnnualReport.year, Indicator.value, Indicator.target, Indicator.unit, Clinic.code)
    query = (select(*columns)  # type: ignore[call-overload]  # sqlmodel types select() for ≤ 4 columns
             .join(Indicator, Indicator.annual_report_id == AnnualReport.id)
             .join(Clinic, Clinic.id == Indicator.clinic_id, isouter=True)
             .where(Indicator.code == code).order_by(AnnualReport.year, Clinic.code))
    if clinic_id is not None:
        query = query.where(Indicator.clinic_id == clinic_id)
    return [{"year": y, "value": v, "target": t, "unit": u, "clinic": c or "Hela organisationen"}
            for y, v, t, u, c in session.exec(query).all()]


def indicator_comparison(session: Session, *, actor: Actor, year: int, code: str) -> list[dict]:
    """Return every clinic's value of one indicator in a year (for those who see all clinics)."""
    if visible_clinic_ids(actor) is not None:
        require(actor, Permission.IMPORT_ANNUAL_REPORT)  # clinic roles never compare other clinics
    report = report_of_year(session, year)
    if report is None:
        return []
    columns = (Clinic.code, Indicator.value, Indicator.target, Indicator.direction, Indicator.unit)
    rows = session.exec(select(*columns)  # type: ignore[call-overload]  # sqlmodel types select() for ≤ 4 columns
                        .join(Clinic, Clinic.id == Indicator.clinic_id)
                        .where(Indicator.annual_report_id == report.id, Indicator.code == code)
                        .order_by(Clinic.code)).all()
    return [{"clinic": c, "value": v, "target": t, "met": indicator_met(v, t, d), "unit": u}
            for c, v, t, d, u in rows]


def documents(session: Session, *, actor: Actor, report_id: int) -> list[Document]:
    """Return the files stored with a bokslut, newest first.

    The workbook holds every clinic's rows, so only those who see every clinic get it; the narrative
    bokslut is for everyone (SSMFS 2018:5 3 kap. 13 §: available to anyone who asks).
    """
    query = select(Document).where(Document.annual_report_id == report_id)
    if visible_clinic_ids(actor) is not None:
        query = query.where(Document.kind != "workbook")
    return list(session.exec(query.order_by(col(Document.uploaded_at).desc(), col(Document.id).desc())))
