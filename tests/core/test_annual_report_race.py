"""Two loads of a bokslut at the same time: the second waits for the first and plans against its result."""
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
from tests.race import race


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


def _load(data: bytes, replace: bool):
    """One load of a workbook, as a step of a race."""
    return lambda s: importer.import_annual_report(s, actor=SYSTEM_ACTOR, data=data, filename="b.xlsx",
                                                   replace=replace, now=NOW)


def _with_goal(code: str) -> bytes:
    workbook = sample()
    workbook["Mål"].append(["ORT", code, f"Mål {code}", None, None, "Ej bedömt", None])
    workbook["Indikatorer"].delete_rows(3)
    return workbook_bytes(workbook)


def _count(engine, model) -> int:
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(model)).one()


def test_two_replaces_at_once_never_duplicate_rows(engine):
    with Session(engine) as s:
        importer.import_annual_report(s, actor=SYSTEM_ACTOR, data=SAMPLE_2025.read_bytes(), filename="b.xlsx",
                                      now=NOW)
        s.commit()
    # M6 takes the import lock first and holds it until M7 is about to take it too: M6 plans against the stored
    # bokslut; M7 waits, then plans against M6's result: it swaps the goal, and the indicator is already gone.
    first, second = race(engine, _load(_with_goal("M6"), True), _load(_with_goal("M7"), True), first=0)
    assert first.sheets["Mål"].counts() == (1, 0, 0) and first.sheets["Indikatorer"].counts() == (0, 0, 1)
    assert second.sheets["Mål"].counts() == (1, 0, 1) and second.sheets["Indikatorer"].counts() == (0, 0, 0)
    with Session(engine) as s:
        assert sorted(s.exec(select(Goal.code))) == ["M1", "M2", "M3", "M4", "M5", "M7"]
    assert _count(engine, Indicator) == 44 and _count(engine, AnnualReport) == 1


def test_two_first_loads_at_once_store_one_bokslut_and_refuse_the_other(engine):
    data = SAMPLE_2025.read_bytes()
    loaded, refused = race(engine, _load(data, False), _load(data, False), first=0)
    assert isinstance(loaded, importer.ImportPlan) and isinstance(refused, InvalidInput), (loaded, refused)
    assert refused.problems == ["Strålskyddsbokslutet för 2025 är redan inläst. Välj att ersätta det om "
                                   "arbetsboken är en rättad version."]
    assert _count(engine, AnnualReport) == 1 and _count(engine, Indicator) == 45
