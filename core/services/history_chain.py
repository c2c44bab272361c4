"""Check the change history's hash chain (core/history_chain.py) in the database: the whole history, streamed.

The walk reads the head first and then the entries numbered up to it: an entry gets its number and moves the head
in the same commit, so every entry up to the head is there to read, and entries committed meanwhile are left for
the next check. An entry numbered past the head is taken as inserted only if it is still past the head read after
it (one committed meanwhile is not). At 240 clinics the history holds hundreds of thousands of entries: they are
read in batches, never all at once.
"""
from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from core.history_chain import ENTRIES, Break, ChainReport, chain_head, past_head, walk
from core.permissions import Actor, Permission, require

BATCH = 2000


def check_chain(session: Session, *, actor: Actor) -> ChainReport:
    """Walk the whole history by number and name the first entry changed, removed or inserted."""
    require(actor, Permission.READ_HISTORY)
    head = chain_head(session)
    report = walk(_chained(session, head), head, _unchained(session))
    if report.broken is None and head is not None:
        return ChainReport(report.entries, head, _past_head(session))
    return report


def _batches(session: Session, query) -> Iterator[Any]:
    """Yield the rows of a query in batches (PostgreSQL streams them with a server-side cursor)."""
    result = session.connection().execution_options(yield_per=BATCH).execute(query).mappings()
    for partition in result.partitions():
        yield from partition


def _chained(session: Session, head: tuple[int, str] | None) -> Iterator[Any]:
    """Yield the chained entries up to the head, in number order."""
    query = select(ENTRIES).where(ENTRIES.c.chain_seq.is_not(None)).order_by(ENTRIES.c.chain_seq)
    return _batches(session, query if head is None else query.where(ENTRIES.c.chain_seq <= head[0]))


def _unchained(session: Session) -> Iterator[Any]:
    """Yield the entries without a number (every committed entry has one), in id order."""
    return _batches(session, select(ENTRIES).where(ENTRIES.c.chain_seq.is_(None)).order_by(ENTRIES.c.id).limit(1))


def _past_head(session: Session) -> Break | None:
    """Return the first entry numbered past the head that no commit since explains, as inserted."""
    highest = session.connection().execute(select(func.max(ENTRIES.c.chain_seq))).scalar()
    head = chain_head(session)  # read after the entries: a commit that numbered them has moved it
    if highest is None or head is None or highest <= head[0]:
        return None
    row = session.connection().execute(select(ENTRIES).where(ENTRIES.c.chain_seq > head[0])
                                       .order_by(ENTRIES.c.chain_seq).limit(1)).mappings().one()
    return past_head(row, head[0])
