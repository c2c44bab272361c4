"""WCAG 2.1 AA in a real browser: axe-core on every page for every demo role, Swedish language and names.

axe-core comes with the `axe-playwright-python` package (its bundled axe.min.js, offline); the server, the
browser and the login come from test_browser.py, so this file starts its own server on the demo database.
"""
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from core.enums import Role
from core.permissions import Actor
from pages._shared.nav import ALL_PAGES, allowed
from tests.e2e import test_browser as e2e

pytestmark = e2e.pytestmark
server = e2e.server  # a server of this module's own, on the demo database
browser = e2e.browser

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# One demo account per role (core/demo/demo.yaml, password demo1234).
ROLES = [("admin", Role.ADMIN), ("strateg", Role.STRATEG), ("anna", Role.VERKSAMHETSCHEF),
         ("erik", Role.SAMORDNARE), ("nils", Role.DELTAGARE), ("lena", Role.LASARE)]
# Violations inside Streamlit that the portal cannot fix, each as (rule id, CSS selector of the target, why).
# Keep it minimal: every entry must say why no CSS, attribute or option of ours can mend it.
ALLOWED: list[tuple[str, str, str]] = []
# What a screen reader would say in English, or a raw value, besides what test_browser.py already lists.
SPOKEN_ENGLISH = ["Upload", "add icon", "X-axis", "Y-axis", "Show data", "Download as", "Open in Vega Editor",
                  "View Source", "View Compiled Vega", "null", "undefined", "NaN", "progress", "yyyy", "0.000000",
                  "Vega visualization", "visualization", "Title text", "mark container", "Empty", "Add row"]
SPOKEN_ATTRIBUTES = ["aria-label", "aria-roledescription", "aria-description", "title", "placeholder",
                     "aria-valuetext"]
SPOKEN = """(names) => [...document.querySelectorAll(names.map((a) => `[${a}]`).join(','))]
  .filter((el) => el.tagName !== 'IFRAME' && !el.closest('[aria-hidden="true"]'))  // what is read aloud
  .flatMap((el) => names.map((a) => el.getAttribute(a)).filter(Boolean))
  .join('\\n')"""

# English or raw values in the text itself, hidden by CSS or not (a screen reader reads text of font size 0).
TEXT_ENGLISH = ["Upload", "per file", "Drag and drop", "yyyy", "0.000000", "null", "undefined", "NaN"]
TEXT = """() => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const read = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest('script, style, noscript, [aria-hidden="true"]')) continue;
    if (node.nodeValue.trim()) read.push(node.nodeValue.trim());
  }
  return read.join('\\n');
}"""


def _path(n: int, page) -> str:
    """The page's address: the start page at the root, every other page by its file name."""
    return page.path.removeprefix("pages/").removesuffix(".py") if n else ""


def _allowed(rule: str, target: str) -> bool:
    """Tell whether a violation is one of the few documented ones inside Streamlit."""
    return any(rule == r and re.search(selector, target) for r, selector, _ in ALLOWED)


def _violations(page, where: str) -> list[str]:
    """Run axe-core (WCAG 2.1 A and AA) on the page as shown; return each violation with where and what."""
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA},
                                       "resultTypes": ["violations"]})
    found = []
    for violation in results.response["violations"]:
        for node in violation["nodes"]:
            target = " ".join(" > ".join(t) if isinstance(t, list) else t for t in node["target"])
            if not _allowed(violation["id"], target):
                found.append(f"{where}: {violation['id']} på {target}: {node.get('failureSummary', '')[:300]}")
    return found


def _spoken_english(page, where: str) -> list[str]:
    """What a screen reader would read that is English or a raw value (labels, descriptions, tooltips)."""
    spoken = page.evaluate(SPOKEN, SPOKEN_ATTRIBUTES)
    text = page.evaluate(TEXT)
    return ([f"{where} (skärmläsare): {word}" for word in e2e.ENGLISH_LABELS + SPOKEN_ENGLISH
             if re.search(rf"(?m)(^|\W){re.escape(word)}(?![\wåäö])", spoken)]
            + [f"{where} (text): {word}" for word in TEXT_ENGLISH
               if re.search(rf"(?<![\wåäö]){re.escape(word)}(?![\wåäö])", text)])


def _ready(page, title: str) -> None:
    """Wait until the page is drawn: its heading, every run over, every chart drawn."""
    e2e._settled(page)
    e2e._heading(page, title)
    charts = page.locator("[data-testid='stVegaLiteChart']")
    for n in range(charts.count()):
        charts.nth(n).locator("canvas, svg").first.wait_for(state="attached")
    # Streamlit fades what a rerun has not redrawn yet; axe would measure the faded colours.
    page.wait_for_function("!document.querySelector('[data-stale=\"true\"]') && window.__runs.idle()")


def test_login_page_is_accessible_and_swedish(server, browser):
    page = e2e._page(browser, viewport={"width": 1280, "height": 720})
    page.goto(server)
    e2e._settled(page)
    expect(page.get_by_label("Användarnamn")).to_have_count(1)
    problems = _violations(page, "Inloggning") + _spoken_english(page, "Inloggning")
    assert page.evaluate("document.documentElement.lang") == "sv"
    page.context.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("username", "role"), ROLES, ids=[u for u, _ in ROLES])
def test_every_page_passes_axe_for_the_role(server, browser, username, role):
    """Every page the role may open: no WCAG 2.1 A/AA violation, lang="sv", nothing English spoken."""
    page = e2e._page(browser, viewport={"width": 1280, "height": 720})
    e2e._login(page, server, "", username)
    actor = Actor(user_id=0, username=username, name=username, role=role)
    problems = []
    for n, p in enumerate(ALL_PAGES):
        if not allowed(actor, p):
            continue
        page.goto(f"{server}/{_path(n, p)}")
        _ready(page, p.title)
        where = f"{p.title} ({username}, {role.value})"
        lang = page.evaluate("document.documentElement.lang")
        if lang != "sv":
            problems.append(f'{where}: <html lang="{lang}">, inte "sv"')
        problems += _violations(page, where) + _spoken_english(page, where)
    page.context.close()
    assert not problems, "\n".join(problems)
