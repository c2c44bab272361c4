"""Bokslut format 1.1: the optional sheets Utbildning, Persondosimetri and DRL, with 1.0 still read as before."""
from datetime import date

import pytest
from sqlmodel import select

from core.errors import InvalidInput
from core.models import Clinic, DrlStatus, TrainingRecord
from core.services import annual_report_import as importer
from core.services import protection_figures
from core.services.auth import SYSTEM_ACTOR
from tests.annual_report_files import SAMPLE_2024, SAMPLE_2025, with_sheets
from tests.factories import NOW

TRAINING = [("Klinikkod", "Personalgrupp", "Antal anställda", "Antal med genomförd strålskyddsutbildning"),
            ("RTG", "Läkare", 20, 15), ("RTG", "Röntgensjuksköterskor", 40, 38), ("KARD", "Operationspersonal", 12, 6)]
DOSES = [("Klinikkod", "Personalgrupp", "Antal i kategori A", "Högsta Hp(10) (mSv)", "Högsta Hp(3) ögonlins (mSv)",
          "Högsta extremitetsdos (mSv)"), ("KARD", "Läkare", 4, "2,7", 11.5, 60)]
DRL = [("Klinikkod", "Undersökningstyp", "Dosstorhet", "Enhet", "Lokal standardnivå", "Nationell DRL",
        "Senast bestämd"), ("RTG", "DT buk", "DLP", "mGy·cm", 610, 650, date(2024, 5, 2)),
       ("RTG", "Lungröntgen", "KAP", "Gy·cm²", 0.09, 0.1, date(2021, 4, 1))]


def _load(session, data: bytes):
    return importer.import_annual_report(session, actor=SYSTEM_ACTOR, data=data, filename="b.xlsx", now=NOW)


def test_a_format_1_0_workbook_loads_as_before_without_the_new_sheets(session, portal):
    plan = _load(session, SAMPLE_2025.read_bytes())
    assert not [w for w in plan.warnings if "Utbildning" in w or "DRL" in w or "Persondosimetri" in w]
    assert plan.sheets["Utbildning"].counts() == (0, 0, 0)


def test_training_doses_and_drl_are_read_and_the_share_trained_has_a_trend(session, portal):
    _load(session, with_sheets(SAMPLE_2024, {"Utbildning": [TRAINING[0], ("RTG", "Läkare", 20, 10)]}))
    plan = _load(session, with_sheets(SAMPLE_2025, {"Utbildning": TRAINING, "Persondosimetri": DOSES, "DRL": DRL}))
    assert [plan.sheets[s].counts()[0] for s in ("Utbildning", "Persondosimetri", "DRL")] == [3, 1, 2]
    rtg = session.exec(select(Clinic.id).where(Clinic.code == "RTG")).one()
    shares = protection_figures.training(session, actor=SYSTEM_ACTOR, year=2025, clinic_id=rtg)
    assert [(s.record.staff_group, s.share, s.previous) for s in shares] == [
        ("physicians", 75.0, 50.0), ("radiographers", 95.0, None)]  # 15/20 this year, 10/20 the year before
    trend = protection_figures.training_trend(session, actor=SYSTEM_ACTOR, clinic_id=rtg)
    shares = {(t["year"], t["group"], t["share"]) for t in trend}
    assert shares >= {(2024, "physicians", 50.0), (2025, "physicians", 75.0)}
    doses = protection_figures.dosimetry(session, actor=SYSTEM_ACTOR, year=2025, clinic_id=None)
    assert [(d.max_hp10, d.max_hp3, d.category_a_count) for d in doses] == [(2.7, 11.5, 4.0)]
    attention = protection_figures.drl_attention(session, actor=SYSTEM_ACTOR, today=date(2026, 12, 2))
    assert [(code, row.examination, flags) for code, row, flags in attention] == [
        ("RTG", "DT buk med kontrast", ["ÖVER DRL"]),  # 610 against SSM's 450 (the workbook said 650)
        ("RTG", "Lungröntgen", ["Äldre än tre år"])]  # 2021: older than 3 years; not in SSM's table
    determined = select(DrlStatus.determined_on).where(DrlStatus.examination == "DT buk med kontrast")
    assert session.exec(determined).one() == date(2024, 5, 2)


def test_bad_figures_are_refused_naming_sheet_row_and_column_and_nothing_is_stored(session, portal):
    bad = with_sheets(SAMPLE_2025, {
        "Utbildning": [TRAINING[0], ("RTG", "Läkare", 20, 25), ("RTG", "Städare", 3, 1),
                       ("NM", "Sjuksköterskor", "-2", 0)],
        "Persondosimetri": [DOSES[0], ("KARD", "Läkare", 1, -1, None, None)],
        "DRL": [DRL[0], ("RTG", "DT skalle", "DLP", "mGy·cm", 900, 1000, "2024-02-30")]}, version="2.0")
    with pytest.raises(InvalidInput) as refused:
        _load(session, bad)
    problems = " | ".join(refused.value.problems)
    assert "Formatversion" in problems and "\"2.0\" är ingen formatversion" in problems
    assert "Utbildning, rad 2, kolumn Antal med genomförd strålskyddsutbildning: 25 är fler än antalet anställda (20)" \
        in problems
    assert "Utbildning, rad 3, kolumn Personalgrupp" in problems and "Städare" in problems
    assert "Utbildning, rad 4, kolumn Antal anställda: -2 är inget antal" in problems
    assert "Persondosimetri, rad 2, kolumn Högsta Hp(10) (mSv): en dos kan inte vara negativ." in problems
    assert "DRL, rad 2, kolumn Senast bestämd" in problems and "inte ett datum" in problems
    assert session.exec(select(TrainingRecord)).first() is None


def test_training_entered_on_the_page_replaces_the_clinics_figures(session, portal):
    from core.enums import Role
    from core.errors import InvalidInput
    from core.permissions import PermissionDenied
    from tests.factories import actor_of, make_user
    _load(session, with_sheets(SAMPLE_2025, {"Utbildning": TRAINING}))
    rtg = session.exec(select(Clinic).where(Clinic.code == "RTG")).one()
    erik = actor_of(make_user(session, "erik", Role.SAMORDNARE, [rtg]), [rtg])
    lena = actor_of(make_user(session, "lena", Role.LASARE, [rtg]), [rtg])
    rows = [{"staff_group": "physicians", "staff_count": 20, "trained_count": 18},
            {"staff_group": "radiographers", "staff_count": 0, "trained_count": 0}]  # 0 employed: left out
    version = protection_figures.training_version(session, actor=erik, year=2025, clinic_id=rtg.id)
    protection_figures.set_training(session, actor=erik, year=2025, clinic_id=rtg.id, rows=rows, now=NOW,
                                    expected_version=version)
    version = protection_figures.training_version(session, actor=erik, year=2025, clinic_id=rtg.id)
    shares = protection_figures.training(session, actor=erik, year=2025, clinic_id=rtg.id)
    assert [(s.record.staff_group, s.share) for s in shares] == [("physicians", 90.0)]
    kard = protection_figures.training(session, actor=SYSTEM_ACTOR, year=2025, clinic_id=None)
    assert [s.record.staff_group for s in kard if s.record.clinic_id != rtg.id] == ["surgical_staff"]  # untouched
    with pytest.raises(InvalidInput, match="Läkare: 21 utbildade är fler än 20 anställda"):
        protection_figures.set_training(session, actor=erik, year=2025, clinic_id=rtg.id, now=NOW,
                                        rows=[{"staff_group": "physicians", "staff_count": 20, "trained_count": 21}],
                                        expected_version=version)
    with pytest.raises(PermissionDenied):
        protection_figures.set_training(session, actor=lena, year=2025, clinic_id=rtg.id, rows=rows, now=NOW,
                                        expected_version=version)
    with pytest.raises(InvalidInput, match="Inget strålskyddsbokslut för 2023"):
        protection_figures.set_training(session, actor=erik, year=2023, clinic_id=rtg.id, rows=rows, now=NOW,
                                        expected_version=0)


def test_the_minutes_print_training_doses_and_drl_for_the_clinic(demo_url):
    from sqlmodel import Session

    from core import db
    from core.models import Review
    from core.services.minutes_content import build_content
    with Session(db.make_engine(demo_url)) as s:
        kard = s.exec(select(Clinic.id).where(Clinic.code == "KARD")).one()
        review = s.exec(select(Review).where(Review.clinic_id == kard, Review.year == 2026)).one()
        blocks = [b for section in build_content(s, actor=SYSTEM_ACTOR, review=review).as_json()["sections"]
                  for b in section["blocks"]]
    texts = [b.get("text") for b in blocks]
    training = blocks[texts.index("Utbildning i strålskydd 2025") + 1]["rows"]
    assert training[0] == ["Personalgrupp", "Anställda", "Utbildade", "Andel utbildade", "2024"]
    assert training[1] == ["Läkare", "9", "8", "88,9\u00a0%", "66,7\u00a0%"]  # 8 of 9; 6 of 9 the year before
    doses = blocks[texts.index("Persondosimetri 2025") + 1]["rows"]
    assert doses[1][:3] == ["Läkare", "4", "2,7"]
    drl = blocks[texts.index("Diagnostiska standardnivåer") + 1]["rows"]
    assert drl[1] == ["Koronarangiografi (DAP)", "Angiolabb 2", "38 Gy·cm²", "11 Gy·cm²", "2024-11-05", "ÖVER DRL"]
    assert "SSMFS 2018:5 bilaga 1 (SSMFS 2023:3)" in texts[texts.index("Diagnostiska standardnivåer") + 2]


def test_a_workbook_without_the_new_sheets_leaves_their_figures_alone(session, portal):
    _load(session, with_sheets(SAMPLE_2025, {"Utbildning": TRAINING, "DRL": DRL}))
    plan = importer.import_annual_report(session, actor=SYSTEM_ACTOR, data=SAMPLE_2025.read_bytes(),
                                         filename="b.xlsx", now=NOW, replace=True)  # format 1.0: no such sheets
    assert plan.sheets["Utbildning"].counts() == (0, 0, 0) and plan.sheets["DRL"].counts() == (0, 0, 0)
    assert len(session.exec(select(TrainingRecord)).all()) == 3 and len(session.exec(select(DrlStatus)).all()) == 2
    plan = importer.import_annual_report(session, actor=SYSTEM_ACTOR, now=NOW, replace=True, filename="b.xlsx",
                                         data=with_sheets(SAMPLE_2025, {"Utbildning": TRAINING[:2]}))
    assert plan.sheets["Utbildning"].counts() == (0, 0, 2)  # a sheet that is there is the truth: two rows go
