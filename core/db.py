"""Engines, sessions and migrations for SQLite (embedded) and PostgreSQL (server)."""
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import event, func
from sqlalchemy.engine import Engine
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine, select

from core import history, limits, models

FROZEN_MINUTES_SINCE = "0006"  # the first revision that stores approved minutes as approved
SEALED_SINCE = "0018"  # the first revision whose portal seals approved minutes when they are approved
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
limits.guard_sessions()  # a text longer than its column is refused in Swedish, on SQLite as on PostgreSQL
history.install()  # every tracked change is recorded from the flush, with the actor of its change set


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """Turn on WAL and foreign keys for every new SQLite connection."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """Create an engine for the URL, creating the SQLite folder when needed."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1] if "///" in url else ""
        if path and ":memory:" not in path:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # An in-memory database lives in one connection, so every session must share it.
        pool = {"poolclass": StaticPool} if ":memory:" in url or url == "sqlite://" else {}
        engine = create_engine(url, connect_args={"check_same_thread": False}, **pool)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """Open a session that commits on success and rolls back on any error (one user action)."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def alembic_config(url: str) -> Config:
    """Build an Alembic configuration for the URL without an alembic.ini file."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def revision(engine: Engine) -> str | None:
    """Return the database's Alembic revision (None for a database not created yet)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(url: str) -> str | None:
    """Create or migrate the database to the newest schema; return the revision it had before."""
    engine = make_engine(url)
    try:
        before = revision(engine)
    finally:
        engine.dispose()
    command.upgrade(alembic_config(url), "head")
    return before


def predates_frozen_minutes(before: str | None) -> bool:
    """Tell whether a database came from a schema that stored no approved minutes (before revision 0006).

    Only such minutes are stored from the live rows at upgrade; an approved review without its stored minutes in
    any later database was changed outside the portal, and is refused rather than printed anew.
    """
    return before is not None and before[:4] < FROZEN_MINUTES_SINCE


def predates_seal(before: str | None) -> bool:
    """Tell whether a database came from a schema whose portal did not seal approved minutes (before 0018)."""
    return before is not None and before[:4] < SEALED_SINCE


def is_empty(engine: Engine) -> bool:
    """Tell whether the database holds no organisation yet."""
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(models.Organisation)).one() == 0
