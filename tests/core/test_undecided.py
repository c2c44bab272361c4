"""Nothing undecided goes to justering: every finding and gap needs a decision, and work is given as an action."""

import pytest
from sqlmodel import select

from core.enums import Severity
from core.errors import InvalidInput
from core.models import AgendaItem, AnnualReport, Finding, Review
from core.services import actions, agenda, minutes, undecided
from core.services.auth import SYSTEM_ACTOR
from core.services.minutes_content import PART_MISSING, build_content
from tests.core.conftest import decide, make_review, mark_present
from tests.factories import NOW


@pytest.fixture
def with_findings(session, rtg):
    """RTG's 2024 bokslut with a finding of its own, one for the whole organisation, and a DRL above SSM's."""
    report = AnnualReport(organisation_id=rtg["clinic"].organisation_id, year=2024, imported_at=NOW)
    session.add(report)
    session.flush()
    for code, clinic_id, text in (("B-2024-01", rtg["clinic"].id, "Rutinen för berättigande saknar delegering."),
                                  ("B-2024-07", None, "Sjukhusfysikerresursen är underbemannad."),
                                  ("DRL-DT-BUK-MED-KONTRAST-DLP", rtg["clinic"].id,
                                   "DT buk med kontrast: lokal standardnivå 610 mGy·cm överskrider nationell DRL "
                                   "450 mGy·cm.")):
        session.add(Finding(annual_report_id=report.id, clinic_id=clinic_id, code=code, description=text,
                            severity=Severity.MEDIUM.value, created_at=NOW))
    session.commit()
    review = make_review(session, rtg)
    mark_present(session, rtg, review)
    minutes.choose_adjusters(session, actor=rtg["erik"], review_id=review.id, user_ids=[rtg["users"]["nils"].id],
                             now=NOW)
    return review


def _finding(session, code: str) -> Finding:
    return session.exec(select(Finding).where(Finding.code == code)).one()


def test_a_review_with_an_undecided_finding_is_refused_at_avsluta_motet_naming_each_and_its_paragraph(
        session, rtg, with_findings):
    review = with_findings
    with pytest.raises(InvalidInput) as refused:
        minutes.send_for_approval(session, actor=rtg["erik"], review_id=review.id, now=NOW)
    assert refused.value.problems == [
        f"§ 7: bristen {code} saknar beslut (en åtgärd, eller ingen åtgärd med motivering)."
        for code in ("B-2024-01", "DRL-DT-BUK-MED-KONTRAST-DLP", "B-2024-07")]
    assert session.get(Review, review.id).status == "preparation"  # nothing frozen, nothing changed
    left = undecided.undecided(session, actor=rtg["erik"], review_id=review.id)
    items = agenda.items(session, actor=rtg["erik"], review_id=review.id)
    assert {items[u.item_index].kind for u in left} == {"findings"}  # the page leads there


def test_every_finding_decided_by_an_action_or_no_action_lets_the_minutes_go(session, rtg, with_findings):
    review = with_findings
    decide(session, rtg, review, title="Utred DLP för DT buk", finding_id=_finding(session, "DRL-DT-BUK-MED-KONTRAST-"
                                                                                            "DLP").id)
    decide(session, rtg, review, title="Revidera rutinen", finding_id=_finding(session, "B-2024-01").id)
    with pytest.raises(InvalidInput, match="B-2024-07 saknar beslut"):
        minutes.send_for_approval(session, actor=rtg["erik"], review_id=review.id, now=NOW)
    actions.decide_no_action(session, actor=rtg["anna"], review_id=review.id, reason="Hanteras av sjukhusledningen.",
                             now=NOW, finding_id=_finding(session, "B-2024-07").id)
    minutes.send_for_approval(session, actor=rtg["erik"], review_id=review.id, now=NOW)
    assert session.get(Review, review.id).status == "approval"


def test_a_free_text_decision_that_gives_work_must_be_an_action(session, rtg):
    review = make_review(session, rtg)
    decide(session, rtg, review)
    mark_present(session, rtg, review)
    minutes.choose_adjusters(session, actor=rtg["erik"], review_id=review.id, user_ids=[rtg["users"]["nils"].id],
                             now=NOW)
    other = session.exec(select(AgendaItem).where(AgendaItem.review_id == review.id, AgendaItem.kind == "other")
                         .order_by(AgendaItem.number)).all()[1]  # Övriga frågor
    agenda.save_notes(session, actor=rtg["erik"], item_id=other.id, notes="",
                      decisions="Uppdra åt Erik Lind att se över rutinen för gravida", now=NOW,
                      expected_version=other.version)
    with pytest.raises(InvalidInput, match=f"§ {other.number}: beslutet ”Uppdra åt Erik Lind att se över rutinen för "
                                           "gravida” ger någon ett uppdrag; besluta det som en åtgärd"):
        minutes.send_for_approval(session, actor=rtg["erik"], review_id=review.id, now=NOW)
    agenda.save_notes(session, actor=rtg["erik"], item_id=other.id, notes="", decisions="lägga informationen till "
                      "handlingarna", now=NOW, expected_version=session.get(AgendaItem, other.id).version)
    minutes.send_for_approval(session, actor=rtg["erik"], review_id=review.id, now=NOW)


def test_a_bokslut_without_its_three_parts_says_so_in_words(session, rtg, with_findings):
    blocks = [b for s in build_content(session, actor=SYSTEM_ACTOR, review=with_findings).sections
              if s.kind == "annual_report" for b in s.blocks]
    texts = [getattr(b, "text", "") for b in blocks]
    assert sum(t.endswith(PART_MISSING) for t in texts) == 3
    assert "3 kap. 13 §" in PART_MISSING


def test_a_self_assessment_gap_without_a_decision_is_refused_until_decided(session, rtg):
    from core.services import self_assessments
    from tests.core.test_self_assessment import SMALL
    self_assessments.load_criteria_set(session, actor=SYSTEM_ACTOR, text=SMALL, now=NOW)
    assessment = self_assessments.start(session, actor=rtg["erik"], clinic_id=rtg["clinic"].id, year=2025,
                                        copy_last_year=False, now=NOW)
    answer, criterion = next((a, c) for a, c in self_assessments.answers(session, actor=SYSTEM_ACTOR,
                                                                         assessment_id=assessment.id)
                             if c.code == "A1")
    self_assessments.save_answer(session, actor=rtg["erik"], answer_id=answer.id, level=1, not_applicable=False,
                                 reason=None, evidence=None, comment=None, now=NOW, expected_version=answer.version)
    review = make_review(session, rtg)
    mark_present(session, rtg, review)
    minutes.choose_adjusters(session, actor=rtg["erik"], review_id=review.id, user_ids=[rtg["users"]["nils"].id],
                             now=NOW)
    with pytest.raises(InvalidInput) as refused:
        minutes.send_for_approval(session, actor=rtg["erik"], review_id=review.id, now=NOW)
    assert refused.value.problems == ["§ 6: egenkontrollens brist A1 (nivå 1) saknar beslut (en åtgärd, eller "
                                      "ingen åtgärd med motivering)."]
    actions.decide_no_action(session, actor=rtg["anna"], review_id=review.id, reason="Organisationen ses över.",
                             now=NOW, criterion_id=criterion.id)
    minutes.send_for_approval(session, actor=rtg["erik"], review_id=review.id, now=NOW)
