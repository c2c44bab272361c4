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


# Login happens before there is an actor; these are the login glue's own services.
BEFORE_LOGIN = {"auth"}


def _public_service_functions():
    """Yield (module name, function name, signature) for every public function of core/services."""
    import importlib
    import inspect
    import pkgutil

    import core.services as package
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("_") or info.name in BEFORE_LOGIN:
            continue  # _common, _rules and _queries are the services' own helpers, not for pages
        module = importlib.import_module(f"core.services.{info.name}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ == module.__name__ and not name.startswith("_"):
                yield info.name, name, inspect.signature(function)


def test_every_public_service_that_reads_or_writes_takes_the_actor():
    """A service given a session checks the actor itself, so no page depends on an earlier call's check."""
    missing = [f"{module}.{name}" for module, name, signature in _public_service_functions()
               if "session" in signature.parameters
               and getattr(signature.parameters.get("actor"), "kind", None) != signature.parameters["session"].KEYWORD_ONLY]
    assert missing == []


def test_pages_and_the_command_line_use_only_public_services():
    private = re.compile(r"core\.services\._|from core\.services import _|\b_(rules|queries|common)\b")
    files = [*(PROJECT_DIR / "pages").rglob("*.py"), PROJECT_DIR / "core" / "cli.py", PROJECT_DIR / "app.py"]
    offenders = [str(f.relative_to(PROJECT_DIR)) for f in files if private.search(f.read_text(encoding="utf-8"))]
    assert offenders == []


# pages/mote.py is being split into pages/_shared/meeting/; the split takes offer_reload for its three forms.
RELOAD_COPIES_PENDING = {"pages/mote.py"}


def test_a_stale_form_offers_the_latest_through_one_helper():
    """The reload button (forget what the form opened with, rerun) is written once, in pages/_shared/ui.py."""
    copies = [str(p.relative_to(PROJECT_DIR)) for p in (PROJECT_DIR / "pages").rglob("*.py")
              if '"reload_latest"' in p.read_text(encoding="utf-8")]
    assert sorted(copies) == sorted({"pages/_shared/ui.py"} | RELOAD_COPIES_PENDING)
