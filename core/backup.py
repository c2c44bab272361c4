"""Backup and restore of every table, generically, so tables added later are included without code."""
import base64
import logging
from datetime import date, datetime

from alembic.runtime.migration import MigrationContext
from sqlalchemy import JSON, LargeBinary, Table, func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import SQLModel

from core import models  # noqa: F401  registers the tables
from core.backup_checks import check_document, python_type
from core.errors import UserError

FORMAT = "stralportal-backup"
LOGGER = logging.getLogger("stralportal.backup")


def _tables() -> list[Table]:
    """Return the portal's tables, parents before children."""
    return list(SQLModel.metadata.sorted_tables)


def _encode(column, value):
    """Turn a column value into JSON."""
    if value is None or isinstance(column.type, JSON):
        return value
    if isinstance(column.type, LargeBinary):
        return base64.b64encode(value).decode()
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def _decode(column, value):
    """Turn a JSON value back into the column's Python type."""
    if value is None or isinstance(column.type, JSON):
        return value
    kind = python_type(column)
    if kind is bytes:
        return base64.b64decode(value)
    if kind is datetime:
        return datetime.fromisoformat(value)
    if kind is date:
        return date.fromisoformat(value)
    return value


def schema_revision(engine: Engine) -> str | None:
    """Return the database's Alembic revision."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def backup(engine: Engine) -> dict:
    """Return every row of every table, attachments included, as one JSON-ready document."""
    tables = {}
    with engine.connect() as conn:
        _one_moment(conn)
        for table in _tables():
            rows = conn.execute(select(table).order_by(*table.primary_key.columns)).mappings()
            tables[table.name] = [{c.name: _encode(c, row[c.name]) for c in table.columns} for row in rows]
    return {"format": FORMAT, "schema": schema_revision(engine), "tables": tables}


def _one_moment(conn) -> None:
    """Read every table as of one moment: a change committed meanwhile is wholly in or out (the chain and its head)."""
    if conn.dialect.name == "postgresql":
        conn.execution_options(isolation_level="REPEATABLE READ")
    elif conn.dialect.name == "sqlite" and not conn.connection.dbapi_connection.in_transaction:
        conn.exec_driver_sql("BEGIN")  # pysqlite begins only before a write; WAL keeps this reader's snapshot


def _check_restorable(engine: Engine, document: dict) -> None:
    """Refuse a document that is not a backup, of another schema, or a database that holds data."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise UserError("Filen är inte en säkerhetskopia från Strålsäkerhetsportalen.")
    if document.get("schema") != schema_revision(engine):
        raise UserError(f"Säkerhetskopian har databasversion {document.get('schema')}, databasen har "
                        f"{schema_revision(engine)}. Kör `stralportal db upgrade` med samma programversion.")
    with engine.connect() as conn:
        filled = [t.name for t in _tables() if conn.execute(select(func.count()).select_from(t)).scalar()]
    if filled:
        raise UserError("Databasen är inte tom (tabellerna " + ", ".join(filled) + " har innehåll). "
                        "Återställning görs bara till en tom databas.")


def restore(engine: Engine, document: dict) -> dict[str, int]:
    """Check the whole backup, then load it into an empty database in one transaction; return rows per table."""
    _check_restorable(engine, document)
    check_document(_tables(), document)
    try:
        return _write(engine, document)
    except SQLAlchemyError as exc:
        LOGGER.info("Återställningen avbröts och rullades tillbaka: %s", exc)
        raise UserError("Säkerhetskopian kunde inte läsas in: databasen godtog inte innehållet (till exempel "
                        "ett värde som ska vara unikt men finns två gånger). Inget har ändrats.") from None


def _write(engine: Engine, document: dict) -> dict[str, int]:
    """Insert every table's rows in one transaction: all of them, or none."""
    counts = {}
    with engine.begin() as conn:
        for table in _tables():
            rows = document["tables"].get(table.name, [])
            if rows:
                conn.execute(table.insert(), [{c.name: _decode(c, r.get(c.name)) for c in table.columns} for r in rows])
            counts[table.name] = len(rows)
            _reset_sequence(conn, table)
    return counts


def _reset_sequence(conn, table: Table) -> None:
    """Move PostgreSQL's id sequence past restored ids (SQLite needs nothing)."""
    if conn.dialect.name != "postgresql" or "id" not in table.columns:
        return
    name = conn.dialect.identifier_preparer.format_table(table)
    conn.execute(text("SELECT setval(pg_get_serial_sequence(:t, 'id'), "
                      f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"), {"t": name})
