"""Never a traceback: unexpected errors get a Swedish message with an incident number; user text is never Markdown."""
import logging
import re
import tomllib

from sqlmodel import Session, select

from core import db, history
from core.models import Clinic, Organisation
from pages._shared.ui import plain
from tests.conftest import PROJECT_DIR
from tests.ui.helpers import app, logged_in, open_page, visible_text

INCIDENT = re.compile(r"Ett oväntat fel inträffade \(incident ([0-9A-F]{8})\)\. Inget av det du skrev har sparats\.")
HOSTILE = "[Klicka](https://evil.example) ![bild](https://evil.example/x.png) $E=mc^2$ <b>fet</b> *x* `kod`"
UNESCAPED = re.compile(r"(?<!\\)[\[\]$<>*`!]")


def _broken(*args, **kwargs):
    raise RuntimeError("databasen svarar inte")


def test_an_unexpected_error_shows_an_incident_number_and_logs_the_traceback(demo_env, monkeypatch, caplog):
    monkeypatch.setattr("core.services.overview.clinic_statuses", _broken)
    with caplog.at_level(logging.ERROR, logger="stralportal.incident"):
        through_app = logged_in("strateg").run()  # Översikt is the start page: app.py's run_page frames it
        direct = open_page(logged_in("strateg"), "pages/oversikt.py")  # the page run on its own, as after a link
    for at in (through_app, direct):
        assert not at.exception  # no traceback on the page
        shown = INCIDENT.search(" ".join(e.value for e in at.error))
        assert shown, visible_text(at)
        record = next(r for r in caplog.records if shown[1] in r.getMessage())
        assert record.exc_info[0] is RuntimeError and "databasen svarar inte" in record.getMessage()
        assert at.sidebar.get("page_link")  # the frame around the page still works


def test_an_unexpected_error_while_saving_keeps_what_was_typed(demo_env, monkeypatch, caplog):
    monkeypatch.setattr("core.services.clinics.create_clinic", _broken)
    at = open_page(logged_in("strateg"), "pages/kliniker.py")
    at.text_input(key="add_0_code").input("tand")
    at.text_input(key="add_0_name").input("Tandvårdskliniken")
    next(b for b in at.button if b.label == "Lägg till klinik").click().run()
    assert not at.exception and INCIDENT.search(at.error[0].value)
    assert at.text_input(key="add_0_name").value == "Tandvårdskliniken"
    with Session(db.make_engine(demo_env)) as s:
        assert len(s.exec(select(Clinic)).all()) == 5


def test_error_details_are_off_in_the_server_configuration():
    config = tomllib.loads((PROJECT_DIR / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"


def test_an_unknown_environment_is_refused_before_anything_is_shown(demo_env, monkeypatch):
    monkeypatch.setenv("STRALPORTAL_ENV", "staging")
    at = app().run()
    assert not at.exception
    assert "Portalen startar inte" in at.error[0].value and "STRALPORTAL_ENV" in at.error[0].value
    assert not at.text_input  # not even a login form


def test_plain_escapes_links_images_maths_and_block_markers():
    escaped = plain(HOSTILE)
    assert not UNESCAPED.search(escaped)
    assert plain("# Rubrik\n- punkt\n1. ett\n> citat\n===") == (
        "\\# Rubrik  \n\\- punkt  \n1\\. ett  \n\\> citat  \n\\===")
    assert plain("se www.example.se, https://example.se eller anna@example.se") == \
        "se www\u2060\\.example.se, https\u2060\\://example.se eller anna\u2060\\@example.se"
    assert plain("rad ett\n\nrad två", one_line=True) == "rad ett rad två"
    assert plain(None) == "" and plain("Anna Berg (RTG), 12:30.") == "Anna Berg (RTG), 12:30."


def test_user_text_on_a_page_is_shown_literally(demo_env):
    with Session(db.make_engine(demo_env)) as s, history.unrecorded(s):
        organisation = s.exec(select(Organisation)).one()
        organisation.name = HOSTILE
        s.add(organisation)
        s.commit()
    at = open_page(logged_in("strateg"), "pages/oversikt.py")
    caption = next(c.value for c in at.caption if "genomgångar" in c.value)
    assert caption.startswith(plain(HOSTILE)) and not UNESCAPED.search(caption)
