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
REPORTED = {"kind": "reported_to_ssm", "concerns": "patient", "occurred_on": date(2025, 6, 30),
            "notified_on": date(2025, 7, 1), "ssm_reference": "SSM2025-1234",
            "description": "Fel patient undersökt med DT buk."}
WORKER = {**REPORTED, "concerns": "worker",
          "description": "Röntgensjuksköterskans hand i strålfältet vid genomlysning."}


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
    event = _register(session, rtg, kind="internal", ssm_reference=None, notified_on=None,
                      occurred_on=date(2025, 2, 3))
    assert event.report_due is None and not event.is_report_overdue_on(TODAY)
    with pytest.raises(InvalidInput) as refused:
        _register(session, rtg, occurred_on=None, description=" ", concerns=None)
    assert refused.value.problems == ["Berör: välj vem händelsen berör.", "Inträffade: måste fyllas i (ÅÅÅÅ-MM-DD).",
                                      "Beskrivning: måste fyllas i."]
    with pytest.raises(InvalidInput, match="har inte inträffat än"):
        _register(session, rtg, occurred_on=date(2025, 12, 24))
    with pytest.raises(InvalidInput, match="En intern avvikelse har ingen rapport till SSM"):
        _register(session, rtg, kind="internal", ssm_reference=None)  # notified_on still given
    with pytest.raises(InvalidInput, match="kan inte vara före händelsen"):
        _register(session, rtg, report_sent_on=date(2025, 6, 1))


def test_the_first_report_to_ssm_is_neither_before_the_event_nor_in_the_future(session, rtg):
    with pytest.raises(InvalidInput) as refused:
        _register(session, rtg, notified_on=date(2025, 6, 29))
    assert refused.value.problems == ["Första rapport till SSM: kan inte vara före händelsen."]
    with pytest.raises(InvalidInput) as refused:
        _register(session, rtg, notified_on=date(2025, 11, 21))  # the day after TODAY
    assert refused.value.problems == ["Första rapport till SSM: 2025-11-21 har inte kommit än."]
    with pytest.raises(InvalidInput, match="^Berör: är inte ett av: Patient, Stödperson, Forskningsperson, "
                                           "Arbetstagare, Allmänheten, Annan.$"):
        _register(session, rtg, concerns="patienten")
    same_day = _register(session, rtg, notified_on=date(2025, 6, 30))
    assert same_day.notified_on == date(2025, 6, 30) and same_day.concerns == "patient"
    later = _register(session, rtg, notified_on=None)  # not yet reported: allowed, the page says "snarast"
    assert later.notified_on is None


def test_an_event_about_a_worker_needs_no_written_report_and_is_never_late(session, rtg):
    event = _register(session, rtg, **WORKER)
    assert event.report_due is None and not event.is_report_overdue_on(date(2026, 6, 1))
    assert safety_events.overdue_reports(session, actor=rtg["erik"], today=date(2026, 6, 1)) == []
    assert safety_events.written_report(event, date(2026, 6, 1)) == "Krävs inte"
    assert safety_events.no_report_reason(event) == (
        "Krävs inte: händelsen berör arbetstagare, och SSMFS 2018:5 3 kap. 10 § gäller bara patienten, "
        "stödpersonen eller forskningspersonen.")
    wheel = calendar_year.year_events(session, actor=rtg["erik"], year=2025, today=TODAY)
    assert [e for e in wheel if e.uid == f"handelse-{event.id}"] == []
    # changed to concern a forskningsperson, the paragraph applies and the deadline appears
    changed = safety_events.update(session, actor=rtg["erik"], event_id=event.id, expected_version=event.version,
                                   today=TODAY, now=NOW, data={**WORKER, "concerns": "research_subject"})
    assert changed.report_due == date(2025, 9, 30) and changed.is_report_overdue_on(TODAY)
    assert safety_events.no_report_reason(changed) == ""


def test_a_patients_late_report_is_marked_with_the_day_it_fell_due(session, rtg):
    event = _register(session, rtg)
    assert safety_events.written_report(event, date(2025, 9, 30)) == "Senast 2025-09-30"
    assert safety_events.written_report(event, date(2025, 10, 1)) == "Rapport försenad (förföll 2025-09-30)"
    sent_late = safety_events.update(session, actor=rtg["erik"], event_id=event.id, expected_version=event.version,
                                     today=TODAY, now=NOW, data={**REPORTED, "report_sent_on": date(2025, 10, 15)})
    assert safety_events.written_report(sent_late, TODAY) == \
        "Inskickad 2025-10-15 – Rapport försenad (förföll 2025-09-30)"


def test_an_event_from_before_whom_it_concerns_was_asked_keeps_its_deadline_until_edited(session, rtg):
    from core import history
    from core.models import SafetyEvent
    with history.unrecorded(session):  # as migration 0015 leaves an older row: no concerns, no notified_on
        old = SafetyEvent(clinic_id=rtg["clinic"].id, kind="reported_to_ssm", occurred_on=date(2025, 6, 30),
                          description="Äldre händelse.", report_due=date(2025, 9, 30), created_at=NOW)
        session.add(old)
        session.flush()
    assert safety_events.concerns_text(old) == "Ej angivet" and old.is_report_overdue_on(TODAY)
    with pytest.raises(InvalidInput, match="Berör: välj vem händelsen berör"):
        safety_events.update(session, actor=rtg["erik"], event_id=old.id, expected_version=old.version, today=TODAY,
                             now=NOW, data={**REPORTED, "concerns": None})
    public = safety_events.update(session, actor=rtg["erik"], event_id=old.id, expected_version=old.version,
                                  today=TODAY, now=NOW, data={**REPORTED, "concerns": "public"})
    assert public.report_due is None and not public.is_report_overdue_on(TODAY)


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
    with pytest.raises(PermissionDenied, match="se klinikens uppgifter"):  # not her clinic
        safety_events.findings_raised(session, actor=rtg["karin"], event_ids=[event.id])


def test_a_report_due_is_in_the_year_wheel_with_its_source_and_marked_when_late(session, rtg):
    event = _register(session, rtg)
    wheel = calendar_year.year_events(session, actor=rtg["erik"], year=2025, today=date(2025, 9, 30))
    due = next(e for e in wheel if e.uid == f"handelse-{event.id}")
    assert due.day == date(2025, 9, 30) and due.source == "SSMFS 2018:5 3 kap. 10 §"
    assert due.what == "Skriftlig rapport till SSM senast (händelse 2025-06-30)"
    late = next(e for e in calendar_year.year_events(session, actor=rtg["erik"], year=2025, today=TODAY)
                if e.uid == f"handelse-{event.id}")
    assert late.what == ("Skriftlig rapport till SSM senast (händelse 2025-06-30) – "
                         "Rapport försenad (förföll 2025-09-30)")


def test_the_overview_counts_each_clinics_late_reports(session, rtg):
    from core.services.overview import clinic_statuses
    _register(session, rtg)
    _register(session, rtg, **WORKER)
    by_clinic = {s.clinic.id: s.late_reports for s in clinic_statuses(session, actor=rtg["erik"], year=2026,
                                                                      today=TODAY)}
    assert by_clinic[rtg["clinic"].id] == 1  # the patient's; the worker's has no written report due
    assert {s.late_reports for s in clinic_statuses(session, actor=rtg["erik"], year=2026,
                                                    today=date(2025, 9, 30))} == {0}


def test_the_quoted_paragraph_is_word_for_word_in_the_shipped_regulation():
    from tests.core.test_overview import _regulation
    assert safety_events.REPORT_RULE in _regulation("SSMFS-2018-5.txt")


def test_the_minutes_list_the_bokslut_years_events(session, rtg):
    from core.services.minutes_content import build_content
    _register(session, rtg)
    _register(session, rtg, kind="internal", ssm_reference=None, notified_on=None, occurred_on=date(2025, 2, 3),
              description="Blyförkläde med spricka upptäckt vid kontroll.")
    _register(session, rtg, **{**WORKER, "occurred_on": date(2025, 8, 1), "notified_on": date(2025, 8, 1)})
    _register(session, rtg, occurred_on=date(2024, 12, 30), description="Förra årets händelse.")
    review = make_review(session, rtg, year=2026, day=date(2026, 3, 12))
    content = build_content(session, actor=rtg["erik"], review=review).as_json()
    blocks = [b for section in content["sections"] for b in section["blocks"]]
    heading = next(i for i, b in enumerate(blocks) if b.get("text") == "Händelser och avvikelser 2025")
    rows = blocks[heading + 1]["rows"]
    assert rows[0] == ["Inträffade", "Typ", "Berör", "Beskrivning", "SSM:s diarienummer",
                       "Skriftlig rapport till SSM", "Status"]
    assert [r[0] for r in rows[1:]] == ["2025-02-03", "2025-06-30", "2025-08-01"]  # the bokslut year's, oldest first
    assert rows[2] == ["2025-06-30", "Rapporterad till SSM", "Patient", "Fel patient undersökt med DT buk.",
                       "SSM2025-1234", "Rapport försenad (förföll 2025-09-30)", "Öppen"]  # late at the meeting
    assert rows[3][2] == "Arbetstagare" and rows[3][5] == "Krävs inte"
    assert rows[1][2] == "Patient" and rows[1][5] == ""  # an internal deviation has no report to SSM
