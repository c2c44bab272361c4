"""Forms opened before someone else saved: the save is refused, the typing kept, and the latest can be loaded."""
from datetime import timedelta

from sqlmodel import Session, select

from core import db
from core.models import Action, Attendance, FollowUp, Review, SelfAssessment
from core.services import actions, agenda, attendance, reviews
from core.services import self_assessments as sa
from core.services.auth import SYSTEM_ACTOR, actor_for
from tests.factories import NOW
from tests.ui.helpers import logged_in, open_page, open_tab, visible_text

RELOAD = "Ladda om de senaste uppgifterna"


def _choose(at, year: int):
    at.selectbox(key="_widget_pick_meeting_year").select(year).run()
    return at


def _button(at, label: str):
    return next(b for b in at.button if b.label == label)


def _meeting(url: str):
    """Create RTG's review 2026, start the meeting as Erik and return the page on § 1 with the review."""
    at = _choose(open_page(logged_in("erik"), "pages/genomgang.py"), 2026)
    _button(at, "Skapa genomgången").click().run()
    at = _choose(open_page(logged_in("erik"), "pages/mote.py"), 2026)
    _button(at, "Starta mötet").click().run()
    with Session(db.make_engine(url)) as s:
        return at, s.exec(select(Review).where(Review.year == 2026, Review.clinic_id == 1)).one()


def _as_anna(url: str, change) -> None:
    """Let Anna save something in her own transaction, as another user at another screen."""
    with db.session_scope(db.make_engine(url)) as s:
        change(s, actor_for(s, "anna"))


def test_notes_saved_meanwhile_are_not_overwritten_and_the_typed_text_stays(demo_env):
    at, review = _meeting(demo_env)
    with Session(db.make_engine(demo_env)) as s:
        item = agenda.items(s, actor=SYSTEM_ACTOR, review_id=review.id)[0]
    notes = next(t for t in at.text_area if t.label == "Anteckningar")
    notes.input("Eriks anteckning")
    _as_anna(demo_env, lambda s, anna: agenda.save_notes(s, actor=anna, item_id=item.id, notes="Annas anteckning",
                                                           decisions="", now=NOW, expected_version=item.version))
    _button(at, "Spara anteckningar").click().run()
    assert ("Inget sparades. Någon annan har ändrat anteckningarna för § 1 sedan du öppnade formuläret. Ladda om de "
            "senaste uppgifterna och gör din ändring igen.") in [e.value for e in at.error]
    assert next(t for t in at.text_area if t.label == "Anteckningar").value == "Eriks anteckning"
    _button(at, RELOAD).click().run()
    assert next(t for t in at.text_area if t.label == "Anteckningar").value == "Annas anteckning"
    next(t for t in at.text_area if t.label == "Anteckningar").input("Annas anteckning. Eriks tillägg")
    _button(at, "Spara anteckningar").click().run()
    assert "Anteckningarna för § 1 är sparade." in visible_text(at)
    with Session(db.make_engine(demo_env)) as s:
        assert agenda.items(s, actor=SYSTEM_ACTOR, review_id=review.id)[0].notes == "Annas anteckning. Eriks tillägg"


def test_attendance_changed_meanwhile_is_refused_and_can_be_reloaded(demo_env):
    at, review = _meeting(demo_env)
    with Session(db.make_engine(demo_env)) as s:
        row = next(a for a in attendance.attendees(s, actor=SYSTEM_ACTOR, review_id=review.id) if a.name == "Anna Berg")
    at.segmented_control(key=f"s_{row.id}_{row.version}").set_value("absent")
    _as_anna(demo_env, lambda s, anna: attendance.update_attendee(s, actor=anna, attendance_id=row.id, status="present",
                                                                  now=NOW, expected_version=row.version))
    _button(at, "Spara närvaro").click().run()
    assert any("Någon annan har ändrat närvaron för Anna Berg sedan du öppnade formuläret. Ladda om" in e.value
               for e in at.error)
    assert at.segmented_control(key=f"s_{row.id}_{row.version}").value == "absent"  # what the user chose is still there
    with Session(db.make_engine(demo_env)) as s:
        assert s.get(Attendance, row.id).status == "present"
    _button(at, RELOAD).click().run()
    assert at.segmented_control(key=f"s_{row.id}_{row.version + 1}").value == "present"


def test_an_answer_saved_meanwhile_is_not_overwritten(demo_env):
    at = open_page(logged_in("erik"), "pages/egenkontroll.py")
    at.selectbox(key="_widget_pick_meeting_year").select(2026).run()
    _button(at, "Påbörja egenkontrollen").click().run()
    with Session(db.make_engine(demo_env)) as s:
        assessment = sa.find(s, actor=actor_for(s, "erik"), clinic_id=1, year=2026)
        answer, criterion = sa.answers(s, actor=SYSTEM_ACTOR, assessment_id=assessment.id)[0]
    at.radio(key=f"lvl_{answer.id}_{answer.version}").set_value(2)
    _as_anna(demo_env, lambda s, anna: sa.save_answer(s, actor=anna, answer_id=answer.id, level=4,
                                                      not_applicable=False, reason=None, evidence=None, comment=None,
                                                      now=NOW, expected_version=answer.version))
    next(b for b in at.button if b.label == "Spara området").click().run()
    assert any(f"Någon annan har ändrat svaret på {criterion.code} sedan du öppnade formuläret. Ladda om" in e.value
               for e in at.error)
    assert at.radio(key=f"lvl_{answer.id}_{answer.version}").value == 2
    next(b for b in at.button if b.label == RELOAD).click().run()
    assert at.radio(key=f"lvl_{answer.id}_{answer.version + 1}").value == 4


def test_meeting_details_changed_meanwhile_are_refused_and_the_typed_place_stays(demo_env):
    at = _choose(open_page(logged_in("erik"), "pages/genomgang.py"), 2026)
    _button(at, "Skapa genomgången").click().run()
    with Session(db.make_engine(demo_env)) as s:
        review = s.exec(select(Review).where(Review.year == 2026, Review.clinic_id == 1)).one()
    next(t for t in at.text_input if t.label == "Plats").input("Eriks rum")
    details = {"meeting_date": review.meeting_date, "start_time": review.start_time, "location": "Annas rum",
               "chair_id": review.chair_id, "secretary_id": review.secretary_id}
    _as_anna(demo_env, lambda s, anna: reviews.update_review(s, actor=anna, review_id=review.id, data=details,
                                                             expected_version=review.version, now=NOW))
    _button(at, "Spara").click().run()
    assert any("Någon annan har ändrat genomgången sedan du öppnade formuläret. Ladda om" in e.value for e in at.error)
    assert next(t for t in at.text_input if t.label == "Plats").value == "Eriks rum"
    _button(at, RELOAD).click().run()
    assert next(t for t in at.text_input if t.label == "Plats").value == "Annas rum"


def test_a_decided_action_corrected_meanwhile_is_not_overwritten(demo_env):
    at, review = _meeting(demo_env)
    data = {"title": "Optimera CT", "owner_name": "Pia Lund", "owner_role": "Fysiker", "answers_to": "Övriga frågor",
            "due_date": review.meeting_date + timedelta(days=60)}
    _as_anna(demo_env, lambda s, anna: actions.decide_action(s, actor=anna, review_id=review.id, data=data, now=NOW))
    at.run()
    with Session(db.make_engine(demo_env)) as s:
        action = s.exec(select(Action).where(Action.review_id == review.id)).one()
    next(t for t in at.text_input if t.label == "Åtgärd *").input("Optimera CT för barn")
    _as_anna(demo_env, lambda s, anna: actions.correct_action(s, actor=anna, action_id=action.id, now=NOW,
                                                              expected_version=action.version,
                                                              data={**data, "title": "Optimera CT för buk"}))
    _button(at, "Spara rättelsen").click().run()
    assert any("Någon annan har ändrat åtgärden sedan du öppnade formuläret. Ladda om" in e.value for e in at.error)
    assert next(t for t in at.text_input if t.label == "Åtgärd *").value == "Optimera CT för barn"
    _button(at, RELOAD).click().run()
    assert next(t for t in at.text_input if t.label == "Åtgärd *").value == "Optimera CT för buk"


def test_an_event_changed_meanwhile_is_refused_and_the_latest_can_be_loaded(demo_env):
    from datetime import date

    from core.services import safety_events
    with db.session_scope(db.make_engine(demo_env)) as s:
        erik = actor_for(s, "erik")
        event = safety_events.register(s, actor=erik, clinic_id=1, today=date(2026, 1, 10), now=NOW, data={
            "kind": "internal", "concerns": "worker", "occurred_on": date(2026, 1, 5),
            "description": "Skärmens arm gick inte att låsa."})
        event_id, opened = event.id, event.version
    at = open_page(logged_in("erik"), "pages/handelser.py")
    at.text_area(key=f"edit_{event_id}_{opened}_text").input("Eriks beskrivning")
    _as_anna(demo_env, lambda s, anna: safety_events.update(
        s, actor=anna, event_id=event_id, expected_version=opened, today=date(2026, 1, 10), now=NOW,
        data={"kind": "internal", "concerns": "worker", "occurred_on": date(2026, 1, 5),
              "description": "Annas beskrivning"}))
    _button(at, "Spara ändringar").click().run()
    assert any("Någon annan har ändrat" in e.value and "Ladda om" in e.value for e in at.error)
    assert at.text_area(key=f"edit_{event_id}_{opened}_text").value == "Eriks beskrivning"
    _button(at, RELOAD).click().run()
    assert at.text_area(key=f"edit_{event_id}_{opened + 1}_text").value == "Annas beskrivning"


def test_a_follow_up_recorded_meanwhile_is_not_overwritten_and_the_typed_comment_stays(demo_env):
    at, review = _meeting(demo_env)
    for _ in range(3):
        _button(at, "Nästa →").click().run()
    with Session(db.make_engine(demo_env)) as s:
        follow_up, action, _ = next(row for row in actions.follow_ups(s, actor=SYSTEM_ACTOR, review_id=review.id)
                                    if not row[0].status)  # the form shows the first not yet followed up
    next(t for t in at.text_input if t.label == "Kommentar").input("Eriks kommentar")
    _as_anna(demo_env, lambda s, anna: actions.record_follow_up(
        s, actor=anna, follow_up_id=follow_up.id, status="in_progress", comment="Annas kommentar",
        expected_version=action.version, today=review.meeting_date, now=NOW))
    _button(at, "Spara och visa nästa").click().run()
    assert (f"Inget sparades. Någon annan har ändrat uppföljningen av åtgärden \"{action.title}\" sedan du öppnade "
            "formuläret. Ladda om de senaste uppgifterna och gör din ändring igen.") in [e.value for e in at.error]
    assert next(t for t in at.text_input if t.label == "Kommentar").value == "Eriks kommentar"
    with Session(db.make_engine(demo_env)) as s:
        assert s.get(FollowUp, follow_up.id).comment == "Annas kommentar"
    _button(at, RELOAD).click().run()
    assert next(t for t in at.text_input if t.label == "Kommentar").value == "Annas kommentar"
    assert at.segmented_control(key=f"fu_status_{follow_up.id}_{action.version + 1}").value == "in_progress"


def test_staffing_saved_meanwhile_is_not_overwritten_and_the_typed_figures_stay(demo_env):
    at = _choose(open_page(logged_in("per"), "pages/egenkontroll.py"), 2026)  # ONK: strålbehandling
    _button(at, "Påbörja egenkontrollen").click().run()
    at = open_tab(at, "self_assessment_tabs", "Bemanning")
    with Session(db.make_engine(demo_env)) as s:
        per = actor_for(s, "per")
        assessment = sa.find(s, actor=per, clinic_id=next(iter(per.clinic_ids)), year=2026)
    physicists = next(t for t in at.text_input if t.label.startswith("Sjukhusfysiker"))
    physicists.input("3")
    with db.session_scope(db.make_engine(demo_env)) as s:  # Per on another screen
        sa.save_staffing(s, actor=actor_for(s, "per"), assessment_id=assessment.id, actual={"physicists": "1,5"},
                         inputs={"patients_per_year": 900, "machines": 2}, expected_version=assessment.version,
                         now=NOW)
    _button(at, "Spara och beräkna").click().run()
    assert any("Någon annan har ändrat bemanningen i egenkontrollen 2026 sedan du öppnade formuläret. Ladda om"
               in e.value for e in at.error)
    assert next(t for t in at.text_input if t.label.startswith("Sjukhusfysiker")).value == "3"
    with Session(db.make_engine(demo_env)) as s:
        assert s.get(SelfAssessment, assessment.id).staffing["actual"] == {"physicists": 1.5}
    _button(at, RELOAD).click().run()
    assert next(t for t in at.text_input if t.label.startswith("Sjukhusfysiker")).value == "1,5"
    assert next(n for n in at.number_input if n.label == "Patienter per år").value == 900


def test_training_saved_meanwhile_is_not_overwritten_and_the_typed_figures_stay(demo_env):
    from core.services import protection_figures
    at = open_tab(open_page(logged_in("erik"), "pages/bokslut.py"), "annual_report_tab", "Utbildning, doser och DRL")
    with Session(db.make_engine(demo_env)) as s:
        opened = protection_figures.training_version(s, actor=SYSTEM_ACTOR, year=2025, clinic_id=1)
    editor = f"training_editor_1_2025_{opened}"
    typed = {"edited_rows": {0: {"Anställda": 30, "Utbildade": 29}}, "added_rows": [], "deleted_rows": []}
    at.session_state[editor] = typed
    with db.session_scope(db.make_engine(demo_env)) as s:
        protection_figures.set_training(s, actor=actor_for(s, "anna"), year=2025, clinic_id=1, now=NOW,
                                        expected_version=opened,
                                        rows=[{"staff_group": "physicians", "staff_count": 12, "trained_count": 11}])
    _button(at, "Spara").click().run()
    assert any("Någon annan har ändrat utbildningen för 2025 sedan du öppnade formuläret. Ladda om" in e.value
               for e in at.error)
    assert at.session_state[editor] == typed  # what the user typed is still in the form
    with Session(db.make_engine(demo_env)) as s:
        shares = protection_figures.training(s, actor=SYSTEM_ACTOR, year=2025, clinic_id=1)
    assert [(r.record.staff_group, r.record.staff_count) for r in shares] == [("physicians", 12)]
    _button(at, RELOAD).click().run()
    with Session(db.make_engine(demo_env)) as s:
        now = protection_figures.training_version(s, actor=SYSTEM_ACTOR, year=2025, clinic_id=1)
    shown = next(d.value for d in at.dataframe if "Anställda" in d.value.columns)  # the reloaded form's editor
    assert f"training_editor_1_2025_{now}" in at.session_state and shown.iloc[0]["Anställda"] == 12
