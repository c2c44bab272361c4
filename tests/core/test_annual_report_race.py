"""Two loads of a bokslut at the same time: the second waits for the first and plans against its result."""
import threading
import time

import pytest
from sqlmodel import Session, func, select

from core import db
from core.errors import InvalidInput
from core.models import AnnualReport, Goal, Indicator
from core.services import annual_report_import as importer
from core.services.auth import SYSTEM_ACTOR
from tests.annual_report_files import SAMPLE_2025, sample, workbook_bytes
from tests.conftest import reset_schema
from tests.factories import NOW, make_clinic, make_org


@pytest.fixture
def engine(database_url):
    """A database file (or PostgreSQL), not in-memory SQLite: each thread needs a connection of its own."""
    engine = db.make_engine(database_url)
    reset_schema(engine)
    with Session(engine) as s:
        org = make_org(s, "Demosjukhuset")
        for code in ("RTG", "NM", "ONK", "KARD", "ORT"):
            make_clinic(s, org, code)
        s.commit()
    yield engine
    engine.dispose()


def _slow_planning(monkeypatch) -> None:
    """Hold the import lock a while after planning, so the other load surely arrives meanwhile (test only)."""
    plan_sheets = importer.plan_sheets

    def slow(*args, **kwargs):
        result = plan_sheets(*args, **kwargs)
        time.sleep(0.5)
        return result
    monkeypatch.setattr(importer, "plan_sheets", slow)


def _race(engine, *loads, replace: bool = True) -> list:
    """Run each load in a thread with its own session, released together; return the plan or what each raised."""
    barrier, outcome = threading.Barrier(len(loads)), [None] * len(loads)

    def run(i):
        with Session(engine, expire_on_commit=False) as s:
            barrier.wait()
            time.sleep(0.1 * i)
            try:
                outcome[i] = importer.import_annual_report(s, actor=SYSTEM_ACTOR, data=loads[i], filename="b.xlsx",
                                                           replace=replace, now=NOW)
                s.commit()
            except Exception as exc:  # noqa: BLE001  the test looks at it
                s.rollback()
                outcome[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(loads))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcome


def _with_goal(code: str) -> bytes:
    workbook = sample()
    workbook["Mål"].append(["ORT", code, f"Mål {code}", None, None, "Ej bedömt", None])
    workbook["Indikatorer"].delete_rows(3)
    return workbook_bytes(workbook)


def _count(engine, model) -> int:
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(model)).one()


def test_two_replaces_at_once_never_duplicate_rows(engine, monkeypatch):
    with Session(engine) as s:
        importer.import_annual_report(s, actor=SYSTEM_ACTOR, data=SAMPLE_2025.read_bytes(), filename="b.xlsx",
                                      now=NOW)
        s.commit()
    _slow_planning(monkeypatch)
    plans = dict(zip(("M6", "M7"), _race(engine, _with_goal("M6"), _with_goal("M7"))))
    # Whichever got the lock first (usually M6; a loaded machine may reorder the threads) planned against the
    # stored bokslut; the other waited and planned against its result: it swaps the goal, the indicator is gone.
    first_code = next(code for code, plan in plans.items() if plan.sheets["Mål"].counts() == (1, 0, 0))
    first, second = plans[first_code], plans[({"M6", "M7"} - {first_code}).pop()]
    assert first.sheets["Indikatorer"].counts() == (0, 0, 1)
    assert second.sheets["Mål"].counts() == (1, 0, 1) and second.sheets["Indikatorer"].counts() == (0, 0, 0)
    with Session(engine) as s:
        last = ({"M6", "M7"} - {first_code}).pop()
        assert sorted(s.exec(select(Goal.code))) == ["M1", "M2", "M3", "M4", "M5", last]
    assert _count(engine, Indicator) == 44 and _count(engine, AnnualReport) == 1


def test_two_first_loads_at_once_store_one_bokslut_and_refuse_the_other(engine, monkeypatch):
    _slow_planning(monkeypatch)
    data = SAMPLE_2025.read_bytes()
    outcome = _race(engine, data, data, replace=False)
    loaded = [o for o in outcome if isinstance(o, importer.ImportPlan)]
    refused = [o for o in outcome if isinstance(o, InvalidInput)]
    assert len(loaded) == 1 and len(refused) == 1, outcome
    assert refused[0].problems == ["Strålskyddsbokslutet för 2025 är redan inläst. Välj att ersätta det om "
                                   "arbetsboken är en rättad version."]
    assert _count(engine, AnnualReport) == 1 and _count(engine, Indicator) == 45
