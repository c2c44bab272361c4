"""Implausible figures in a format-1.2 bokslut: each is refused in Swedish with sheet, row and column, and changes
nothing; a high but possible dose still loads (an accident must be recordable) and becomes a finding.

The workbooks are built here with openpyxl from the valid 2025 sample, so each case changes exactly one cell.
"""
from datetime import datetime

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from core.errors import InvalidInput
from core.models import DosimetryRecord, Finding
from core.services import annual_report_import as importer
from core.services.auth import SYSTEM_ACTOR
from tests.annual_report_files import SAMPLE_2025, workbook_bytes
from tests.factories import NOW, TODAY
from tests.hostile.test_hostile_workbooks import snapshot

NBSP = "\u00a0"
TRAINING = ("Klinikkod", "Personalgrupp", "Antal anställda", "Antal med genomförd strålskyddsutbildning")
DOSES = ("Klinikkod", "Personalgrupp", "Antal i kategori A", "Högsta Hp(10) (mSv)", "Högsta Hp(3) ögonlins (mSv)",
         "Högsta extremitetsdos (mSv)")
DRL = ("Klinikkod", "Undersökningstyp", "Dosstorhet", "Enhet", "Utrustning", "Lokal standardnivå", "Nationell DRL",
       "Senast bestämd")
PERCENT_REFUSED = ("cellen visar ett procenttal ({}), men kolumnen tar ett tal utan procent. Ta bort procentformatet "
                   "(eller %-tecknet) och skriv talet som det ska läsas.")
CHECK_UNIT = "kontrollera värdet och enheten."


def _book(sheets: dict[str, list[tuple]], percent_cells: dict[str, str] | None = None,
          bokslut: dict[str, object] | None = None, clinics: dict[str, object] | None = None) -> bytes:
    """The 2025 sample as format 1.2 with the given sheets; cells formatted as percent, Bokslut fields or Kliniker
    cells (by coordinate) changed."""
    book = load_workbook(SAMPLE_2025)
    rows = {r[0].value: r[1] for r in book["Bokslut"].iter_rows(min_row=2)}
    for name, value in {"Formatversion": "1.2", **(bokslut or {})}.items():
        if name in rows:
            rows[name].value = value
        else:
            book["Bokslut"].append([name, value])
    for name, table in sheets.items():
        sheet = book.create_sheet(name)
        for row in table:
            sheet.append(list(row))
    for ref, value in (clinics or {}).items():
        book["Kliniker"][ref] = value
    for ref in percent_cells or {}:
        sheet_name, coordinate = ref.split("!")
        book[sheet_name][coordinate].number_format = percent_cells[ref]
    return workbook_bytes(book)


CASES = {
    "negativ-drl": (_book({"DRL": [DRL, ("RTG", "DT buk", "DLP", None, "DT 1", -4, None, None)]}),
                    ["DRL, rad 2, kolumn Lokal standardnivå: en standardnivå måste vara större än 0."]),
    "drl-1e300": (_book({"DRL": [DRL, ("RTG", "DT buk", "DLP", None, "DT 1", 1e300, None, None)]}),
                  [f"DRL, rad 2, kolumn Lokal standardnivå: 1e+300 mGy·cm är ingen rimlig nivå (högst 100{NBSP}000 "
                   f"mGy·cm); {CHECK_UNIT}"]),
    "drl-for-hog-for-dosstorheten": (
        _book({"DRL": [DRL, ("RTG", "Koronarangiografi", "DAP", None, "Angio 1", 20_000, None, None)]}),
        [f"DRL, rad 2, kolumn Lokal standardnivå: 20{NBSP}000 Gy·cm² är ingen rimlig nivå (högst 10{NBSP}000 "
         f"Gy·cm²); {CHECK_UNIT}"]),
    "nationell-drl-1e300": (_book({"DRL": [DRL, ("RTG", "DT buk", "DLP", None, "DT 1", 400, 1e300, None)]}),
                            [f"DRL, rad 2, kolumn Nationell DRL: 1e+300 är ingen rimlig nivå (högst 100{NBSP}000); "
                             f"{CHECK_UNIT}"]),
    "drl-datum-2101": (_book({"DRL": [DRL, ("RTG", "DT buk", "DLP", None, "DT 1", 400, None, datetime(2101, 1, 1))]}),
                       ["DRL, rad 2, kolumn Senast bestämd: 2101-01-01 har inte inträffat än (i dag är det "
                        "2026-03-10)."]),
    "dos-1e9": (_book({"Persondosimetri": [DOSES, ("RTG", "Läkare", 0, 1e9, None, None)]}),
                [f"Persondosimetri, rad 2, kolumn Högsta Hp(10) (mSv): 1{NBSP}000{NBSP}000{NBSP}000 mSv är ingen "
                 f"möjlig dos under ett år (högst 10{NBSP}000 mSv); {CHECK_UNIT}"]),
    "extremitetsdos-over-granen": (
        _book({"Persondosimetri": [DOSES, ("RTG", "Läkare", 0, None, None, 100_001)]}),
        [f"Persondosimetri, rad 2, kolumn Högsta extremitetsdos (mSv): 100{NBSP}001 mSv är ingen möjlig dos under "
         f"ett år (högst 100{NBSP}000 mSv); {CHECK_UNIT}"]),
    "negativ-dos": (_book({"Persondosimetri": [DOSES, ("RTG", "Läkare", 0, None, -0.5, None)]}),
                    ["Persondosimetri, rad 2, kolumn Högsta Hp(3) ögonlins (mSv): en dos kan inte vara negativ."]),
    "personal-1e300": (_book({"Utbildning": [TRAINING, ("RTG", "Läkare", 1e300, 3)]}),
                       [f"Utbildning, rad 2, kolumn Antal anställda: 1e+300 är inget antal (ett heltal från 0 till "
                        f"100{NBSP}000)."]),
    "personal-over-granen": (_book({"Utbildning": [TRAINING, ("RTG", "Läkare", 100_001, 3)]}),
                             [f"Utbildning, rad 2, kolumn Antal anställda: 100{NBSP}001 är inget antal (ett heltal "
                              f"från 0 till 100{NBSP}000)."]),
    "halv-person": (_book({"Utbildning": [TRAINING, ("RTG", "Läkare", 10, 2.5)]}),
                    ["Utbildning, rad 2, kolumn Antal med genomförd strålskyddsutbildning: 2,5 är inget antal (ett "
                     f"heltal från 0 till 100{NBSP}000)."]),
    "kategori-a-negativ": (_book({"Persondosimetri": [DOSES, ("RTG", "Läkare", -1, 2, None, None)]}),
                           [f"Persondosimetri, rad 2, kolumn Antal i kategori A: -1 är inget antal (ett heltal från 0 "
                            f"till 100{NBSP}000)."]),
    "antal-som-procent": (_book({"Utbildning": [TRAINING, ("RTG", "Läkare", 0.5, 0)]},
                                percent_cells={"Utbildning!C2": "0%"}),
                          ["Utbildning, rad 2, kolumn Antal anställda: " + PERCENT_REFUSED.format("50 %")]),
    "antal-som-procenttext": (_book({"Utbildning": [TRAINING, ("RTG", "Läkare", 10, "80 %")]}),
                              ["Utbildning, rad 2, kolumn Antal med genomförd strålskyddsutbildning: "
                               + PERCENT_REFUSED.format("80 %")]),
    "dos-som-procent": (_book({"Persondosimetri": [DOSES, ("RTG", "Läkare", 0, 0.025, None, None)]},
                              percent_cells={"Persondosimetri!D2": "0.0%"}),
                        ["Persondosimetri, rad 2, kolumn Högsta Hp(10) (mSv): " + PERCENT_REFUSED.format("2,50 %")]),
    "fardigstalld-2099": (_book({}, bokslut={"Färdigställd": datetime(2099, 2, 26)}),
                          ["Bokslut, rad 5, kolumn Färdigställd: 2099-02-26 har inte inträffat än (i dag är det "
                           "2026-03-10)."]),
    "kliniknamn-med-radbrytning": (_book({}, clinics={"B2": "Röntgen\nkliniken"}),
                                   ["Kliniker, rad 2, kolumn Klinik: texten har en radbrytning eller ett tabbtecken "
                                    "på plats 8; skriv den på en rad utan tabbtecken."]),
    "verksamhetschef-med-tabb": (_book({}, clinics={"D3": "Karin\tÖberg"}),
                                 ["Kliniker, rad 3, kolumn Verksamhetschef: texten har en radbrytning eller ett "
                                  "tabbtecken på plats 6; skriv den på en rad utan tabbtecken."]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_an_implausible_figure_is_refused_in_swedish_naming_its_cell_and_changes_nothing(session, portal, name):
    data, expected = CASES[name]
    before = snapshot(session)
    with pytest.raises(InvalidInput) as dry_run:
        importer.plan_import(session, actor=SYSTEM_ACTOR, today=TODAY, data=data, filename=f"{name}.xlsx",
                             replace=False)
    assert dry_run.value.problems == expected
    with pytest.raises(InvalidInput) as refused:
        importer.import_annual_report(session, actor=SYSTEM_ACTOR, data=data, filename=f"{name}.xlsx", now=NOW)
    assert refused.value.problems == expected
    session.rollback()
    assert snapshot(session) == before


def test_a_high_but_possible_dose_loads_and_becomes_a_serious_finding(session, portal):
    data = _book({"Persondosimetri": [DOSES, ("RTG", "Läkare", 1, 5_000, None, 99_000)]})
    importer.import_annual_report(session, actor=SYSTEM_ACTOR, data=data, filename="olycka.xlsx", now=NOW)
    record = session.exec(select(DosimetryRecord)).one()
    assert (record.max_hp10, record.max_extremity) == (5_000, 99_000)
    severities = {f.code: f.severity for f in session.exec(select(Finding).where(Finding.code.startswith("DOS-")))}
    assert severities == {"DOS-LÄKARE-HP10": "high", "DOS-LÄKARE-EXTREMITY": "high"}


def test_the_bounds_themselves_still_load(session, portal):
    data = _book({"Utbildning": [TRAINING, ("RTG", "Läkare", 100_000, 0)],
                  "Persondosimetri": [DOSES, ("RTG", "Läkare", 0, 10_000, 10_000, 100_000)],
                  "DRL": [DRL, ("RTG", "DT buk", "DLP", None, "DT 1", 100_000, None, datetime(2026, 3, 10))]},
                 bokslut={"Färdigställd": datetime(2026, 3, 10)})
    plan = importer.import_annual_report(session, actor=SYSTEM_ACTOR, data=data, filename="gransen.xlsx", now=NOW)
    assert plan.sheets["Utbildning"].counts() == (1, 0, 0) and plan.sheets["DRL"].counts() == (1, 0, 0)


def test_an_indicator_formatted_as_percent_is_still_read_as_it_shows(session, portal):
    book = load_workbook(SAMPLE_2025)
    sheet = book["Indikatorer"]
    value_column = next(c.column for c in sheet[1] if str(c.value).rstrip("*") == "Värde")
    cell = sheet.cell(row=2, column=value_column, value=0.93)
    cell.number_format = "0%"
    plan = importer.plan_import(session, actor=SYSTEM_ACTOR, today=TODAY, data=workbook_bytes(book),
                                filename="andel.xlsx", replace=False)
    row = plan.parsed.rows["Indikatorer"][0]
    assert row["value"] == pytest.approx(93)
