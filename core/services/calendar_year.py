"""Årshjulet: the year's fixed dates (bokslut 1 March, reviews in March), action due dates and next audits."""
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from core.clock import add_months
from core.documents.calendar import due_dates_ics
from core.enums import ActionStatus, Modality
from core.models import Action, Clinic, ClinicalAudit, Review
from core.permissions import Actor
from core.services import protection_figures, safety_events
from core.services.actions import list_actions
from core.services.clinics import list_clinics
from core.services.protection_figures import DRL_INTERVAL_YEARS


@dataclass(frozen=True)
class Event:
    """One date in the yearly calendar."""

    day: date
    what: str
    clinic: str
    uid: str
    source: str  # the regulation a date comes from, or that it is the region's own routine


def _audit_events(session: Session, clinics: dict[int, str], year: int, interval: int) -> list[Event]:
    """The year in which each clinic's next audit of its whole activity is due."""
    last = dict(session.exec(select(ClinicalAudit.clinic_id, func.max(ClinicalAudit.audit_date))
                             .where(ClinicalAudit.whole_activity == True,  # noqa: E712
                                    col(ClinicalAudit.clinic_id).in_(list(clinics)))
                             .group_by(col(ClinicalAudit.clinic_id))).all())
    events = []
    for clinic_id, code in clinics.items():
        due = last[clinic_id].replace(year=last[clinic_id].year + interval) if clinic_id in last else date(year, 12, 31)
        if due.year <= year:
            events.append(Event(max(due, date(year, 1, 1)), "Klinisk revision av hela verksamheten senast", code,
                                f"revision-{code}-{year}",
                                f"{OWN_ROUTINE} (vart {interval}:e år); ingen svensk föreskrift anger intervallet"))
    return events


# Clinics with these modalities run röntgenverksamhet, whose yearly statistics go to SSM.
XRAY = {Modality.XRAY.value, Modality.INTERVENTION.value, Modality.DENTAL.value}
OWN_ROUTINE = "Regionens egen rutin"  # no regulation sets the date; said so rather than left blank
DECIDED = "Beslut vid klinikens genomgång"
DRL_DUTY = "SSMFS 2018:5 6 kap. 1–2 §§ (minst vart tredje år, snarast vid ny utrustning; rapporteras till SSM)"


def _reporting_events(session: Session, clinics: dict[int, str], year: int) -> list[Event]:
    """Fixed duties of the year: X-ray and nuclear-medicine reports to SSM, the management system's review."""
    chosen = list(session.exec(select(Clinic).where(col(Clinic.id).in_(list(clinics)))))
    xray = sorted(c.code for c in chosen if XRAY & set(c.modalities))
    nuclear = sorted(c.code for c in chosen if Modality.NUCLEAR_MEDICINE.value in c.modalities)
    events = [Event(date(year, 4, 30), f"Röntgenstatistik för {year - 1} (frekvens och medelvärde av stråldosen) "
                    "rapporterad till SSM", code, f"rontgenstatistik-{code}-{year}", "SSMFS 2018:5 7 kap. 9 §")
              for code in xray]
    events += [Event(date(year, 4, 30), f"Nuklearmedicinska exponeringar {year - 1} (barn under 16 år och vuxna "
                     "var för sig) rapporterade till SSM", code, f"nuklearmedicin-{code}-{year}",
                     "SSMFS 2018:5 9 kap. 11 §") for code in nuclear]
    events.append(Event(date(year, 9, 30), "Intern revision av ledningssystemet: varje revisionsområde granskat "
                        "inom de senaste tre åren", "Alla", f"internrevision-{year}", "SSMFS 2018:1 3 kap. 7–8 §§"))
    return events


def _drl_events(session: Session, actor: Actor, clinics: dict[int, str], year: int) -> list[Event]:
    """Each DRL row of the newest bokslut whose standard level is due for determination in the year (or overdue)."""
    events = []
    for code, row, _ in protection_figures.drl_attention(session, actor=actor, today=date(year, 12, 31)):
        due = add_months(row.determined_on, 12 * DRL_INTERVAL_YEARS) if row.determined_on else date(year, 1, 1)
        if due.year > year or (code != "Alla" and code not in clinics.values()):
            continue  # above DRL but determined lately: investigated now, determined again later
        where = f"{row.examination}" + (f", {row.equipment}" if row.equipment else "")
        what = (f"Diagnostisk standardnivå bestäms på nytt och rapporteras till SSM: {where} (senast bestämd "
                f"{row.determined_on.isoformat()})" if row.determined_on else
                f"Diagnostisk standardnivå bestäms snarast och rapporteras till SSM: {where} (aldrig bestämd)")
        events.append(Event(max(due, date(year, 1, 1)), what, code, f"drl-{row.id}-{year}", DRL_DUTY))
    return events


def _report_events(session: Session, actor: Actor, clinics: dict[int, str], year: int, today: date) -> list[Event]:
    """Written reports to SSM due in the year and not yet sent, a late one marked as such."""
    events = []
    for e in safety_events.reports_due_in(session, actor=actor, year=year):
        if e.report_due is None:  # never: the query picks events by their due date
            continue
        late = f" – {safety_events.late_text(e.report_due)}" if e.is_report_overdue_on(today) else ""
        events.append(Event(e.report_due, f"Skriftlig rapport till SSM senast (händelse {e.occurred_on.isoformat()})"
                            + late, clinics.get(e.clinic_id, ""), f"handelse-{e.id}", safety_events.REPORT_SOURCE))
    return events


def _due_date_events(session: Session, clinics: dict[int, str], year: int) -> list[Event]:
    """Open actions' due dates in the year, one event per clinic and day, counted in SQL (a region has thousands)."""
    columns = (Action.clinic_id, Action.due_date, func.count(), func.min(Action.title), func.min(Action.id))
    query = (select(*columns)  # type: ignore[call-overload]  # sqlmodel types select() for ≤ 4 columns
             .where(col(Action.clinic_id).in_(list(clinics)), col(Action.status).in_(ActionStatus.open_values()),
                    Action.due_date >= date(year, 1, 1), Action.due_date <= date(year, 12, 31))
             .group_by(Action.clinic_id, Action.due_date))
    return [Event(day, f"Åtgärd klar senast: {title}" if n == 1 else f"{n} åtgärder klara senast",
                  clinics[clinic_id], f"atgard-{first}" if n == 1 else f"atgarder-{clinic_id}-{day.isoformat()}",
                  DECIDED)
            for clinic_id, day, n, title, first in session.exec(query)]


def year_events(session: Session, *, actor: Actor, year: int, today: date, mine_only: bool = False,
                audit_interval_years: int = 5) -> list[Event]:
    """Return the year's events for the actor's clinics (or only the actor's own due dates)."""
    clinics = {c.id: c.code for c in list_clinics(session, actor=actor) if c.id is not None}  # stored: all have ids
    events = []
    if not mine_only:
        events.append(Event(date(year, 3, 1), f"Strålskyddsbokslutet för {year - 1} ska vara färdigställt", "Alla",
                            f"bokslut-{year}", "SSMFS 2018:5 3 kap. 13 § (årligt bokslut); datumet är sjukhusets"))
        events += _reporting_events(session, clinics, year)
        events += _report_events(session, actor, clinics, year, today)
        events += _drl_events(session, actor, clinics, year)
        planned = session.exec(select(Review).where(col(Review.year) == year,
                                                    col(Review.clinic_id).in_(list(clinics)))).all()
        for review in planned:
            if review.meeting_date:
                events.append(Event(review.meeting_date, "Klinikens genomgång", clinics[review.clinic_id],
                                    f"genomgang-{review.id}", f"{OWN_ROUTINE} (årlig genomgång)"))
        for code in sorted(set(clinics.values()) - {clinics[r.clinic_id] for r in planned if r.meeting_date}):
            events.append(Event(date(year, 3, 31), "Genomgången bör hållas i mars (inte planerad)", code,
                                f"saknas-{code}-{year}", f"{OWN_ROUTINE} (genomgång i mars)"))
        events += _audit_events(session, clinics, year, audit_interval_years)
    if mine_only:
        for row in list_actions(session, actor=actor, today=today, statuses=list(ActionStatus.open_values()),
                                owner_id=actor.user_id):
            events.append(Event(row.action.due_date, f"Åtgärd klar senast: {row.action.title}",
                                clinics.get(row.action.clinic_id, ""), f"atgard-{row.action.id}", DECIDED))
    else:
        events += _due_date_events(session, clinics, year)
    return sorted(events, key=lambda e: (e.day, e.clinic))


def my_due_dates_ics(session: Session, *, actor: Actor, today: date, now: datetime) -> bytes | None:
    """Return the actor's own open actions' due dates as a calendar file, or None when the actor has none."""
    events = year_events(session, actor=actor, year=today.year, today=today, mine_only=True)
    if not events:
        return None
    return due_dates_ics([(f"{e.uid}@stralportal", e.day, f"{e.what} ({e.clinic})") for e in events], now)
