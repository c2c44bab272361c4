"""One winner on every save: two users saving the same thing at once, or from a form someone has saved since.

Each race overlaps two real transactions (tests/race.py) on a database file or PostgreSQL: both read before
either writes. Exactly one save wins; the other gets the Swedish refusal and changes nothing.
"""
from datetime import date

import pytest
from sqlmodel import Session, select

from core import db
from core.errors import Conflict, InvalidInput
from core.models import Action, AnnualReport, Finding, FollowUp, SelfAssessment, TrainingRecord
from core.services import actions, protection_figures, safety_events, self_assessments
from core.services.auth import SYSTEM_ACTOR
from tests.conftest import reset_schema
from tests.core.conftest import approve_all, decide, make_review
from tests.core.test_safety_events import REPORTED, TODAY
from tests.core.test_self_assessment import SMALL
from tests.factories import NOW
from tests.race import race

STALE = "sedan du öppnade formuläret. Ladda om de senaste uppgifterna och gör din ändring igen."


@pytest.fixture
def engine(database_url):
    """A database file (or PostgreSQL), not in-memory SQLite: each racing thread needs a connection of its own."""
    engine = db.make_engine(database_url)
    reset_schema(engine)
    yield engine
    engine.dispose()


def _outcome(outcome: list) -> tuple[object, Exception]:
    """Return the winner's result and the loser's refusal, failing unless exactly one of two won."""
    refused = [o for o in outcome if isinstance(o, Exception)]
    assert len(refused) == 1, outcome
    return next(o for o in outcome if not isinstance(o, Exception)), refused[0]


# --- training figures (Strålskyddsbokslut) ---------------------------------------------------------------------

PHYSICIANS = [{"staff_group": "physicians", "staff_count": 20, "trained_count": 18}]
RADIOGRAPHERS = [{"staff_group": "radiographers", "staff_count": 40, "trained_count": 30}]


@pytest.fixture
def bokslut(session, rtg):
    """A loaded bokslut for 2025 (its figures empty), for RTG's training figures."""
    session.add(AnnualReport(organisation_id=rtg["clinic"].organisation_id, year=2025, imported_at=NOW))
    session.commit()
    return rtg


def _training(engine, clinic_id: int) -> list[tuple]:
    with Session(engine) as s:
        rows = s.exec(select(TrainingRecord).where(TrainingRecord.clinic_id == clinic_id)).all()
        return sorted((r.staff_group, r.staff_count, r.trained_count) for r in rows)


def _save_training(rtg, who: str, rows: list[dict], version: int):
    return lambda s: protection_figures.set_training(s, actor=rtg[who], year=2025, clinic_id=rtg["clinic"].id,
                                                     rows=rows, expected_version=version, now=NOW)


@pytest.mark.parametrize("first", [None, 0])
@pytest.mark.parametrize("erik_rows, anna_rows", [(PHYSICIANS, PHYSICIANS), (PHYSICIANS, RADIOGRAPHERS)],
                         ids=["same group", "other groups"])
def test_two_training_saves_at_once_store_one_of_them_whole(engine, bokslut, first, erik_rows, anna_rows):
    anna_rows = [{**row, "trained_count": 10} for row in anna_rows]
    with Session(engine) as s:
        opened = protection_figures.training_version(s, actor=SYSTEM_ACTOR, year=2025, clinic_id=bokslut["clinic"].id)
    outcome = race(engine, _save_training(bokslut, "erik", erik_rows, opened),
                   _save_training(bokslut, "anna", anna_rows, opened), first=first)
    _, refused = _outcome(outcome)
    assert isinstance(refused, Conflict) and str(refused) == f"Någon annan har ändrat utbildningen för 2025 {STALE}"
    won = erik_rows if isinstance(outcome[1], Exception) else anna_rows
    assert _training(engine, bokslut["clinic"].id) == [(r["staff_group"], r["staff_count"], r["trained_count"])
                                                       for r in won]  # the winner's figures, no group twice
    assert first is None or outcome[first] is not refused


def test_training_saved_from_a_stale_form_is_refused_and_changes_nothing(session, bokslut):
    clinic_id = bokslut["clinic"].id
    opened = protection_figures.training_version(session, actor=bokslut["erik"], year=2025, clinic_id=clinic_id)
    _save_training(bokslut, "anna", PHYSICIANS, opened)(session)
    session.commit()
    with pytest.raises(Conflict, match=f"Någon annan har ändrat utbildningen för 2025 {STALE}"):
        _save_training(bokslut, "erik", RADIOGRAPHERS, opened)(session)
    session.rollback()
    assert _training(session.get_bind(), clinic_id) == [("physicians", 20, 18)]
    now = protection_figures.training_version(session, actor=bokslut["erik"], year=2025, clinic_id=clinic_id)
    assert now != opened
    _save_training(bokslut, "erik", RADIOGRAPHERS, now)(session)  # from the reloaded form it is saved
    session.commit()
    assert _training(session.get_bind(), clinic_id) == [("radiographers", 40, 30)]


def test_a_staff_group_named_twice_is_refused_and_changes_nothing(session, bokslut):
    clinic_id = bokslut["clinic"].id
    opened = protection_figures.training_version(session, actor=bokslut["erik"], year=2025, clinic_id=clinic_id)
    _save_training(bokslut, "erik", PHYSICIANS, opened)(session)
    session.commit()
    opened = protection_figures.training_version(session, actor=bokslut["erik"], year=2025, clinic_id=clinic_id)
    twice = [*RADIOGRAPHERS, {"staff_group": "radiographers", "staff_count": 50, "trained_count": 50}]
    with pytest.raises(InvalidInput) as refused:
        _save_training(bokslut, "erik", twice, opened)(session)
    assert refused.value.problems == ["Röntgensjuksköterskor: personalgruppen finns två gånger; ange varje grupp en "
                                      "gång."]
    session.rollback()
    assert _training(session.get_bind(), clinic_id) == [("physicians", 20, 18)]


# --- an event raised as a finding (Händelser) -------------------------------------------------------------------

def _raise(rtg, who: str, event_id: int, severity: str):
    return lambda s: safety_events.raise_as_finding(s, actor=rtg[who], event_id=event_id, severity=severity, now=NOW)


@pytest.mark.parametrize("first", [None, 0])
def test_an_event_raised_by_two_users_at_once_becomes_one_finding(engine, session, rtg, first):
    event = safety_events.register(session, actor=rtg["erik"], clinic_id=rtg["clinic"].id, today=TODAY, now=NOW,
                                   data=REPORTED)
    session.commit()
    outcome = race(engine, _raise(rtg, "erik", event.id, "high"), _raise(rtg, "anna", event.id, "low"), first=first)
    won, refused = _outcome(outcome)
    assert isinstance(refused, Conflict) and str(refused) == "Händelsen är redan upptagen som brist till genomgången."
    with Session(engine) as s:
        findings = s.exec(select(Finding).where(Finding.safety_event_id == event.id)).all()
    assert [(f.id, f.severity) for f in findings] == [(won.id, won.severity)]


# --- a follow-up at the meeting (Möte § Uppföljning) ------------------------------------------------------------

@pytest.fixture
def follow_up(session, rtg) -> tuple[FollowUp, Action]:
    """Last year's open action, to be followed up at the 2026 review."""
    first = make_review(session, rtg)
    decide(session, rtg, first, title="Optimera CT-protokoll")
    approve_all(session, rtg, first)
    second = make_review(session, rtg, year=2026, day=date(2026, 3, 11))
    session.commit()
    row, action, _ = actions.follow_ups(session, actor=SYSTEM_ACTOR, review_id=second.id)[0]
    return row, action


def _record(rtg, who: str, follow_up_id: int, status: str, comment: str, version: int):
    return lambda s: actions.record_follow_up(s, actor=rtg[who], follow_up_id=follow_up_id, status=status,
                                              comment=comment, expected_version=version, today=TODAY, now=NOW)


def _recorded(engine, follow_up_id: int) -> tuple:
    with Session(engine) as s:
        row = s.get(FollowUp, follow_up_id)
        return row.status, row.comment, s.get(Action, row.action_id).status


@pytest.mark.parametrize("first", [None, 1])
def test_a_follow_up_recorded_by_two_users_at_once_keeps_one_of_them(engine, rtg, follow_up, first):
    row, action = follow_up
    outcome = race(engine, _record(rtg, "erik", row.id, "done", "Klart i februari", action.version),
                   _record(rtg, "anna", row.id, "in_progress", "Två av tre klara", action.version), first=first)
    won, refused = _outcome(outcome)
    assert isinstance(refused, Conflict)
    assert str(refused) == f"Någon annan har ändrat uppföljningen av åtgärden \"Optimera CT-protokoll\" {STALE}"
    assert _recorded(engine, row.id) == (won.status, won.comment, won.status)
    assert first is None or outcome[first] is won


def test_a_follow_up_from_a_stale_form_does_not_overwrite_a_colleague(engine, session, rtg, follow_up):
    row, action = follow_up
    opened = action.version  # both forms were opened before Anna saved
    _record(rtg, "anna", row.id, "in_progress", "Två av tre klara", opened)(session)
    session.commit()
    with pytest.raises(Conflict, match=STALE):
        _record(rtg, "erik", row.id, "done", "Klart", opened)(session)
    session.rollback()
    assert _recorded(engine, row.id) == ("in_progress", "Två av tre klara", "in_progress")


# --- the staffing figures (Egenkontroll, strålbehandling) -------------------------------------------------------

INPUTS = {"patients_per_year": 1000, "machines": 2}
ENOUGH = {"oncologists": "4", "physicists": "2,5", "dose_planners": "2", "mould_room": "2", "therapists": "4"}
SHORT = {**ENOUGH, "physicists": "1,5"}


@pytest.fixture
def assessment(session, rtg) -> SelfAssessment:
    self_assessments.load_criteria_set(session, actor=SYSTEM_ACTOR, text=SMALL, now=NOW)
    started = self_assessments.start(session, actor=rtg["erik"], clinic_id=rtg["clinic"].id, year=2025,
                                     copy_last_year=False, now=NOW)
    session.commit()
    return started


def _staff(rtg, who: str, assessment_id: int, actual: dict, version: int):
    return lambda s: self_assessments.save_staffing(s, actor=rtg[who], assessment_id=assessment_id, inputs=INPUTS,
                                                    actual=actual, expected_version=version, now=NOW)


def _staffing(engine, assessment_id: int) -> tuple[dict | None, list[str]]:
    """Return the stored staffing figures and the codes of the staffing findings."""
    with Session(engine) as s:
        codes = s.exec(select(Finding.code).where(Finding.code.startswith("BEM-"))).all()
        return s.get(SelfAssessment, assessment_id).staffing, sorted(codes)


@pytest.mark.parametrize("first", [None, 0, 1])
def test_staffing_saved_by_two_users_at_once_keeps_one_of_them(engine, rtg, assessment, first):
    outcome = race(engine, _staff(rtg, "erik", assessment.id, SHORT, assessment.version),
                   _staff(rtg, "anna", assessment.id, ENOUGH, assessment.version), first=first)
    won, refused = _outcome(outcome)
    assert isinstance(refused, Conflict)
    assert str(refused) == f"Någon annan har ändrat bemanningen i egenkontrollen 2025 {STALE}"
    staffing, codes = _staffing(engine, assessment.id)
    assert staffing == won.staffing
    assert codes == (["BEM-2025-FYSIKER"] if won.staffing["actual"]["physicists"] == 1.5 else [])
    assert first is None or outcome[first] is won


def test_staffing_from_a_stale_form_does_not_overwrite_a_colleague(engine, session, rtg, assessment):
    opened = assessment.version  # both forms were opened before Anna saved
    _staff(rtg, "anna", assessment.id, ENOUGH, opened)(session)
    session.commit()
    with pytest.raises(Conflict, match=STALE):
        _staff(rtg, "erik", assessment.id, SHORT, opened)(session)
    session.rollback()
    staffing, codes = _staffing(engine, assessment.id)
    assert staffing["actual"]["physicists"] == 2.5 and codes == []
