"""The change history is written from the flush: exactly what changed, by whom; never a write without an actor."""
import ast
from datetime import date

import pytest
from sqlmodel import select

from core import history
from core.enums import Role
from core.models import Clinic, HistoryEntry, Review, User
from core.services import actions, agenda, attendance, clinics, minutes, reviews, users
from core.services.auth import SYSTEM_ACTOR, record_login
from tests.conftest import PROJECT_DIR
from tests.core.conftest import approve_all, decide, make_review
from tests.factories import NOW, TODAY, actor_of, make_clinic, make_org, make_user


def _entries(session, **where) -> list[HistoryEntry]:
    query = select(HistoryEntry).order_by(HistoryEntry.id)
    for key, value in where.items():
        query = query.where(getattr(HistoryEntry, key) == value)
    return list(session.exec(query))


def test_a_tracked_object_flushed_without_an_actor_is_refused_and_nothing_is_written(session):
    make_org(session)
    session.add(Clinic(organisation_id=1, code="NM", name="Nuklearmedicin"))
    with pytest.raises(history.UntrackedWrite):
        session.flush()
    session.rollback()
    assert session.exec(select(Clinic)).all() == [] and _entries(session) == []


def test_a_change_alone_of_what_is_no_news_needs_no_actor(session):
    make_user(session, "erik", Role.SAMORDNARE)
    session.commit()
    record_login(session, username="erik", now=NOW)  # login bookkeeping, not a change anyone made
    session.commit()
    assert session.exec(select(User)).one().last_login_at is not None and _entries(session) == []


def test_an_update_records_exactly_the_changed_fields_and_never_a_secret_or_the_version(session):
    org = make_org(session)
    rtg = make_clinic(session, org, "RTG", name="Röntgen", head_name="Anna Berg")
    admin = actor_of(make_user(session, "admin", Role.ADMIN))
    clinics.update_clinic(session, actor=admin, clinic_id=rtg.id, expected_version=rtg.version, now=NOW,
                          data={"name": "Röntgenkliniken", "head_name": "Anna Berg", "site": None,
                                "modalities": [], "active": True})
    users.reset_password(session, actor=admin, user_id=admin.user_id, new_password="ett-nytt-losenord", now=NOW)
    clinic_entry, password_entry = _entries(session)
    assert (clinic_entry.entity, clinic_entry.entity_id, clinic_entry.operation, clinic_entry.clinic_id) == (
        "Clinic", rtg.id, "update", rtg.id)
    assert (clinic_entry.old_values, clinic_entry.new_values) == ({"name": "Röntgen"}, {"name": "Röntgenkliniken"})
    assert (clinic_entry.actor_name, clinic_entry.user_id, clinic_entry.at) == ("Admin", admin.user_id, NOW)
    assert (password_entry.entity, password_entry.new_values) == ("User", {"password": "ändrat"})
    assert "password_hash" not in str(password_entry.old_values) + str(password_entry.new_values)


def test_a_save_that_changes_nothing_records_nothing(session, rtg):
    review = make_review(session, rtg)
    item = agenda.items(session, actor=SYSTEM_ACTOR, review_id=review.id)[8]  # a § without a standard text
    before = len(_entries(session))
    agenda.save_notes(session, actor=rtg["erik"], item_id=item.id, notes="", decisions="", now=NOW,
                      expected_version=item.version)
    assert len(_entries(session)) == before


def test_a_review_is_created_as_one_entry_with_its_agenda_invitations_and_follow_up(session, rtg):
    review = make_review(session, rtg)
    created = _entries(session, review_id=review.id)
    assert [(e.entity, e.operation) for e in created] == [("Review", "create")]
    assert created[0].new_values["location"] == "Konferensrum Röntgen" and "version" not in created[0].new_values
    added = agenda.add_item(session, actor=rtg["erik"], review_id=review.id, title="Nytt system", now=NOW)
    agenda.remove_item(session, actor=rtg["erik"], item_id=added.id, now=NOW)  # the later §§ move up: no news
    assert [(e.entity, e.operation, (e.new_values or e.old_values)["title"])
            for e in _entries(session, entity="AgendaItem")] == [
        ("AgendaItem", "create", "Nytt system"), ("AgendaItem", "delete", "Nytt system")]


def test_an_operation_beyond_an_update_joins_the_objects_own_entry(session, rtg):
    review = make_review(session, rtg)
    approve_all(session, rtg, review)
    minutes.reopen(session, actor=rtg["anna"], review_id=review.id, reason="Fel datum", now=NOW)
    reopened = _entries(session, entity="Review", operation="reopen")
    assert len(reopened) == 1 and (reopened[0].old_values["status"], reopened[0].new_values["status"]) == (
        "approved", "meeting")
    assert reopened[0].new_values["motivering"] == "Fel datum" and reopened[0].new_values["minutes_version"] == 2


def test_each_service_call_is_its_own_change_with_its_own_actor(session, rtg):
    review = make_review(session, rtg)
    action = decide(session, rtg, review)
    actions.update_action(session, actor=rtg["erik"], action_id=action.id, status="in_progress",
                          expected_version=action.version, today=TODAY, now=NOW)
    decided, updated = _entries(session, entity="Action")
    assert (decided.operation, decided.actor_name, decided.review_id) == ("create", "Anna Berg", review.id)
    assert (updated.operation, updated.actor_name, updated.new_values) == (
        "update", "Erik Lind", {"status": "in_progress"})


def test_a_change_after_a_service_is_recorded_as_that_service_s_change(session, rtg):
    review = make_review(session, rtg)
    row = attendance.attendees(session, actor=SYSTEM_ACTOR, review_id=review.id)[0]
    attendance.update_attendee(session, actor=rtg["anna"], attendance_id=row.id, status="present", now=NOW,
                               expected_version=row.version)
    reviews.set_next_review(session, actor=rtg["erik"], review_id=review.id, next_date=date(2026, 3, 11), now=NOW)
    names = {(e.entity, e.actor_name) for e in _entries(session, operation="update")}
    assert names == {("Attendance", "Anna Berg"), ("Review", "Erik Lind")}


def test_only_core_history_writes_history_entries():
    """A service that wrote its own entry would be a second copy of the rule (and could forget it)."""
    offenders = []
    for path in [*(PROJECT_DIR / "core").rglob("*.py"), *(PROJECT_DIR / "pages").rglob("*.py")]:
        if path.relative_to(PROJECT_DIR).as_posix() in {"core/history.py", "core/models/registers.py"}:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "HistoryEntry":
                offenders.append(f"{path.relative_to(PROJECT_DIR)}:{node.lineno}")
            if isinstance(node, ast.Attribute) and node.attr in {"snapshot", "changed"} and getattr(
                    node.value, "id", None) == "history":
                offenders.append(f"{path.relative_to(PROJECT_DIR)}:{node.lineno} history.{node.attr}")
    assert offenders == []


def test_approval_is_recorded_once_per_signature_and_once_for_the_review(session, rtg):
    review = make_review(session, rtg)
    approve_all(session, rtg, review)
    approvals = _entries(session, operation="approve")
    assert sorted(e.entity for e in approvals) == ["Review", "Signature", "Signature", "Signature"]
    assert session.get(Review, review.id).status == "approved"
