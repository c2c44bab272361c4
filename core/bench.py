"""`stralportal bench`: speed and memory on generated data in a temporary database, printed as JSON.

Measurements, never timed assertions: the numbers are for people to compare against the targets.
"""
import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Callable

from openpyxl import Workbook, load_workbook
from sqlmodel import select

from core import clock, db
from core.annual_report import schema
from core.services.annual_report_import import import_annual_report
from core.services.auth import SYSTEM_ACTOR

RUNS = 3
SIZES = {"clinics": 60, "indicators_per_clinic": 60, "goals": 500, "findings": 1000}


def _rows_for(sheet: schema.Sheet, rows: list[list]) -> list[list]:
    """Put the header (required columns marked) above the rows."""
    return [[c.header + ("*" if c.required else "") for c in sheet.columns], *rows]


def generate_workbook(path: Path, clinics: int, indicators_per_clinic: int, goals: int, findings: int) -> None:
    """Write a large, valid bokslut workbook."""
    codes = [f"K{i:02d}" for i in range(clinics)]
    sheets = {
        schema.KLINIKER: [[c, f"Klinik {c}", "Storsjukhuset", None, None, "Röntgen"] for c in codes],
        schema.MAL: [[codes[i % clinics], f"M{i}", f"Mål nummer {i}", "100 %", "90 %", "Delvis uppfyllt", None]
                     for i in range(goals)],
        schema.INDIKATORER: [[c, f"IND-{j:02d}", f"Indikator {j}", "Personalstrålskydd", "%", 90 + j % 10, 95,
                              "Högre är bättre", None] for c in codes for j in range(indicators_per_clinic)],
        schema.BRISTER: [[codes[i % clinics], f"B-{i}", "Optimering och dos", f"Brist nummer {i}", "Medel",
                          "SSMFS 2018:5", "Bokslut", "Åtgärda"] for i in range(findings)],
    }
    workbook = Workbook(write_only=True)
    bokslut = workbook.create_sheet(schema.BOKSLUT)
    for row in (["Fält", "Värde"], ["Organisation", "Storsjukhuset"], ["År", 2025]):
        bokslut.append(row)
    for sheet, rows in sheets.items():
        target = workbook.create_sheet(sheet.name)
        for row in _rows_for(sheet, rows):
            target.append(row)
    workbook.save(path)


def read_floor(path: Path) -> None:
    """Only read every cell with openpyxl in read-only mode: no import can be faster."""
    workbook = load_workbook(path, read_only=True, data_only=True)
    for sheet in workbook.worksheets:
        for _ in sheet.iter_rows(values_only=True):
            pass
    workbook.close()


def _import_into_empty_database(path: Path, folder: Path, run: int) -> Callable[[], None]:
    """Prepare an empty migrated database and return the import to time."""
    url = f"sqlite:///{folder}/bench-{run}.db"
    db.upgrade(url)
    engine = db.make_engine(url)
    data = path.read_bytes()

    def load() -> None:
        with db.session_scope(engine) as session:
            import_annual_report(session, actor=SYSTEM_ACTOR, data=data, filename=path.name, now=clock.now())
    return load


def _seconds(work: Callable[[], None]) -> float:
    """Time one call."""
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def _peak_mb(work: Callable[[], None]) -> float:
    """Return the peak Python memory of one call in MB."""
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1] / 1_000_000
    finally:
        tracemalloc.stop()


def bench_import() -> dict:
    """Import a generated 60 × 60 bokslut into an empty database; compare with just reading it."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "bokslut-bench.xlsx"
        generate_workbook(path, **SIZES)
        floor = statistics.median(_seconds(lambda: read_floor(path)) for _ in range(RUNS))
        seconds = statistics.median(_seconds(_import_into_empty_database(path, folder, run)) for run in range(RUNS))
        peak = _peak_mb(_import_into_empty_database(path, folder, RUNS))
    return {"seconds": round(seconds, 3), "floor_seconds": round(floor, 3), "ratio": round(seconds / floor, 2),
            "peak_mb": round(peak, 1), **SIZES, "indicators": SIZES["clinics"] * SIZES["indicators_per_clinic"],
            "target": "ratio ≤ 2 och peak_mb < 500"}


BENCHMARKS = {"import": bench_import}


MINUTES_SIZES = {"actions": 150, "attendees": 50, "follow_ups": 40}


def _minutes_database(folder: Path):
    """Build a database with one large review: 150 actions, 50 attendees, 40 follow-ups, two bokslut years."""
    from datetime import date, timedelta

    from core.models import Clinic, User, UserClinic
    from core.services import actions, reviews
    url = f"sqlite:///{folder}/minutes.db"
    db.upgrade(url)
    engine = db.make_engine(url)
    for year in (2024, 2025):
        path = folder / f"bokslut-{year}.xlsx"
        generate_workbook(path, clinics=2, indicators_per_clinic=6, goals=4, findings=10)
        workbook = load_workbook(path)
        workbook["Bokslut"]["B3"] = year
        workbook.save(path)
        with db.session_scope(engine) as session:
            import_annual_report(session, actor=SYSTEM_ACTOR, data=path.read_bytes(), filename=path.name,
                                 now=clock.now())
    with db.session_scope(engine) as session:
        clinic = session.exec(select(Clinic).where(Clinic.code == "K00")).one()
        chair = User(username="ordf", name="Ordförande Ordsson", email="o@x.se", role="verksamhetschef",
                     password_hash="x", created_at=clock.now())
        session.add(chair)
        session.flush()
        session.add(UserClinic(user_id=chair.id, clinic_id=clinic.id))  # the chair must be the clinic's own
        session.flush()
        first = reviews.create_review(session, actor=SYSTEM_ACTOR, clinic_id=clinic.id, year=2025, now=clock.now(),
                                      data={"meeting_date": date(2025, 3, 10), "chair_id": chair.id})
        for n in range(MINUTES_SIZES["follow_ups"]):
            actions.decide_action(session, actor=SYSTEM_ACTOR, review_id=first.id, now=clock.now(), data={
                "title": f"Tidigare åtgärd {n}", "owner_name": "Person Personsson", "due_date": date(2025, 9, 1)})
        first.status = "approved"
        second = reviews.create_review(session, actor=SYSTEM_ACTOR, clinic_id=clinic.id, year=2026, now=clock.now(),
                                       data={"meeting_date": date(2026, 3, 10), "chair_id": chair.id})
        for n in range(MINUTES_SIZES["attendees"] - len(reviews.attendance(session, actor=SYSTEM_ACTOR, review_id=second.id))):
            reviews.add_attendee(session, actor=SYSTEM_ACTOR, review_id=second.id, name=f"Deltagare {n}",
                                 meeting_role="other", now=clock.now())
        for n in range(MINUTES_SIZES["actions"]):
            actions.decide_action(session, actor=SYSTEM_ACTOR, review_id=second.id, now=clock.now(), data={
                "title": f"Åtgärd {n}: " + "förbättra rutinen för strålskydd " * 3, "owner_name": "Ägare Ägaresson",
                "owner_role": "Första linjens chef", "due_date": date(2026, 12, 31) - timedelta(days=n)})
        return engine, second.id


def bench_minutes() -> dict:
    """Time the minutes PDF of a large review (chart included) and its peak memory."""
    from core.services.minutes_document import review_minutes_pdf
    with tempfile.TemporaryDirectory() as tmp:
        engine, review_id = _minutes_database(Path(tmp))
        pages = []

        def make() -> None:
            from sqlmodel import Session
            with Session(engine) as session:
                pages.append(review_minutes_pdf(session, actor=SYSTEM_ACTOR, review_id=review_id))
        make()  # the first run loads fonts and the chart renderer
        seconds = statistics.median(_seconds(make) for _ in range(RUNS))
        peak = _peak_mb(make)
    return {"seconds": round(seconds, 3), "peak_mb": round(peak, 1), **MINUTES_SIZES,
            "pdf_kb": round(len(pages[-1]) / 1024), "target": "seconds < 2 och peak_mb < 300"}


BENCHMARKS["minutes"] = bench_minutes


OVERVIEW_SIZES = {"clinics": 60, "years": 10, "actions_per_review": 33}


def _overview_database(folder: Path, name: str, filled: bool) -> str:
    """Build a database with a strateg and, when filled, 60 clinics with 10 years of reviews and actions."""
    from datetime import UTC, date, datetime

    from sqlalchemy import insert

    from core.models import Action, Clinic, Organisation, Review, User
    from core.security import hash_password
    url = f"sqlite:///{folder}/{name}.db"
    db.upgrade(url)
    engine = db.make_engine(url)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    with db.session_scope(engine) as session:
        org = Organisation(name="Storsjukhuset", created_at=now)
        session.add(org)
        session.add(User(username="strateg", name="Strateg", email="s@x.se", role="strateg",
                         password_hash=hash_password("bench-losen"), created_at=now))
        session.flush()
        if filled:
            n, years = OVERVIEW_SIZES["clinics"], OVERVIEW_SIZES["years"]
            session.execute(insert(Clinic), [{"organisation_id": org.id, "code": f"K{i:02d}", "name": f"Klinik {i}",
                                              "modalities": ["xray"]} for i in range(n)])
            session.execute(insert(Review), [{"clinic_id": c + 1, "year": 2017 + y, "status": "approved",
                                              "created_at": now} for c in range(n) for y in range(years)])
            statuses = ["not_started", "in_progress", "done", "cancelled"]
            session.execute(insert(Action), [{
                "clinic_id": r // years + 1, "review_id": r + 1, "number": a + 1, "title": f"Åtgärd {a}",
                "owner_name": "Ägare", "due_date": date(2017 + r % years, 6 + a % 6, 1),
                "status": statuses[a % 4], "priority": "medium", "created_at": now, "updated_at": now,
                "done_on": date(2017 + r % years, 5, 1) if a % 4 == 2 else None}
                for r in range(n * years) for a in range(OVERVIEW_SIZES["actions_per_review"])])
    engine.dispose()
    return url


def _page_seconds(url: str, page: str = "pages/oversikt.py") -> tuple[float, float]:
    """Time a page's script run in a separate process (the Streamlit glue does the AppTest run)."""
    import json
    import subprocess
    import sys

    from core.config import PROJECT_DIR
    result = subprocess.run([sys.executable, "-m", "pages._shared.page_timer", url, page, "strateg", "strateg",
                             str(RUNS)], cwd=PROJECT_DIR, capture_output=True, text=True, check=True)
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    return statistics.median(measured["seconds"]), measured["peak_mb"]


def bench_overview() -> dict:
    """Time the Översikt page on 60 clinics × 10 years of reviews (~20 000 actions) against an empty database."""
    with tempfile.TemporaryDirectory() as tmp:
        floor, _ = _page_seconds(_overview_database(Path(tmp), "empty", filled=False))
        seconds, peak = _page_seconds(_overview_database(Path(tmp), "full", filled=True))
    actions = OVERVIEW_SIZES["clinics"] * OVERVIEW_SIZES["years"] * OVERVIEW_SIZES["actions_per_review"]
    return {"seconds": round(seconds, 3), "floor_seconds": round(floor, 3), "ratio": round(seconds / floor, 2),
            "peak_mb": round(peak, 1), **OVERVIEW_SIZES, "actions": actions,
            "target": "ratio ≤ 2 och seconds < 1"}


BENCHMARKS["overview"] = bench_overview
