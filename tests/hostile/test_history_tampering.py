"""The change history edited behind the portal's back, with SQL in SQLite or PostgreSQL: the chain names the first
entry changed, removed or inserted, in Swedish; a backup with a broken chain is refused before anything is written."""
import copy
import json

import pytest
from sqlalchemy import insert, text
from sqlmodel import Session, func, select

from core import backup, db, history_chain
from core.cli import main
from core.errors import InvalidInput
from core.history_chain import CHANGED, ENTRIES, INSERTED, REMOVED
from core.models import HistoryEntry
from core.services import history_chain as chain_service
from core.services.auth import SYSTEM_ACTOR
from tests.conftest import drop_everything
from tests.core import conftest as review_fixtures
from tests.core.conftest import decide, make_review

rtg = review_fixtures.rtg  # Röntgenkliniken and its people, as the core tests have them
ACTION_ENTRY = "(nr {seq}, 2026-03-10 10:00, Anna Berg, Åtgärd {action})"  # NOW is 09:00 UTC, 10:00 in Sweden


@pytest.fixture
def written(session, engine, rtg):
    """A review with a decided action, committed: a chain of a few entries. Returns the action's entry."""
    review = make_review(session, rtg)
    action = decide(session, rtg, review)
    decide(session, rtg, review, title="Ny rutin för gravida")
    session.commit()
    entry = session.exec(select(HistoryEntry).where(HistoryEntry.entity == "Action",
                                                    HistoryEntry.entity_id == action.id)).one()
    assert 1 < entry.chain_seq < history_chain.chain_head(session)[0]  # in the middle of the chain
    return entry


def _sql(engine, statement: str, **values) -> None:
    """Change the database directly, as someone with write access to it could."""
    with engine.begin() as conn:
        conn.execute(text(statement), values)


def _check(engine) -> history_chain.ChainReport:
    with Session(engine) as s:
        return chain_service.check_chain(s, actor=SYSTEM_ACTOR)


def _named(entry: HistoryEntry) -> str:
    return f"Post {entry.id} " + ACTION_ENTRY.format(seq=entry.chain_seq, action=entry.entity_id)


@pytest.mark.parametrize("change", [
    "new_values = '{\"title\": \"Ingen åtgärd behövs\"}'", "old_values = '{}'", "operation = 'delete'",
    "actor_name = 'Erik Lind'", "entity_id = entity_id + 1", "user_id = NULL", "clinic_id = NULL",
    "at = '2026-03-10 08:59:59'", "previous_sha256 = '" + "f" * 64 + "'", "entry_sha256 = previous_sha256"])
def test_an_entry_edited_with_sql_is_named_as_changed(engine, written, change):
    _sql(engine, f"UPDATE historyentry SET {change} WHERE id = :id", id=written.id)
    report = _check(engine)
    assert (report.broken.kind, report.broken.entry_id) == (CHANGED, written.id), report.message
    if change.startswith(("new_values", "old_values", "operation")):  # the entry is named as it was written
        assert report.message == (f"Ändringshistoriken är bruten. {_named(written)} har ändrats efter att den "
                                  "skrevs.")


def test_an_entry_deleted_with_sql_is_named_as_removed(session, engine, written):
    after = session.exec(select(HistoryEntry).where(HistoryEntry.chain_seq == written.chain_seq + 1)).one()
    _sql(engine, "DELETE FROM historyentry WHERE id = :id", id=written.id)
    report = _check(engine)
    assert (report.broken.kind, report.broken.entry_id, report.entries) == (REMOVED, after.id, written.chain_seq - 1)
    assert report.message.startswith(f"Ändringshistoriken är bruten. Posten nr {written.chain_seq} har tagits bort: "
                                     f"den saknas före Post {after.id} (nr {after.chain_seq}, ")


def test_the_last_entries_deleted_with_sql_are_named_as_removed(session, engine, written):
    last = history_chain.chain_head(session)[0]
    _sql(engine, "DELETE FROM historyentry WHERE chain_seq >= :seq", seq=last - 1)
    assert _check(engine).message == (f"Ändringshistoriken är bruten. Posterna nr {last - 1}–{last} i slutet av "
                                      "historiken har tagits bort.")


def test_an_entry_inserted_with_sql_is_named_as_inserted(engine, written):
    with engine.begin() as conn:
        conn.execute(insert(ENTRIES).values(at=written.at, actor_name="Anna Berg", entity="Action",
                                            entity_id=written.entity_id, operation="cancel",
                                            new_values={"status": "cancelled"}))
        new_id = conn.execute(select(func.max(ENTRIES.c.id))).scalar()
    report = _check(engine)
    assert (report.broken.kind, report.broken.entry_id) == (INSERTED, new_id)
    assert report.message == (f"Ändringshistoriken är bruten. Post {new_id} (2026-03-10 10:00, Anna Berg, Åtgärd "
                              f"{written.entity_id}) ingår inte i kedjan: den har lagts till utanför portalen.")


def test_an_entry_appended_with_a_correct_hash_past_the_head_is_named_as_inserted(session, engine, written):
    seq, sha = history_chain.chain_head(session)
    row = {"id": 9999, "at": written.at, "user_id": None, "actor_name": "Anna Berg", "entity": "Action",
           "entity_id": written.entity_id, "operation": "cancel", "clinic_id": None, "review_id": None,
           "old_values": None, "new_values": {"status": "cancelled"}, "chain_seq": seq + 1, "previous_sha256": sha}
    with engine.begin() as conn:
        conn.execute(insert(ENTRIES).values(**row, entry_sha256=history_chain.entry_sha256(row)))
    report = _check(engine)
    assert (report.broken.kind, report.broken.entry_id, report.entries) == (INSERTED, 9999, seq)
    assert f"ligger efter kedjans senaste post (nr {seq})" in report.message


def test_an_entry_replaced_with_its_own_hash_recomputed_breaks_the_link_to_the_next(session, engine, written):
    """Whoever rewrites an entry and its hash still cannot make the next entry point at it."""
    with engine.connect() as conn:
        stored = conn.execute(select(ENTRIES).where(ENTRIES.c.id == written.id)).mappings().one()
    row = {**stored, "new_values": {"title": "Ingen åtgärd behövs"}}
    _sql(engine, "UPDATE historyentry SET new_values = :v, entry_sha256 = :sha WHERE id = :id",
         v=json.dumps(row["new_values"]), sha=history_chain.entry_sha256(row), id=written.id)
    after = session.exec(select(HistoryEntry).where(HistoryEntry.chain_seq == written.chain_seq + 1)).one()
    report = _check(engine)
    assert (report.broken.kind, report.broken.entry_id) == (INSERTED, after.id)
    assert f"följer inte på posten före den (nr {written.chain_seq})" in report.message


def test_the_head_deleted_with_sql_is_named(engine, written):
    _sql(engine, "DELETE FROM historychain")
    assert "Kedjans huvud (senaste nummer och kontrollsumma) saknas" in _check(engine).message


def test_checking_changes_nothing(session, engine, written):
    _sql(engine, "UPDATE historyentry SET actor_name = 'Erik Lind' WHERE id = :id", id=written.id)
    before = backup.backup(engine)["tables"]
    assert not _check(engine).intact
    assert backup.backup(engine)["tables"] == before


def _restore_refused(database_url, document: dict) -> str:
    """Restore the document into an empty database; return the refusal, after checking nothing was written."""
    engine = db.make_engine(database_url)
    drop_everything(engine)
    db.upgrade(database_url)
    with pytest.raises(InvalidInput) as refused:
        backup.restore(engine, {**document, "schema": backup.schema_revision(engine)})
    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(HistoryEntry)).one() == 0
        assert s.execute(text("SELECT count(*) FROM organisation")).scalar() == 0
    engine.dispose()
    return str(refused.value)


def test_restore_refuses_a_backup_with_an_edited_entry_and_writes_nothing(database_url, demo_document):
    document = copy.deepcopy(demo_document)
    entry = document["tables"]["historyentry"][5]
    entry["new_values"] = {**(entry["new_values"] or {}), "title": "Ändrad i säkerhetskopian"}
    message = _restore_refused(database_url, document)
    assert message.startswith(f"Ändringshistoriken i säkerhetskopian är bruten. Post {entry['id']} (nr "
                              f"{entry['chain_seq']}, ") and message.endswith("har ändrats efter att den skrevs.")


def test_restore_refuses_a_backup_with_a_removed_or_an_added_entry(database_url, demo_document):
    document = copy.deepcopy(demo_document)
    removed = document["tables"]["historyentry"].pop(3)
    assert f"Posten nr {removed['chain_seq']} har tagits bort" in _restore_refused(database_url, document)
    document = copy.deepcopy(demo_document)
    added = {**document["tables"]["historyentry"][0], "id": 99999, "chain_seq": None, "entry_sha256": None}
    document["tables"]["historyentry"].append(added)
    assert "Post 99999 (" in _restore_refused(database_url, document)
    document = copy.deepcopy(demo_document)
    document["tables"]["historychain"] = []
    assert "Kedjans huvud" in _restore_refused(database_url, document)


def test_a_valid_backup_restores_with_its_chain_exactly_and_verifies(demo_url, demo_document):
    engine = db.make_engine(demo_url)
    restored = backup.backup(engine)["tables"]
    assert restored["historyentry"] == demo_document["tables"]["historyentry"]
    assert restored["historychain"] == demo_document["tables"]["historychain"]
    assert _check(engine).intact
    engine.dispose()


def _verify(capsys, *argv) -> tuple[int, str, str]:
    code = main(["verify", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_verify_history_exits_0_when_whole_and_1_naming_the_first_break(demo_env, capsys):
    code, out, _ = _verify(capsys, "--history")
    assert code == 0 and out.startswith("Ändringshistoriken är obruten: ") and out.endswith(" poster.\n")
    engine = db.make_engine(demo_env)
    with engine.connect() as conn:
        entry_id, seq = conn.execute(text("SELECT id, chain_seq FROM historyentry WHERE chain_seq = 7")).one()
    _sql(engine, "UPDATE historyentry SET actor_name = 'Någon annan' WHERE id = :id", id=entry_id)
    code, out, _ = _verify(capsys, "--history")
    assert code == 1 and out.startswith(f"Ändringshistoriken är bruten. Post {entry_id} (nr {seq}, ")
    assert "Någon annan" in out and out.endswith("har ändrats efter att den skrevs.\n")
    engine.dispose()


def test_verify_usage_and_permission_refusals_exit_2(demo_env, capsys):
    assert main(["--as-user", "erik", "verify", "--history"]) == 2
    assert "Du saknar behörighet att läsa och kontrollera hela ändringshistoriken" in capsys.readouterr().err
    code, _, err = _verify(capsys, "protokoll.pdf")  # the file check (tests/core/test_verify.py): no such file
    assert code == 2 and "protokoll.pdf finns inte." in err
    code, _, err = _verify(capsys)
    assert code == 2 and "Ange filen som ska kontrolleras, eller --history" in err
    code, _, err = _verify(capsys, "protokoll.pdf", "--history")
    assert code == 2 and "inte båda" in err
