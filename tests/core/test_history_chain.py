"""The change history is one hash chain, linked as each transaction commits, in commit order (core/history_chain)."""
import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from alembic import command
from sqlalchemy import event, text
from sqlmodel import Session, select

from core import backup, db, history, history_chain
from core.models import Clinic, HistoryChain, HistoryEntry
from core.permissions import PermissionDenied
from core.services import clinics
from core.services import history_chain as chain_service
from core.services.auth import SYSTEM_ACTOR
from tests.conftest import drop_everything, reset_schema
from tests.core.conftest import approve_all, decide, make_review
from tests.factories import NOW, make_org
from tests.race import race

HOLD = 2  # seconds the first holder of the head waits for a second reader that its lock keeps out


def _chain(engine) -> list[tuple[int, int | None]]:
    """Return (id, number) of every entry, in number order (unnumbered last)."""
    with Session(engine) as s:
        rows = s.exec(select(HistoryEntry.id, HistoryEntry.chain_seq)).all()
    return sorted(rows, key=lambda r: (r[1] is None, r[1] or 0, r[0]))


def _check(engine) -> history_chain.ChainReport:
    with Session(engine) as s:
        return chain_service.check_chain(s, actor=SYSTEM_ACTOR)


def _clinic(session, code: str, now: datetime = NOW) -> Clinic:
    return clinics.create_clinic(session, actor=SYSTEM_ACTOR, data={"code": code, "name": f"Klinik {code}"}, now=now)


@pytest.fixture
def file_engine(database_url):
    """A database every thread reaches with its own connection (a file, or PostgreSQL), with an organisation."""
    engine = db.make_engine(database_url)
    reset_schema(engine)
    with Session(engine) as s:
        make_org(s)
        s.commit()
    yield engine
    engine.dispose()


def test_the_history_of_ordinary_service_calls_verifies_entry_by_entry(session, engine, rtg):
    review = make_review(session, rtg)
    decide(session, rtg, review)
    session.commit()
    approve_all(session, rtg, review)
    session.commit()
    entries = session.exec(select(HistoryEntry).order_by(HistoryEntry.chain_seq)).all()
    assert [e.chain_seq for e in entries] == list(range(1, len(entries) + 1)) and len(entries) > 10
    assert entries[0].previous_sha256 == history_chain.GENESIS
    assert all(e.previous_sha256 == before.entry_sha256 for before, e in zip(entries, entries[1:]))
    assert all(e.entry_sha256 == history_chain.entry_sha256(e.model_dump()) for e in entries)
    assert history_chain.chain_head(session) == (len(entries), entries[-1].entry_sha256)
    report = _check(engine)
    assert (report.intact, report.entries) == (True, len(entries))
    assert report.message == f"Ändringshistoriken är obruten: {len(entries)} poster."


def test_an_entry_is_hashed_as_committed_after_its_last_change_in_the_change_set(session, engine, portal):
    history.track(session, actor=SYSTEM_ACTOR, now=NOW)
    clinic = Clinic(organisation_id=portal.id, code="TAND", name="Tandvården")
    session.add(clinic)
    session.flush()  # the entry is written now ...
    clinic.name = "Tandvårdskliniken"
    session.flush()  # ... and changed: the clinic's later change joins its entry
    entry = session.exec(select(HistoryEntry)).one()
    assert entry.chain_seq is None  # not chained before its transaction commits
    session.commit()
    session.refresh(entry)
    assert (entry.chain_seq, entry.new_values["name"]) == (1, "Tandvårdskliniken")
    assert _check(engine).intact


def test_a_change_left_pending_until_the_commit_is_chained_by_that_commit(session, engine, portal):
    history.track(session, actor=SYSTEM_ACTOR, now=NOW)
    session.add(Clinic(organisation_id=portal.id, code="TAND", name="Tandvården"))  # flushed by commit() itself
    session.commit()
    assert _chain(engine) == [(1, 1)] and _check(engine).intact


def test_a_rolled_back_transaction_is_not_chained_and_leaves_no_gap(session, engine, portal):
    _clinic(session, "A1")
    session.commit()
    _clinic(session, "B1")
    session.rollback()
    _clinic(session, "C1")
    session.commit()
    assert [seq for _, seq in _chain(engine)] == [1, 2]
    assert history_chain.chain_head(session)[0] == 2 and _check(engine).intact


def test_a_session_that_commits_twice_chains_each_commit_on_from_the_last(session, engine, portal):
    _clinic(session, "A1")
    session.commit()
    head = history_chain.chain_head(session)
    _clinic(session, "B1", NOW + timedelta(minutes=1))
    session.commit()
    session.commit()  # nothing written: the head stays
    second = session.exec(select(HistoryEntry).where(HistoryEntry.chain_seq == 2)).one()
    assert second.previous_sha256 == head[1] and history_chain.chain_head(session) == (2, second.entry_sha256)
    assert _check(engine).entries == 2


def test_a_commit_that_wrote_no_history_does_not_touch_the_chain(session, engine, portal):
    session.commit()
    assert session.exec(select(HistoryChain)).all() == [] and _check(engine).message == (
        "Ändringshistoriken är obruten: 0 poster.")


def test_checking_the_whole_history_needs_the_administrator(session, rtg):
    with pytest.raises(PermissionDenied, match="läsa och kontrollera hela ändringshistoriken"):
        chain_service.check_chain(session, actor=rtg["erik"])


def test_a_moment_reads_back_the_same_from_the_database_as_from_a_backup(session, engine, portal):
    """`at` is hashed as UTC ISO text with microseconds: what SQLite, PostgreSQL and a backup's text all give."""
    _clinic(session, "A1", datetime(2026, 3, 4, 16, 12, 0, 1, tzinfo=ZoneInfo("Europe/Stockholm")))
    _clinic(session, "B1", datetime(2026, 3, 4, 15, 12, tzinfo=UTC))
    session.commit()
    with engine.connect() as conn:
        stored = conn.execute(select(history_chain.ENTRIES.c.at).order_by(history_chain.ENTRIES.c.id)).scalars().all()
    assert [history_chain.moment_text(m) for m in stored] == ["2026-03-04T15:12:00.000001+00:00",
                                                               "2026-03-04T15:12:00.000000+00:00"]
    assert history_chain.moment_text(stored[0].isoformat()) == history_chain.moment_text(
        "2026-03-04T16:12:00.000001+01:00") == history_chain.moment_text("2026-03-04 15:12:00.000001")


def test_two_sessions_chain_in_commit_order_not_id_order(file_engine):
    if file_engine.dialect.name != "postgresql":
        pytest.skip("SQLite lets one writer at a time: its ids are in commit order already")
    with Session(file_engine) as first, Session(file_engine) as second:
        _clinic(first, "A1")  # the lower id ...
        _clinic(second, "B1")
        second.commit()  # ... commits last
        first.commit()
    (b_id, b_seq), (a_id, a_seq) = _chain(file_engine)
    assert (b_seq, a_seq) == (1, 2) and a_id < b_id
    assert _check(file_engine).intact


def test_two_writers_at_once_keep_one_linear_chain(file_engine):
    def writes(code: str):
        def step(s):
            for n in range(3):
                _clinic(s, f"{code}{n}")
        return step
    outcome = race(file_engine, writes("A"), writes("B"))
    assert outcome == [None, None]
    numbered = _chain(file_engine)
    assert [seq for _, seq in numbered] == [1, 2, 3, 4, 5, 6]
    with Session(file_engine) as s:
        codes = [s.get(Clinic, s.get(HistoryEntry, entry_id).entity_id).code[0] for entry_id, _ in numbered]
    assert codes in (list("AAABBB"), list("BBBAAA"))  # each transaction's entries together, in commit order
    assert _check(file_engine).intact


def test_a_writer_reaching_the_head_while_another_holds_it_waits_and_chains_after_it(file_engine):
    """Both transactions commit at once; the first to read the head holds it until its commit (FOR UPDATE)."""
    with Session(file_engine) as s:
        _clinic(s, "X0")
        s.commit()  # the head exists: only its lock can keep the two apart
    first_read, second_read, readers = threading.Event(), threading.Event(), []

    def hold_the_head(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT") and "FROM historychain" in statement:
            readers.append(threading.get_ident())
            if len(readers) == 1:
                first_read.set()
                second_read.wait(HOLD)  # a second reader without the lock would come now and number the same
            else:
                second_read.set()
    event.listen(file_engine, "after_cursor_execute", hold_the_head)
    try:
        outcome = race(file_engine, lambda s: _clinic(s, "A1"), lambda s: _clinic(s, "B1"))
    finally:
        event.remove(file_engine, "after_cursor_execute", hold_the_head)
    assert [type(o).__name__ for o in outcome] == ["Clinic", "Clinic"], outcome
    assert first_read.is_set() and len(set(readers)) == 2
    assert [seq for _, seq in _chain(file_engine)] == [1, 2, 3] and _check(file_engine).intact


def test_migration_chains_the_history_written_before_in_id_order(database_url):
    engine = db.make_engine(database_url)
    drop_everything(engine)
    cfg = db.alembic_config(database_url)
    command.upgrade(cfg, "0017a")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO historyentry (at, actor_name, entity, entity_id, operation, old_values, "
                          "new_values) VALUES (:at, :who, 'Review', :n, 'update', NULL, :new)"),
                     [{"at": datetime(2026, 3, 4, 10, 12, n, n * 1000, tzinfo=UTC), "who": f"Anna {n}", "n": n,
                       "new": f'{{"status": "approval", "n": {n}, "ord": "åäö"}}'} for n in range(5)])
    command.upgrade(cfg, "head")
    assert [seq for _, seq in _chain(engine)] == [1, 2, 3, 4, 5]
    report = _check(engine)
    assert (report.intact, report.entries) == (True, 5), report.message
    with Session(engine) as s:
        make_org(s)
        _clinic(s, "NY")
        s.commit()
    assert [seq for _, seq in _chain(engine)] == [1, 2, 3, 4, 5, 6] and _check(engine).intact
    command.downgrade(cfg, "0017a")
    drop_everything(engine)
    engine.dispose()


def test_the_demo_restored_from_its_backup_keeps_its_chain(demo_url, demo_document):
    engine = db.make_engine(demo_url)
    report = _check(engine)
    assert report.intact and report.entries == len(demo_document["tables"]["historyentry"]) > 0
    assert demo_document["tables"]["historychain"] == [{"id": 1, "seq": report.entries,
                                                         "sha256": report.head[1]}]
    engine.dispose()


def test_a_backup_taken_while_someone_writes_is_one_moment_whose_chain_holds(file_engine):
    """The head is read before the entries: a commit between them would leave entries past the backup's head."""
    with Session(file_engine) as s:
        _clinic(s, "A1")
        s.commit()
    wrote = []

    def write_meanwhile(_conn, _cursor, statement, *_args):
        if "FROM historyentry" in statement and not wrote:
            wrote.append(True)
            with Session(file_engine) as s:
                _clinic(s, "B1")
                s.commit()
    event.listen(file_engine, "before_cursor_execute", write_meanwhile)
    try:
        document = backup.backup(file_engine)
    finally:
        event.remove(file_engine, "before_cursor_execute", write_meanwhile)
    assert wrote and [len(document["tables"][name]) for name in ("historyentry", "clinic")] == [1, 1]
    assert history_chain.backup_problems(document["tables"]) == [] and _check(file_engine).entries == 2


def test_a_restored_chain_goes_on_from_its_head(demo_url, demo_document):
    engine = db.make_engine(demo_url)
    with Session(engine) as s:
        _clinic(s, "NY")
        s.commit()
    report = _check(engine)
    assert (report.intact, report.entries) == (True, len(demo_document["tables"]["historyentry"]) + 1)
    engine.dispose()


def test_a_savepoint_is_chained_with_its_transaction_and_one_rolled_back_leaves_no_gap(session, engine, portal):
    savepoint = session.begin_nested()
    _clinic(session, "A1")
    savepoint.rollback()
    savepoint = session.begin_nested()
    _clinic(session, "B1")
    savepoint.commit()
    assert session.exec(select(HistoryEntry.chain_seq)).all() == [None]  # not before the transaction commits
    session.commit()
    assert [seq for _, seq in _chain(engine)] == [1] and session.exec(select(HistoryChain.seq)).one() == 1
    assert _check(engine).intact


def test_an_entry_a_fixture_adds_as_an_object_is_chained_too(session, engine, portal):
    with history.unrecorded(session):
        session.add(HistoryEntry(at=NOW, actor_name="Anna Berg", entity="Review", entity_id=1, operation="approve"))
    session.commit()
    assert _chain(engine) == [(1, 1)] and _check(engine).intact
