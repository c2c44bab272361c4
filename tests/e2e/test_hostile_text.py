"""Hostile input in a real browser: user text is never Markdown, and a download that fails says why in Swedish."""
import re
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from sqlmodel import select

from core import db
from core.enums import EventConcerns, ReviewStatus, SafetyEventKind
from core.models import Clinic, Review
from core.services import actions, agenda, annual_report_import, attendance, minutes, reviews, safety_events
from core.services.auth import SYSTEM_ACTOR, actor_for
from tests.annual_report_files import DEMO_2025, workbook_bytes
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


# Typed into every field the Möte, Genomgång, Händelser and Strålskyddsbokslut pages show: an image fetched from
# outside by every viewer, a link, bold, maths and HTML. Each must show as the characters typed.
PAYLOAD = "![x](http://127.0.0.1:9/x.png) [klicka](http://evil.example) **fet** $x^2$ <img src=x onerror=alert(1)>"
NOW = datetime(2026, 3, 20, 13, 0, tzinfo=UTC)
RENDERED = """() => ({
  images: [...document.querySelectorAll('img')].map((i) => i.getAttribute('src'))
    .filter((src) => src === 'x' || src.includes('127.0.0.1:9')),
  links: [...document.querySelectorAll('a[href*="evil.example"]')].map((a) => a.href),
  bold: [...document.querySelectorAll('strong, b')].filter((b) => b.textContent.trim() === 'fet').length,
  maths: document.querySelectorAll('.katex, .katex-display, math').length,
})"""


def _bokslut_with_payloads() -> bytes:
    """The demo's 2025 workbook with the payload as a goal, a finding's description and a DRL examination (RTG)."""
    book = load_workbook(DEMO_2025)
    book["Mål"]["C2"] = PAYLOAD
    book["Brister"]["D2"] = PAYLOAD
    book["DRL"]["B3"] = PAYLOAD
    return workbook_bytes(book)


def _seed(url: str) -> dict[str, int]:
    """Put the payload in through the services, as users and a workbook would; return the reviews' ids."""
    with db.session_scope(db.make_engine(url)) as s:
        strateg, erik, anna, lars = (actor_for(s, name) for name in ("strateg", "erik", "anna", "lars"))
        annual_report_import.import_annual_report(s, actor=strateg, data=_bokslut_with_payloads(),
                                                  filename="bokslut-2025.xlsx", replace=True, now=NOW)
        rtg = s.exec(select(Clinic).where(Clinic.code == "RTG")).one()
        safety_events.register(s, actor=erik, clinic_id=rtg.id, today=NOW.date(), now=NOW, data={
            "kind": SafetyEventKind.INTERNAL.value, "concerns": EventConcerns.WORKER.value,
            "occurred_on": date(2026, 2, 2), "description": PAYLOAD})
        review = reviews.create_review(s, actor=anna, clinic_id=rtg.id, year=2026, now=NOW, data={
            "meeting_date": NOW.date(), "start_time": "13:00", "end_time": "15:00", "location": PAYLOAD,
            "chair_id": anna.user_id, "secretary_id": erik.user_id})
        attendance.add_attendee(s, actor=erik, review_id=review.id, name=PAYLOAD, meeting_role="other", now=NOW)
        agenda.add_item(s, actor=erik, review_id=review.id, title=PAYLOAD, now=NOW)
        _follow_up_with_payload(s, erik, review.id)
        reviews.set_status(s, actor=erik, review_id=review.id, status=ReviewStatus.MEETING, now=NOW)
        kard = s.exec(select(Review).join(Clinic).where(Clinic.code == "KARD", Review.year == 2026)).one()
        minutes.return_to_meeting(s, actor=lars, review_id=kard.id, now=NOW)
        _follow_up_with_payload(s, lars, kard.id)
        minutes.send_for_approval(s, actor=lars, review_id=kard.id, now=NOW)
        return {"RTG": review.id, "KARD": kard.id}


def _follow_up_with_payload(s, actor, review_id: int) -> None:
    """Record every earlier action of the review as it stands, with the payload as the comment."""
    for follow_up, action, _ in actions.follow_ups(s, actor=actor, review_id=review_id):
        actions.record_follow_up(s, actor=actor, follow_up_id=follow_up.id, status=action.status, comment=PAYLOAD,
                                 expected_version=action.version, today=NOW.date(), now=NOW)


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory, demo_document):
    """The portal on the demo with the payload in every field those pages show."""
    url = e2e.demo_database(tmp_path_factory, demo_document)
    ids = _seed(url)
    with e2e.serve(url, tmp_path_factory.mktemp("log") / "streamlit.log") as base:
        yield base, url, ids


def _wait_for_payload(page) -> None:
    """Wait until the page holds the payload as typed (plain() puts invisible word joiners into addresses)."""
    page.wait_for_function("(text) => document.body.textContent.replaceAll('\\u2060', '').includes(text)",
                           arg=PAYLOAD)


def _inert(page, where: str, fetched: list[str]) -> None:
    """Assert the payload shows as typed on the page and that none of it was rendered or fetched."""
    _wait_for_payload(page)
    assert page.evaluate(RENDERED) == {"images": [], "links": [], "bold": 0, "maths": 0}, where
    assert fetched == [], where


def _open(page, server: str, path: str) -> None:
    """Open a page by its address and wait until it shows the payload."""
    page.goto(f"{server}/{path}")
    e2e._settled(page)
    _wait_for_payload(page)


def _meeting_at(url: str, review_id: int, kind: str) -> None:
    """Move the meeting to its (first) § of this kind, or to its last §, as the one leading it would."""
    with db.session_scope(db.make_engine(url)) as s:
        items = agenda.items(s, actor=SYSTEM_ACTOR, review_id=review_id)
        index = len(items) - 1 if kind == "last" else next(i for i, item in enumerate(items) if item.kind == kind)
        reviews.move_to_item(s, actor=SYSTEM_ACTOR, review_id=review_id, index=index)


def test_user_text_is_never_markdown_on_any_page(hostile_server, browser, tmp_path):
    server, url, ids = hostile_server
    fetched: list[str] = []
    erik = e2e._page(browser, viewport={"width": 1400, "height": 1000})
    erik.on("request", lambda r: fetched.append(r.url) if "127.0.0.1:9/" in r.url or "evil" in r.url else None)
    e2e._login(erik, server, "handelser", "erik")
    _inert(erik, "Händelser", fetched)
    assert erik.get_by_text(re.compile(r"\*\*fet\*\* \$x\^2\$ <img src=x")).first.is_visible()  # as typed
    erik.screenshot(path=str(tmp_path / "handelser.png"), full_page=True)

    erik.goto(f"{server}/genomgang?klinik=RTG&ar=2026")
    e2e._settled(erik)
    e2e._rerun(erik, erik.locator("[data-testid=stButtonGroup] button", has_text="Kalla").click)
    _inert(erik, "Genomgång, Kalla", fetched)

    nils = e2e._page(browser, viewport={"width": 1400, "height": 1000})
    nils.on("request", lambda r: fetched.append(r.url) if "127.0.0.1:9/" in r.url or "evil" in r.url else None)
    e2e._login(nils, server, "mote?klinik=RTG&ar=2026", "nils")
    for kind in ("opening", "follow_up", "annual_report"):  # § 1, § 4 and § 5 as those who follow see them
        _meeting_at(url, ids["RTG"], kind)
        _open(nils, server, "mote?klinik=RTG&ar=2026")
        _inert(nils, f"Möte, {kind}", fetched)
    _meeting_at(url, ids["RTG"], "last")  # the minutes as they will be frozen
    _open(erik, server, "mote?klinik=RTG&ar=2026")
    erik.get_by_text("Protokollet som det skickas till justering").wait_for()
    _inert(erik, "Möte, avslutning", fetched)

    lars = e2e._page(browser, viewport={"width": 1400, "height": 1000})
    lars.on("request", lambda r: fetched.append(r.url) if "127.0.0.1:9/" in r.url or "evil" in r.url else None)
    e2e._login(lars, server, "genomgang?klinik=KARD&ar=2026", "lars")
    lars.get_by_text("Protokollet som justeras").first.wait_for()
    _inert(lars, "Genomgång, justering", fetched)
    lars.screenshot(path=str(tmp_path / "justering.png"), full_page=True)

    strateg = e2e._page(browser, viewport={"width": 1400, "height": 1000})
    strateg.on("request", lambda r: fetched.append(r.url) if "127.0.0.1:9/" in r.url or "evil" in r.url else None)
    e2e._login(strateg, server, "bokslut", "strateg")
    _inert(strateg, "Strålskyddsbokslut, Mål", fetched)  # the tab that opens first
    for tab in ("Brister", "Utbildning, doser och DRL"):
        e2e._rerun(strateg, strateg.get_by_role("tab", name=re.compile(f"^{tab}")).click)
        _inert(strateg, f"Strålskyddsbokslut, {tab}", fetched)
