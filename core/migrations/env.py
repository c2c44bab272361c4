"""Alembic environment: the SQLModel metadata of core.models, the URL from the caller or settings."""
from alembic import context
from sqlmodel import SQLModel
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

from core import models  # noqa: F401  registers the tables
from core.config import load_settings

config = context.config
target_metadata = SQLModel.metadata
url = config.get_main_option("sqlalchemy.url") or load_settings().database_url


def render_item(type_, obj, autogen_context):
    """Render SQLModel's own types as plain SQLAlchemy ones, so migrations need no sqlmodel import."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if type_ == "type" and isinstance(obj, AutoString):
        return f"sa.String(length={obj.length})" if obj.length else "sa.String()"
    return False


def _options(is_sqlite: bool) -> dict:
    """Return the context options shared by offline and online runs."""
    return dict(target_metadata=target_metadata, render_item=render_item,
                render_as_batch=is_sqlite, compare_type=True)


def run_offline() -> None:
    """Emit SQL without a connection."""
    context.configure(url=url, literal_binds=True, **_options(url.startswith("sqlite")))
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    """Migrate through a real connection."""
    from core.db import make_engine
    engine = make_engine(url)
    with engine.connect() as connection:
        sqlite = engine.dialect.name == "sqlite"
        if sqlite:
            # Batch migrations copy tables that others refer to; SQLite checks foreign keys on DROP TABLE,
            # so they are off while migrating (and back on for every new connection).
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()  # end the implicit transaction, so the migration's own one is committed
        context.configure(connection=connection, **_options(sqlite))
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
