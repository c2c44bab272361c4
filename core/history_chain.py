"""The change history's hash chain: each entry carries the SHA-256 of its content and of the entry before it.

An entry's content is final only when its transaction commits (a later change of the same object joins its entry),
so entries are chained then, in commit order: a `before_commit` listener locks the chain's head (one row of
HistoryChain; SELECT … FOR UPDATE on PostgreSQL, SQLite's write lock serialises writers already), gives this
transaction's entries the next numbers in id order, hashes each as it is stored and moves the head. A rolled-back
transaction never took a number, so it leaves no gap. `walk` checks a chain given as rows, from the database
(core/services/history_chain.py) or from a backup document (core/backup_checks.py), and names the first break.
"""
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, event, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session

from core import glossary
from core.formatting import datetime_text, number_text
from core.models import HistoryChain, HistoryEntry

Row = Mapping[Any, Any]  # an entry's columns by name: a database row's mapping or a backup's object
GENESIS = "0" * 64  # the "entry before" the first one
CONTENT = ("id", "at", "user_id", "actor_name", "entity", "entity_id", "operation", "clinic_id", "review_id",
           "old_values", "new_values")
LINKS = ("chain_seq", "previous_sha256", "entry_sha256")
WRITTEN = "history_chain_written"  # session.info: ids of the entries this transaction wrote
ENTRIES = getattr(HistoryEntry, "__table__")  # noqa: B009  SQLModel declares it only at run time
HEADS = getattr(HistoryChain, "__table__")  # noqa: B009
HEAD_ID = 1
CHANGED, REMOVED, INSERTED = "changed", "removed", "inserted"


def moment_text(value: datetime | str) -> str:
    """Return a stored moment as ISO text in UTC with microseconds (the same from SQLite, PostgreSQL and a backup)."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    moment = moment.replace(tzinfo=UTC) if moment.utcoffset() is None else moment.astimezone(UTC)
    return moment.isoformat(timespec="microseconds")


def canonical(row: Row) -> bytes:
    """Return the bytes an entry's hash covers: every content column, its number and the hash before it."""
    payload = {name: row[name] for name in CONTENT}
    payload.update(at=moment_text(row["at"]), chain_seq=row["chain_seq"], previous_sha256=row["previous_sha256"])
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def entry_sha256(row: Row) -> str:
    """Return the SHA-256 an entry should carry."""
    return hashlib.sha256(canonical(row)).hexdigest()


def chain_head(session: Session) -> tuple[int, str] | None:
    """Return the number and SHA-256 of the last chained entry, or None before the first (printed at approval)."""
    row = session.connection().execute(select(HEADS.c.seq, HEADS.c.sha256).where(HEADS.c.id == HEAD_ID)).first()
    return (row.seq, row.sha256) if row else None


def written(session: OrmSession, entry_id: int) -> None:
    """Note an entry this transaction wrote, to be chained when it commits (core/history.py calls it)."""
    session.info.setdefault(WRITTEN, set()).add(entry_id)


def _note_added(session: OrmSession, _flush_context) -> None:
    """Note entries added as objects (a test fixture's), so they are chained like those core/history.py inserts."""
    for obj in session.new:
        if isinstance(obj, HistoryEntry) and obj.id is not None:
            written(session, obj.id)


def _lock_head(conn: Connection) -> tuple[int, str]:
    """Lock the chain's head for this transaction and return it (created at the first entry ever chained)."""
    query = select(HEADS.c.seq, HEADS.c.sha256).where(HEADS.c.id == HEAD_ID).with_for_update()
    row = conn.execute(query).first()
    if row is None:
        conn.execute(_insert_head_once(conn))
        row = conn.execute(query).one()  # another first writer's head, if it won: after its commit
    return row.seq, row.sha256


def _insert_head_once(conn: Connection):
    """Return an INSERT of the empty head that does nothing when another transaction inserted it first."""
    values = {"id": HEAD_ID, "seq": 0, "sha256": GENESIS}
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert
        return pg_insert(HEADS).values(values).on_conflict_do_nothing()
    if conn.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert
        return sqlite_insert(HEADS).values(values).on_conflict_do_nothing()
    return insert(HEADS).values(values)


def _unchained(conn: Connection, ids: set[int]) -> list[Row]:
    """Return this transaction's entries that are not chained yet, in id order, as stored now."""
    query = (select(ENTRIES).where(ENTRIES.c.id.between(min(ids), max(ids)), ENTRIES.c.chain_seq.is_(None))
             .order_by(ENTRIES.c.id))
    return [row for row in conn.execute(query).mappings() if row["id"] in ids]  # another's rows may lie between


def _link(rows: Iterable[Row], head: tuple[int, str]) -> list[dict[str, Any]]:
    """Return each row's chain columns, numbered on from the head (the rows in the order they join the chain)."""
    seq, previous = head
    links = []
    for row in rows:
        seq += 1
        sha = entry_sha256({**row, "chain_seq": seq, "previous_sha256": previous})
        links.append({"entry": row["id"], "seq": seq, "previous": previous, "sha": sha})
        previous = sha
    return links


def _chain_on_commit(session: OrmSession) -> None:
    """Chain the entries this transaction wrote, in commit order, after their last change."""
    if session.in_nested_transaction():
        return  # a savepoint's commit is not the transaction's
    session.flush()  # what is still pending may write or change entries: hash them as they are committed
    if not session.info.get(WRITTEN):
        return
    conn = session.connection()
    rows = _unchained(conn, session.info[WRITTEN])
    if not rows:
        return  # written in a savepoint that was rolled back
    links = _link(rows, _lock_head(conn))
    conn.execute(update(ENTRIES).where(ENTRIES.c.id == bindparam("entry")).values(
        chain_seq=bindparam("seq"), previous_sha256=bindparam("previous"), entry_sha256=bindparam("sha")), links)
    conn.execute(update(HEADS).where(HEADS.c.id == HEAD_ID).values(seq=links[-1]["seq"], sha256=links[-1]["sha"]))
    chained = {item["entry"] for item in links}
    for obj in list(session.identity_map.values()):
        if isinstance(obj, HistoryEntry) and obj.id in chained:
            session.expire(obj, list(LINKS))


def _forget(session: OrmSession, transaction) -> None:
    """Forget the written entries when the whole transaction ends (committed and chained, or rolled back)."""
    if transaction.parent is None:  # a savepoint's end is not the transaction's
        session.info.pop(WRITTEN, None)


def install() -> None:
    """Chain the history at every session's commit (once per process; core/history.py's install calls it)."""
    for name, listener in (("after_flush", _note_added), ("before_commit", _chain_on_commit),
                           ("after_transaction_end", _forget)):
        if not event.contains(OrmSession, name, listener):
            event.listen(OrmSession, name, listener)


@dataclass(frozen=True)
class Break:
    """The first place where the chain does not hold: what happened, to which entry, in Swedish."""

    kind: str  # CHANGED, REMOVED or INSERTED
    entry_id: int | None
    seq: int | None
    message: str


@dataclass(frozen=True)
class ChainReport:
    """The result of walking the chain: how many entries hold, and the first break if any."""

    entries: int
    head: tuple[int, str] | None
    broken: Break | None = None

    @property
    def intact(self) -> bool:
        """Tell whether every entry holds."""
        return self.broken is None

    @property
    def message(self) -> str:
        """Say the result in one Swedish line."""
        if self.broken:
            return f"Ändringshistoriken är bruten. {self.broken.message}"
        posts = "post" if self.entries == 1 else "poster"
        return f"Ändringshistoriken är obruten: {number_text(self.entries)} {posts}."


def named(row: Row) -> str:
    """Name an entry for a message: id, number, time, actor and what it is about."""
    what = str(glossary.MODELS.get(row["entity"], row["entity"]))
    what += f" {row['entity_id']}" if row["entity_id"] is not None else ""
    seq = f"nr {row['chain_seq']}, " if row["chain_seq"] is not None else ""
    moment = datetime.fromisoformat(moment_text(row["at"]))
    return f"Post {row['id']} ({seq}{datetime_text(moment)}, {row['actor_name']}, {what})"


def _numbers(first: int, last: int) -> str:
    """Say one number or a range: "nr 7" or "nr 7–9"."""
    return f"nr {first}" if first == last else f"nr {first}–{last}"


def _row_break(row: Row, seq: int, previous: str, head: tuple[int, str] | None) -> Break | None:
    """Return how a row breaks the chain where entry `seq` after `previous` is expected, or None."""
    entry_id, at = row["id"], row["chain_seq"]
    if entry_sha256(row) != row["entry_sha256"]:
        return Break(CHANGED, entry_id, at, f"{named(row)} har ändrats efter att den skrevs.")
    if head is not None and at > head[0]:
        return past_head(row, head[0])
    if at > seq:
        gone = f"Posterna {_numbers(seq, at - 1)} har tagits bort: de" if at - 1 > seq else \
            f"Posten nr {seq} har tagits bort: den"
        return Break(REMOVED, entry_id, at, f"{gone} saknas före {named(row)}.")
    if at < seq or row["previous_sha256"] != previous:
        return Break(INSERTED, entry_id, at, f"{named(row)} följer inte på posten före den (nr {seq - 1}): en post "
                                             "har lagts till eller bytts ut här.")
    return None


def past_head(row: Row, head_seq: int) -> Break:
    """Name an entry numbered past the chain's head as inserted."""
    return Break(INSERTED, row["id"], row["chain_seq"], f"{named(row)} ligger efter kedjans senaste post "
                                                        f"(nr {head_seq}): den har lagts till utanför portalen.")


def _end_break(last: Row | None, head: tuple[int, str] | None) -> Break | None:
    """Return how the chain's end disagrees with its head (entries removed at the end, the last one replaced)."""
    seq = last["chain_seq"] if last else 0
    if head is None:
        return None if last is None else Break(REMOVED, None, None, "Kedjans huvud (senaste nummer och "
                                               "kontrollsumma) saknas: de sista posterna kan ha tagits bort.")
    if seq < head[0]:
        gone = "Posten" if seq + 1 == head[0] else "Posterna"
        return Break(REMOVED, None, seq + 1, f"{gone} {_numbers(seq + 1, head[0])} i slutet av historiken har "
                                             "tagits bort.")
    if last is not None and last["entry_sha256"] != head[1]:
        return Break(CHANGED, last["id"], seq, f"{named(last)} stämmer inte med kedjans huvud: den har bytts ut.")
    return None


def walk(rows: Iterable[Row], head: tuple[int, str] | None,
         unchained: Iterable[Row] = ()) -> ChainReport:
    """Walk chained rows in number order against the head, then the rows without a number; name the first break."""
    seq, previous, count, last = 1, GENESIS, 0, None
    for row in rows:
        broken = _row_break(row, seq, previous, head)
        if broken:
            return ChainReport(count, head, broken)
        count, last, seq, previous = count + 1, row, row["chain_seq"] + 1, row["entry_sha256"]
    broken = _end_break(last, head)
    for row in unchained if broken is None else ():
        broken = Break(INSERTED, row["id"], None, f"{named(row)} ingår inte i kedjan: den har lagts till utanför "
                                                  "portalen.")
        break
    return ChainReport(count, head, broken)


def backup_problems(tables: Mapping[str, list]) -> list[str]:
    """Return why a backup document's history chain does not hold (checked before restore writes anything)."""
    entries = tables.get(ENTRIES.name) or []
    heads = [row for row in tables.get(HEADS.name) or [] if row.get("id") == HEAD_ID]
    head = (heads[0]["seq"], heads[0]["sha256"]) if heads else None
    rows = [{name: row.get(name) for name in (*CONTENT, *LINKS)} for row in entries]  # a column may be left out
    chained = sorted((row for row in rows if row["chain_seq"] is not None), key=lambda row: row["chain_seq"])
    report = walk(chained, head, (row for row in rows if row["chain_seq"] is None))
    return [] if report.broken is None else [f"Ändringshistoriken i säkerhetskopian är bruten. {report.broken.message}"]
