"""Canaries for the parts of Streamlit's browser code that the portal patches (Streamlit is pinned for them).

The pages style Streamlit's elements by their data-testid and replace its English words in the browser
(pages/_shared/ui.py). Neither is a public API: an upgrade that renames a test id or rewords a text would
silently bring back English or undo a style. Each is looked up here in the installed Streamlit's frontend bundle.
"""
import re
from functools import cache
from pathlib import Path

import pytest
import streamlit

from tests.conftest import PROJECT_DIR

STATIC = Path(streamlit.__file__).parent / "static"
SOURCES = [*sorted((PROJECT_DIR / "pages").rglob("*.py")), PROJECT_DIR / "app.py",
           PROJECT_DIR / "tests" / "e2e" / "test_browser.py"]
TEST_ID = re.compile(r"""data-testid=\\?["']?([A-Za-z]\w*)|get_by_test_id\(["'](\w+)["']\)""")
ENGLISH_PATTERN = re.compile(r"\[(/\^.*?\$/),")  # a JavaScript regex literal opening a [pattern, Swedish] pair
# Each English pattern the pages replace, and what of it Streamlit's frontend must still contain (as written
# there: a template literal; quoted "…" or '…' also counts).
ENGLISH = {
    r"/^Skip to main content$/": ["`Skip to main content`"],
    r"/^Select all$/": ["`Select all`"],
    r"/^Clear all$/": ["`Clear all`"],
    r"/^No results$/": ["`No results`"],
    r"/^No options to select\.?$/": ["No options to select"],
    r"/^Page not found$/": ["`Page not found`"],
    r"/^(You have requested page|The page that you have requested) .*$/":
        ["You have requested page", "The page that you have requested"],
    r"/^(\d+(?:\.\d+)?)\s?(B|KB|MB|GB)$/": ["`KB`", "`MB`", "`GB`"],
    r"/^File must be (\d+(?:\.\d+)?)\s?(B|KB|MB|GB) or smaller\.$/": ["`File must be ${", " or smaller.`"],
    r"/^Choose date(,.*)?$/": ["`Choose date"],
    r"/^Previous month$/": ["`Previous month`"],
    r"/^Next month$/": ["`Next month`"],
    r"/^(day|month|year), (.*)$/": ["type:`dateTimeField`"],  # react-aria names the date's parts with Intl
    r"/^Clear value$/": ["`Clear value`"],
    r"/^Remove (.+)$/": ["`Remove ${"],
    r"/^Selected values$/": ["`Selected values`"],
    r"/^Choose an option$/": ["`Choose an option`"],
    r"/^Choose options$/": ["`Choose options`"],
    r"/^Open$/": ["`Open`"],
    r"/^Close$/": ["`Close`"],
    r"/^Increment$/": ["`Increment`"],
    r"/^Decrement$/": ["`Decrement`"],
    r"/^Help for (.+)$/": ["`Help for ${"],
    r"/^Show password$/": ["`Show password`"],
    r"/^Hide password$/": ["`Hide password`"],
    r"/^Collapse sidebar$/": ["`Collapse sidebar`"],
    r"/^Expand sidebar$/": ["`Expand sidebar`"],
    r"/^Sidebar$/": ["`Sidebar`"],
    r"/^Link to heading$/": ["`Link to heading`"],
    r"/^Download as CSV$/": ["`Download as CSV`"],
    r"/^Fullscreen$/": ["`Fullscreen`"],
    r"/^Close fullscreen$/": ["`Close fullscreen`"],
    r"/^Search$/": ["`Search`"],
    r"/^Show\/hide columns$/": ["`Show/hide columns`"],
    r"/^file upload$/": ["`file upload`"],
    r"/^Use arrow keys to navigate dates\..*$/": ["Use arrow keys to navigate dates."],
    r"/^Upload$/": ["`Upload`"],  # the file uploader's button
    r"/^(\d+)\s?MB per file$/": [" per file`"],
    r"/^Drag and drop (a file|files) here$/": ["`Drag and drop a file here`", "`Drag and drop files here`"],
    r"/^yyyy$/": ["year:`yyyy`"],  # react-aria's placeholders of a date's parts, in English
    r"/^mm$/": ["month:`mm`"],
    r"/^dd$/": ["day:`dd`"],
    r"/^Empty$/": ["Empty:`Empty`"],  # what react-aria says of an empty part of a date
    r"/^Show data(.*)$/": ["`Show data`"],  # a chart's toolbar
    r"/^Download as (PNG|SVG)(.*)$/": ["`Download as PNG`"],
    r"/^Copy Vega-Lite spec(.*)$/": ["`Copy Vega-Lite spec`"],
    r"/^Copied!$/": ["`Copied!`"],
    r"/^visualization$/": ["`aria-roleDescription`,`visualization`"],  # Vega's role description of a chart
    r"/^Vega visualization$/": ["`Vega visualization`"],  # its name when the chart has no description
    r"/^progress$/": ['"aria-label":c=`progress`'],  # st.progress without a label
    r"/^Add row$/": ["`Add row`"],  # the data editor's toolbar
    r"/^Delete$/": ["`Delete`"],
    r"/^Clear selection$/": ["`Clear selection`"],
    r"/^[a-z0-9_]+ icon$/": ["`${n} icon`"],  # the name of a control that has only an icon
}
# English that Streamlit's server sends to the browser, and the file of the installed Streamlit that says it.
SERVER_ENGLISH = {
    r"/^Failed to generate file for download$/": ("runtime/backend_operation_handler.py",
                                                  'error_msg="Failed to generate file for download"'),
}
# Other hooks of the pages' CSS: the date field's parts and the classes Streamlit gives keyed elements.
OTHER_HOOKS = ['"data-placeholder":', '"data-type":', "`st-key-`"]


@cache
def bundle() -> str:
    """Return the installed Streamlit's frontend (its JavaScript, CSS and HTML) as one text."""
    files = [p for p in STATIC.rglob("*") if p.suffix in {".js", ".css", ".html"}]
    assert files, f"no frontend under {STATIC}"
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in files)


def _in_bundle(needle: str) -> bool:
    """Tell whether the frontend holds the text, in any of JavaScript's three quotes."""
    return any(variant in bundle() for variant in {needle, needle.replace("`", '"'), needle.replace("`", "'")})


def _sources() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in SOURCES)


def _test_ids() -> set[str]:
    """Every data-testid the pages' CSS and scripts and the browser tests use."""
    return {a or b for a, b in TEST_ID.findall(_sources())}


def test_the_scan_finds_the_hooks():
    assert {"stMainBlockContainer", "stFileUploaderDropzone", "stDateInputField", "stSidebar", "stMain",
            "stButtonGroup"} <= _test_ids()
    assert len(_test_ids()) >= 15 and len(ENGLISH) >= 30


@pytest.mark.parametrize("test_id", sorted(_test_ids()))
def test_streamlit_still_has_the_test_id(test_id):
    assert _in_bundle(f"`{test_id}`"), f"Streamlit {streamlit.__version__} has no data-testid {test_id}"


def test_every_english_pattern_the_pages_replace_has_its_canary():
    replaced = set(ENGLISH_PATTERN.findall(_sources()))
    assert replaced == set(ENGLISH) | set(SERVER_ENGLISH)


@pytest.mark.parametrize("pattern", sorted(ENGLISH))
def test_streamlit_still_says_it_in_english(pattern):
    missing = [needle for needle in ENGLISH[pattern] if not _in_bundle(needle)]
    assert missing == [], f"Streamlit {streamlit.__version__} no longer says {missing}: is {pattern} still right?"


@pytest.mark.parametrize("pattern", sorted(SERVER_ENGLISH))
def test_streamlit_server_still_says_it_in_english(pattern):
    file, needle = SERVER_ENGLISH[pattern]
    assert needle in (STATIC.parent / file).read_text(encoding="utf-8"), f"is {pattern} still right?"


@pytest.mark.parametrize("hook", OTHER_HOOKS)
def test_streamlit_still_has_the_other_hooks(hook):
    assert _in_bundle(hook)


def test_the_messages_the_browser_tests_read_keep_their_numbers():
    """tests/e2e/test_browser.py tells a script run's start and end from the websocket by these field numbers."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    forward = ForwardMsg.DESCRIPTOR.fields_by_name
    assert (forward["new_session"].number, forward["script_finished"].number) == (4, 6)
    assert ForwardMsg.FINISHED_EARLY_FOR_RERUN == 2 and BackMsg.DESCRIPTOR.fields_by_name["rerun_script"].number == 11
    assert _in_bundle("binaryType=`arraybuffer`") and _in_bundle("`streamlit:setComponentValue`")
