"""Stale saves of notes, attendance and answers: of two saves from the same version the second is refused."""
import pytest
from sqlmodel import Session, select

from core import db
from core.errors import Conflict, InvalidInput
from core.models import AgendaItem, Answer, Attendance, HistoryEntry
from core.services import agenda, attendance
from core.services import self_assessments as sa
from core.services.auth import SYSTEM_ACTOR
from tests.conftest import reset_schema
from tests.core.conftest import make_review
from tests.factories import NOW
from tests.race import race

CRITERIA = """name: Test
version: "1"
areas:
  - code: A
    name: Ledning
    criteria:
      - {id: A1, text: Organisation finns}
"""


@pytest.fixture
def engine(database_url):
    """A database file (or PostgreSQL), not in-memory SQLite: each user needs a connection of their own."""
    engine = db.make_engine(database_url)
    reset_schema(engine)
    yield engine
    engine.dispose()


def _notes(session, rtg) -> tuple:
    """§ 8 of a new review: its notes are saved as the text."""
    item = agenda.items(session, actor=rtg["erik"], review_id=make_review(session, rtg).id)[7]

    def save(s, text, version):
        agenda.save_notes(s, actor=rtg["erik"], item_id=item.id, notes=text, decisions="", now=NOW,
                          expected_version=version)
    return AgendaItem, item.id, save, lambda row: row.notes, "anteckningarna för § 8"


def _attendance(session, rtg) -> tuple:
    """Anna Berg on the invitation list: the text is whom her stand-in replaces."""
    row = next(a for a in attendance.attendees(session, actor=rtg["erik"], review_id=make_review(session, rtg).id)
               if a.name == "Anna Berg")

    def save(s, text, version):
        attendance.update_attendee(s, actor=rtg["erik"], attendance_id=row.id, status="stand_in", stand_in_for=text,
                                   now=NOW, expected_version=version)
    return Attendance, row.id, save, lambda r: r.stand_in_for, "närvaron för Anna Berg"


def _answer(session, rtg) -> tuple:
    """Criterion A1 of the clinic's self-assessment: the text is its evidence."""
    sa.load_criteria_set(session, actor=SYSTEM_ACTOR, text=CRITERIA, now=NOW)
    assessment = sa.start(session, actor=rtg["erik"], clinic_id=rtg["clinic"].id, year=2025, copy_last_year=False,
                          now=NOW)
    answer = sa.answers(session, actor=SYSTEM_ACTOR, assessment_id=assessment.id)[0][0]

    def save(s, text, version):
        sa.save_answer(s, actor=rtg["erik"], answer_id=answer.id, level=3, not_applicable=False, reason=None,
                       evidence=text, comment=None, now=NOW, expected_version=version)
    return Answer, answer.id, save, lambda row: row.evidence, "svaret på A1"


CASES = {"notes": _notes, "attendance": _attendance, "answer": _answer}


def _version(engine, model, row_id) -> int:
    """Return the row's version as a form opened now would see it."""
    with Session(engine) as s:
        return s.get(model, row_id).version


@pytest.mark.parametrize("case", CASES)
def test_the_second_save_from_the_same_version_is_refused_and_changes_nothing(engine, session, rtg, case):
    model, row_id, save, stored, what = CASES[case](session, rtg)
    session.commit()
    with Session(engine) as first, Session(engine) as second:
        opened = first.get(model, row_id).version
        assert second.get(model, row_id).version == opened  # both users open the form
        save(first, "Först", opened)
        first.commit()
        with pytest.raises(Conflict) as refused:
            save(second, "Sedan", opened)
        second.rollback()
    assert str(refused.value) == (f"Någon annan har ändrat {what} sedan du öppnade formuläret. Ladda om de senaste "
                                  "uppgifterna och gör din ändring igen.")
    with Session(engine) as s:
        row = s.get(model, row_id)
        assert (stored(row), row.version) == ("Först", opened + 1)
        logged = s.exec(select(HistoryEntry).where(HistoryEntry.entity == model.__name__,
                                                   HistoryEntry.entity_id == row_id,
                                                 HistoryEntry.operation == "update")).all()
        assert ["Först" in str(e.new_values) for e in logged] == [True]
    save(session, "Efter omladdning", _version(engine, model, row_id))  # a form opened anew saves
    session.commit()
    assert stored(session.get(model, row_id)) == "Efter omladdning"


@pytest.mark.parametrize("case", CASES)
def test_of_two_saves_at_the_same_moment_one_wins_and_the_other_is_refused(engine, session, rtg, case):
    model, row_id, save, stored, what = CASES[case](session, rtg)
    session.commit()
    for round_, first in enumerate((None, 0, 1)):  # a true race, then Anna's save first, then Erik's
        opened = _version(engine, model, row_id)
        outcome = race(engine, lambda s, text=f"Anna {round_}", opened=opened: save(s, text, opened),
                       lambda s, text=f"Erik {round_}", opened=opened: save(s, text, opened), first=first)
        assert [type(o).__name__ for o in outcome].count("Conflict") == 1 and None in outcome, outcome
        refused = next(o for o in outcome if o is not None)
        assert str(refused) == (f"Någon annan har ändrat {what} sedan du öppnade formuläret. Ladda om de senaste "
                                "uppgifterna och gör din ändring igen.")
        winner = ["Anna", "Erik"][outcome.index(None)]
        assert first is None or winner == ["Anna", "Erik"][first]
        with Session(engine) as s:
            row = s.get(model, row_id)
            assert (stored(row), row.version) == (f"{winner} {round_}", opened + 1)


def test_every_service_that_checks_a_stale_save_needs_the_version_the_form_was_opened_with():
    """A default of None once skipped the check silently; now the version must be given."""
    from tests.core.test_architecture import _public_service_functions
    optional = [f"{module}.{name}" for module, name, signature in _public_service_functions()
                if "expected_version" in signature.parameters
                and signature.parameters["expected_version"].default
                is not signature.parameters["expected_version"].empty]
    assert optional == []


def test_a_save_without_a_version_is_refused_and_changes_nothing(session, rtg):
    item = agenda.items(session, actor=rtg["erik"], review_id=make_review(session, rtg).id)[8]  # no standard note
    session.commit()
    # the service's argument check refuses it in Swedish before require_version's TypeError would
    with pytest.raises(InvalidInput, match="ska vara ett heltal"):
        agenda.save_notes(session, actor=rtg["erik"], item_id=item.id, notes="Utan version", decisions="", now=NOW,
                          expected_version=None)
    with pytest.raises((TypeError, InvalidInput)):
        agenda.save_notes(session, actor=rtg["erik"], item_id=item.id, notes="Utan version", decisions="", now=NOW)
    session.rollback()
    assert session.get(AgendaItem, item.id).notes is None
