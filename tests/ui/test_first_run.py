"""The first-run screen on a database without an organisation: the first administrator sets the portal up."""
import pytest
from sqlmodel import Session, select

from core import clock, db, local_secrets
from core.config import load_settings
from core.models import Organisation, User
from core.services import setup
from tests.conftest import drop_everything
from tests.ui.helpers import app, visible_text


@pytest.fixture
def empty_env(database_url, monkeypatch, tmp_path) -> str:
    """A migrated database with nothing in it, no demo, and its own data folder (where the startkod is kept)."""
    drop_everything(db.make_engine(database_url))
    db.upgrade(database_url)
    monkeypatch.setenv("STRALPORTAL_DATABASE_URL", database_url)
    monkeypatch.setenv("STRALPORTAL_DEMO", "0")
    monkeypatch.setenv("STRALPORTAL_DATA_DIR", str(tmp_path / "data"))
    return database_url


def _startkod() -> str:
    """Draw the startkod as `stralportal serve` does at start (the test reads it as the operator reads the log)."""
    return local_secrets.new_setup_code(load_settings(), now=clock.now())


def _fill(at, **values):
    by_label = {t.label: t for t in at.text_input}
    for label, value in values.items():
        by_label[label].input(value)
    next(b for b in at.button if b.label == "Lägg upp portalen").click().run()


FORM = {"Organisationens namn *": "Norrby sjukhus", "Tillståndshavare *": "Region Norrby",
        "SSM:s tillståndsnummer *": "SSM2024-0099", "Användarnamn *": "maja", "Namn *": "Maja Holm",
        "E-post *": "maja@norrby.se", "Lösenord *": "ett-langt-losenord", "Upprepa lösenordet *": "ett-langt-losenord"}


def test_an_empty_database_opens_on_the_first_run_form_and_a_wrong_code_changes_nothing(empty_env):
    _startkod()
    at = app().run()
    assert "Första start" in visible_text(at) and not any(t.label == "Lösenord" for t in at.text_input)
    _fill(at, **FORM, **{"Startkod *": "FEL"})
    assert any("Startkod: koden stämmer inte" in e.value for e in at.error)
    assert next(t for t in at.text_input if t.label == "Organisationens namn *").value == "Norrby sjukhus"  # kept
    with Session(db.make_engine(empty_env)) as s:
        assert setup.needs_setup(s)


def test_the_right_code_sets_the_portal_up_and_shows_the_login(empty_env):
    at = app().run()
    _fill(at, **FORM, **{"Startkod *": _startkod()})
    assert "Portalen är upplagd. Logga in som maja" in visible_text(at)
    assert any(t.label == "Användarnamn" for t in at.text_input)  # the login form, no longer the first run
    with Session(db.make_engine(empty_env)) as s:
        assert s.exec(select(Organisation.licence_holder)).one() == "Region Norrby"
        assert s.exec(select(User.role)).one() == "admin"


def test_a_code_computed_from_the_repository_is_refused_on_the_page(empty_env):
    from tests.hostile.test_no_default_secret import _old_way_code
    _startkod()
    at = app().run()
    _fill(at, **FORM, **{"Startkod *": _old_way_code()})
    assert any("Startkod: koden stämmer inte" in e.value for e in at.error)
    with Session(db.make_engine(empty_env)) as s:
        assert setup.needs_setup(s) and s.exec(select(User)).first() is None
