"""Two (or more) transactions made to overlap by synchronisation on their first write, never by sleeping.

Each step runs in a thread with its own session. A step reads freely; just before its first write (INSERT,
UPDATE or DELETE) it waits until every other step has reached its own first write (or ended without one), so
all of them have read before any of them writes. Then either all write at once (a true race), or the step
named `first` writes first and keeps its transaction open until the others are about to write: they wait
for its lock and see what it committed. Nothing holds a lock while it waits at the barrier (SQLite reads
outside a transaction; PostgreSQL's reads take no row locks), so the choreography cannot deadlock; every
wait has a timeout, so a step that goes astray breaks the race instead of hanging the suite.
"""
import threading
from collections.abc import Callable
from contextlib import suppress

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session

WRITES = ("INSERT", "UPDATE", "DELETE")
TIMEOUT = 30  # seconds


def _is_write(statement: str) -> bool:
    """Tell whether a SQL statement writes."""
    return statement.lstrip().upper().startswith(WRITES)


class Race:
    """Where each racing thread is: held at its first write until the race lets it go."""

    def __init__(self, count: int, first: int | None):
        self.count, self.first = count, first
        self.all_arrived = threading.Barrier(count, timeout=TIMEOUT)
        self.first_wrote = threading.Event()
        self.others_writing = threading.Semaphore(0)
        self.local = threading.local()

    def before_write(self, _conn, _cursor, statement, *_args) -> None:
        """Engine hook: hold a racing thread before its first write."""
        if hasattr(self.local, "index") and not self.local.arrived and _is_write(statement):
            self._arrive()

    def after_write(self, _conn, _cursor, statement, *_args) -> None:
        """Engine hook: the first step's first write is done, so it holds its lock."""
        if getattr(self.local, "index", None) == self.first and _is_write(statement):
            self.first_wrote.set()

    def _arrive(self) -> None:
        """Wait for every step to reach its first write; a step that is not first then waits for the first."""
        self.local.arrived = True
        self.all_arrived.wait()
        if self.first is not None and self.local.index != self.first:
            if not self.first_wrote.wait(TIMEOUT):
                raise TimeoutError("the first step never wrote")
            self.others_writing.release()

    def end(self) -> None:
        """Before commit or rollback: take part even without a write; the first waits until the others write."""
        if self.local.ended:
            return
        self.local.ended = True
        if not self.local.arrived:
            self._arrive()
        if self.local.index == self.first:
            self.first_wrote.set()
            for _ in range(self.count - 1):
                if not self.others_writing.acquire(timeout=TIMEOUT):
                    raise TimeoutError("another step never came to write")

    def run(self, engine: Engine, index: int, step: Callable[[Session], object], outcome: list) -> None:
        """Run one step in this thread and record what it returned or raised."""
        self.local.index, self.local.arrived, self.local.ended = index, False, False
        with Session(engine, expire_on_commit=False) as s:
            try:
                result = step(s)
                s.flush()  # a write left for the commit is still a write of the race
                self.end()
                s.commit()
                outcome[index] = result
            except Exception as exc:  # noqa: BLE001  the test looks at it
                outcome[index] = exc
                with suppress(Exception):  # the others are let go even when this step failed
                    self.end()
                s.rollback()


def race(engine: Engine, *steps: Callable[[Session], object], first: int | None = None) -> list:
    """Run the steps overlapping as described above; return what each returned, or the exception it raised."""
    choreography, outcome = Race(len(steps), first), [None] * len(steps)
    event.listen(engine, "before_cursor_execute", choreography.before_write)
    event.listen(engine, "after_cursor_execute", choreography.after_write)
    try:
        threads = [threading.Thread(target=choreography.run, args=(engine, i, step, outcome))
                   for i, step in enumerate(steps)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=2 * TIMEOUT)
        assert not any(thread.is_alive() for thread in threads), "a racing step never finished"
    finally:
        event.remove(engine, "before_cursor_execute", choreography.before_write)
        event.remove(engine, "after_cursor_execute", choreography.after_write)
    return outcome
