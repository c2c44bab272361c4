"""Shared fixtures: a fresh database per test (SQLite, or PostgreSQL when TEST_DATABASE_URL is set)."""
import os
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session, SQLModel

from core import backup, db, seal
from core.config import Settings
from core.demo import load_demo
from core.services.auth import SYSTEM_ACTOR
from tests.factories import NOW

PROJECT_DIR = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")


def drop_everything(engine) -> None:
    """Drop every table, the migration record included."""
    SQLModel.metadata.drop_all(engine)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


def reset_schema(engine) -> None:
    """Drop and recreate every table, so each test starts from an empty database."""
    drop_everything(engine)
    SQLModel.metadata.create_all(engine)


@pytest.fixture(scope="session", autouse=True)
def seal_p12(tmp_path_factory) -> Path:
    """One self-signed seal for the whole test session (its RSA key takes a moment), named by STRALPORTAL_SEAL_P12.

    Every approval in the tests seals with it; a test of the data folder's own seal unsets the variable.
    """
    folder = tmp_path_factory.mktemp("sigill")
    seal.ensure_seal(Settings(data_dir=folder), "Testsjukhuset")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("STRALPORTAL_SEAL_P12", str(folder / seal.SELF_SIGNED_FILE))
        patch.delenv("STRALPORTAL_SEAL_PASSWORD", raising=False)
        patch.delenv("STRALPORTAL_TSA_URL", raising=False)
        yield folder / seal.SELF_SIGNED_FILE


@pytest.fixture
def database_url(tmp_path) -> str:
    """Return the URL of this test's own empty database."""
    return POSTGRES_URL or f"sqlite:///{tmp_path}/test.db"


@pytest.fixture
def engine(database_url):
    """Return an engine on an empty database with every table."""
    engine = db.make_engine(POSTGRES_URL or "sqlite://")
    reset_schema(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine):
    """Return a session on the test's database; tests commit when they mean to."""
    with Session(engine, expire_on_commit=False) as s:
        yield s


@pytest.fixture(scope="session")
def demo_document(tmp_path_factory) -> dict:
    """Build the demo once (bcrypt is slow on purpose) and keep it as a backup document."""
    engine = db.make_engine(f"sqlite:///{tmp_path_factory.mktemp('demo')}/demo.db")
    db.upgrade(str(engine.url))
    with db.session_scope(engine) as s:
        load_demo(s, actor=SYSTEM_ACTOR, now=NOW)
    document = backup.backup(engine)
    engine.dispose()
    return document


@pytest.fixture
def demo_url(database_url, demo_document) -> str:
    """Return the URL of a migrated database holding the demo, for pages and the command line."""
    engine = db.make_engine(database_url)
    drop_everything(engine)
    db.upgrade(database_url)
    backup.restore(engine, demo_document)
    engine.dispose()
    return database_url


@pytest.fixture
def demo_env(demo_url, monkeypatch, tmp_path) -> str:
    """Point the portal's configuration at a demo database and a data folder of its own; return its URL."""
    monkeypatch.setenv("STRALPORTAL_DATABASE_URL", demo_url)
    monkeypatch.setenv("STRALPORTAL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("STRALPORTAL_ENV", "development")
    monkeypatch.delenv("STRALPORTAL_COOKIE_KEY", raising=False)
    monkeypatch.delenv("STRALPORTAL_DEMO", raising=False)
    return demo_url
