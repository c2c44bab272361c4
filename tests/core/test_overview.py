"""Översikt's figures match the clinic pages' for every clinic of the demo."""
from datetime import date

from sqlmodel import Session

from core import db
from core.enums import ActionStatus
from core.services import actions, overview
from core.services.auth import actor_for

TODAY = date(2026, 11, 21)


def test_overview_counts_match_the_action_plan_and_reviews(demo_url):
    with Session(db.make_engine(demo_url)) as s:
        strateg = actor_for(s, "strateg")
        statuses = overview.clinic_statuses(s, actor=strateg, year=2025, today=TODAY)
        assert len(statuses) == 5
        for status in statuses:
            plan = actions.list_actions(s, actor=strateg, today=TODAY, clinic_ids=[status.clinic.id])
            open_rows = [r for r in plan if r.action.status in ActionStatus.open_values()]
            assert status.open_actions == len(open_rows), status.clinic.code
            assert status.overdue_actions == sum(r.overdue for r in plan), status.clinic.code
            assert status.done_actions == sum(r.action.status == "done" for r in plan), status.clinic.code
            assert status.review_status == "approved"
        by_status = overview.actions_by_status(s, actor=strateg)
        assert sum(r["count"] for r in by_status) == len(actions.list_actions(s, actor=strateg, today=TODAY))


def test_a_clinic_user_sees_only_own_clinics_in_every_figure(demo_url):
    with Session(db.make_engine(demo_url)) as s:
        karin = actor_for(s, "karin")
        assert [x.clinic.code for x in overview.clinic_statuses(s, actor=karin, year=2026, today=TODAY)] == ["NM"]
        assert {r["clinic"] for r in overview.actions_by_status(s, actor=karin)} == {"NM"}
        codes = {code for _, code in overview.unanswered_findings(s, actor=karin, report_year=2025)}
        # RTG's 2026 meeting decided on the organisation-wide finding; NM's finding is still unanswered.
        assert codes == {"NM"}


def test_the_year_wheel_holds_the_fixed_duties_with_their_sources(demo_url):
    from core.services import calendar_year
    with Session(db.make_engine(demo_url)) as s:
        events = calendar_year.year_events(s, actor=actor_for(s, "strateg"), year=2026, today=TODAY)
        statistics = [e for e in events if e.what.startswith("Röntgenstatistik för 2025")]
        # röntgenverksamhet: RTG (röntgen, intervention), KARD (intervention), ORT (röntgen); not NM or ONK
        assert sorted(e.clinic for e in statistics) == ["KARD", "ORT", "RTG"]
        assert {(e.day, e.source) for e in statistics} == {(date(2026, 4, 30), "SSMFS 2018:5 7 kap. 9 §")}
        review = next(e for e in events if e.what.startswith("Intern revision av ledningssystemet"))
        assert review.source == "SSMFS 2018:1 3 kap. 7–8 §§" and "tre år" in review.what
        karin = calendar_year.year_events(s, actor=actor_for(s, "karin"), year=2026, today=TODAY)  # NM only
        assert not [e for e in karin if e.what.startswith("Röntgenstatistik")]
        nuclear = [e for e in events if e.what.startswith("Nuklearmedicinska exponeringar 2025")]
        assert [(e.clinic, e.day, e.source) for e in nuclear] == [("NM", date(2026, 4, 30), "SSMFS 2018:5 9 kap. 11 §")]
        assert [e.clinic for e in karin if e.what.startswith("Nuklearmedicinska")] == ["NM"]
        # every date says where it comes from: a regulation, a decision, or the region's own routine
        assert [e.what for e in events if not e.source] == []
        audit = next(e for e in events if e.what.startswith("Klinisk revision"))
        assert audit.source.startswith("Regionens egen rutin") and "ingen svensk föreskrift" in audit.source
        # RTG's lungs were determined 2021-04-01: due again 2024, so overdue in 2026 (shown on 1 January);
        # DT hjärna 2023-09-14 is due on 2026-09-14; the others fall due later
        drl = [(e.day, e.clinic, e.what.split(": ")[1]) for e in events if e.what.startswith("Diagnostisk")]
        assert drl == [(date(2026, 1, 1), "RTG", "Lungor – stående, Lungstativ 1 (senast bestämd 2021-04-01)"),
                       (date(2026, 9, 14), "RTG", "DT hjärna utan kontrast, DT 1 (senast bestämd 2023-09-14)")]
        assert next(e for e in events if e.what.startswith("Diagnostisk")).source.startswith("SSMFS 2018:5 6 kap. 1–2")
        later = calendar_year.year_events(s, actor=actor_for(s, "strateg"), year=2027, today=TODAY)
        assert (date(2027, 11, 5), "KARD") in {(e.day, e.clinic) for e in later if "Koronarangiografi" in e.what}


def _regulation(name: str) -> str:
    """A shipped regulation text as one line, hyphens at line breaks removed (docs/forfattningar/)."""
    from tests.conftest import PROJECT_DIR
    raw = (PROJECT_DIR / "docs" / "forfattningar" / name).read_text(encoding="utf-8")
    return " ".join(raw.replace("-\n", "").split())


def test_the_year_wheels_report_dates_are_found_in_the_shipped_regulation():
    text = _regulation("SSMFS-2018-5.txt")
    assert "11 § Alla medicinska exponeringar som utförs i en nuklearmedicinsk verksamhet, ska senast den 30 april " \
           "varje år rapporteras till Strålsäkerhetsmyndigheten" in text  # 9 kap. 11 §
    assert "Uppgifterna i sammanställningen ska senast den 30 april nästkommande år" in text  # 7 kap. 9 §
