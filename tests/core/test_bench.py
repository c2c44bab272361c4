"""The benchmark keeps working: its data are real, every page opens on them, and `stralportal bench` prints figures.

Its timings are never asserted (they are for people, in the README's table); what is asserted is that every
measurement ran and reported what the spec promises, so a broken bench fails CI.
"""
import json
import subprocess
import sys
from pathlib import Path

from sqlmodel import Session, func, select

from benchmarks import region
from benchmarks.workbook import generate_workbook
from core import db
from core.models import (
    Action,
    Answer,
    Clinic,
    Finding,
    Indicator,
    MinutesVersion,
    Review,
)
from core.services.annual_report_import import import_annual_report
from core.services.auth import SYSTEM_ACTOR
from tests.factories import NOW


def test_generated_workbook_imports_completely(session, tmp_path):
    path = tmp_path / "bench.xlsx"
    generate_workbook(path, clinics=3, indicators_per_clinic=4, goals=5, findings=6)
    import_annual_report(session, actor=SYSTEM_ACTOR, data=path.read_bytes(), filename=path.name, now=NOW)
    counts = [session.exec(select(func.count()).select_from(m)).one() for m in (Clinic, Indicator, Finding)]
    assert counts == [3, 12, 6]


def test_region_holds_every_clinics_years(tmp_path):
    url = f"sqlite:///{tmp_path}/region.db"
    sizes = region.build(url, clinics=3, years=4)
    with Session(db.make_engine(url)) as s:
        count = lambda model: s.exec(select(func.count()).select_from(model)).one()  # noqa: E731
        assert sizes["reviews"] == count(Review) == 3 * 4
        assert count(Action) == 3 * 4 * region.ACTIONS
        assert count(Indicator) == 3 * 4 * region.INDICATORS
        assert count(MinutesVersion) == 3 * 3  # every review but this year's is approved and frozen
        assert count(Answer) > 0


def test_small_bench_reports_every_measurement_and_page(tmp_path):
    # As the README runs it: the console script of the venv the checkout is installed in (`make bench`), here from
    # a folder outside the checkout; a console script does not see the folder it runs in, unlike `python -m core`.
    script = Path(sys.executable).parent / "stralportal"
    assert script.exists(), "pip install -e '.[test]' installs the stralportal command beside python"
    result = subprocess.run([str(script), "bench", "--small"], cwd=tmp_path, capture_output=True, text=True,
                            timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads(result.stdout)
    assert set(figures) == {"import", "minutes", "pages", "cli", "browser"}
    browser = figures.pop("browser")  # Egenkontroll in Chromium, when Debian's chromium is installed
    assert "skipped" in browser or browser["open"] > 0 and browser["save"] > 0 and browser["floor"] > 0
    for name, measured in figures.items():
        assert measured["seconds"] > 0 and measured["peak_mb"] > 0, name
    for name in ("import", "minutes"):
        assert figures[name]["process_seconds"] > figures[name]["seconds"]  # start-up is part of the whole process
    pages = figures["pages"]
    assert len(pages["by_page"]) == 15  # every page in the sidebar (Kontrollera protokoll included) and views
    for title, measured in pages["by_page"].items():
        assert measured["floor"] > 0 and measured["2"]["seconds"] > 0 and measured["2"]["ratio"] > 0, title
    assert set(pages["server_peak_mb"]) == {"1", "2"} and pages["cold_start_seconds"]["2"] > 0
