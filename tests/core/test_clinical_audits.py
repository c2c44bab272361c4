"""Kliniska revisioner: the register, findings offered to the next review, and the five-year flag."""
from datetime import date

import pytest

from core.errors import InvalidInput
from core.services import actions, clinical_audits
from tests.core.conftest import make_review
from tests.factories import NOW


def test_whole_activity_audit_is_due_every_fifth_year():
    assert clinical_audits.whole_activity_overdue(None, date(2026, 3, 1), 5)
    assert not clinical_audits.whole_activity_overdue(date(2021, 3, 1), date(2026, 3, 1), 5)
    assert clinical_audits.whole_activity_overdue(date(2021, 3, 1), date(2026, 3, 2), 5)
    assert not clinical_audits.whole_activity_overdue(date(2024, 2, 29), date(2029, 2, 28), 5)


def test_register_refuses_missing_fields_and_findings_without_text(session, rtg):
    with pytest.raises(InvalidInput) as refused:
        clinical_audits.register(session, actor=rtg["erik"], clinic_id=rtg["clinic"].id, now=NOW, report=None,
                                 data={"scope": " ", "auditors": ""}, findings=[{"description": "", "severity": "x"}])
    assert refused.value.problems == ["Datum: måste fyllas i (ÅÅÅÅ-MM-DD).", "Omfattning: måste fyllas i.",
                                      "Revisorer: måste fyllas i."]


def test_audit_findings_come_to_the_next_review_until_decided(session, rtg):
    clinical_audits.register(session, actor=rtg["erik"], clinic_id=rtg["clinic"].id, now=NOW, report=(b"%PDF", "r.pdf"),
                             data={"audit_date": date(2025, 10, 1), "scope": "Berättigande", "auditors": "Extern grupp",
                                   "whole_activity": True},
                             findings=[{"description": "Remisser saknar frågeställning", "severity": "medium"}])
    review = make_review(session, rtg, year=2026, day=date(2026, 3, 11))
    found = actions.findings_for_review(session, actor=rtg["erik"], review_id=review.id)
    assert [f.finding.description for f in found] == ["Remisser saknar frågeställning"]
    actions.decide_no_action(session, actor=rtg["anna"], review_id=review.id, finding_id=found[0].finding.id,
                             reason="Redan åtgärdat", now=NOW)
    later = make_review(session, rtg, year=2027, day=date(2027, 3, 10))
    assert actions.findings_for_review(session, actor=rtg["erik"], review_id=later.id) == []
