"""Hostile and damaged bokslut workbooks: each is a clear Swedish refusal that changes nothing, or a correct result.

The files are written by make_files.py (python -m tests.hostile.make_files).
"""
import io
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select as sa_select
from sqlmodel import SQLModel, select

from core.cli import main
from core.errors import InvalidInput
from core.models import AnnualReport, Indicator
from core.services import annual_report_import as importer
from core.services.auth import SYSTEM_ACTOR
from tests.annual_report_files import SAMPLE_2024
from tests.factories import NOW, TODAY, make_clinic, make_org

FOLDER = Path(__file__).parent
RESAVE = "Öppna arbetsboken i Excel, spara den som Excel-arbetsbok och försök igen."
NOT_A_WORKBOOK = ("Filen {} är inte en läsbar Excel-arbetsbok (.xlsx). Spara den som Excel-arbetsbok och försök igen; "
                  "en CSV-fil, en PDF, en skadad eller lösenordsskyddad fil kan inte läsas.")
BROKEN_PART = ("Filen {} är skadad: {} innehåller ogiltig eller otillåten XML och kan inte läsas. Öppna filen i "
               "Excel, spara den som Excel-arbetsbok och försök igen.")
MERGED = ("cellerna {} är sammanfogade, så bara den första har ett värde och de andra skulle läsas som tomma. Dela "
          "upp de sammanfogade cellerna och skriv värdet i varje rad.")
TOO_LONG = "texten är {} tecken lång; högst {} tecken får plats."
NBSP = "\u00a0"

REFUSED = {
    "trasig-xml-blad.xlsx": [f"Indikatorer, rad 3, kolumn Värde: bladet är skadat här och kan inte läsas. {RESAVE}"],
    "trasig-xml-delade-texter.xlsx": [BROKEN_PART.format("trasig-xml-delade-texter.xlsx",
                                                         "arbetsbokens texter (xl/sharedStrings.xml)")],
    "ogiltigt-tecken.xlsx": [f"Mål, rad 2, kolumn Mål: bladet är skadat här och kan inte läsas. {RESAVE}"],
    "ogiltig-utf8.xlsx": [f"Brister, rad 2, kolumn Beskrivning: bladet är skadat här och kan inte läsas. {RESAVE}"],
    "delad-text-for-stort-index.xlsx": ["Mål, rad 2, kolumn Mål-ID: cellen hänvisar till en text som inte finns i "
                                        "arbetsboken (skadad fil)."],
    "delad-text-negativt-index.xlsx": ["Mål, rad 2, kolumn Mål-ID: cellen hänvisar till en text som inte finns i "
                                       "arbetsboken (skadad fil)."],
    "stilindex-for-stort.xlsx": ["Indikatorer, rad 2, kolumn Värde: cellens format finns inte i arbetsboken "
                                 "(skadad fil)."],
    "inf-varde.xlsx": ['Indikatorer, rad 2, kolumn Värde: "INF" är inget tal som kan sparas.'],
    "nan-malvarde.xlsx": ['Indikatorer, rad 3, kolumn Målvärde: "NaN" är inget tal som kan sparas.'],
    "inf-ar.xlsx": ['Bokslut, rad 3, kolumn År: "-INF" är inget tal som kan sparas.'],
    "zip-bomb.xlsx": ["Filen zip-bomb.xlsx packas upp till 500 MB i 10 delar; en arbetsbok för strålskyddsbokslut "
                      "får packas upp till högst 50 MB. Filen är skadad eller gjord för att överbelasta portalen och "
                      "läses inte in."],
    "sammanfogad-klinikkod.xlsx": ["Indikatorer, rad 2, kolumn Klinikkod: " + MERGED.format("A2:A4")],
    "sammanfogat-id.xlsx": ["Brister, rad 2, kolumn Brist-ID: " + MERGED.format("B2:B3"),
                            "Brister, rad 3, kolumn Brist-ID: värde saknas (obligatoriskt)."],
    "sammanfogade-bokslutsfalt.xlsx": ["Bokslut, rad 3: cellerna är sammanfogade; skriv fältets namn i kolumn A och "
                                       "värdet i kolumn B, utan sammanfogade celler."],
    "for-langt-mal-id.xlsx": ["Mål, rad 2, kolumn Mål-ID: " + TOO_LONG.format(51, 50)],
    "for-langt-indikatornamn.xlsx": ["Indikatorer, rad 2, kolumn Indikator: " + TOO_LONG.format(301, 300)],
    "for-lang-klinikkod.xlsx": ["Kliniker, rad 2, kolumn Klinikkod: " + TOO_LONG.format(21, 20)],
    "for-langt-kliniknamn.xlsx": ["Kliniker, rad 2, kolumn Klinik: " + TOO_LONG.format(201, 200)],
    "for-lang-organisation.xlsx": ["Bokslut, rad 2, kolumn Organisation: " + TOO_LONG.format(201, 200)],
    "for-lang-version.xlsx": ["Bokslut, rad 5, kolumn Version: " + TOO_LONG.format(52, 50)],
    "for-lang-referens.xlsx": ["Brister, rad 2, kolumn Referens: " + TOO_LONG.format(301, 300)],
    "for-stor-cell.xlsx": ["Sammanfattning, rad 2, kolumn Text: "
                           + TOO_LONG.format(f"32{NBSP}768", f"32{NBSP}767")],
    "for-manga-rader.xlsx": [f"Indikatorer: bladet har fler än 20{NBSP}000 rader med innehåll; ett bokslut får ha "
                             "högst så många per blad. Ta bort rader som inte hör till bokslutet."],
    "for-manga-fel.xlsx": [f'Indikatorer, rad {r}, kolumn Värde: "tolv" är inte ett tal.' for r in range(2, 202)]
                          + ["… och 50 fel till. Rätta de första och läs in arbetsboken igen för att se resten."],
    "negativt-datum.xlsx": ["Bokslut, rad 4, kolumn Färdigställd: cellen är formaterad som datum men -1 är inget "
                            "giltigt datum."],
    "orimligt-datum.xlsx": ["Bokslut, rad 4, kolumn Färdigställd: cellen är formaterad som datum men 99999999 är "
                            "inget giltigt datum."],
    "datum-ar-1.xlsx": ["Bokslut, rad 4, kolumn Färdigställd: 0001-01-01 är inget rimligt datum (från 2000-01-01 "
                        "till 2101-12-31)."],
    "datum-fore-aret.xlsx": ["Bokslut, rad 4, kolumn Färdigställd: 2024-06-30 ligger före det år bokslutet gäller "
                             "(2025)."],
    "ogiltig-datumcell.xlsx": ['Bokslut, rad 4, kolumn Färdigställd: "2025-13-45" är inget giltigt datum.'],
    "samma-mal-id-tva-ganger.xlsx": ['Mål, rad 3, kolumn Mål-ID: "m1" finns redan för hela organisationen (rad 2).'],
    "dubbel-kolumn.xlsx": ["Indikatorer, rad 1, kolumn Värde: kolumnen finns två gånger (kolumn J); ta bort den ena "
                           "så att inget värde går förlorat."],
    "dubbla-blad.xlsx": ["Mål: arbetsboken har flera blad med det här namnet; behåll bara ett så att inget läses fel."],
    "entiteter-i-blad.xlsx": [BROKEN_PART.format("entiteter-i-blad.xlsx", "bladet Mål (xl/worksheets/sheet2.xml)")],
    "entiteter-i-delade-texter.xlsx": [BROKEN_PART.format("entiteter-i-delade-texter.xlsx",
                                                          "arbetsbokens texter (xl/sharedStrings.xml)")],
    "ogiltigt-radnummer.xlsx": [f"Mål: bladet är skadat efter rad 1 och kan inte läsas. {RESAVE}"],
    "krypterad-del.xlsx": [NOT_A_WORKBOOK.format("krypterad-del.xlsx")],
    "saknar-arbetsbok.xlsx": [NOT_A_WORKBOOK.format("saknar-arbetsbok.xlsx")],
    "cell-tva-ganger.xlsx": ["Indikatorer, rad 2, kolumn Värde: cellen finns två gånger i filen (skadad fil)."],
    "ogiltig-cellreferens.xlsx": ["Mål, rad 2, kolumn Klinikkod: cellen är skadad och kan inte läsas."],
    "booleskt-varde.xlsx": ['Indikatorer, rad 2, kolumn Värde: "SANT" är inte ett tal.'],
    "felvarde.xlsx": ['Indikatorer, rad 2, kolumn Värde: "#DIV/0!" är inte ett tal.'],
}
ACCEPTED = ("giltig.xlsx", "dimension-ljuger.xlsx", "manga-okanda-kolumner.xlsx")


@pytest.fixture
def portal(session):
    """Demosjukhuset with its clinics and the 2024 bokslut, so a refusal has stored rows to leave alone."""
    org = make_org(session, "Demosjukhuset")
    for code in ("RTG", "NM", "ONK", "KARD", "ORT"):
        make_clinic(session, org, code)
    importer.import_annual_report(session, actor=SYSTEM_ACTOR, data=SAMPLE_2024.read_bytes(), filename="2024.xlsx",
                                  now=NOW)
    session.commit()
    return org


def snapshot(session) -> dict:
    """Return every row of every table (the whole database, to show that nothing changed)."""
    return {table.name: session.execute(sa_select(table).order_by(*table.primary_key.columns)).all()
            for table in SQLModel.metadata.sorted_tables}


def _load(session, data: bytes, name: str):
    return importer.import_annual_report(session, actor=SYSTEM_ACTOR, data=data, filename=name, replace=True, now=NOW)


def test_every_file_in_the_folder_has_an_expected_answer():
    assert sorted(p.name for p in FOLDER.glob("*.xlsx")) == sorted([*REFUSED, *ACCEPTED])


def test_the_files_are_what_make_files_writes():
    from tests.hostile.make_files import cases
    stale = [name for name, build in cases().items()
             if name != "zip-bomb.xlsx" and build() != (FOLDER / name).read_bytes()]  # the bomb takes a while
    assert stale == [], "kör python -m tests.hostile.make_files"


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_hostile_workbook_is_refused_in_swedish_and_changes_nothing(session, portal, name):
    data, before = (FOLDER / name).read_bytes(), snapshot(session)
    with pytest.raises(InvalidInput) as dry_run:
        importer.plan_import(session, actor=SYSTEM_ACTOR, today=TODAY, data=data, filename=name, replace=True)
    assert dry_run.value.problems == REFUSED[name]
    with pytest.raises(InvalidInput) as refused:
        _load(session, data, name)
    assert refused.value.problems == REFUSED[name]
    session.rollback()
    assert snapshot(session) == before


@pytest.mark.parametrize("data, message", [
    (b"PK\x03\x04" + bytes(21_000_000), "Filen stor.xlsx är 21 MB; en arbetsbok för strålskyddsbokslut får vara "
                                        "högst 20 MB."),
    ("many", f"Filen stor.xlsx packas upp till 0 MB i 10{NBSP}001 delar; en arbetsbok för strålskyddsbokslut får "
             "packas upp till högst 50 MB. Filen är skadad eller gjord för att överbelasta portalen och läses inte "
             "in."),
])
def test_a_file_too_large_or_in_too_many_parts_is_refused_before_it_is_unpacked(session, portal, data, message):
    if data == "many":  # generated here: ten thousand parts do not make a small file
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for i in range(10_001):
                archive.writestr(f"x/{i}", b"")
        data = buffer.getvalue()
    before = snapshot(session)
    with pytest.raises(InvalidInput) as refused:
        _load(session, data, "stor.xlsx")
    assert refused.value.problems == [message]
    session.rollback()
    assert snapshot(session) == before


def test_the_valid_base_workbook_loads(session, portal):
    plan = _load(session, (FOLDER / "giltig.xlsx").read_bytes(), "giltig.xlsx")
    assert [plan.sheets[s].counts() for s in ("Mål", "Indikatorer", "Brister")] == [(1, 0, 0), (2, 0, 0), (1, 0, 0)]
    values = {i.code: (i.value, i.unit) for i in session.exec(
        select(Indicator).join(AnnualReport).where(AnnualReport.year == 2025))}
    assert values == {"DOS-01": (12.5, "mGy"), "UTB-01": (pytest.approx(93), "%")}


def test_a_sheet_that_claims_every_cell_of_excel_is_read_as_the_rows_it_has(session, portal):
    plan = _load(session, (FOLDER / "dimension-ljuger.xlsx").read_bytes(), "dimension-ljuger.xlsx")
    assert [r["row"] for r in plan.sheets["Indikatorer"].added] == [2, 1_048_576]


def test_hundreds_of_unknown_columns_give_the_first_warnings_and_a_count(session, portal):
    plan = _load(session, (FOLDER / "manga-okanda-kolumner.xlsx").read_bytes(), "manga-okanda-kolumner.xlsx")
    assert len(plan.warnings) == 201 and plan.warnings[-1] == "… och 102 varningar till."
    assert plan.sheets["Mål"].counts() == (1, 0, 0)


def test_the_command_line_refuses_every_hostile_workbook_in_swedish_without_a_traceback(demo_env, capsys, tmp_path):
    from core import db
    engine = db.make_engine(demo_env)
    with engine.connect() as conn:
        before = {t.name: conn.execute(sa_select(t)).all() for t in SQLModel.metadata.sorted_tables}
    for name, problems in REFUSED.items():
        for extra in (["--dry-run"], []):
            code = main(["bokslut", "import", str(FOLDER / name), "--replace", *extra])
            out, err = capsys.readouterr()
            assert code == 2, (name, err)
            assert problems[0] in err and "Oväntat fel" not in err and "Traceback" not in err, (name, err)
            assert len(err.splitlines()) <= 202, name
    (tmp_path / "bokslut.txt").write_text("löptext")
    code = main(["bokslut", "import", str(FOLDER / "giltig.xlsx"), "--dry-run",
                 "--attach", str(tmp_path / "bokslut.txt")])
    assert code == 2 and "Bilaga: bokslut.txt är inte en PDF- eller Word-fil" in capsys.readouterr().err
    with engine.connect() as conn:
        assert {t.name: conn.execute(sa_select(t)).all() for t in SQLModel.metadata.sorted_tables} == before
    engine.dispose()
