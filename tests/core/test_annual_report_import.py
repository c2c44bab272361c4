"""Loading a strålskyddsbokslut: the samples, every reading rule of the spec, all or nothing."""
from datetime import date

import pytest
from sqlmodel import func, select

from core.errors import InvalidInput
from core.models import (
    Action,
    AnnualReport,
    Clinic,
    Document,
    Finding,
    Goal,
    Indicator,
    ReportSummary,
    Review,
)
from core.permissions import PermissionDenied
from core.services import annual_report_import as importer
from core.services.auth import SYSTEM_ACTOR
from tests.annual_report_files import (
    INDICATOR_HEADER,
    SAMPLE_2024,
    SAMPLE_2025,
    WITH_ERRORS,
    minimal,
    sample,
    workbook_bytes,
)
from tests.factories import NOW, TODAY, actor_of, make_user


def _load(session, data: bytes, filename="bokslut.xlsx", **kwargs):
    return importer.import_annual_report(session, actor=SYSTEM_ACTOR, data=data, filename=filename, now=NOW,
                                         **kwargs)


def _count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def _counts(session) -> dict:
    return {m.__name__: _count(session, m) for m in (AnnualReport, Goal, Indicator, Finding, ReportSummary,
                                                      Document, Clinic)}


def test_the_two_valid_samples_load_and_make_a_trend(session, portal):
    first = _load(session, SAMPLE_2024.read_bytes())
    assert [first.sheets[s].counts()[0] for s in ("Mål", "Indikatorer", "Brister")] == [4, 45, 3]
    second = _load(session, SAMPLE_2025.read_bytes())
    assert [second.sheets[s].counts()[0] for s in ("Sammanfattning", "Mål", "Indikatorer", "Brister")] == [4, 5, 45, 7]
    report = session.exec(select(AnnualReport).where(AnnualReport.year == 2025)).one()
    assert (report.prepared_by, report.completed_on, report.version_label) == (
        "Ingrid Strand, strålsäkerhetsstrateg", date(2026, 2, 26), "1.0")
    kard_dose = session.exec(select(Indicator).join(Clinic).where(Clinic.code == "KARD", Indicator.code == "DOS-01",
                                                                  Indicator.annual_report_id == report.id)).one()
    assert (kard_dose.value, kard_dose.target, kard_dose.unit, kard_dose.direction) == (6.8, 6, "mSv",
                                                                                       "lower_is_better")
    org_finding = session.exec(select(Finding).where(Finding.code == "B-2025-07")).one()
    assert org_finding.clinic_id is None and org_finding.severity == "medium" and org_finding.source == "annual_report"


def test_the_sample_with_errors_reports_all_seven_and_changes_nothing(session, portal):
    before = _counts(session)
    with pytest.raises(InvalidInput) as refused:
        _load(session, WITH_ERRORS.read_bytes())
    problems = refused.value.problems
    assert problems == [
        'Bokslut, rad 3, kolumn År: "2025a" är inte ett år (ett heltal 2000–2100).',
        'Mål, rad 7, kolumn Bedömning: "Klar" är inte ett av: Uppfyllt, Delvis uppfyllt, Ej uppfyllt, Ej bedömt.',
        'Indikatorer, rad 47, kolumn Värde: "tolv" är inte ett tal.',
        'Indikatorer, rad 48, kolumn Klinikkod: "XYZ" är ingen känd klinik (kända: KARD, NM, ONK, ORT, RTG).',
        'Brister, rad 9, kolumn Brist-ID: "B-2025-03" finns redan för klinik NM (rad 4).',
        'Brister, rad 10, kolumn Beskrivning: värde saknas (obligatoriskt).',
        'Brister, rad 10, kolumn Allvarlighet: "Kritisk" är inte ett av: Hög, Medel, Låg.',
    ]
    session.rollback()
    assert _counts(session) == before


@pytest.mark.parametrize("data, name", [
    (b"Klinikkod;Indikator-ID;Varde\nRTG;UTB-01;93\n", "bokslut.xlsx"),  # a CSV renamed
    (b"", "tom.xlsx"),
    (b"%PDF-1.7\n1 0 obj\n", "bokslut.xlsx"),
    (SAMPLE_2025.read_bytes()[:4000], "avklippt.xlsx"),  # damaged
])
def test_a_file_that_is_not_a_workbook_gets_one_clear_message(session, portal, data, name):
    with pytest.raises(InvalidInput) as refused:
        _load(session, data, filename=name)
    assert len(refused.value.problems) == 1
    assert name in refused.value.problems[0] and ("inte en läsbar Excel-arbetsbok" in refused.value.problems[0]
                                                  or "är tom" in refused.value.problems[0])


def test_numbers_are_read_the_swedish_way(session, portal):
    workbook = sample()
    sheet = workbook["Indikatorer"]
    sheet["F2"] = "12,5"
    sheet["F3"] = "1 250"
    sheet["F4"] = "95 %"
    sheet["E4"] = None
    sheet["F5"] = 0.97
    sheet["F5"].number_format = "0%"
    sheet["E5"] = None
    _load(session, workbook_bytes(workbook))
    rtg = session.exec(select(Indicator).join(Clinic).where(Clinic.code == "RTG"))
    values = {i.code: (i.value, i.unit) for i in rtg}
    assert values["UTB-01"][0] == 12.5 and values["DOS-01"][0] == 1250
    assert values["DOS-02"] == (95, "%") and values["QC-01"] == (pytest.approx(97), "%")


def test_cell_problems_name_sheet_row_column_value_and_what_is_allowed(session, portal):
    data = minimal(Indikatorer=[INDICATOR_HEADER,
                                ["RTG", "A-1", "Tom", None, "%", None],
                                ["RTG", "A-2", "Text", None, "%", "många"],
                                ["rtg", "A-1", "Dubblett", None, "%", 3],
                                ["RTG", "A-3", "Riktning", None, "%", 3, 1, "Uppåt"]])
    with pytest.raises(InvalidInput) as refused:
        _load(session, data)
    assert refused.value.problems == [
        "Indikatorer, rad 2, kolumn Värde: värde saknas (obligatoriskt).",
        'Indikatorer, rad 3, kolumn Värde: "många" är inte ett tal.',
        'Indikatorer, rad 4, kolumn Indikator-ID: "A-1" finns redan för klinik RTG (rad 2).',
        'Indikatorer, rad 5, kolumn Riktning: "Uppåt" är inte ett av: Högre är bättre, Lägre är bättre, Ingen.',
    ]


def test_missing_sheets_warn_and_unknown_columns_are_ignored(session, portal):
    data = minimal(INDIKATORER=[["  klinikkod ", "INDIKATOR-ID", "Indikator", "Värde*", "Färg"],
                                ["NM", "X-1", "Något", 4, "blå"]])
    plan = _load(session, data)
    assert plan.sheets["Indikatorer"].counts() == (1, 0, 0)
    assert "Indikatorer, rad 1, kolumn Färg: okänd kolumn, den läses inte." in plan.warnings
    assert "Mål: bladet saknas och räknas som tomt." in plan.warnings


def test_a_workbook_without_the_bokslut_sheet_or_year_is_refused(session, portal):
    workbook = sample()
    del workbook["Bokslut"]
    with pytest.raises(InvalidInput, match="Bokslut: bladet saknas"):
        _load(session, workbook_bytes(workbook))
    workbook = sample()
    workbook["Bokslut"]["B3"] = None
    with pytest.raises(InvalidInput, match="Bokslut, rad 3, kolumn År: värde saknas"):
        _load(session, workbook_bytes(workbook))


def test_another_organisations_workbook_is_refused(session, portal):
    with pytest.raises(InvalidInput, match='"Annat sjukhus" är inte portalens organisation'):
        _load(session, minimal(organisation="Annat sjukhus"))


def test_a_second_load_of_the_same_year_is_refused_unless_replacing(session, portal):
    _load(session, SAMPLE_2025.read_bytes())
    with pytest.raises(InvalidInput, match="redan inläst"):
        _load(session, SAMPLE_2025.read_bytes())
    workbook = sample()
    workbook["Indikatorer"]["F2"] = 99                       # changed
    workbook["Indikatorer"].delete_rows(3)                    # removed: RTG DOS-01
    workbook["Mål"].append(["ORT", "M6", "Nytt mål", None, None, "Ej bedömt", None])  # added
    plan = _load(session, workbook_bytes(workbook), replace=True)
    assert plan.sheets["Indikatorer"].counts() == (0, 1, 1) and plan.sheets["Mål"].counts() == (1, 0, 0)
    assert _count(session, AnnualReport) == 1 and _count(session, Indicator) == 44 and _count(session, Goal) == 6
    assert _count(session, Document) == 2  # both workbooks kept


def test_replace_never_removes_a_finding_that_has_a_decided_action(session, portal):
    _load(session, SAMPLE_2025.read_bytes())
    finding = session.exec(select(Finding).where(Finding.code == "B-2025-05")).one()
    review = Review(clinic_id=finding.clinic_id, year=2026, created_at=NOW)
    session.add(review)
    session.flush()
    session.add(Action(clinic_id=finding.clinic_id, review_id=review.id, number=1, title="Takmonterad skärm",
                       finding_id=finding.id, owner_name="Lars Nyström", due_date=date(2026, 9, 30),
                       created_at=NOW, updated_at=NOW))
    session.commit()
    workbook = sample()
    brister = workbook["Brister"]
    row = next(r[0].row for r in brister.iter_rows() if r[1].value == "B-2025-05")
    brister.delete_rows(row)
    with pytest.raises(InvalidInput, match=r"B-2025-05 \(KARD\)"):
        _load(session, workbook_bytes(workbook), replace=True)


def test_dry_run_writes_nothing(session, portal):
    before = _counts(session)
    plan = importer.plan_import(session, actor=SYSTEM_ACTOR, today=TODAY, data=SAMPLE_2025.read_bytes(),
                                filename="x.xlsx", replace=False)
    assert plan.sheets["Brister"].counts() == (7, 0, 0)
    assert _counts(session) == before


def test_documents_are_kept_with_their_checksum(session, portal):
    import hashlib
    data = SAMPLE_2025.read_bytes()
    _load(session, data, filename="bokslut-2025.xlsx", narrative=(b"%PDF-1.7 bokslut", "bokslut-2025.pdf"))
    stored = {d.kind: d for d in session.exec(select(Document))}
    assert stored["workbook"].sha256 == hashlib.sha256(data).hexdigest() and stored["workbook"].content == data
    assert stored["narrative"].media_type == "application/pdf" and stored["narrative"].filename == "bokslut-2025.pdf"
    with pytest.raises(InvalidInput, match="inte en PDF- eller Word-fil"):
        _load(session, SAMPLE_2024.read_bytes(), narrative=(b"hej", "bokslut.txt"))


def test_the_kliniker_sheet_adds_new_clinics(session, portal):
    workbook = sample()
    workbook["Kliniker"].append(["tand", "Tandvården", "Demosjukhuset", None, None, "Tandvård"])
    workbook["Mål"].append(["TAND", "M7", "Mål för tandvården", None, None, "Uppfyllt", None])
    _load(session, workbook_bytes(workbook))
    tand = session.exec(select(Clinic).where(Clinic.code == "TAND")).one()
    assert tand.modalities == ["dental"]
    assert session.exec(select(Goal).where(Goal.code == "M7")).one().clinic_id == tand.id


def test_only_strateg_and_admin_may_load(session, portal):
    clinic = session.exec(select(Clinic).where(Clinic.code == "RTG")).one()
    samordnare = actor_of(make_user(session, "erik", "samordnare", [clinic]), [clinic])
    with pytest.raises(PermissionDenied, match="läsa in strålskyddsbokslut"):
        importer.import_annual_report(session, actor=samordnare, data=SAMPLE_2025.read_bytes(), filename="x.xlsx",
                                      now=NOW)


def test_a_workbook_saved_by_libreoffice_loads_the_same(session, portal):
    # Saved by LibreOffice Calc 7.4 from the 2025 sample (soffice --convert-to xlsx); it writes dates,
    # numbers and empty cells differently from Excel.
    from tests.annual_report_files import DATA
    plan = _load(session, (DATA / "bokslut-2025-sparad-i-libreoffice.xlsx").read_bytes())
    assert [plan.sheets[s].counts()[0] for s in ("Sammanfattning", "Mål", "Indikatorer", "Brister")] == [4, 5, 45, 7]
    assert session.exec(select(AnnualReport)).one().completed_on == date(2026, 2, 26)


def test_a_replace_names_the_frozen_minutes_it_leaves_untouched(demo_url):
    from core import db
    from core.services.annual_report_import import plan_import
    from core.services.auth import SYSTEM_ACTOR
    from tests.annual_report_files import DEMO_2025
    engine = db.make_engine(demo_url)
    with db.session_scope(engine) as s:
        plan = plan_import(s, actor=SYSTEM_ACTOR, today=TODAY, data=DEMO_2025.read_bytes(), filename=DEMO_2025.name,
                           replace=True)
    assert plan.locked_minutes == ["KARD 2/2026 (under justering)"]
    assert "ändras inte av att det ersätts: KARD 2/2026 (under justering)" in plan.summary()
    engine.dispose()
