"""The change history (Ändringshistorik), written from the session's flush so that no service can forget it.

A service starts a change set with `track(session, actor=..., now=...)`; from then on every create, update and
delete of a tracked model that the session flushes is recorded as the actor's, with the old and new values taken
from SQLAlchemy's attribute history. What a flush cannot see (an approval, a reopening, a summary of a bulk load, a
changed password) is added with `record`, and joins the object's own entry of the change set when there is one.
A tracked object flushed without a change set is refused, so a write without an actor is never left unrecorded.
Every entry is hash-chained when its transaction commits (core/history_chain.py).
"""
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy import event, insert, inspect, update
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col

from core import history_chain
from core.enums import HistoryOperation
from core.models import (
    Action,
    AgendaItem,
    Answer,
    Attendance,
    Clinic,
    ClinicalAudit,
    FindingDecision,
    FollowUp,
    HistoryEntry,
    Organisation,
    Review,
    SafetyEvent,
    SelfAssessment,
    User,
)
from core.permissions import Actor

SECRET_FIELDS = frozenset({"password_hash", "content"})  # never copied into the history
BOOKKEEPING = frozenset({"version"})  # the stale-save counter, not a change of its own
KEY = "history"
Scope = Callable[[Session, Any], tuple[int | None, int | None]]


class Row(Protocol):
    """A row of a tracked model, as `record` is given it (its id is None until it is flushed)."""

    @property
    def id(self) -> int | None:
        """Return the row's primary key."""


class UntrackedWrite(RuntimeError):
    """A tracked object was flushed outside a change set: the write would have no actor in the history."""


def _nowhere(_session: Session, _obj) -> tuple[None, None]:
    """Belong to no clinic and no review (the organisation, a user)."""
    return None, None


def _own_clinic(_session: Session, obj) -> tuple[int | None, None]:
    """Belong to the object's clinic."""
    return obj.clinic_id, None


def _of_review(session: Session, obj) -> tuple[int | None, int | None]:
    """Belong to the object's review and that review's clinic."""
    review = session.get(Review, obj.review_id)
    return (review.clinic_id if review else None), obj.review_id


def _of_assessment(session: Session, obj) -> tuple[int | None, None]:
    """Belong to the clinic of the answer's self-assessment."""
    assessment = session.get(SelfAssessment, obj.self_assessment_id)
    return (assessment.clinic_id if assessment else None), None


@dataclass(frozen=True)
class Tracked:
    """How a model's changes are recorded: where they belong, what alone is no news, what it is created with."""

    scope: Scope
    quiet: frozenset[str] = frozenset()  # changed alone, not worth an entry (a position, login bookkeeping)
    part_of: tuple[type, str] | None = None  # created with this parent in one change set: the parent's entry says it


TRACKED: dict[type, Tracked] = {
    Organisation: Tracked(_nowhere),
    Clinic: Tracked(lambda _s, clinic: (clinic.id, None)),
    User: Tracked(_nowhere, quiet=frozenset({"failed_logins", "locked_until", "last_login_at", "logged_out_at",
                                             "password_changed_at"})),
    Review: Tracked(lambda _s, review: (review.clinic_id, review.id), quiet=frozenset({"current_item"})),
    Attendance: Tracked(_of_review, part_of=(Review, "review_id")),
    AgendaItem: Tracked(_of_review, quiet=frozenset({"number"}), part_of=(Review, "review_id")),
    FollowUp: Tracked(_of_review, part_of=(Review, "review_id")),
    Action: Tracked(lambda _s, action: (action.clinic_id, action.review_id)),
    FindingDecision: Tracked(_of_review),
    SafetyEvent: Tracked(_own_clinic),
    ClinicalAudit: Tracked(_own_clinic),
    SelfAssessment: Tracked(_own_clinic),
    Answer: Tracked(_of_assessment, part_of=(SelfAssessment, "self_assessment_id")),
}


@dataclass
class Written:
    """An entry as written, so that later changes of its object in the change set join it."""

    id: int
    operation: str
    old: dict | None = None
    new: dict | None = None


@dataclass
class ChangeSet:
    """One service call's changes: who, when, and the entries written so far (one per object)."""

    actor: Actor
    now: datetime
    entries: dict[tuple[type, int], Written] = field(default_factory=dict)
    created: set[tuple[type, int]] = field(default_factory=set)


UNRECORDED = object()  # test fixtures write rows that are nobody's change


def plain(value):
    """Make a value JSON-friendly for the history."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set, frozenset)):
        return sorted(value) if isinstance(value, (set, frozenset)) else list(value)
    return value


def track(session: Session, *, actor: Actor, now: datetime) -> None:
    """Record what the session flushes from now on as the actor's change at `now` (one change set per service call)."""
    session.flush()  # what an earlier call left pending is that call's change
    session.info[KEY] = ChangeSet(actor, now)


@contextmanager
def unrecorded(session: Session) -> Iterator[None]:
    """Write rows that are nobody's change (test fixtures); every service still records its own."""
    before = session.info.get(KEY)
    session.flush()
    session.info[KEY] = UNRECORDED
    try:
        yield
        session.flush()
    finally:
        session.info[KEY] = before


def record(session: Session, target: Row | str, *, operation: HistoryOperation, old: dict | None = None,
           new: dict | None = None, clinic_id: int | None = None, review_id: int | None = None) -> None:
    """Record what a flush cannot see; about an object, it joins that object's entry of the change set."""
    changes = _change_set(session)
    if isinstance(target, str):  # a summary of many rows, or of rows no longer there
        _insert(session, changes, target, None, operation, (clinic_id, review_id), old, new)
        return
    if target.id is None:
        session.flush()
    _write(session, changes, target, operation, old, new, (clinic_id, review_id))


def _change_set(session: Session) -> ChangeSet:
    """Return the session's change set, or refuse a write that names nobody."""
    changes = session.info.get(KEY)
    if not isinstance(changes, ChangeSet):
        raise UntrackedWrite("A tracked change is written without an actor: call core.history.track(session, "
                             "actor=..., now=...) first (or history.unrecorded for a test fixture).")
    return changes


def _values(values: dict | None) -> dict | None:
    """Return values as the history stores them (JSON-friendly), or None for none."""
    return {key: plain(value) for key, value in values.items()} if values else None


def _insert(session: Session, changes: ChangeSet, entity: str, entity_id: int | None, operation: HistoryOperation,
            scope: tuple[int | None, int | None], old: dict | None, new: dict | None) -> Written:
    """Write a new entry at once, on the session's connection (also from inside a flush)."""
    written = Written(0, operation.value, _values(old), _values(new))
    result = session.connection().execute(insert(HistoryEntry).values(
        at=changes.now, user_id=changes.actor.user_id, actor_name=changes.actor.name, entity=entity,
        entity_id=entity_id, operation=written.operation, clinic_id=scope[0], review_id=scope[1],
        old_values=written.old, new_values=written.new))
    key = result.inserted_primary_key
    assert key is not None  # an INSERT of one row always has its key
    written.id = key[0]
    history_chain.written(session, written.id)
    return written


def _write(session: Session, changes: ChangeSet, obj, operation: HistoryOperation, old: dict | None,
           new: dict | None, scope: tuple[int | None, int | None]) -> None:
    """Write what happened to an object: its first entry of the change set, or joined to that entry."""
    key = (type(obj), obj.id)
    written = changes.entries.get(key)
    if written is None or operation == HistoryOperation.DELETE:
        rule = TRACKED.get(type(obj))
        changes.entries[key] = _insert(session, changes, type(obj).__name__, obj.id, operation,
                                       rule.scope(session, obj) if rule else scope, old, new)
        return
    if written.operation == HistoryOperation.UPDATE and operation != HistoryOperation.UPDATE:
        written.operation = operation.value  # an approval or a reopening is more than an update
    if old and written.operation != HistoryOperation.CREATE:
        written.old = {**(_values(old) or {}), **(written.old or {})}  # the first old value of a field stays
    if new:
        written.new = {**(written.new or {}), **(_values(new) or {})}  # the last new one wins
    session.connection().execute(update(HistoryEntry).where(col(HistoryEntry.id) == written.id).values(
        operation=written.operation, old_values=written.old, new_values=written.new))


def _fields(obj, skip: frozenset[str] = frozenset()) -> list[str]:
    """Return the names of the object's columns worth recording."""
    return [a.key for a in inspect(obj).mapper.column_attrs if a.key not in SECRET_FIELDS | BOOKKEEPING | skip]


def snapshot(obj) -> dict:
    """Return an object's recordable values (secrets and bookkeeping left out)."""
    return {key: plain(getattr(obj, key)) for key in _fields(obj)}


def _changed(obj) -> tuple[dict, dict]:
    """Return the old and new values of the fields a flush changes (quiet ones left out)."""
    state, old, new = inspect(obj), {}, {}
    for key in _fields(obj, TRACKED[type(obj)].quiet):
        history = state.attrs[key].history
        if history.has_changes():
            old[key] = history.deleted[0] if history.deleted else None
            new[key] = history.added[0] if history.added else None
    return old, new


def _pending(session: Session) -> Iterator[tuple[HistoryOperation, Any]]:
    """Yield the tracked objects a flush writes, with what it does to them."""
    for obj in session.new:
        if type(obj) in TRACKED:
            yield HistoryOperation.CREATE, obj
    for obj in session.dirty:
        if type(obj) in TRACKED and _changed(obj)[1]:
            yield HistoryOperation.UPDATE, obj
    for obj in session.deleted:
        if type(obj) in TRACKED:
            yield HistoryOperation.DELETE, obj


def _created_with_parent(changes: ChangeSet, obj) -> bool:
    """Tell whether the object's parent was created in the same change set (a review's agenda, say)."""
    part_of = TRACKED[type(obj)].part_of
    return part_of is not None and (part_of[0], getattr(obj, part_of[1])) in changes.created


def _refuse_unrecorded(session: Session, _flush_context, _instances) -> None:
    """Refuse to flush a tracked change outside a change set (before anything is written)."""
    if session.info.get(KEY) is not UNRECORDED and next(_pending(session), None) is not None:
        _change_set(session)


def _record_flush(session: Session, _flush_context) -> None:
    """Record the tracked creates, updates and deletes this flush wrote (ids are known now)."""
    changes = session.info.get(KEY)
    if not isinstance(changes, ChangeSet):
        return
    pending = list(_pending(session))
    changes.created |= {(type(obj), obj.id) for operation, obj in pending if operation == HistoryOperation.CREATE}
    for operation, obj in pending:
        if operation == HistoryOperation.CREATE and _created_with_parent(changes, obj):
            continue  # the parent's creation says it
        old, new = ((None, snapshot(obj)) if operation == HistoryOperation.CREATE else
                    (snapshot(obj), None) if operation == HistoryOperation.DELETE else _changed(obj))
        _write(session, changes, obj, operation, old, new, (None, None))


def _forget(session: Session, *_args) -> None:
    """End the change set with its transaction."""
    if isinstance(session.info.get(KEY), ChangeSet):
        del session.info[KEY]


def install() -> None:
    """Write the history from every session's flush (once per process)."""
    for name, listener in (("before_flush", _refuse_unrecorded), ("after_flush", _record_flush),
                           ("after_commit", _forget), ("after_rollback", _forget)):
        if not event.contains(OrmSession, name, listener):
            event.listen(OrmSession, name, listener)
    history_chain.install()


install()
