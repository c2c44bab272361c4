"""One figure, one source: an indicator that a table of the bokslut also measures is checked against it on import
and shown with the table's figure and its definition (core/annual_report/linked.py).

The demo's 2025 workbook (core/demo) gives KARD's highest Hp(10) as 6,8 mSv in Indikatorer and 2,7 mSv in
Persondosimetri, and RTG's share with giltig training as 93 % against 90,3 % with genomförd training in Utbildning.
"""
import io

from openpyxl import load_workbook
from sqlmodel import select

from core.annual_report import linked
from core.demo import DEMO_FILE
from core.documents import figures
from core.models import Clinic
from core.services import annual_report_import as importer
from core.services import annual_reports
from core.services.auth import SYSTEM_ACTOR
from tests.factories import NOW, TODAY

DEMO_2025 = DEMO_FILE.parent / "bokslut-2025-demosjukhuset.xlsx"


def _plan(session, data: bytes):
    return importer.plan_import(session, actor=SYSTEM_ACTOR, today=TODAY, data=data, filename="bokslut.xlsx",
                                replace=False)


def _with_indicators(values: dict[tuple[str, str], float]) -> bytes:
    """The demo's 2025 workbook with some indicators (clinic, ID) given other values."""
    book = load_workbook(DEMO_2025)
    for row in book["Indikatorer"].iter_rows(min_row=2):
        if (row[0].value, row[1].value) in values:
            row[5].value = values[row[0].value, row[1].value]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _warnings_about(plan, clinic: str) -> list[str]:
    return [w for w in plan.warnings if f"klinik {clinic} anger" in w]


def test_the_demo_import_warns_about_kards_dose_naming_both_figures_and_cells(session, portal):
    [dose] = [w for w in _warnings_about(_plan(session, DEMO_2025.read_bytes()), "KARD") if "Hp(10)" in w]
    assert dose.startswith("Indikatorer, rad 30, kolumn Värde: klinik KARD anger 6,8\u00a0mSv")
    assert "Persondosimetri, rad 2, kolumn Högsta Hp(10) (mSv) ger 2,7\u00a0mSv (personalgrupp Läkare" in dose
    assert "De mäter samma sak" in dose


def test_the_demo_import_warns_about_rtgs_training_share_telling_giltig_from_genomford(session, portal):
    [training] = [w for w in _warnings_about(_plan(session, DEMO_2025.read_bytes()), "RTG") if "utbildning" in w]
    assert training.startswith("Indikatorer, rad 2, kolumn Värde: klinik RTG anger 93\u00a0%")
    assert "giltig strålskyddsutbildning" in training
    assert "Utbildning, rad 2–3, kolumn Antal med genomförd strålskyddsutbildning ger 90,3\u00a0% (56 av 62" in training
    assert "Giltig utbildning kan inte vara vanligare än genomförd" in training


def test_a_warning_does_not_stop_the_load(session, portal):
    plan = importer.import_annual_report(session, actor=SYSTEM_ACTOR, data=DEMO_2025.read_bytes(),
                                         filename="bokslut.xlsx", now=NOW)
    assert plan.sheets["Indikatorer"].counts()[0] == 45 and _warnings_about(plan, "KARD")


def test_fewer_with_giltig_than_with_genomford_training_is_no_contradiction(session, portal):
    """NM: 96 % with valid training, 100 % (8 of 8) have completed it: training can have expired."""
    nm = _warnings_about(_plan(session, DEMO_2025.read_bytes()), "NM")
    assert [w.split(":")[0] for w in nm] == ["Indikatorer, rad 12, kolumn Värde"]  # only the dose (4,1 against 1,8)


def test_a_workbook_where_indicator_and_table_agree_gives_no_warning(session, portal):
    """Agreeing means: the table's figure rounded as the indicator is written (70,8 % written 71, 2,7 mSv)."""
    agreeing = _with_indicators({("KARD", "DOS-01"): 2.7, ("KARD", "UTB-01"): 71,
                                 ("RTG", "DOS-01"): 1.1, ("RTG", "UTB-01"): 90.3})
    plan = _plan(session, agreeing)
    assert not _warnings_about(plan, "KARD") and not _warnings_about(plan, "RTG")


def test_only_a_linked_id_in_the_tables_unit_is_compared():
    assert linked.link_of("dos-01", "mSv") is linked.LINKS["DOS-01"]
    assert linked.link_of("DOS-01", "%") is None and linked.link_of("DOS-02", "mSv") is None
    assert linked.agrees(90, 90.3) and linked.agrees(2.7, 2.74) and not linked.agrees(2.7, 2.8)


def _kard_rows(session):
    importer.import_annual_report(session, actor=SYSTEM_ACTOR, data=DEMO_2025.read_bytes(), filename="b.xlsx",
                                  now=NOW)
    kard = session.exec(select(Clinic.id).where(Clinic.code == "KARD")).one()
    return annual_reports.report_view(session, actor=SYSTEM_ACTOR, year=2025, clinic_id=kard).indicators


def test_the_indicators_table_shows_the_tables_figure_with_its_definition(session, portal):
    """The minutes and the meeting (one builder): the indicator's own figure stays, the table's is under its name."""
    rows = _kard_rows(session)
    cells = {r[0].split("\n")[0]: r for r in figures.indicators(rows, 2025).body}
    dose = cells["Högsta individuella dos Hp(10) (mSv)"]
    assert dose[0].split("\n")[1] == ("Enligt tabellen Persondosimetri: högsta Hp(10) 2,7\u00a0mSv (personalgrupp "
                                      "Läkare) – stämmer inte med indikatorn")
    assert dose[1:] == ["6,8", "6", "–", "Ej uppfyllt"]  # the verdict is the indicator's, as the bokslut gives it
    training = cells["Personal med giltig strålskyddsutbildning (%)"][0].split("\n")[1]
    assert training == ("Enligt tabellen Utbildning: 70,8\u00a0% med genomförd strålskyddsutbildning (17 av 24 "
                        "anställda) – stämmer inte med indikatorn")
    assert "\n" not in cells["Dosimetrar återlämnade i tid (%)"][0]
    definitions = figures.linked_definitions(rows)
    assert [d.split(" anger")[0] for d in definitions] == ["Indikator DOS-01", "Indikator UTB-01"]
    assert "giltig strålskyddsutbildning (genomförd och inte äldre än" in definitions[1]
    assert "tabellen Utbildning anger andelen med genomförd strålskyddsutbildning" in definitions[1]


def test_the_bokslut_page_shows_the_tables_figure_in_a_column_of_its_own(session, portal):
    table = figures.indicators(_kard_rows(session), 2025, detailed=True)
    column = table.header.index(figures.TABLE_FIGURE)
    by_name = {r[0]: r[column] for r in table.body}
    assert by_name["Högsta individuella dos Hp(10) (mSv)"].startswith("Enligt tabellen Persondosimetri: högsta "
                                                                      "Hp(10) 2,7")
    assert by_name["Dosimetrar återlämnade i tid (%)"] == ""


def test_a_table_without_the_clinic_shows_nothing_beside_its_indicator(session, portal):
    importer.import_annual_report(session, actor=SYSTEM_ACTOR, data=DEMO_2025.read_bytes(), filename="b.xlsx",
                                  now=NOW)
    onk = session.exec(select(Clinic.id).where(Clinic.code == "ONK")).one()
    rows = annual_reports.report_view(session, actor=SYSTEM_ACTOR, year=2025, clinic_id=onk).indicators
    assert not any("\n" in r[0] for r in figures.indicators(rows, 2025).body)
    assert figures.linked_definitions(rows) == []
    assert figures.TABLE_FIGURE not in figures.indicators(rows, 2025, detailed=True).header
