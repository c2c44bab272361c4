"""House rules that keep the layout a picture of the architecture."""
import re

from tests.conftest import PROJECT_DIR

STREAMLIT_IMPORT = re.compile(r"^\s*(import streamlit|from streamlit)", re.MULTILINE)


def test_core_never_imports_streamlit():
    offenders = [str(p.relative_to(PROJECT_DIR)) for p in (PROJECT_DIR / "core").rglob("*.py")
                 if STREAMLIT_IMPORT.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_every_page_calls_the_shared_guard_first():
    for page in sorted((PROJECT_DIR / "pages").glob("*.py")):
        code = page.read_text(encoding="utf-8")
        first_call = re.search(r"^(\w+) = guard\(\"(\w+)\"\)", code, re.MULTILINE)
        assert first_call, f"{page.name} calls no guard"
        before = code[:first_call.start()]
        assert not re.search(r"^st\.", before, re.MULTILINE), f"{page.name} shows something before its guard"


def test_page_scripts_contain_no_sql():
    for page in (PROJECT_DIR / "pages").glob("*.py"):
        code = page.read_text(encoding="utf-8")
        assert not re.search(r"from (sqlmodel|sqlalchemy)|\bselect\(", code), page.name
