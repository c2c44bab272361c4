"""House rules that keep the layout a picture of the architecture."""
import ast
import inspect
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
# Asked before anyone can log in (the first-run screen and the server's start): no actor exists yet.
BEFORE_ANY_USER = {"setup.needs_setup"}


def _public_service_functions():
    """Yield (module name, function name, signature) for every public function of core/services."""
    import importlib
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
               if "session" in signature.parameters and f"{module}.{name}" not in BEFORE_ANY_USER
               and getattr(signature.parameters.get("actor"), "kind", None) != inspect.Parameter.KEYWORD_ONLY]
    assert missing == []


def _public_service_definitions():
    """Yield (module name, function definition) for each public top-level function of core/services, from source."""
    for path in sorted((PROJECT_DIR / "core" / "services").glob("*.py")):
        if path.stem.startswith("_") or path.stem in BEFORE_LOGIN:
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                yield path.stem, node


def _uses(function: ast.FunctionDef, name: str) -> bool:
    """Tell whether the function's body refers to the name (its parameters and defaults not counted)."""
    return any(isinstance(n, ast.Name) and n.id == name for statement in function.body for n in ast.walk(statement))


def test_every_public_service_that_takes_the_actor_uses_it():
    """An actor taken and never looked at is a permission check that was forgotten (or a parameter to drop)."""
    unused = [f"{module}.{function.name}" for module, function in _public_service_definitions()
              if "actor" in {a.arg for a in function.args.args + function.args.kwonlyargs}
              and not _uses(function, "actor")]
    assert unused == []


def test_the_actor_rule_sees_every_public_service():
    """The source scan and the imported modules agree, so the check above cannot miss a function."""
    imported = {(module, name) for module, name, _ in _public_service_functions()}
    assert {(module, f.name) for module, f in _public_service_definitions()} == imported


def test_pages_and_the_command_line_use_only_public_services():
    private = re.compile(r"core\.services\._|from core\.services import _|\b_(rules|queries|common)\b")
    files = [*(PROJECT_DIR / "pages").rglob("*.py"), PROJECT_DIR / "app.py",
             *(PROJECT_DIR / "core" / name for name in ("cli.py", "commands.py"))]
    offenders = [str(f.relative_to(PROJECT_DIR)) for f in files if private.search(f.read_text(encoding="utf-8"))]
    assert offenders == []


def test_a_stale_form_offers_the_latest_through_one_helper():
    """The reload button (forget what the form opened with, rerun) is written once, in pages/_shared/ui.py."""
    copies = [p.relative_to(PROJECT_DIR).as_posix() for p in (PROJECT_DIR / "pages").rglob("*.py")
              if re.search(r"Ladda om de senaste|reload_latest|forget_edit\([^)]*\)\s*\n\s*st\.rerun",
                           p.read_text(encoding="utf-8"))]
    assert copies == ["pages/_shared/ui.py"]


def test_no_product_module_is_over_400_lines():
    """A module that grows past a screenful of screens is split by what it holds (as the meeting was, by §)."""
    modules = [*(PROJECT_DIR / "core").rglob("*.py"), *(PROJECT_DIR / "pages").rglob("*.py"), PROJECT_DIR / "app.py"]
    long = {p.relative_to(PROJECT_DIR).as_posix(): n for p in modules if "migrations" not in p.parts
            and (n := len(p.read_text(encoding="utf-8").splitlines())) > 400}
    assert long == {}


def _table_calls(path) -> list[int]:
    """Return the lines where a file uses Streamlit's table (st.table, or .table on a column or container)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Attribute) and n.attr == "table"]


def test_tables_of_user_text_go_through_one_escaping_helper():
    """st.table reads every cell and header as Markdown (outside images, links, maths): only text_table calls it."""
    files = [*(PROJECT_DIR / "pages").rglob("*.py"), PROJECT_DIR / "app.py"]
    callers = {p.relative_to(PROJECT_DIR).as_posix(): lines for p in files if (lines := _table_calls(p))}
    assert list(callers) == ["pages/_shared/ui.py"], callers
    assert len(callers["pages/_shared/ui.py"]) == 2  # text_table's two calls (plain and styled)
