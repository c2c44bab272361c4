"""The benchmark's orchestrator: build the data, run each measurement in its own process, put the figures together."""
import statistics
import sys
import tempfile
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select
from sqlmodel import col

from benchmarks import process, region
from benchmarks.workbook import generate_workbook
from core import clock, db
from core.models import Action, Review


@dataclass(frozen=True)
class Sizes:
    """How much data each measurement runs on, and how many timed runs it takes the median of."""

    runs: int = 3
    import_clinics: int = 60
    indicators_per_clinic: int = 60
    goals: int = 500
    findings: int = 1000
    minutes_actions: int = 600
    scales: tuple[int, ...] = (15, 60, 240)
    years: int = region.YEARS


# What the suite runs so that a broken benchmark fails CI (its figures are never asserted).
SMALL = Sizes(runs=1, import_clinics=3, indicators_per_clinic=4, goals=5, findings=6, minutes_actions=10,
              scales=(2,), years=2)


def _ratio(seconds: float, floor: float) -> float:
    """seconds / floor, rounded; a floor too small to measure gives no ratio."""
    return round(seconds / floor, 2) if floor > 0 else 0.0


def bench_import(sizes: Sizes, folder: Path) -> dict:
    """Import a generated bokslut, in-process and as the whole `stralportal bokslut import`; floor: only reading it."""
    path = folder / "bokslut-bench.xlsx"
    generate_workbook(path, clinics=sizes.import_clinics, indicators_per_clinic=sizes.indicators_per_clinic,
                      goals=sizes.goals, findings=sizes.findings)
    measured = process.python("benchmarks.worker", "import", str(path), str(sizes.runs))
    inside = {**measured.json(), "peak_mb": round(measured.peak_mb, 1)}
    floor = process.python("benchmarks.worker", "read", str(path), str(sizes.runs)).json()
    whole = []
    for run in range(sizes.runs):
        url = f"sqlite:///{folder}/import-cli-{run}.db"
        db.upgrade(url)
        whole.append(process.stralportal("bokslut", "import", str(path), url=url))
    return {"seconds": inside["seconds"], "floor_seconds": floor["seconds"],
            "ratio": _ratio(inside["seconds"], floor["seconds"]), "peak_mb": inside["peak_mb"],
            "process_seconds": round(statistics.median(m.seconds for m in whole), 3),
            "process_peak_mb": round(max(m.peak_mb for m in whole), 1),
            "clinics": sizes.import_clinics, "indicators": sizes.import_clinics * sizes.indicators_per_clinic,
            "goals": sizes.goals, "findings": sizes.findings,
            "target": "ratio ≤ 2 och peak_mb < 500"}


def _minutes_database(url: str, sizes: Sizes) -> tuple[int, str, int]:
    """One clinic with its years of bokslut and reviews; this year's review holds many decided actions."""
    region.build(url, clinics=1, years=sizes.years)
    engine = db.make_engine(url)
    now = datetime.now(UTC)
    with db.session_scope(engine) as session:
        review_id, year, meeting = session.execute(select(col(Review.id), col(Review.year), col(Review.meeting_date))
                                                   .order_by(col(Review.year).desc()).limit(1)).one()
        first = session.execute(select(col(Action.number)).where(col(Action.review_id) == review_id)
                                .order_by(col(Action.number).desc())).scalar() or 0
        missing = range(max(0, sizes.minutes_actions - first))
        session.execute(insert(Action), [{
            "clinic_id": 1, "review_id": review_id, "number": first + n + 1,
            "title": f"Åtgärd {n + 1}: " + "förbättra rutinen för strålskydd " * 3, "owner_name": "Ägare Ägaresson",
            "owner_role": "Första linjens chef", "due_date": meeting + timedelta(days=30 + n % 300),
            "priority": "medium", "status": "not_started", "created_at": now, "updated_at": now, "version": 1}
            for n in missing]) if missing else None
    engine.dispose()
    return review_id, "K001", year


def bench_minutes(sizes: Sizes, folder: Path) -> dict:
    """The draft minutes of a review with many actions and years of indicators; in-process and `minutes pdf`."""
    url = f"sqlite:///{folder}/minutes.db"
    review_id, code, year = _minutes_database(url, sizes)
    measured = process.python("benchmarks.worker", "minutes", url, str(review_id), str(sizes.runs))
    inside = {**measured.json(), "peak_mb": round(measured.peak_mb, 1)}
    whole = [process.stralportal("minutes", "pdf", "--clinic", code, "--year", str(year), "-o",
                                 str(folder / "protokoll.pdf"), url=url) for _ in range(sizes.runs)]
    return {**inside, "process_seconds": round(statistics.median(m.seconds for m in whole), 3),
            "process_peak_mb": round(max(m.peak_mb for m in whole), 1), "actions": sizes.minutes_actions,
            "years_of_indicators": sizes.years, "target": "seconds < 2"}


# The heaviest views a page has, opened after the pages themselves (session state set as the pickers would).
VIEWS = {"pages/bokslut.py?pick_clinic=0&_widget_pick_clinic=0": "Strålskyddsbokslut, hela organisationen"}


def _page_names() -> dict[str, str]:
    """Every page of the portal and its heaviest views: what the page timer opens → Swedish title."""
    from pages._shared.nav import ALL_PAGES
    return {**{p.path: p.title for p in ALL_PAGES}, **VIEWS}


def _pages_at(url: str, sizes: Sizes, names: dict[str, str]) -> dict:
    """Open every page as the strateg in one process; add the whole process's cold start to the first page."""
    measured = process.python("benchmarks.page_timer", url, "strateg", "strateg", str(sizes.runs), *names)
    cold = process.python("benchmarks.page_timer", url, "strateg", "strateg", "0", next(iter(names)))
    result = measured.json()
    errors = {names[p]: r["error"] for p, r in result["pages"].items() if r["error"]}
    if errors:
        raise RuntimeError(f"Sidor gav fel: {errors}")
    return {"pages": {names[p]: r["seconds"] for p, r in result["pages"].items()},
            "peak_mb": round(measured.peak_mb, 1),
            "cold_start_seconds": round(cold.seconds, 3)}


def bench_pages(sizes: Sizes, folder: Path) -> dict:
    """Every page for the strateg at each scale against the floor (one clinic, same years), with peak RSS."""
    names = _page_names()
    scales = {}
    for clinics in (1, *sizes.scales):
        url = f"sqlite:///{folder}/region-{clinics}.db"
        built = region.build(url, clinics=clinics, years=sizes.years)
        scales[clinics] = {**_pages_at(url, sizes, names), "actions": built["actions"]}
    floor, largest = scales.pop(1), scales[sizes.scales[-1]]
    by_page = {title: {"floor": floor["pages"][title],
                       **{str(n): {"seconds": s["pages"][title], "ratio": _ratio(s["pages"][title],
                                                                                 floor["pages"][title])}
                          for n, s in scales.items()}} for title in names.values()}
    slowest = max(largest["pages"], key=largest["pages"].get)
    return {"seconds": largest["pages"][slowest], "floor_seconds": floor["pages"][slowest],
            "ratio": max(by_page[t][str(sizes.scales[-1])]["ratio"] for t in by_page), "slowest_page": slowest,
            "peak_mb": largest["peak_mb"], "by_page": by_page,
            "server_peak_mb": {"1": floor["peak_mb"], **{str(n): s["peak_mb"] for n, s in scales.items()}},
            "cold_start_seconds": {"1": floor["cold_start_seconds"],
                                   **{str(n): s["cold_start_seconds"] for n, s in scales.items()}},
            "actions": {str(n): s["actions"] for n, s in scales.items()},
            "scales": list(sizes.scales), "years": sizes.years, "user": "strateg",
            "target": "varje sida < 1 s vid 240 kliniker, ≤ 3 × golvet (≤ 2 × vid 60); server < 400 MB"}


def bench_cli(sizes: Sizes, folder: Path) -> dict:
    """`stralportal --help` as a whole process: what an administrator waits for before anything happens."""
    script = Path(sys.executable).parent / "stralportal"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "core"]
    runs = [process.run([*command, "--help"]) for _ in range(max(sizes.runs, 3))]
    return {"seconds": round(statistics.median(m.seconds for m in runs), 3),
            "peak_mb": round(max(m.peak_mb for m in runs), 1), "target": "seconds < 0,5"}


def bench_browser(sizes: Sizes, folder: Path) -> dict:
    """Egenkontroll in Chromium for a verksamhetschef: open it and save an area, against opening Mitt konto."""
    from benchmarks.browser import CHROMIUM
    if not Path(CHROMIUM).exists():
        return {"skipped": f"{CHROMIUM} saknas (apt install chromium)"}
    url = f"sqlite:///{folder}/browser.db"
    region.build(url, clinics=sizes.scales[0], years=sizes.years)
    measured = process.python("benchmarks.browser", url, "chef1", region.PASSWORD, "K001",
                              str(clock.today().year), str(sizes.runs))
    figures = measured.json()
    return {**figures, "seconds": max(figures["open"], figures["save"]), "floor_seconds": figures["floor"],
            "peak_mb": figures["server_peak_mb"], "process_peak_mb": round(measured.peak_mb, 1),
            "clinics": sizes.scales[0], "target": "open och save < 1 s (median)"}


BENCHMARKS = {"import": bench_import, "minutes": bench_minutes, "pages": bench_pages, "cli": bench_cli,
              "browser": bench_browser}


def run(names: list[str], sizes: Sizes) -> dict:
    """Run the named benchmarks in temporary folders (never the configured database)."""
    results = {}
    for name in names:
        with tempfile.TemporaryDirectory() as folder:
            results[name] = BENCHMARKS[name](sizes, Path(folder))
    return results


def sizes_for(small: bool, scales: list[int] | None, runs: int | None) -> Sizes:
    """The sizes the command line asked for."""
    sizes = SMALL if small else Sizes()
    if scales:
        sizes = replace(sizes, scales=tuple(sorted(scales)))
    return replace(sizes, runs=runs) if runs else sizes

