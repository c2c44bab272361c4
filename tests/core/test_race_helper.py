"""The race helper really overlaps transactions: both read before either writes, and `first` writes first."""
import pytest
from sqlalchemy import text

from core import db
from tests.race import race


@pytest.fixture
def engine(database_url):
    """A table of one counter, in a database file (or PostgreSQL): each thread has its own connection."""
    engine = db.make_engine(database_url)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS race_counter"))
        conn.execute(text("CREATE TABLE race_counter (id INTEGER PRIMARY KEY, version INTEGER NOT NULL)"))
        conn.execute(text("INSERT INTO race_counter VALUES (1, 0)"))
    yield engine
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE race_counter"))
    engine.dispose()


def _read_then_write(session) -> int:
    """The broken rule: look at the version, then bump it without checking it again; return the version seen."""
    seen = session.execute(text("SELECT version FROM race_counter WHERE id = 1")).scalar_one()
    session.execute(text("UPDATE race_counter SET version = :v WHERE id = 1"), {"v": seen + 1})
    return seen


def _check_and_write(session) -> int:
    """The rule kept: bump the version only if it is still the one seen, in one statement; refuse otherwise."""
    seen = session.execute(text("SELECT version FROM race_counter WHERE id = 1")).scalar_one()
    bumped = session.execute(text("UPDATE race_counter SET version = version + 1 WHERE id = 1 AND version = :v"),
                             {"v": seen})
    if bumped.rowcount != 1:
        raise RuntimeError("stale")
    return seen


@pytest.mark.parametrize("first", [None, 0, 1])
def test_both_steps_read_before_either_writes(engine, first):
    assert race(engine, _read_then_write, _read_then_write, first=first) == [0, 0]  # both saw 0: both "won"


@pytest.mark.parametrize("first", [None, 0, 1])
def test_a_check_in_the_write_itself_lets_exactly_one_win(engine, first):
    outcome = race(engine, _check_and_write, _check_and_write, first=first)
    assert sorted(map(str, outcome)) == ["0", "stale"], outcome
    assert first is None or outcome[first] == 0


@pytest.mark.parametrize("first", [0, 1])
def test_the_first_step_writes_first_and_the_other_writes_on_its_result(engine, first):
    def append(digit: int):
        return lambda s: s.execute(text("UPDATE race_counter SET version = version * 10 + :d WHERE id = 1"),
                                   {"d": digit})
    race(engine, append(1), append(2), first=first)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version FROM race_counter")).scalar_one() == [12, 21][first]


def test_a_step_that_never_writes_does_not_hold_up_the_others(engine):
    outcome = race(engine, lambda s: s.execute(text("SELECT 1")).scalar_one(), _check_and_write, first=0)
    assert outcome == [1, 0]
