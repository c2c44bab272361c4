"""Migration 0008: codes stored twice before the rule keep every row, the later copies renamed."""
from datetime import date

from alembic import command
from sqlalchemy import insert, text

from core import db
from core.models import (
    Action,
    AnnualReport,
    Clinic,
    Finding,
    Goal,
    Indicator,
    Organisation,
    Review,
)
from tests.conftest import drop_everything
from tests.factories import NOW


def _duplicates(conn) -> None:
    """Store what two loads at once could leave behind: each code twice, for a clinic and organisation-wide."""
    conn.execute(insert(Organisation), [{"id": 1, "name": "Demosjukhuset", "created_at": NOW}])
    conn.execute(insert(Clinic), [{"id": 1, "organisation_id": 1, "code": "RTG", "name": "Röntgen", "modalities": [],
                                   "active": True, "version": 1}])
    conn.execute(insert(AnnualReport), [{"id": 1, "organisation_id": 1, "year": 2025, "imported_at": NOW}])
    for clinic_id in (1, 1, None, None):
        conn.execute(insert(Goal), [{"annual_report_id": 1, "clinic_id": clinic_id, "code": "M1", "text": "Mål",
                                     "assessment": "fulfilled"}])
        conn.execute(insert(Indicator), [{"annual_report_id": 1, "clinic_id": clinic_id, "code": "I-1", "name": "I",
                                          "value": 1.0, "direction": "none"}])
        conn.execute(insert(Finding), [{"annual_report_id": 1, "clinic_id": clinic_id, "code": "B-1",
                                        "description": "Brist", "severity": "high", "created_at": NOW}])
    conn.execute(insert(Review), [{"id": 1, "clinic_id": 1, "year": 2026, "status": "preparation", "current_item": 0,
                                   "minutes_version": 1, "created_at": NOW, "version": 1}])
    conn.execute(insert(Action), [{"clinic_id": 1, "review_id": 1, "number": 1, "title": "Åtgärda", "finding_id": 2,
                                   "owner_name": "Erik", "due_date": date(2026, 9, 30), "priority": "medium",
                                   "status": "not_started", "created_at": NOW, "updated_at": NOW, "version": 1}])


def test_the_migration_keeps_every_duplicate_row_under_a_code_of_its_own(database_url):
    engine = db.make_engine(database_url)
    drop_everything(engine)
    cfg = db.alembic_config(database_url)
    command.upgrade(cfg, "0007")
    with engine.begin() as conn:
        _duplicates(conn)
    command.upgrade(cfg, "head")
    with engine.connect() as conn:
        for table, code in (("goal", "M1"), ("indicator", "I-1"), ("finding", "B-1")):
            rows = conn.execute(text(f"SELECT id, clinic_id, code FROM {table} ORDER BY id")).all()
            assert [r.code for r in rows] == [code, f"{code} (dubblett 2)", code, f"{code} (dubblett 4)"], table
        assert conn.execute(text("SELECT finding_id FROM action")).scalar() == 2  # the decided copy is still there
    command.check(cfg)
    command.downgrade(cfg, "0007")
    command.upgrade(cfg, "head")
    drop_everything(engine)
    engine.dispose()
