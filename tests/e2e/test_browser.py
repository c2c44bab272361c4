"""A real browser (Debian's Chromium through Playwright) against `streamlit run` on localhost."""
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from core import backup, db
from tests.conftest import PROJECT_DIR

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
        "--disable-dev-shm-usage"]
pytestmark = [pytest.mark.e2e,
              pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, log) -> None:
    for _ in range(300):
        if proc.poll() is not None:
            raise RuntimeError(log.read_text(errors="replace"))
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError("streamlit did not start")


@contextmanager
def serve(url: str, log, script: str = "app.py") -> Iterator[str]:
    """Run a Streamlit script of the project (the portal unless named) on the database; yield its address."""
    port = _free_port()
    env = dict(os.environ, STRALPORTAL_DATABASE_URL=url, STRALPORTAL_ENV="development", PYTHONPATH=str(PROJECT_DIR))
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", script, f"--server.port={port}",
                                 "--server.address=127.0.0.1", "--server.headless=true"],
                                cwd=PROJECT_DIR, env=env, stdout=out, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(base, proc, log)
            yield base
        finally:
            proc.terminate()
            proc.wait(10)
    print(log.read_text(errors="replace"))  # shown by pytest when a test failed


def demo_database(tmp_path_factory, demo_document) -> str:
    """Return the URL of a fresh database holding the demo."""
    url = f"sqlite:///{tmp_path_factory.mktemp('e2e')}/e2e.db"
    db.upgrade(url)
    backup.restore(db.make_engine(url), demo_document)
    return url


@pytest.fixture(scope="module")
def server(tmp_path_factory, demo_document):
    """Start the portal on a demo database in a fresh server process."""
    url = demo_database(tmp_path_factory, demo_document)
    with serve(url, tmp_path_factory.mktemp("log") / "streamlit.log") as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


# The page's script runs, read from Streamlit's own websocket messages: a rerun asked for (BackMsg field 11,
# rerun_script), a run started (ForwardMsg field 4, new_session) and a run finished (ForwardMsg field 6,
# script_finished, other than 2 = stopped early for a rerun); and each answer of a component, such as the login
# cookie's, posted to the page. A run is over when one started after the last rerun asked for and has finished.
# The field numbers are Streamlit's (pinned); tests/core/test_streamlit_internals.py checks them.
RUNS = """
(() => {
  if (window.__runs) return;
  const runs = window.__runs = {asked: 0, answers: 0, seq: 0, lastAsked: 0, lastStarted: 0, lastFinished: 0,
    idle() { return this.lastStarted > this.lastAsked && this.lastFinished > this.lastStarted; }};
  const fields = (bytes) => {  // the top-level fields of a protobuf message: {number: varint value or true}
    const found = {};
    let i = 0;
    const varint = () => {
      let value = 0, shift = 0, byte;
      do { byte = bytes[i++]; value += (byte & 0x7f) * 2 ** shift; shift += 7; } while (byte & 0x80);
      return value;
    };
    while (i < bytes.length) {
      const key = varint(), wire = key % 8;
      if (wire === 0) found[Math.floor(key / 8)] = varint();
      else if (wire === 2) { const length = varint(); i += length; found[Math.floor(key / 8)] = true; }
      else if (wire === 1 || wire === 5) i += wire === 1 ? 8 : 4;
      else break;
    }
    return found;
  };
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (event) => {
        if (!(event.data instanceof ArrayBuffer)) return;
        const message = fields(new Uint8Array(event.data));
        if (4 in message) runs.lastStarted = ++runs.seq;
        if (6 in message && message[6] !== 2) runs.lastFinished = ++runs.seq;
      });
    }
    send(data) {
      const bytes = data instanceof ArrayBuffer ? new Uint8Array(data)
        : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : null;
      if (bytes && 11 in fields(bytes)) { runs.asked += 1; runs.lastAsked = ++runs.seq; }
      return super.send(data);
    }
  };
  window.addEventListener("message", (event) => {
    if (event.data?.type === "streamlit:setComponentValue") runs.answers += 1;
  });
})();
"""


def _page(browser, **options):
    """A new page in a context of its own (Swedish, 30 s to wait for anything), its script runs watched."""
    page = browser.new_context(locale="sv-SE", **options).new_page()
    page.set_default_timeout(30_000)
    page.add_init_script(RUNS)
    return page


def _settled(page) -> None:
    """After the page was opened: wait until the login cookie component has answered and every run is over.

    The component answers once it is drawn, and its answer reruns the page; a click during that rerun
    would be dropped.
    """
    page.wait_for_function("window.__runs?.answers > 0 && window.__runs.idle()")


def _idle(page) -> None:
    """Wait until every script run asked for is over."""
    page.wait_for_function("window.__runs?.idle()")


def _rerun(page, action, answers: int = 0) -> None:
    """Do something that reruns the page (and that the cookie component answers `answers` times); wait for the end."""
    _idle(page)
    before = page.evaluate("[window.__runs.asked, window.__runs.answers]")
    action()
    page.wait_for_function("([asked, answers]) => window.__runs.asked > asked && window.__runs.answers >= answers"
                           " && window.__runs.idle()", arg=[before[0], before[1] + answers])


def _heading(page, name: str) -> None:
    """Wait until the page shows exactly one heading with this name (stale elements fade after a rerun)."""
    page.get_by_role("heading", name=name, exact=True).first.wait_for()
    expect(page.get_by_role("heading", name=name, exact=True)).to_have_count(1)


# Notes whether the login screen is ever drawn while a page loads (a flash a person would see).
LOGIN_WATCH = """
window.__loginSeen = false;
new MutationObserver(() => {
  if (document.querySelector('input[type=password]')) window.__loginSeen = true;
}).observe(document, {childList: true, subtree: true});
"""


def test_deep_link_login_reload_navigate_logout(server, browser, tmp_path):
    page = _page(browser, viewport={"width": 1400, "height": 900})
    page.goto(f"{server}/kliniker")  # a bookmark, opened logged out
    _settled(page)
    expect(page.get_by_label("Användarnamn")).to_have_count(1)
    assert page.get_by_text("Röntgenkliniken").count() == 0
    page.get_by_label("Användarnamn").fill("admin")
    page.get_by_label("Lösenord", exact=True).fill("demo1234")
    _rerun(page, page.get_by_role("button", name="Logga in").click, answers=1)  # the cookie is set
    _heading(page, "Kliniker")  # the page the link named
    page.get_by_text("Röntgenkliniken").first.wait_for(state="attached")  # a grid cell, drawn on canvas
    assert page.url.endswith("/kliniker")
    page.screenshot(path=str(tmp_path / "kliniker.png"), full_page=True)

    page.add_init_script(LOGIN_WATCH)
    page.reload()  # the cookie keeps the user logged in, on the same page
    _heading(page, "Kliniker")
    assert page.get_by_label("Användarnamn").count() == 0
    _settled(page)
    assert page.evaluate("window.__loginSeen") is False  # not even for a moment

    page.goto(f"{server}/anvandare")  # open another page by its URL
    _heading(page, "Användare")
    page.get_by_text("ingrid.strand@demosjukhuset.se").first.wait_for(state="attached")

    _settled(page)
    _rerun(page, page.get_by_role("link", name="Översikt").click, answers=1)  # the sidebar navigation
    _heading(page, "Översikt")

    # The cookie is deleted by a browser component; its answer reruns the page without the button.
    _rerun(page, page.get_by_role("button", name="Logga ut").click, answers=1)
    expect(page.get_by_label("Användarnamn")).to_have_count(1)
    expect(page.get_by_role("button", name="Logga ut")).to_have_count(0)
    page.reload()  # the cookie is gone: still logged out
    _settled(page)
    expect(page.get_by_label("Användarnamn")).to_have_count(1)
    assert page.get_by_role("heading", name="Översikt").count() == 0


def test_wrong_password_in_the_browser(server, browser):
    page = _page(browser)
    page.goto(server)
    _settled(page)
    page.get_by_label("Användarnamn").fill("anna")
    page.get_by_label("Lösenord", exact=True).fill("fel")
    _rerun(page, page.get_by_role("button", name="Logga in").click)
    expect(page.get_by_text("Fel användarnamn eller lösenord.")).to_be_visible()


def _login(page, server: str, path: str, username: str) -> None:
    """Open a page by its URL and log in there; return once the login's reruns are over."""
    page.goto(f"{server}/{path}")
    _settled(page)
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord", exact=True).fill("demo1234")
    _rerun(page, page.get_by_role("button", name="Logga in").click, answers=1)  # the cookie is set


def _upload(page, path, expected: str) -> None:
    """Upload a file and wait for the page's answer."""
    _rerun(page, lambda: page.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(str(path)))
    expect(page.get_by_text(expected).first).to_be_visible()


def test_strateg_loads_a_bokslut_workbook(server, browser, tmp_path):
    from tests.annual_report_files import SAMPLE_2025, WITH_ERRORS
    page = _page(browser, viewport={"width": 1400, "height": 1000})
    _login(page, server, "bokslut_import", "strateg")
    _heading(page, "Läs in bokslut")
    _upload(page, WITH_ERRORS, "7 fel att rätta")
    page.get_by_text('Indikatorer, rad 47, kolumn Värde: "tolv" är inte ett tal.').wait_for()
    page.screenshot(path=str(tmp_path / "import-fel.png"), full_page=True)

    _upload(page, SAMPLE_2025, "redan inläst")  # the demo holds 2025 already
    _rerun(page, page.get_by_text("Ersätt ett redan inläst bokslut för samma år").click)
    page.get_by_text("likadan som det inlästa bokslutet för 2025: inget ändras").wait_for()
    expect(page.get_by_role("button", name="Ersätt bokslutet")).to_have_count(0)  # nothing to confirm

    from openpyxl import load_workbook
    changed = tmp_path / "bokslut-2025-rattad.xlsx"
    workbook = load_workbook(SAMPLE_2025)
    workbook["Indikatorer"]["F3"] = 2.5  # RTG's highest individual dose, corrected from 2,7
    workbook.save(changed)
    _upload(page, changed, "Arbetsboken är godkänd")
    page.get_by_text("Indikatorer: raderna som påverkas").click()
    page.get_by_text("2,7 → 2,5").first.wait_for(state="attached")  # the preview says old → new, in Swedish
    page.screenshot(path=str(tmp_path / "import-andring.png"), full_page=True)
    _rerun(page, page.get_by_role("button", name="Ersätt bokslutet").click)
    expect(page.get_by_text("Strålskyddsbokslutet för 2025 är inläst.")).to_be_visible()


def _pick(page, label: str, option: str) -> None:
    """Choose an option in a Streamlit select box and wait for the rerun it asks for (none inside a form)."""
    box = page.get_by_label(label).first
    _idle(page)
    if box.input_value() == option:  # the combobox shows the chosen option
        return
    box.click()
    page.get_by_role("option", name=option, exact=True).click()  # a rerun is asked for within the click
    expect(box).to_have_value(option)
    _idle(page)


def _click(page, name: str) -> None:
    """Click a button and wait for the rerun it causes."""
    _rerun(page, page.get_by_role("button", name=name, exact=True).first.click)


def _person(browser, server: str, path: str, username: str, viewport: dict | None = None):
    """A person in their own browser context, logged in on a page, with the meeting year 2026 chosen."""
    page = _page(browser, viewport=viewport or {"width": 1400, "height": 1000})
    _login(page, server, path, username)
    _pick(page, "Genomgångsår", "2026")
    return page


class Clicks:
    """Count what a person does in the meeting: each click, and each field clicked into to type."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def button(self, name: str, nth: int = 0) -> None:
        """Click a button (the nth of that name) and wait for the rerun it causes."""
        _rerun(self.page, self.page.get_by_role("button", name=name, exact=True).nth(nth).click)
        self.count += 1

    def choose(self, option: str, nth: int = 0) -> None:
        """Click an option of a segmented control or pills (the nth with that text), in a form: no rerun."""
        _idle(self.page)
        self.page.locator("[data-testid=stButtonGroup] button", has_text=option).nth(nth).click()
        self.count += 1

    def pick(self, label: str, option: str) -> None:
        """Open a select box and choose an option: two clicks."""
        _pick(self.page, label, option)
        self.count += 2

    def type(self, label: str, text: str) -> None:
        """Click into a field and type."""
        self.page.get_by_label(label, exact=True).first.fill(text)
        self.count += 1

    def date(self, label: str, digits: str) -> None:
        """Click into a date field's first part (the year) and type the date's digits; the field moves on by itself."""
        self.page.get_by_label(label, exact=True).first.get_by_role("spinbutton").first.click()
        self.page.keyboard.type(digits)
        self.count += 1

    def next_section(self, number: int) -> None:
        """Nästa →, then wait for the next § to open."""
        self.button("Nästa →")
        self.page.get_by_role("heading", name=f"§ {number} ").first.wait_for()


MAIN = "document.querySelector('[data-testid=stMain]')"
# Each attendance row whose name or role is wider than its column, or reaches the buttons beside it.
LABEL_INTO_CONTROL = """() => [...document.querySelectorAll('[class*="st-key-who_"]')].filter((who) => {
  const text = who.querySelector('p'), row = who.closest('[data-testid="stHorizontalBlock"]');
  const control = row.querySelector('[data-testid="stButtonGroup"]');
  const words = document.createRange();
  words.selectNodeContents(text);
  return text.scrollWidth > text.clientWidth + 1
    || words.getBoundingClientRect().right > control.getBoundingClientRect().left;
}).map((who) => who.innerText)"""


def test_a_meeting_of_seven_in_few_clicks_on_a_projector(server, browser, tmp_path):
    """7 attendees, 3 follow-ups (one postponed), 5 findings (2 DRL above SSM's) and 5 actions in at most 30 clicks,
    at 1280×720 in presentation mode: sidebar closed, seven people in view, the decisions in view, a save stays put."""
    erik = _person(browser, server, "genomgang", "erik", viewport={"width": 1280, "height": 720})
    erik.get_by_text("ingen genomgång 2026 ännu").wait_for()
    _click(erik, "Skapa genomgången")
    erik.get_by_text("Genomgången 2026 för RTG är skapad").wait_for()
    _rerun(erik, erik.locator("[data-testid=stButtonGroup] button", has_text="Kalla").click)
    erik.get_by_text("Lägg till en person i kallelsen").click()  # the seventh, invited before the meeting
    erik.get_by_label("…eller namn").fill("Sara Gäst")
    _click(erik, "Lägg till")
    erik.get_by_text("Personen är tillagd i kallelsen.").wait_for()

    erik.goto(f"{server}/mote")
    _settled(erik)
    _pick(erik, "Genomgångsår", "2026")
    clicks = Clicks(erik)
    clicks.button("Starta mötet")
    _heading(erik, "§ 1 Mötets öppnande och närvaro")
    absent = erik.locator("[data-testid=stButtonGroup] button", has_text="Frånvarande")
    expect(absent).to_have_count(7)  # a row each
    expect(absent.nth(6)).to_be_in_viewport()  # all seven without scrolling
    expect(erik.get_by_test_id("stSidebarContent")).not_to_be_in_viewport()  # the sidebar is closed
    assert erik.evaluate(LABEL_INTO_CONTROL) == [], "a name or role runs into the buttons"
    erik.screenshot(path=str(tmp_path / "mote-narvaro.png"))
    clicks.choose("Frånvarande", nth=6)  # Sara could not come; everyone else shows as present
    clicks.button("Spara närvaro")
    erik.get_by_text("Närvaron är sparad.").wait_for()
    clicks.next_section(2)
    clicks.choose("Nils Ek")
    clicks.button("Spara justerare")
    erik.get_by_text("Justerarna är valda.").wait_for()
    clicks.next_section(3)
    clicks.next_section(4)
    postponed_to = date.today() + timedelta(days=200)  # the meeting is held today: a later day
    for n in (1, 2, 3):  # each earlier action as it stands, saved one after the other; the first is postponed
        erik.get_by_text(f"Åtgärd {n} av 3 · {n - 1} uppföljda").wait_for()
        if n == 1:  # done last year by its own account, but the meeting finds it is not: postponed
            clicks.choose("Pågår")
            clicks.date("Skjuts upp till", postponed_to.strftime("%Y%m%d"))
        clicks.button("Spara och visa nästa")
    erik.get_by_text("Åtgärd 3 av 3 · 3 uppföljda").wait_for()
    for number in (5, 6, 7):
        clicks.next_section(number)
    erik.screenshot(path=str(tmp_path / "mote-brist.png"))
    for n in (1, 2, 3, 4, 5):  # the chair as owner and the suggested action are offered: one click when right
        erik.get_by_text(f"Brist {n} av 5 · {n - 1} beslutade").wait_for()
        expect(erik.get_by_label("Ansvarig *").first).to_have_value("Anna Berg (Verksamhetschef)")
        if n == 2:  # someone at the meeting, name and role from the attendance list
            clicks.pick("Ansvarig *", "Nils Ek (Strålskyddsombud)")
        if n == 3:  # a save keeps the place on the page: scrolled down once the page is still, it stays there
            _idle(erik)
            erik.evaluate(f"{MAIN}.scrollTo({{top: 250}})")
            erik.wait_for_function(f"{MAIN}.scrollTop > 200")
        clicks.button("Besluta åtgärd")
        erik.get_by_text(f"Åtgärd {n} är beslutad.").wait_for()
        if n == 3:
            _idle(erik)
            assert erik.evaluate(f"{MAIN}.scrollTop") > 200
    expect(erik.get_by_text("Beslutade åtgärder (5)")).to_be_in_viewport()  # the running list, in view on every §
    expect(erik.get_by_text("– Nils Ek,")).to_have_count(1)
    erik.screenshot(path=str(tmp_path / "mote-brister.png"))
    for number in (8, 9, 10):
        clicks.next_section(number)
    erik.get_by_text("Jag har läst igenom protokollet ovan").wait_for()  # the minutes as they will be frozen
    _rerun(erik, erik.get_by_text("Jag har läst igenom protokollet ovan").click)  # the confirmation: one click
    clicks.count += 1
    clicks.button("Avsluta mötet och skicka protokollet till justering")
    erik.get_by_text("Protokollet är skickat till justering.").wait_for()
    assert clicks.count <= 30, clicks.count  # issue 22: the whole meeting in at most 30 clicks

    for username in ("anna", "erik", "nils"):  # ordförande, vid protokollet, justerare
        approver = _person(browser, server, "genomgang", username)
        approver.get_by_text("Justera protokollet").first.wait_for()
        # the minutes to read say the postponement, with its date
        postponed = approver.get_by_text("Beslutades att skjuta upp åtgärd 2025:")
        expect(postponed).to_have_count(1)
        assert f"till {postponed_to.isoformat()}." in postponed.inner_text()
        # approving is irreversible: confirmed first
        _rerun(approver, approver.get_by_text("Jag har läst protokollet").click)
        _click(approver, "Justera protokollet")
        approver.get_by_text("Du har justerat protokollet.").wait_for()
    approver.get_by_text("är låst").wait_for()  # the last approval locks the minutes
    approver.screenshot(path=str(tmp_path / "justerat.png"), full_page=True)


def test_exports_and_minutes_are_made_when_clicked(server, browser, tmp_path):
    """Downloads are built on the click, on Streamlit's own thread, from the filter the user sees."""
    from io import BytesIO
    from zipfile import ZipFile

    from openpyxl import load_workbook
    page = _page(browser, viewport={"width": 1400, "height": 900}, accept_downloads=True)
    _login(page, server, "atgarder", "strateg")
    _heading(page, "Åtgärder")
    expect(page.get_by_role("button", name="Exportera till Excel")).to_have_count(1)
    _idle(page)  # a click during a rerun would be dropped
    shown = int(page.get_by_test_id("stMetricValue").first.inner_text().replace("\u00a0", "").replace(" ", ""))
    with page.expect_download() as download:
        page.get_by_role("button", name="Exportera till Excel").click()
    sheet = load_workbook(BytesIO(download.value.path().read_bytes())).active
    assert sheet.max_row - 1 == shown > 0  # every open action of the filter, not only the page shown
    assert [c.value for c in sheet[1]][:4] == ["Klinik", "Genomgång", "Nr", "Åtgärd"]

    page.goto(f"{server}/genomgang?klinik=RTG&ar=2025")
    _settled(page)
    _heading(page, "Genomgång")
    expect(page.get_by_role("button", name="Ladda ner arkivet (ZIP)")).to_have_count(1)
    _idle(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Ladda ner arkivet (ZIP)").click()
    with ZipFile(download.value.path()) as archive:
        assert "manifest.json" in archive.namelist() and any(n.endswith(".pdf") for n in archive.namelist())


ENGLISH = ["Skip to main content", "Select all", "Clear all", "No results", "Page not found", "requested", "Running",
           "yyyy", "None", "nan", "clinic_code", "partly_met", "not_started", "Deploy", "Press Enter", "Drag and drop",
           "Browse files", "Limit 200MB", "KB"]
# What a screen reader says besides the text: labels, tooltips and placeholders of Streamlit's widgets.
ENGLISH_LABELS = ["Choose date", "Previous month", "Next month", "day,", "month,", "year,", "Remove", "Help for",
                  "Show password", "Sidebar", "Collapse sidebar", "Increment", "Decrement", "Download as CSV",
                  "Fullscreen", "Search", "Show/hide columns", "file upload", "Choose an option", "Selected values",
                  "Link to heading", "Clear all", "Open"]
SPOKEN = """() => [...document.querySelectorAll('[aria-label], [title], [placeholder]')]
  .filter((el) => el.tagName !== 'IFRAME')
  .flatMap((el) => ['aria-label', 'title', 'placeholder'].map((a) => el.getAttribute(a)).filter(Boolean))
  .join('\\n')"""
# Every text node a person can see (the date field's placeholder letters are replaced by CSS, so they are skipped).
VISIBLE_TEXT = """() => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent) continue;
    if (parent.closest('[data-placeholder="true"], [data-testid="stIconMaterial"], script, style, noscript')) continue;
    const style = getComputedStyle(parent);
    if (style.display === 'none' || style.visibility === 'hidden' || style.fontSize === '0px') continue;
    if (node.nodeValue.trim()) seen.push(node.nodeValue.trim());
  }
  return seen.join('\\n');
}"""


def test_every_page_speaks_swedish_to_every_role(server, browser):
    """Crawl each page a role may open; fail on English words from Streamlit or on codes shown raw."""
    from core.permissions import Actor
    from pages._shared.nav import ALL_PAGES, allowed
    found = {}
    for username, role in (("strateg", "strateg"), ("erik", "samordnare"), ("lena", "lasare")):
        page = _page(browser, viewport={"width": 1280, "height": 720})
        _login(page, server, "", username)
        page.get_by_role("button", name="Logga ut").wait_for()
        actor = Actor(user_id=0, username=username, name=username, role=role)
        for n, p in enumerate(ALL_PAGES):
            if not allowed(actor, p):
                continue
            page.goto(f"{server}/{p.path.removeprefix('pages/').removesuffix('.py') if n else ''}")
            _settled(page)
            _heading(page, p.title)
            text = page.evaluate(VISIBLE_TEXT)
            if p.key == "actions":  # a multiselect's own words only show while it is open
                page.get_by_label("Klinik").first.click()
                expect(page.get_by_role("option").first).to_be_visible()
                text += "\n" + page.evaluate(VISIBLE_TEXT)
                assert "Välj alla" in text or username != "strateg", text[-400:]  # offered for several
            found.update({f"{username} {p.title}: {word}": True for word in ENGLISH
                          if re.search(rf"(?<![\wåäö]){re.escape(word)}(?![\wåäö])", text)})
            spoken = page.evaluate(SPOKEN)
            found.update({f"{username} {p.title} (skärmläsare): {word}": True for word in ENGLISH_LABELS
                          if re.search(rf"(?m)^{re.escape(word)}(?![\wåäö])", spoken)})
        page.goto(f"{server}/finns-inte")
        page.get_by_text("Sidan finns inte i portalen. Startsidan visas i stället.").wait_for()
        page.context.close()
    assert not found, sorted(found)
