"""Läs in bokslut: a hostile workbook is refused on the page in Swedish, never with a traceback."""
import pytest

from pages._shared.ui import plain
from tests.annual_report_files import minimal
from tests.hostile.test_hostile_workbooks import FOLDER, REFUSED
from tests.ui.helpers import logged_in, open_page

SHOWN = ["ogiltigt-tecken.xlsx", "zip-bomb.xlsx", "sammanfogad-klinikkod.xlsx", "inf-varde.xlsx",
         "for-manga-fel.xlsx", "trasig-xml-delade-texter.xlsx"]


@pytest.mark.parametrize("name", SHOWN)
def test_the_page_shows_the_refusal_of_a_hostile_workbook(demo_env, name):
    at = open_page(logged_in("strateg"), "pages/bokslut_import.py")
    at.file_uploader[0].upload(name, (FOLDER / name).read_bytes()).run()
    assert not at.exception
    error = at.error[0].value
    assert error.startswith("Arbetsboken kan inte läsas in. Inget har ändrats.")
    for problem in REFUSED[name]:
        assert plain(problem, one_line=True) in error or plain(problem) in error
    assert not [b for b in at.button if b.label in ("Läs in bokslutet", "Ersätt bokslutet")]  # nothing to confirm


def test_a_valid_workbook_still_gets_its_preview_and_confirm_button(demo_env):
    at = open_page(logged_in("strateg"), "pages/bokslut_import.py")
    at.file_uploader[0].upload("bokslut-2026.xlsx", minimal(year=2026)).run()
    assert not at.exception and not at.error
    assert "Arbetsboken är godkänd: strålskyddsbokslut 2026" in at.success[0].value
    assert [b for b in at.button if b.label == "Läs in bokslutet"]
