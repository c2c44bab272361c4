"""Backup and restore of everything; the demo loads once; production refuses unsafe settings."""
import pytest
from sqlmodel import Session, func, select

from core import backup, db, history
from core.config import Settings, configuration_problems
from core.demo import load_demo
from core.errors import UserError
from core.models import Clinic, Organisation, User
from core.services.auth import SYSTEM_ACTOR
from core.startup import startup_problems
from tests.conftest import drop_everything
from tests.factories import NOW

STRONG_KEY = "x" * 48


def test_backup_restore_backup_gives_the_same_content(demo_url, demo_document, tmp_path):
    engine = db.make_engine(demo_url)
    first = backup.backup(engine)
    assert first["tables"]["clinic"] and first["tables"]["user"]
    drop_everything(engine)
    db.upgrade(demo_url)
    counts = backup.restore(engine, first)
    assert counts["clinic"] == 5 and counts["user"] == 10 and counts["review"] == 6
    assert backup.backup(engine) == first == demo_document
    events = {e["ssm_reference"]: e for e in first["tables"]["safetyevent"]}  # whom and when travel with the backup
    assert (events["SSM2025-2231"]["concerns"], events["SSM2025-2231"]["notified_on"]) == ("patient", "2025-05-21")
    assert (events["SSM2025-3310"]["concerns"], events["SSM2025-3310"]["report_due"]) == ("worker", None)
    with Session(engine) as s, history.unrecorded(s):  # new rows after a restore get fresh ids (PostgreSQL sequences)
        s.add(Organisation(name="Nytt sjukhus", created_at=NOW))
        s.commit()
    engine.dispose()


def test_restore_refuses_an_event_concerning_someone_unknown(database_url, demo_document):
    from core.errors import InvalidInput
    engine = db.make_engine(database_url)
    drop_everything(engine)
    db.upgrade(database_url)
    rows = [{**e, "concerns": "grannen"} if e["concerns"] == "worker" else e
            for e in demo_document["tables"]["safetyevent"]]
    with pytest.raises(InvalidInput, match=r"safetyevent, rad 2 \(id 2\), kolumnen concerns: okänt värde \"grannen\""):
        backup.restore(engine, {**demo_document, "tables": {**demo_document["tables"], "safetyevent": rows}})
    engine.dispose()


def test_restore_refuses_a_database_with_data(demo_url, demo_document):
    engine = db.make_engine(demo_url)
    with pytest.raises(UserError, match="Databasen är inte tom"):
        backup.restore(engine, demo_document)
    with pytest.raises(UserError, match="inte en säkerhetskopia"):
        backup.restore(engine, {"tables": {}})
    engine.dispose()


def test_demo_twice_changes_nothing(session):
    first = load_demo(session, actor=SYSTEM_ACTOR, now=NOW)
    second = load_demo(session, actor=SYSTEM_ACTOR, now=NOW)
    assert first == {"clinics": 5, "users": 10, "annual_reports": 2, "reviews": 6, "events": 3}
    assert second == {"clinics": 0, "users": 0, "annual_reports": 0, "reviews": 0, "events": 0}
    codes = session.exec(select(Clinic.code).order_by(Clinic.code)).all()
    assert codes == ["KARD", "NM", "ONK", "ORT", "RTG"]
    assert session.exec(select(Organisation.name)).all() == ["Demosjukhuset"]


def test_production_refuses_a_short_key_and_demo_mode(tmp_path):
    problems = configuration_problems(Settings(env="production", cookie_key="CHANGE-ME", demo=True))
    assert any("STRALPORTAL_COOKIE_KEY är för kort" in p for p in problems)
    assert any("STRALPORTAL_DEMO" in p for p in problems)
    assert configuration_problems(Settings(env="production", cookie_key=STRONG_KEY, demo=False)) == []
    assert configuration_problems(Settings(env="production", data_dir=tmp_path)) == []  # a key of its own is made
    assert configuration_problems(Settings(env="development", demo=True)) == []


def test_production_refuses_demo_accounts(engine, session):
    load_demo(session, actor=SYSTEM_ACTOR, now=NOW)
    session.commit()
    production = Settings(env="production", cookie_key=STRONG_KEY, demo=False)
    assert "10 aktiva demokonton" in startup_problems(engine, production)[0]
    with history.unrecorded(session):
        for user in session.exec(select(User)).all():
            user.active = False
            session.add(user)
    session.commit()
    assert startup_problems(engine, production) == []
    assert session.exec(select(func.count()).select_from(User)).one() == 10
