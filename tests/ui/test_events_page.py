"""The Händelser page: a samordnare registers an event and raises it as a finding; a reader only reads."""
from datetime import UTC, date, datetime

from sqlmodel import Session, select

from core import db
from core.models import Finding, SafetyEvent
from tests.ui.helpers import logged_in, open_page, visible_text


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def _choose(at, label, value):
    """Pick a value in the selectbox with this label."""
    return next(b for b in at.selectbox if b.label == label).set_value(value)


def _date(at, label, value):
    """Set the date input with this label."""
    return next(d for d in at.date_input if d.label == label).set_value(value)


def test_a_samordnare_registers_an_event_and_brings_it_to_the_review(demo_env):
    at = open_page(logged_in("erik"), "pages/handelser.py")
    assert "Inga händelser eller avvikelser är registrerade" in visible_text(at)
    _button(at, "Registrera händelsen").click().run()  # nothing filled in: refused, every field named
    assert any("Berör: välj vem händelsen berör" in e.value and "Inträffade: måste fyllas i" in e.value
               and "Beskrivning: måste fyllas i" in e.value for e in at.error)
    _choose(at, "Berör *", "patient")
    _date(at, "Inträffade *", date(2025, 6, 30))
    _date(at, "Första rapport till SSM", date(2025, 7, 1))
    next(t for t in at.text_area if t.label == "Beskrivning *").input("Fel patient undersökt med DT buk.")
    next(t for t in at.text_input if t.label == "SSM:s diarienummer").input("SSM2025-1234")
    _button(at, "Registrera händelsen").click().run()
    text = visible_text(at)
    assert "Händelsen är registrerad." in text and "Skriftliga rapporter till SSM som är försenade (1)" in text
    row = at.table[0].value.iloc[0]
    assert (row["Berör"], row["Första rapport till SSM"]) == ("Patient", "2025-07-01")
    assert row["Skriftlig rapport till SSM"] == "Rapport försenad (förföll 2025-09-30)"
    _button(at, "Ta upp som brist vid genomgången").click().run()
    assert "Händelsen tas upp som brist vid klinikens nästa genomgång." in visible_text(at)
    with Session(db.make_engine(demo_env)) as s:
        event = s.exec(select(SafetyEvent).where(SafetyEvent.ssm_reference == "SSM2025-1234")).one()
        assert (event.concerns, event.notified_on) == ("patient", date(2025, 7, 1))
        assert s.exec(select(Finding.code).where(Finding.safety_event_id == event.id)).one() == f"H-{event.id}"


def test_an_event_about_a_worker_shows_why_no_written_report_is_due(demo_env):
    at = open_page(logged_in("erik"), "pages/handelser.py")
    _choose(at, "Berör *", "worker")
    _date(at, "Inträffade *", date(2025, 6, 30))
    next(t for t in at.text_area if t.label == "Beskrivning *").input("Handen i strålfältet vid genomlysning.")
    _button(at, "Registrera händelsen").click().run()
    row = at.table[0].value.iloc[0]
    assert (row["Berör"], row["Skriftlig rapport till SSM"]) == ("Arbetstagare", "Krävs inte")
    assert row["Första rapport till SSM"] == "Inte angivet – ska ske snarast"
    info = " ".join(i.value for i in at.info)
    assert "Krävs inte: händelsen berör arbetstagare, och SSMFS 2018:5 3 kap. 10 § gäller bara patienten" in info
    assert "personen som utanför sin yrkesutövning hjälper och stöder patienten" in info  # the paragraph quoted
    assert "försenade" not in visible_text(at)


def test_a_first_report_before_the_event_is_refused_naming_the_field(demo_env):
    at = open_page(logged_in("erik"), "pages/handelser.py")
    _choose(at, "Berör *", "patient")
    _date(at, "Inträffade *", date(2025, 6, 30))
    _date(at, "Första rapport till SSM", date(2025, 6, 1))
    next(t for t in at.text_area if t.label == "Beskrivning *").input("Fel patient.")
    _button(at, "Registrera händelsen").click().run()
    assert any("Första rapport till SSM: kan inte vara före händelsen." in e.value for e in at.error)
    assert not at.table


def test_a_reader_sees_the_register_without_forms(demo_env):
    at = open_page(logged_in("lena"), "pages/handelser.py")
    assert at.title[0].value == "Händelser och avvikelser"
    assert not at.text_area and not any(b.label == "Registrera händelsen" for b in at.button)


def test_an_overdue_report_is_flagged_on_the_overview(demo_env):
    from core.services import safety_events
    from core.services.auth import actor_for
    with Session(db.make_engine(demo_env)) as s:
        erik = actor_for(s, "erik")
        rtg = next(iter(erik.clinic_ids))
        safety_events.register(s, actor=erik, clinic_id=rtg, today=date(2026, 1, 10), now=datetime.now(UTC),
                               data={"kind": "reported_to_ssm", "concerns": "patient", "occurred_on": date(2026, 1, 5),
                                     "description": "Felaktig aktivitet given vid skelettscint."})
        s.commit()
    at = open_page(logged_in("strateg"), "pages/oversikt.py")
    text = visible_text(at)
    assert "Skriftliga rapporter till SSM som är försenade (1)" in text
    clinics = next(d.value for d in at.dataframe if "Försenade rapporter till SSM" in d.value.columns)
    late = dict(zip(clinics["Kod"], clinics["Försenade rapporter till SSM"]))
    assert (late["RTG"], late["ORT"], late["NM"]) == (1, 0, 0)  # ORT's worker event has no written report due
    assert "händelsen 2026-01-05 (berör patient) · Rapport försenad (förföll 2026-04-05)" in text
    assert "Skriftliga rapporter till SSM" not in visible_text(open_page(logged_in("karin"), "pages/oversikt.py"))
