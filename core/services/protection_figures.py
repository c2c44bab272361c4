"""The bokslut's radiation-protection figures (format 1.1): training per staff group with its trend,
personal dosimetry, and the DRL status per examination type with determinations that are too old.

SSM found the follow-up of training weak (seed 001); the share trained per group, year on year, shows it.
SSMFS 2018:5 6 kap. 1 § wants the diagnostic standard levels determined at least every third year.
"""
import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime

from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, func, select

from core import glossary, history, limits
from core.clock import add_months
from core.enums import HistoryOperation, StaffGroup
from core.errors import InvalidInput
from core.formatting import number_text
from core.models import AnnualReport, Clinic, DosimetryRecord, DrlStatus, TrainingRecord, stored_id
from core.permissions import Actor, Permission, can, require
from core.regulation.dose_limits import investigation_levels
from core.regulation.drl_table import drl_exceeds
from core.services._common import get_or_fail, lock_annual_reports, require_version, stale
from core.services._queries import (
    in_report_scope,
    in_visible_clinics,
    report_of_year,
    report_rows,
)
from core.services._rules import require_report_scope
from core.validation import checked_arguments, validated

DRL_INTERVAL_YEARS = 3
DRL_SOURCE = "SSMFS 2018:5 6 kap. 1 §"
NO_NATIONAL_DRL = "Ingen nationell DRL"
GROUP_ORDER = {g.value: i for i, g in enumerate(StaffGroup)}
BUSY = ("Någon annan sparar eller läser in bokslutets siffror just nu. Inget har ändrats; vänta en stund och "
        "försök igen.")
TRAINING_NAMES = {f: glossary.LABELS[f] for f in ("staff_group", "staff_count", "trained_count")}


@dataclass(frozen=True)
class TrainingShare:
    """One staff group's share trained in a year, with last year's share beside it."""

    record: TrainingRecord
    share: float | None  # percent, None when the group has no staff
    previous: float | None


def _share(staff: float, trained: float) -> float | None:
    """The percentage trained (None for a group without staff)."""
    return round(100 * trained / staff, 1) if staff else None


def training(session: Session, *, actor: Actor, year: int, clinic_id: int | None) -> list[TrainingShare]:
    """Each staff group's share with completed radiation-protection training, against the year before."""
    require_report_scope(actor, clinic_id)
    report, earlier = report_of_year(session, year), report_of_year(session, year - 1)
    if report is None:
        return []
    before = {(r.clinic_id, r.staff_group): _share(r.staff_count, r.trained_count)
              for r in (report_rows(session, TrainingRecord, earlier, clinic_id) if earlier else [])}
    rows = sorted(report_rows(session, TrainingRecord, report, clinic_id),
                  key=lambda r: (r.clinic_id or 0, GROUP_ORDER.get(r.staff_group, 99)))
    return [TrainingShare(r, _share(r.staff_count, r.trained_count), before.get((r.clinic_id, r.staff_group)))
            for r in rows]


def training_trend(session: Session, *, actor: Actor, clinic_id: int | None) -> list[dict]:
    """The share trained per staff group and year, over every loaded bokslut (for the chart)."""
    require_report_scope(actor, clinic_id)
    rows = session.exec(select(AnnualReport.year, TrainingRecord.staff_group, func.sum(TrainingRecord.staff_count),
                               func.sum(TrainingRecord.trained_count))
                        .join(AnnualReport, col(AnnualReport.id) == TrainingRecord.annual_report_id)
                        .where(in_report_scope(TrainingRecord, clinic_id))
                        .group_by(col(AnnualReport.year), col(TrainingRecord.staff_group))
                        .order_by(col(AnnualReport.year))).all()
    return [{"year": year, "group": group, "share": _share(staff, trained)}
            for year, group, staff, trained in rows if staff]


def dosimetry(session: Session, *, actor: Actor, year: int, clinic_id: int | None) -> list[DosimetryRecord]:
    """The staff groups' personal doses in the bokslut year."""
    require_report_scope(actor, clinic_id)
    report = report_of_year(session, year)
    rows = report_rows(session, DosimetryRecord, report, clinic_id) if report else []
    return sorted(rows, key=lambda r: (r.clinic_id or 0, GROUP_ORDER.get(r.staff_group, 99)))


def drl_is_old(row: DrlStatus, today: date) -> bool:
    """Tell whether an examination type's standard level was last determined more than three years ago."""
    return row.determined_on is None or add_months(row.determined_on, 12 * DRL_INTERVAL_YEARS) < today


def drl_flags(row: DrlStatus, today: date) -> list[str]:
    """Say what needs attention in a DRL row: above the national DRL, no determination, or one too old."""
    flags = []
    if drl_exceeds(row.local_level, row.national_drl):
        flags.append("ÖVER DRL")
    if row.local_level is None or row.determined_on is None:
        flags.append("Bestämning saknas")
    elif drl_is_old(row, today):
        flags.append("Äldre än tre år")
    if row.national_drl is None:
        flags.append(NO_NATIONAL_DRL)
    return flags


def investigation_by_clinic(session: Session, *, actor: Actor, rows: list[DosimetryRecord]) -> dict[int | None, dict]:
    """Return the own investigation levels of the clinics of the dose rows (those the actor may see)."""
    ids = {r.clinic_id for r in rows if r.clinic_id is not None}
    query = in_visible_clinics(select(Clinic).where(col(Clinic.id).in_(ids)), actor, Clinic.id)
    clinics = session.exec(query).all() if ids else []
    return {c.id: investigation_levels(c) for c in clinics}


def drl_status(session: Session, *, actor: Actor, year: int, clinic_id: int | None) -> list[DrlStatus]:
    """Each examination type's local standard level against the national DRL."""
    require_report_scope(actor, clinic_id)
    report = report_of_year(session, year)
    return report_rows(session, DrlStatus, report, clinic_id, DrlStatus.examination) if report else []


def drl_attention(session: Session, *, actor: Actor, today: date) -> list[tuple[str, DrlStatus, list[str]]]:
    """In the newest bokslut, the DRL rows that need attention (above DRL, no or an old determination; Översikt)."""
    report = session.exec(select(AnnualReport).order_by(col(AnnualReport.year).desc())).first()
    if report is None:
        return []
    query = select(DrlStatus, Clinic.code).join(Clinic, col(Clinic.id) == DrlStatus.clinic_id, isouter=True).where(
        DrlStatus.annual_report_id == report.id)
    query = in_visible_clinics(query, actor, DrlStatus.clinic_id)
    found = [(code or "Alla", row, [f for f in drl_flags(row, today) if f != NO_NATIONAL_DRL])
             for row, code in session.exec(query.order_by(Clinic.code, DrlStatus.examination))]
    return [(code, row, flags) for code, row, flags in found if flags]


def may_enter_training(actor: Actor, clinic_id: int) -> bool:
    """Who may enter a clinic's training figures: those who do its self-assessment, or who load the bokslut."""
    return can(actor, Permission.EDIT_SELF_ASSESSMENT, clinic_id) or can(actor, Permission.IMPORT_ANNUAL_REPORT)


class TrainingRow(BaseModel):
    """One staff group's figures as entered on the page."""

    staff_group: StaffGroup
    staff_count: float | None = None
    trained_count: float | None = None


def _training_rows(rows: list[dict]) -> list[TrainingRow]:
    """Read the entered rows, refusing an unknown group or a count that is not a number, in Swedish."""
    read, problems = [], []
    for row in rows:
        try:
            read.append(validated(TrainingRow, row, TRAINING_NAMES))
        except InvalidInput as exc:
            problems += exc.problems
    if problems:
        raise InvalidInput(problems)
    return read


def _training_problems(row: TrainingRow) -> list[str]:
    """Return what is wrong with one staff group's counts (whole numbers in range, no more trained than employed)."""
    label = glossary.term(row.staff_group)
    staff, trained = row.staff_count or 0, row.trained_count or 0
    problems = [f"{label}: {problem}" for value in (staff, trained) if (problem := limits.count_problem(value))]
    if trained > staff:
        problems.append(f"{label}: {number_text(trained)} utbildade är fler än {number_text(staff)} anställda.")
    return problems


def training_version(session: Session, *, actor: Actor, year: int, clinic_id: int) -> int:
    """Return the version of a clinic's training figures for a year, which the page's form is opened with."""
    require_report_scope(actor, clinic_id)
    report = report_of_year(session, year)
    return _figures_version(_stored_training(session, report, clinic_id)) if report else 0


def _stored_training(session: Session, report: AnnualReport, clinic_id: int) -> list[TrainingRecord]:
    """Return a clinic's stored training figures for the bokslut, as stored now (not as this session saw them)."""
    query = select(TrainingRecord).where(TrainingRecord.annual_report_id == report.id,
                                         TrainingRecord.clinic_id == clinic_id)
    return list(session.exec(query.execution_options(populate_existing=True)))


def _figures_version(rows: list[TrainingRecord]) -> int:
    """Fingerprint the figures: a save on the page and a load of the bokslut alike make an open form stale.

    The rows are replaced on every save, so no row can carry a counter; a form that shows exactly what is
    stored is not stale, whoever stored it.
    """
    figures = sorted([r.staff_group, r.staff_count, r.trained_count, r.comment or ""] for r in rows)
    return int.from_bytes(hashlib.sha256(json.dumps(figures).encode()).digest()[:6], "big")


def _checked_training(rows: list[dict], report_id: int, clinic_id: int) -> list[TrainingRecord]:
    """Return the rows to store (a group with 0 employed is left out); refuse what is not a group's counts."""
    entered = _training_rows(rows)
    problems, seen = [p for row in entered for p in _training_problems(row)], set()
    for row in entered:
        if row.staff_group in seen:
            problems.append(f"{glossary.term(row.staff_group)}: personalgruppen finns två gånger; ange varje grupp "
                            "en gång.")
        seen.add(row.staff_group)
    if problems:
        raise InvalidInput(problems)
    return [TrainingRecord(annual_report_id=report_id, clinic_id=clinic_id, staff_group=row.staff_group.value,
                           staff_count=row.staff_count or 0, trained_count=row.trained_count or 0)
            for row in entered if row.staff_count]


@checked_arguments({"rows": glossary.MODELS["TrainingRecord"]})
def set_training(session: Session, *, actor: Actor, year: int, clinic_id: int, rows: list[dict],
                 expected_version: int, now: datetime) -> list[TrainingRecord]:
    """Enter a clinic's training figures for a bokslut year on the page (the year's bokslut must be loaded).

    The rows replace the clinic's figures for that year, as a workbook's Utbildning sheet would; a group left
    at 0 employed is left out. Saves and loads of the bokslut wait for each other, so the second one sees
    the first one's figures and is refused as stale.
    """
    if not may_enter_training(actor, clinic_id):
        require(actor, Permission.EDIT_SELF_ASSESSMENT, clinic_id)  # raises, naming what is missing
    require_version(expected_version)
    history.track(session, actor=actor, now=now)
    get_or_fail(session, Clinic, clinic_id)
    report = report_of_year(session, year)
    if report is None:
        raise InvalidInput([f"Inget strålskyddsbokslut för {year} är inläst; läs in det först."])
    kept = _checked_training(rows, stored_id(report), clinic_id)
    lock_annual_reports(session, BUSY)
    old = _stored_training(session, report, clinic_id)
    if _figures_version(old) != expected_version:
        raise stale(f"utbildningen för {year}")
    before = {r.staff_group: [r.staff_count, r.trained_count] for r in old}
    session.execute(delete(TrainingRecord).where(col(TrainingRecord.annual_report_id) == report.id,
                                                 col(TrainingRecord.clinic_id) == clinic_id))
    session.add_all(kept)
    try:
        session.flush()
    except IntegrityError:  # the lock makes saves wait for each other; this is the rule's last word
        raise stale(f"utbildningen för {year}") from None
    history.record(session, "TrainingRecord", operation=HistoryOperation.UPDATE, clinic_id=clinic_id,
                   old={"utbildning": before},
                   new={"utbildning": {r.staff_group: [r.staff_count, r.trained_count] for r in kept}})
    return kept
