"""Händelser och avvikelser: the register, the three-month report to SSM, and events raised as findings."""
from datetime import date

import pytest
from sqlmodel import select

from core.enums import Role
from core.errors import Conflict, InvalidInput
from core.models import Finding, HistoryEntry
from core.permissions import PermissionDenied
from core.services import actions, calendar_year, safety_events
from tests.core.conftest import make_review
from tests.factories import NOW, actor_of, make_user

TODAY = date(2025, 11, 20)
REPORTED = {"kind": "reported_to_ssm", "occurred_on": date(2025, 6, 30), "ssm_reference": "SSM2025-1234",
            "description": "Fel patient undersökt med DT buk."}


def _register(session, rtg, **changes):
    return safety_events.register(session, actor=rtg["erik"], clinic_id=rtg["clinic"].id, today=TODAY, now=NOW,
                                  data={**REPORTED, **changes})


def test_a_reported_event_needs_its_written_report_within_three_months(session, rtg):
    event = _register(session, rtg)
    assert event.report_due == date(2025, 9, 30) and event.status == "open"  # 30 June + 3 months
    assert safety_events.overdue_reports(session, actor=rtg["erik"], today=date(2025, 9, 30)) == []
    assert safety_events.overdue_reports(session, actor=rtg["erik"], today=date(2025, 10, 1)) == [event]
    assert safety_events.overdue_reports(session, actor=rtg["karin"], today=date(2025, 10, 1)) == []  # not hers
    sent = safety_events.update(session, actor=rtg["erik"], event_id=event.id, expected_version=event.version,
                                today=TODAY, now=NOW, data={**REPORTED, "report_sent_on": date(2025, 9, 15)})
    assert sent.status == "report_sent" and not safety_events.overdue_reports(session, actor=rtg["erik"], today=TODAY)
    assert session.exec(select(HistoryEntry).where(HistoryEntry.entity == "SafetyEvent",
                                                   HistoryEntry.operation == "update")).one().new_values


def test_an_internal_deviation_has_no_report_and_bad_input_names_every_field(session, rtg):
    event = _register(session, rtg, kind="internal", ssm_reference=None, occurred_on=date(2025, 2, 3))
    assert event.report_due is None and not event.is_report_overdue_on(TODAY)
    with pytest.raises(InvalidInput) as refused:
        _register(session, rtg, occurred_on=None, description=" ")
    assert refused.value.problems == ["Inträffade: måste fyllas i (ÅÅÅÅ-MM-DD).", "Beskrivning: måste fyllas i."]
    with pytest.raises(InvalidInput, match="har inte inträffat än"):
        _register(session, rtg, occurred_on=date(2025, 12, 24))
    with pytest.raises(InvalidInput, match="En intern avvikelse har ingen rapport till SSM"):
        _register(session, rtg, kind="internal")
    with pytest.raises(InvalidInput, match="kan inte vara före händelsen"):
        _register(session, rtg, report_sent_on=date(2025, 6, 1))


def test_only_the_clinics_own_roles_register_and_a_stale_form_is_refused(session, rtg):
    with pytest.raises(PermissionDenied):
        _register(session, rtg | {"erik": rtg["karin"]})  # another clinic's verksamhetschef
    reader = actor_of(make_user(session, "lena", Role.LASARE, [rtg["clinic"]]), [rtg["clinic"]])
    with pytest.raises(PermissionDenied):
        _register(session, rtg | {"erik": reader})
    event = _register(session, rtg)
    safety_events.update(session, actor=rtg["erik"], event_id=event.id, expected_version=1, today=TODAY, now=NOW,
                         data={**REPORTED, "status": "closed"})
    with pytest.raises(Conflict):
        safety_events.update(session, actor=rtg["anna"], event_id=event.id, expected_version=1, today=TODAY,
                             now=NOW, data={**REPORTED, "description": "Ändrat i ett gammalt formulär"})


def test_an_event_raised_as_a_finding_comes_to_the_review_until_decided(session, rtg):
    event = _register(session, rtg)
    finding = safety_events.raise_as_finding(session, actor=rtg["erik"], event_id=event.id, severity="high", now=NOW)
    assert finding.code == f"H-{event.id}" and finding.source == "incident"
    assert finding.description.startswith("Rapporterad till SSM 2025-06-30: Fel patient")
    with pytest.raises(Conflict, match="redan upptagen"):
        safety_events.raise_as_finding(session, actor=rtg["erik"], event_id=event.id, severity="high", now=NOW)
    review = make_review(session, rtg, year=2026, day=date(2026, 3, 12))
    items = actions.findings_for_review(session, actor=rtg["erik"], review_id=review.id)
    assert [i.finding.code for i in items] == [f"H-{event.id}"]
    assert session.exec(select(Finding).where(Finding.safety_event_id == event.id)).one().severity == "high"
    assert safety_events.findings_raised(session, actor=rtg["erik"], event_ids=[event.id]) == {event.id}
    assert safety_events.findings_raised(session, actor=rtg["karin"], event_ids=[event.id]) == set()  # not hers


def test_a_report_due_is_in_the_year_wheel_with_its_source(session, rtg):
    event = _register(session, rtg)
    wheel = calendar_year.year_events(session, actor=rtg["erik"], year=2025, today=TODAY)
    due = next(e for e in wheel if e.uid == f"handelse-{event.id}")
    assert due.day == date(2025, 9, 30) and due.source == "SSMFS 2018:5 3 kap. 10 §"
    assert due.what.startswith("Skriftlig rapport till SSM senast")


def test_the_minutes_list_the_bokslut_years_events(session, rtg):
    from core.services.minutes_content import build_content
    _register(session, rtg)
    _register(session, rtg, kind="internal", ssm_reference=None, occurred_on=date(2025, 2, 3),
              description="Blyförkläde med spricka upptäckt vid kontroll.")
    _register(session, rtg, occurred_on=date(2024, 12, 30), description="Förra årets händelse.")
    review = make_review(session, rtg, year=2026, day=date(2026, 3, 12))
    content = build_content(session, actor=rtg["erik"], review=review).as_json()
    blocks = [b for section in content["sections"] for b in section["blocks"]]
    heading = next(i for i, b in enumerate(blocks) if b.get("text") == "Händelser och avvikelser 2025")
    rows = blocks[heading + 1]["rows"]
    assert [r[0] for r in rows[1:]] == ["2025-02-03", "2025-06-30"]  # the bokslut year's, oldest first
    assert rows[2][1:4] == ["Rapporterad till SSM", "Fel patient undersökt med DT buk.", "SSM2025-1234"]
