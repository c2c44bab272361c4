"""Klinikens genomgång: invitations, agenda, actions, follow-up next year, justering, locking."""
import hashlib
from datetime import date, timedelta

import pytest
from sqlmodel import select

from core.enums import ActionStatus, AttendanceStatus, MeetingRole, ReviewStatus
from core.errors import Conflict, InvalidInput, UserError
from core.models import Action, FollowUp, HistoryEntry, Signature
from core.permissions import PermissionDenied
from core.services import actions, agenda, attendance, minutes, minutes_document, reviews
from core.services._queries import REQUIRED_ROLES, minutes_record
from core.services.auth import SYSTEM_ACTOR
from tests.core.conftest import approve_all, decide, make_review, mark_present
from tests.factories import NOW, TODAY


def test_new_review_invites_the_routines_roles_and_numbers_the_agenda(session, rtg):
    review = make_review(session, rtg)
    assert (review.start_time, review.protocol_number, review.status) == ("13:00", "RTG 1/2025", "preparation")
    invited = {(a.meeting_role, a.name) for a in attendance.attendees(session, actor=SYSTEM_ACTOR, review_id=review.id)}
    assert ("head_of_department", "Anna Berg") in invited and ("physicist", "Johan Sund") in invited
    assert ("first_line_manager", "") in invited  # the role is on the list even before a name is known
    items = agenda.items(session, actor=SYSTEM_ACTOR, review_id=review.id)
    assert [i.number for i in items] == list(range(1, 11)) and items[1].title == "Val av justerare"


def test_a_required_role_without_anyone_present_is_flagged(session, rtg):
    review = make_review(session, rtg)
    assert attendance.missing_roles(session, actor=SYSTEM_ACTOR, review_id=review.id) == list(REQUIRED_ROLES)
    for row in attendance.attendees(session, actor=SYSTEM_ACTOR, review_id=review.id):
        if row.meeting_role != MeetingRole.RADIOLOGY_LEAD:
            attendance.update_attendee(session, actor=rtg["erik"], attendance_id=row.id, name=row.name or "Lisa Chef",
                                       status=AttendanceStatus.PRESENT, now=NOW, expected_version=row.version)
    assert attendance.missing_roles(session, actor=SYSTEM_ACTOR, review_id=review.id) == [MeetingRole.RADIOLOGY_LEAD]
    lead = next(a for a in attendance.attendees(session, actor=SYSTEM_ACTOR, review_id=review.id)
                if a.meeting_role == MeetingRole.RADIOLOGY_LEAD)
    attendance.update_attendee(session, actor=rtg["erik"], attendance_id=lead.id, name="Sara Holm",
                               status=AttendanceStatus.STAND_IN, stand_in_for="Omar Haddad", now=NOW,
                               expected_version=lead.version)
    assert attendance.missing_roles(session, actor=SYSTEM_ACTOR, review_id=review.id) == []


def test_bad_details_are_refused_by_field(session, rtg):
    with pytest.raises(InvalidInput, match='Starttid: "25:00" är inte en tid'):
        reviews.create_review(session, actor=rtg["erik"], clinic_id=rtg["clinic"].id, year=2025, now=NOW,
                              data={"start_time": "25:00"})
    make_review(session, rtg)
    with pytest.raises(InvalidInput, match="RTG har redan en genomgång 2025"):
        make_review(session, rtg)


def test_only_the_clinics_own_roles_run_and_decide(session, rtg):
    with pytest.raises(PermissionDenied):
        reviews.create_review(session, actor=rtg["karin"], clinic_id=rtg["clinic"].id, year=2025, data={}, now=NOW)
    with pytest.raises(PermissionDenied):
        reviews.create_review(session, actor=rtg["nils"], clinic_id=rtg["clinic"].id, year=2025, data={}, now=NOW)
    review = make_review(session, rtg)
    with pytest.raises(PermissionDenied):
        actions.decide_action(session, actor=rtg["nils"], review_id=review.id, now=NOW,
                              data={"title": "X", "owner_name": "Y", "due_date": TODAY})


def test_decided_actions_need_what_who_and_when(session, rtg):
    review = make_review(session, rtg)
    with pytest.raises(InvalidInput) as refused:
        actions.decide_action(session, actor=rtg["anna"], review_id=review.id, now=NOW, data={"title": " "})
    assert refused.value.problems == ["Åtgärd: måste fyllas i (vad ska göras?).",
                                      "Klart senast: måste fyllas i (ÅÅÅÅ-MM-DD)."]
    free = {"title": "Ny rutin", "owner_name": "Lisa Chef", "owner_role": "Första linjens chef", "due_date": TODAY}
    with pytest.raises(InvalidInput) as refused:  # an action answering no finding, no gap and nothing written
        actions.decide_action(session, actor=rtg["anna"], review_id=review.id, now=NOW, data=free)
    assert refused.value.problems == ["Svarar mot: skriv vad åtgärden svarar mot (t.ex. en fråga under Övriga "
                                      "frågor); en åtgärd som inte svarar mot något kan inte följas upp i sak."]
    typed = actions.decide_action(session, actor=rtg["anna"], review_id=review.id, now=NOW,
                                  data={**free, "answers_to": " Övriga frågor: rutin för gravida "})
    assert typed.answers_to == "Övriga frågor: rutin för gravida"
    assert (typed.number, typed.owner_id, typed.owner_role) == (1, None, "Första linjens chef")
    assert decide(session, rtg, review).number == 2


def test_overdue_is_computed_from_the_due_date_and_today(session, rtg):
    action = decide(session, rtg, make_review(session, rtg), due=date(2025, 9, 30))
    assert not action.is_overdue_on(date(2025, 9, 30))
    assert action.is_overdue_on(date(2025, 10, 1))
    action.status = ActionStatus.DONE
    assert not action.is_overdue_on(date(2026, 1, 1))


def test_owner_updates_status_cancel_needs_reason_done_records_the_date(session, rtg):
    action = decide(session, rtg, make_review(session, rtg))
    with pytest.raises(PermissionDenied):
        actions.update_action(session, actor=rtg["nils"], action_id=action.id, status="in_progress",
                              expected_version=action.version, today=TODAY, now=NOW)
    with pytest.raises(InvalidInput, match="behöver ett skäl"):
        actions.update_action(session, actor=rtg["erik"], action_id=action.id, status="cancelled",
                              expected_version=action.version, today=TODAY, now=NOW)
    actions.update_action(session, actor=rtg["erik"], action_id=action.id, status="done", comment="Klart",
                          expected_version=action.version, today=date(2025, 8, 1), now=NOW)
    assert (action.status, action.done_on, action.status_comment) == ("done", date(2025, 8, 1), "Klart")


def test_second_save_of_the_same_action_is_refused(session, rtg):
    action = decide(session, rtg, make_review(session, rtg))
    opened = action.version
    actions.update_action(session, actor=rtg["erik"], action_id=action.id, status="in_progress",
                          expected_version=opened, today=TODAY, now=NOW)
    with pytest.raises(Conflict):
        actions.update_action(session, actor=rtg["anna"], action_id=action.id, status="done",
                              expected_version=opened, today=TODAY, now=NOW)
    assert action.status == "in_progress"


def test_justering_records_who_when_and_checksum_then_locks(session, rtg):
    review = make_review(session, rtg)
    decide(session, rtg, review)
    with pytest.raises(InvalidInput, match="välj minst en justerare"):
        minutes.send_for_approval(session, actor=rtg["erik"], review_id=review.id, now=NOW)
    mark_present(session, rtg, review)
    minutes.choose_adjusters(session, actor=rtg["erik"], review_id=review.id, user_ids=[rtg["users"]["nils"].id],
                             now=NOW)
    minutes.send_for_approval(session, actor=rtg["erik"], review_id=review.id, now=NOW)
    with pytest.raises(UserError, match="inte vald"):
        minutes.approve(session, actor=rtg["karin"], review_id=review.id, now=NOW)
    minutes.approve(session, actor=rtg["anna"], review_id=review.id, now=NOW)
    minutes.approve(session, actor=rtg["erik"], review_id=review.id, now=NOW)  # vid protokollet
    assert review.status == ReviewStatus.APPROVAL  # the justerare has not approved yet
    minutes.approve(session, actor=rtg["nils"], review_id=review.id, now=NOW + timedelta(hours=1))
    assert review.status == ReviewStatus.APPROVED and review.approved_at == NOW + timedelta(hours=1)
    signed = minutes.signatures(session, actor=SYSTEM_ACTOR, review_id=review.id)
    frozen = minutes_record(session, review)
    checksum = minutes.content_hash(frozen.content)
    assert checksum == frozen.content_sha256 and frozen.pdf_sha256 == hashlib.sha256(frozen.pdf).hexdigest()
    assert [(s.role, s.content_sha256) for s in signed] == [("chair", checksum), ("secretary", checksum),
                                                             ("adjuster", checksum)]


def test_approved_minutes_refuse_every_change(session, rtg):
    review = make_review(session, rtg)
    action = decide(session, rtg, review)
    approve_all(session, rtg, review)
    item = agenda.items(session, actor=SYSTEM_ACTOR, review_id=review.id)[0]
    attempts = [
        lambda: agenda.save_notes(session, actor=rtg["erik"], item_id=item.id, notes="x", decisions="", now=NOW,
                                  expected_version=item.version),
        lambda: decide(session, rtg, review, title="Sent tillägg"),
        lambda: reviews.update_review(session, actor=rtg["erik"], review_id=review.id, data={},
                                      expected_version=review.version, now=NOW),
        lambda: reviews.set_next_review(session, actor=rtg["erik"], review_id=review.id, next_date=TODAY, now=NOW),
    ]
    for attempt in attempts:
        with pytest.raises(UserError, match="justerat och kan inte ändras"):
            attempt()
    assert session.exec(select(Action).where(Action.review_id == review.id)).all() == [action]


def test_reopen_needs_a_reason_is_logged_bumps_the_version_and_clears_approvals(session, rtg):
    review = make_review(session, rtg)
    approve_all(session, rtg, review)
    with pytest.raises(PermissionDenied):
        minutes.reopen(session, actor=rtg["erik"], review_id=review.id, reason="Fel datum", now=NOW)
    with pytest.raises(InvalidInput, match="Motivering"):
        minutes.reopen(session, actor=rtg["anna"], review_id=review.id, reason=" ", now=NOW)
    minutes.reopen(session, actor=rtg["anna"], review_id=review.id, reason="Fel datum i § 9", now=NOW)
    assert (review.status, review.minutes_version, review.approved_at) == ("meeting", 2, None)
    assert all(s.signed_at is None for s in minutes.signatures(session, actor=SYSTEM_ACTOR, review_id=review.id))
    assert len(session.exec(select(Signature).where(Signature.signed_at != None)).all()) == 3  # noqa: E711
    event = session.exec(select(HistoryEntry).where(HistoryEntry.operation == "reopen")).one()
    assert event.new_values["motivering"] == "Fel datum i § 9"


def test_next_year_follows_up_every_open_action_and_freezes_the_status(session, rtg):
    first = make_review(session, rtg)
    open_one = decide(session, rtg, first, title="Öppen åtgärd")
    done_one = decide(session, rtg, first, title="Klar åtgärd")
    cancelled = decide(session, rtg, first, title="Avskriven åtgärd")
    actions.update_action(session, actor=rtg["erik"], action_id=done_one.id, status="done",
                          expected_version=done_one.version, today=date(2025, 6, 1), now=NOW)
    actions.update_action(session, actor=rtg["erik"], action_id=cancelled.id, status="cancelled",
                          cancel_reason="Ersatt", expected_version=cancelled.version, today=TODAY, now=NOW)
    approve_all(session, rtg, first)
    second = make_review(session, rtg, year=2026, day=date(2026, 3, 11))
    followed = {f.action_id: f for f in session.exec(select(FollowUp).where(FollowUp.review_id == second.id))}
    assert set(followed) == {open_one.id, done_one.id}  # done since the last review is reported too
    actions.record_follow_up(session, actor=rtg["erik"], follow_up_id=followed[open_one.id].id,
                             status="in_progress", comment="Två av tre protokoll klara",
                             expected_version=open_one.version, today=TODAY, now=NOW)
    assert open_one.status == "in_progress"
    approve_all(session, rtg, second)
    printed = minutes_document.review_minutes_pdf(session, actor=rtg["erik"], review_id=second.id)
    actions.update_action(session, actor=rtg["erik"], action_id=open_one.id, status="done",
                          expected_version=open_one.version, today=date(2026, 5, 1), now=NOW)
    assert minutes_document.review_minutes_pdf(session, actor=rtg["erik"], review_id=second.id) == printed
    with pytest.raises(UserError, match="justerat"):
        actions.record_follow_up(session, actor=rtg["erik"], follow_up_id=followed[open_one.id].id,
                                 status="done", comment="", expected_version=open_one.version, today=TODAY, now=NOW)


def test_follow_ups_keep_their_number_order_when_one_is_postponed(session, rtg):
    """The meeting and the minutes list earlier actions as 2025:1, 2025:2, 2025:3, whatever their due dates."""
    from core.services.minutes_content import build_content

    first = make_review(session, rtg)
    for n, due in ((1, date(2025, 12, 31)), (2, date(2025, 6, 30)), (3, date(2025, 9, 30))):
        decide(session, rtg, first, title=f"Åtgärd nummer {n}", due=due)
    approve_all(session, rtg, first)
    second = make_review(session, rtg, year=2026, day=date(2026, 3, 11))
    rows = actions.follow_ups(session, actor=SYSTEM_ACTOR, review_id=second.id)
    assert [a.number for _, a, _ in rows] == [1, 2, 3]  # not by due date (2, 3, 1)
    actions.record_follow_up(session, actor=rtg["erik"], follow_up_id=rows[0][0].id, status="in_progress",
                             comment="Skjuts upp", new_due_date=date(2027, 1, 31), expected_version=rows[0][1].version,
                             today=TODAY, now=NOW)
    for follow_up, action, _ in rows[1:]:
        actions.record_follow_up(session, actor=rtg["erik"], follow_up_id=follow_up.id, status="done", comment="",
                                 expected_version=action.version, today=TODAY, now=NOW)
    rows = actions.follow_ups(session, actor=SYSTEM_ACTOR, review_id=second.id)
    assert [(a.number, f.status) for f, a, _ in rows] == [(1, "in_progress"), (2, "done"), (3, "done")]
    section = next(s for s in build_content(session, actor=SYSTEM_ACTOR, review=second).sections
                   if s.kind == "follow_up")
    assert [row[0] for row in section.blocks[0].rows[1:]] == ["2025:1", "2025:2", "2025:3"]


def test_every_change_is_in_the_history(session, rtg):
    review = make_review(session, rtg)
    action = decide(session, rtg, review)
    actions.update_action(session, actor=rtg["erik"], action_id=action.id, status="in_progress",
                          expected_version=action.version, today=TODAY, now=NOW)
    events = session.exec(select(HistoryEntry).where(HistoryEntry.review_id == review.id)).all()
    assert {(e.entity, e.operation) for e in events} >= {("Review", "create"), ("Action", "create")}
    update = session.exec(select(HistoryEntry).where(HistoryEntry.entity == "Action",
                                                   HistoryEntry.operation == "update")).one()
    assert (update.old_values, update.new_values, update.actor_name) == (
        {"status": "not_started"}, {"status": "in_progress"}, "Erik Lind")


def test_notes_saved_by_someone_else_meanwhile_are_not_overwritten(session, rtg):
    review = make_review(session, rtg)
    item = agenda.items(session, actor=SYSTEM_ACTOR, review_id=review.id)[7]
    opened = item.version
    agenda.save_notes(session, actor=rtg["anna"], item_id=item.id, notes="Annas anteckning", decisions="",
                      now=NOW, expected_version=opened)
    with pytest.raises(Conflict, match="Någon annan har ändrat anteckningarna för § 8 .* Ladda om"):
        agenda.save_notes(session, actor=rtg["erik"], item_id=item.id, notes="Eriks anteckning", decisions="",
                          now=NOW, expected_version=opened)
    assert (item.notes, item.version) == ("Annas anteckning", opened + 1)


def test_rules_that_keep_the_minutes_sensible(session, rtg):
    with pytest.raises(InvalidInput, match="Sluttid: måste vara efter starttiden"):
        reviews.create_review(session, actor=rtg["erik"], clinic_id=rtg["clinic"].id, year=2025, now=NOW,
                              data={"start_time": "16:00", "end_time": "15:00"})
    review = make_review(session, rtg)
    with pytest.raises(InvalidInput, match="före mötet"):
        decide(session, rtg, review, due=date(2025, 1, 15))
    with pytest.raises(InvalidInput, match="Roll: skriv vilken roll Pia Lund har"):
        actions.decide_action(session, actor=rtg["anna"], review_id=review.id, now=NOW,
                              data={"title": "X", "owner_name": "Pia Lund", "due_date": date(2025, 6, 1),
                                    "answers_to": "Övriga frågor"})
    with pytest.raises(InvalidInput, match="måste vara efter detta möte"):
        reviews.set_next_review(session, actor=rtg["erik"], review_id=review.id, next_date=date(2020, 1, 1), now=NOW)
    with pytest.raises(InvalidInput, match="protokollföraren kan inte justera"):
        minutes.choose_adjusters(session, actor=rtg["erik"], review_id=review.id,
                                 user_ids=[rtg["users"]["erik"].id], now=NOW)
    with pytest.raises(InvalidInput, match="finns redan i kallelsen"):
        attendance.add_attendee(session, actor=rtg["erik"], review_id=review.id, name="Nils Ek", meeting_role="other",
                                now=NOW)
    nils_row = next(a for a in attendance.attendees(session, actor=SYSTEM_ACTOR, review_id=review.id)
                    if a.name == "Nils Ek")
    with pytest.raises(InvalidInput, match="Ersätter: skriv vem"):
        attendance.update_attendee(session, actor=rtg["erik"], attendance_id=nils_row.id, status="stand_in", now=NOW,
                                   expected_version=nils_row.version)


def test_an_owner_may_not_cancel_a_decided_action(session, rtg):
    action = decide(session, rtg, make_review(session, rtg))
    action.owner_id = rtg["users"]["nils"].id
    with pytest.raises(PermissionDenied):
        actions.update_action(session, actor=rtg["nils"], action_id=action.id, status="cancelled",
                              cancel_reason="Hinner inte", expected_version=action.version, today=TODAY, now=NOW)
    actions.update_action(session, actor=rtg["nils"], action_id=action.id, status="in_progress",
                          expected_version=action.version, today=TODAY, now=NOW)


def test_a_decided_action_can_be_corrected_until_justering(session, rtg):
    review = make_review(session, rtg)
    action = decide(session, rtg, review, title="Optimera CT")
    actions.correct_action(session, actor=rtg["anna"], action_id=action.id, expected_version=action.version, now=NOW,
                           data={"title": "Optimera CT-protokoll för buk", "owner_id": rtg["users"]["anna"].id,
                                 "due_date": date(2025, 10, 31)})
    assert (action.title, action.owner_name, action.due_date) == ("Optimera CT-protokoll för buk", "Anna Berg",
                                                                  date(2025, 10, 31))
    approve_all(session, rtg, review)
    with pytest.raises(UserError, match="justerat"):
        actions.correct_action(session, actor=rtg["anna"], action_id=action.id, expected_version=action.version,
                               now=NOW, data={"title": "Sent", "owner_id": rtg["users"]["anna"].id,
                                              "due_date": date(2025, 10, 31)})


def test_attendance_changed_by_someone_else_is_not_overwritten(session, rtg):
    review = make_review(session, rtg)
    row = attendance.attendees(session, actor=SYSTEM_ACTOR, review_id=review.id)[0]
    opened = row.version
    attendance.update_attendee(session, actor=rtg["anna"], attendance_id=row.id, name=row.name, status="present",
                               now=NOW, expected_version=opened)
    with pytest.raises(Conflict, match="Någon annan har ändrat närvaron för Anna Berg .* Ladda om"):
        attendance.update_attendee(session, actor=rtg["erik"], attendance_id=row.id, name=row.name, status="absent",
                                   now=NOW, expected_version=opened)
    assert (row.status, row.version) == ("present", opened + 1)


def test_minutes_approved_by_an_older_portal_are_stored_once_at_upgrade(session, rtg):
    review = make_review(session, rtg)
    approve_all(session, rtg, review)
    session.delete(minutes_record(session, review))  # as a database from before minutes were frozen
    session.flush()
    assert minutes.store_unrecorded(session, actor=SYSTEM_ACTOR, now=NOW) == 1
    stored = minutes_record(session, review)
    assert stored.pdf.startswith(b"%PDF") and stored.approved_at == review.approved_at
    assert minutes.store_unrecorded(session, actor=SYSTEM_ACTOR, now=NOW) == 0
    assert minutes_document.review_minutes_pdf(session, actor=rtg["anna"], review_id=review.id) == stored.pdf


def test_a_decided_action_is_offered_six_months_after_the_meeting():
    from datetime import date

    from core.services.actions import default_due_date
    assert default_due_date(date(2026, 3, 11)) == date(2026, 9, 11)
    assert default_due_date(date(2026, 8, 31)) == date(2027, 2, 28)  # no 31 February: the month's last day
    assert default_due_date(date(2027, 12, 15)) == date(2028, 6, 15)


def test_a_new_review_starts_every_plain_section_with_its_standard_text(session, rtg):
    """§ 3, § 8 and § 10 never print empty; the meeting may change the texts, and a plain § can still be removed."""
    from core.services.minutes_content import build_content

    review = make_review(session, rtg)
    items = agenda.items(session, actor=SYSTEM_ACTOR, review_id=review.id)
    assert (items[2].decisions, items[7].notes, items[9].notes) == (
        "godkänna dagordningen", "Inga övriga frågor anmäldes.", "Ordföranden förklarade mötet avslutat.")
    sections = build_content(session, actor=SYSTEM_ACTOR, review=review).sections
    assert all(s.blocks for s in sections)
    assert [b.text for b in sections[2].blocks] == ["Beslutades att godkänna dagordningen."]
    assert [b.text for b in sections[9].blocks] == ["Ordföranden förklarade mötet avslutat."]
    agenda.save_notes(session, actor=rtg["erik"], item_id=items[7].id, notes="Fråga om nya blyförkläden.",
                      decisions="", now=NOW, expected_version=items[7].version)
    with pytest.raises(InvalidInput, match="har anteckningar"):
        agenda.remove_item(session, actor=rtg["erik"], item_id=items[7].id, now=NOW)
    agenda.remove_item(session, actor=rtg["erik"], item_id=items[2].id, now=NOW)  # only its standard decision
    assert len(agenda.items(session, actor=SYSTEM_ACTOR, review_id=review.id)) == 9
