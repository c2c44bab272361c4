"""Migration 0019w: staff groups stored twice keep their newest row, an event raised twice keeps one finding."""
from datetime import date

from alembic import command
from sqlalchemy import insert, text

from core import db
from core.models import (
    Action,
    AnnualReport,
    Clinic,
    DosimetryRecord,
    Finding,
    FindingDecision,
    Organisation,
    Review,
    SafetyEvent,
    TrainingRecord,
)
from tests.conftest import drop_everything
from tests.factories import NOW

BEFORE = "0018c"


def _training(conn, clinic_id: int | None, group: str, staff: float, trained: float) -> None:
    conn.execute(insert(TrainingRecord), [{"annual_report_id": 1, "clinic_id": clinic_id, "staff_group": group,
                                           "staff_count": staff, "trained_count": trained}])


def _finding(conn, finding_id: int, event_id: int) -> None:
    conn.execute(insert(Finding), [{"id": finding_id, "clinic_id": 1, "code": f"H-{event_id}", "description": "Brist",
                                    "severity": "high", "source": "incident", "safety_event_id": event_id,
                                    "created_at": NOW}])


def _duplicates(conn) -> None:
    """Store what saves at once could leave behind before the rules: groups twice, events raised two or three times."""
    conn.execute(insert(Organisation), [{"id": 1, "name": "Demosjukhuset", "created_at": NOW}])
    conn.execute(insert(Clinic), [{"id": i, "organisation_id": 1, "code": code, "name": code, "modalities": [],
                                   "active": True, "version": 1} for i, code in ((1, "RTG"), (2, "NM"))])
    conn.execute(insert(AnnualReport), [{"id": 1, "organisation_id": 1, "year": 2025, "imported_at": NOW}])
    for clinic_id, group, staff, trained in ((1, "physicians", 10, 5), (1, "physicians", 10, 8),
                                             (1, "radiographers", 40, 30), (None, "physicians", 100, 50),
                                             (None, "physicians", 100, 90), (2, "physicians", 7, 7)):
        _training(conn, clinic_id, group, staff, trained)
    for hp10 in (1.5, 2.5):
        conn.execute(insert(DosimetryRecord), [{"annual_report_id": 1, "clinic_id": 1, "staff_group": "physicians",
                                                "max_hp10": hp10}])
    conn.execute(insert(SafetyEvent), [{"id": i, "clinic_id": 1, "kind": "internal", "occurred_on": date(2025, 6, 30),
                                        "description": "Händelse", "status": "open", "created_at": NOW, "version": 1}
                                       for i in (1, 2, 3)])
    for finding_id, event_id in ((1, 1), (2, 1), (3, 1), (4, 2), (5, 2), (6, 2), (7, 3), (8, 3)):
        _finding(conn, finding_id, event_id)
    conn.execute(insert(Review), [{"id": 1, "clinic_id": 1, "year": 2026, "status": "preparation", "current_item": 0,
                                   "minutes_version": 1, "created_at": NOW, "version": 1}])
    conn.execute(insert(FindingDecision), [{"review_id": 1, "finding_id": finding_id, "no_action_reason": "Nej",
                                            "decided_at": NOW} for finding_id in (1, 5)])
    conn.execute(insert(Action), [{"clinic_id": 1, "review_id": 1, "number": 1, "title": "Åtgärda", "finding_id": 4,
                                   "owner_name": "Erik", "due_date": date(2026, 9, 30), "priority": "medium",
                                   "status": "not_started", "created_at": NOW, "updated_at": NOW, "version": 1}])


def test_the_migration_keeps_one_row_per_group_and_one_finding_per_event(database_url):
    engine = db.make_engine(database_url)
    drop_everything(engine)
    cfg = db.alembic_config(database_url)
    command.upgrade(cfg, BEFORE)
    with engine.begin() as conn:
        _duplicates(conn)
    command.upgrade(cfg, "head")
    with engine.connect() as conn:
        training = conn.execute(text("SELECT clinic_id, staff_group, staff_count, trained_count FROM trainingrecord "
                                     "ORDER BY id")).all()
        assert [tuple(r) for r in training] == [(1, "physicians", 10, 8), (1, "radiographers", 40, 30),
                                                (None, "physicians", 100, 90), (2, "physicians", 7, 7)]  # the newest
        assert conn.execute(text("SELECT max_hp10 FROM dosimetryrecord")).scalars().all() == [2.5]
        findings = conn.execute(text("SELECT id, safety_event_id FROM finding ORDER BY id")).all()
        # Event 1: the decided one stays. Event 2: the newest decided stays, the other decided one is kept unlinked
        # (its action needs it), the undecided copy goes. Event 3: the newest of two undecided stays.
        assert [tuple(r) for r in findings] == [(1, 1), (4, None), (5, 2), (8, 3)]
    command.check(cfg)
    command.downgrade(cfg, BEFORE)
    command.upgrade(cfg, "head")
    drop_everything(engine)
    engine.dispose()
