"""Hostile input in a real browser: user text is never Markdown, and a download that fails says why in Swedish."""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e import test_browser as e2e

pytestmark = e2e.pytestmark
browser = e2e.browser
INCIDENT = re.compile(r"Ett oväntat fel inträffade \(incident ([0-9A-F]{8})\)\.")


@pytest.fixture(scope="module")
def download_app(tmp_path_factory):
    """Serve tests/e2e/download_app.py: a refused, a broken and a working download made on the click."""
    url = f"sqlite:///{tmp_path_factory.mktemp('nedladdning')}/tom.db"
    log = tmp_path_factory.mktemp("log") / "streamlit.log"
    with e2e.serve(url, log, script="tests/e2e/download_app.py") as base:
        yield base, log


def _click_download(page, name: str) -> None:
    """Click a download button; it reruns the page, which waits for the file and says how it went."""
    e2e._rerun(page, page.get_by_role("button", name=name).click)


def test_a_failing_download_shows_the_refusal_or_the_incident(download_app, browser):
    base, log = download_app
    page = e2e._page(browser, accept_downloads=True)
    page.goto(base)
    page.get_by_role("button", name="Fungerande fil").wait_for()
    e2e._idle(page)
    downloads = []
    page.on("download", lambda d: downloads.append(d))

    _click_download(page, "Vägrad fil")
    refusal = page.get_by_text("Filen kunde inte skapas. Protokollet kan inte skapas: genomgången finns inte längre.")
    expect(refusal).to_be_visible()
    expect(page.get_by_text("Failed to generate file")).to_have_count(0)  # Streamlit's own words, put in Swedish

    _click_download(page, "Trasig fil")
    expect(refusal).to_have_count(0)  # said once, not on every later run
    shown = page.get_by_text(INCIDENT)
    expect(shown).to_be_visible()
    incident = INCIDENT.search(shown.inner_text())[1]
    assert f"Incident {incident}" in log.read_text(errors="replace")  # the traceback is in the server's log
    assert "typsnittet saknas" not in page.inner_text("body")

    with page.expect_download() as done:
        _click_download(page, "Fungerande fil")
    assert done.value.path().read_bytes() == b"innehall"
    expect(page.get_by_text(INCIDENT)).to_have_count(0)
    expect(page.locator("[data-testid=stAlert]")).to_have_count(0)
    assert [d.suggested_filename for d in downloads] == ["fin.txt"]  # nothing downloaded for the two failures
