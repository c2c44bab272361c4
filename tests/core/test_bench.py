"""The benchmark's generated workbook is a real, valid bokslut (its timing is never asserted)."""
from sqlmodel import func, select

from core.bench import generate_workbook, read_floor
from core.models import Clinic, Finding, Indicator
from core.services.annual_report_import import import_annual_report
from core.services.auth import SYSTEM_ACTOR
from tests.factories import NOW


def test_generated_workbook_imports_completely(session, tmp_path):
    path = tmp_path / "bench.xlsx"
    generate_workbook(path, clinics=3, indicators_per_clinic=4, goals=5, findings=6)
    read_floor(path)
    import_annual_report(session, actor=SYSTEM_ACTOR, data=path.read_bytes(), filename=path.name, now=NOW)
    counts = [session.exec(select(func.count()).select_from(m)).one() for m in (Clinic, Indicator, Finding)]
    assert counts == [3, 12, 6]
