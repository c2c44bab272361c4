"""Kontrollera protokoll: anyone logged in drops a PDF and gets the same answer as `stralportal verify`."""
import pytest
from sqlmodel import Session, select

from core import db
from core.models import MinutesVersion
from core.services import verification
from tests.seal_files import first_revision
from tests.ui.helpers import logged_in, open_page, visible_text

PAGE = "pages/kontrollera_protokoll.py"


@pytest.fixture
def approved_pdf(demo_env) -> bytes:
    with Session(db.make_engine(demo_env)) as s:
        return s.exec(select(MinutesVersion.pdf).where(MinutesVersion.approved_at != None)  # noqa: E711
                      .order_by(MinutesVersion.id)).first()


@pytest.mark.parametrize("username", ["lena", "karin"])  # a reader of RTG and NM; the head of NM only
def test_anyone_logged_in_checks_the_stored_pdf(approved_pdf, username):
    at = open_page(logged_in(username), PAGE)
    assert not at.exception and at.title[0].value == "Kontrollera protokoll"
    assert "egenutfärdat" in visible_text(at)  # which seal the portal uses, and that it is self-signed
    at.file_uploader[0].upload("protokoll.pdf", approved_pdf).run()
    assert not at.exception and not at.error
    assert at.success[0].value == "Resultat: filen är ett oförändrat justerat protokoll från portalen."
    text = visible_text(at)
    assert "Sigillet är intakt och täcker hela filen" in text and "Röntgenkliniken (RTG), genomgången 2025" in text


def test_an_unsealed_pdf_gets_the_answer_in_swedish(approved_pdf):
    at = open_page(logged_in("nils"), PAGE)
    at.file_uploader[0].upload("osigillerad.pdf", first_revision(approved_pdf)).run()
    assert not at.exception
    assert at.error[0].value == "Resultat: filen är INTE ett oförändrat justerat protokoll från portalen."
    assert "Filen har inget sigill" in visible_text(at)


def test_a_file_above_the_limit_is_refused_by_its_size_before_it_is_read(approved_pdf, monkeypatch):
    monkeypatch.setattr(verification, "MAX_BYTES", 1000)
    at = open_page(logged_in("nils"), PAGE)
    at.file_uploader[0].upload("stor.pdf", approved_pdf).run()
    assert not at.exception
    assert "högst 0 MB kontrolleras" in at.error[0].value and not at.success
