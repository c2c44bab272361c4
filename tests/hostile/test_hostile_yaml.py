"""Hostile criteria YAML: each file is refused in Swedish with its line, on the service and the command line alike,
and nothing is stored; bounded files are read as written (`1.10` stays 1.10).

The module runs under an address-space limit (1 GB above what the process already has), so a bound that stops
holding fails its test instead of eating the machine.
"""
import resource
import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import func
from sqlmodel import select

from core import db
from core.cli import main
from core.errors import InvalidInput
from core.models import AssessmentTemplate, Criterion
from core.services import self_assessments as sa
from core.services.auth import SYSTEM_ACTOR
from tests.conftest import PROJECT_DIR, drop_everything
from tests.factories import NOW

NBSP = "\u00a0"
GIGABYTE = 1024 ** 3
HEAD = 'name: Test\nversion: "2"\nareas:\n  - code: A\n    name: Ledning\n    criteria:\n'
LOADED = HEAD.replace('"2"', '"1"') + "      - {id: A1, text: Organisation finns}\n"


def _criteria(*lines: str) -> str:
    """A criteria file whose area A holds these criterion lines (the first is on line 7)."""
    return HEAD + "".join(f"      {line}\n" for line in lines)


def _laughs(levels: int = 9) -> str:
    """The "billion laughs" shape: each level is nine aliases of the one before (9**9 strings when expanded)."""
    rows = ['lol0: &l0 "lol"'] + [f"lol{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]" for n in range(1, levels + 1)]
    return "\n".join(rows) + "\n" + HEAD


def _too_many() -> str:
    """A well-formed file with 1 001 criteria."""
    return _criteria(*(f"- {{id: K{n}, text: Krav {n}}}" for n in range(1001)))


def _two_megabytes() -> str:
    """A valid file padded with a comment to 2 MB."""
    return _criteria("- {id: A1, text: Organisation finns}") + "# " + "x" * (2 * 1024 * 1024) + "\n"


def _deep(levels: int = 5000) -> str:
    """A criterion whose text is nested 5 000 lists deep."""
    return _criteria("- {id: A1, text: " + "[" * levels + "]" * levels + "}")


CASES = {
    "alias-bomb": (_laughs(), ["Rad 1: Ankare (&) och alias (*) är inte tillåtna; skriv ut varje värde."]),
    "alias-till-kriterium": (_criteria("- &k {id: A1, text: Organisation finns}", "- *k"),
                             ["Rad 7: Ankare (&) och alias (*) är inte tillåtna; skriv ut varje värde."]),
    "for-stor-fil": (_two_megabytes(), ["Filen är 2,0 MB; en YAML-fil får vara högst 1 MB. Inget har lästs in."]),
    "djup-nastling": (_deep(), ["Rad 7: Filen är nästlad djupare än 20 nivåer."]),
    "djup-nastling-block": (_criteria("- id: A1", "  text:", "    " + "- " * 5000 + "x"),
                            ["Rad 9: Filen är nästlad djupare än 20 nivåer."]),
    "dubbel-nyckel": (_criteria("- id: A1", "  text: Organisation finns", "  text: Ansvar dokumenterat"),
                      ['Rad 9: Nyckeln "text" finns redan på rad 8 i samma del; en nyckel får bara stå en gång.']),
    "dubbel-nyckel-overst": ('name: Test\nversion: "2"\nversion: "3"\n',
                             ['Rad 3: Nyckeln "version" finns redan på rad 2 i samma del; en nyckel får bara stå en '
                              'gång.']),
    "python-tagg": (_criteria("- {id: A1, text: !!python/object/apply:os.system [echo hej]}"),
                    ["Rad 7: Taggen !!python/object/apply:os.system är inte tillåten; skriv värdet utan tagg."]),
    "lista-overst": ("- name: Test\n- version: 2\n",
                     ["Rad 1: Filen ska vara en nyckel–värde-tabell med name, version och areas, inte en lista."]),
    "text-overst": ("bara en rad text\n",
                    ["Rad 1: Filen ska vara en nyckel–värde-tabell med name, version och areas, inte en text."]),
    "tom-fil": ("# bara en kommentar\n", ["Rad 1: Filen är tom; den ska ange name, version och areas."]),
    "lista-som-text": (_criteria("- {id: A1, text: [Organisation, finns]}"),
                       ["Rad 7: kriterium A1: text ska vara en text, inte en lista."]),
    "tabell-som-id": (_criteria("- {id: {a: b}, text: Organisation finns}", "- {id: [A1], text: Ansvar}"),
                      ["Rad 7: ett kriterium: id ska vara en text, inte en nyckel–värde-tabell.",
                       "Rad 8: ett kriterium: id ska vara en text, inte en lista."]),
    "lista-som-nyckel": (_criteria("- {id: A1, text: Organisation finns, [a]: b}"),
                         ["Rad 7: En nyckel måste vara en enkel text, inte en lista eller tabell."]),
    "lista-som-verified": (_criteria("- {id: A1, text: Organisation finns, verified: [ja]}"),
                           ["Rad 7: kriterium A1: verified ska vara true eller false, inte en lista."]),
    "format-som-text": ("format: två\n" + _criteria("- {id: A1, text: Organisation finns}"),
                        ['Rad 1: Filen: format ska vara ett heltal, inte "två".']),
    "for-manga-kriterier": (_too_many(), [f"Rad 3: Filen har 1{NBSP}001 kriterier; en kriteriefil får ha högst "
                                          f"1{NBSP}000."]),
    "for-langt-id": (_criteria(f"- {{id: {'A' * 51}, text: Organisation finns}}"),
                     [f"Rad 7: kriterium {'A' * 51}: id är 51 tecken lång; högst 50 tecken får plats."]),
    "for-lang-version": (HEAD.replace('"2"', "1" * 51) + "      - {id: A1, text: Organisation finns}\n",
                         ["Rad 2: Filen: version är 51 tecken lång; högst 50 tecken får plats."]),
    "styrtecken-i-text": (_criteria('- {id: A1, text: "Organisation\\0finns"}'),
                          ["Rad 7: Värdet innehåller styrtecknet U+0000, som inte får finnas i en text."]),
    "ensamt-surrogat": (_criteria('- {id: A1, text: "Organisation\\ud800"}'),
                        ["Rad 7: Värdet innehåller styrtecknet U+D800, som inte får finnas i en text."]),
    "trasig-yaml": (_criteria("- {id: A1, text: [Organisation"),
                    ["Rad 8: Filen är inte giltig YAML. Kontrollera indrag, kolon och citattecken där."]),
}


@pytest.fixture(autouse=True)
def bounded_memory():
    """Let the test use at most 1 GB more address space than the process has; restore the limit afterwards."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    with open("/proc/self/statm", encoding="ascii") as statm:
        in_use = int(statm.read().split()[0]) * resource.getpagesize()
    limit = in_use + GIGABYTE if hard == resource.RLIM_INFINITY else min(hard, in_use + GIGABYTE)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    yield
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _counts(session) -> tuple[int, int]:
    """Count the criteria sets and criteria stored."""
    return (session.exec(select(func.count()).select_from(AssessmentTemplate)).one(),
            session.exec(select(func.count()).select_from(Criterion)).one())


@pytest.fixture
def loaded(session):
    """A database holding one loaded criteria set."""
    sa.load_criteria_set(session, actor=SYSTEM_ACTOR, text=LOADED, now=NOW)
    session.commit()
    return session


@pytest.mark.parametrize("name", CASES)
def test_the_service_refuses_in_swedish_and_stores_nothing(loaded, name):
    text, expected = CASES[name]
    before = _counts(loaded)
    with pytest.raises(InvalidInput) as refused:
        sa.load_criteria_set(loaded, actor=SYSTEM_ACTOR, text=text, now=NOW)
    loaded.rollback()
    assert refused.value.problems == expected
    assert _counts(loaded) == before == (1, 1)


@pytest.fixture
def cli_db(database_url, monkeypatch):
    """A migrated database with one loaded criteria set, which the command line uses; yields an open session."""
    engine = db.make_engine(database_url)
    drop_everything(engine)
    db.upgrade(database_url)
    with db.session_scope(engine) as session:
        sa.load_criteria_set(session, actor=SYSTEM_ACTOR, text=LOADED, now=NOW)
    monkeypatch.setenv("STRALPORTAL_DATABASE_URL", database_url)
    with db.session_scope(engine) as session:
        yield session
    engine.dispose()


@pytest.mark.parametrize("name", CASES)
def test_the_command_line_refuses_in_swedish_and_stores_nothing(cli_db, tmp_path, capsys, name):
    text, expected = CASES[name]
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    code = main(["criteria", "load", str(path)])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err == (f"Fel: {expected[0]}\n" if len(expected) == 1
                   else "\n".join([f"Inget ändrades. {len(expected)} fel:", *(f"- {p}" for p in expected)]) + "\n")
    assert _counts(cli_db) == (1, 1)


def test_identifiers_and_texts_are_kept_as_written(loaded):
    text = ('name: Test\nversion: 1.10\nareas:\n  - code: 1.20\n    name: 1.20\n    criteria:\n'
            '      - {id: 1.10, text: 0x1F, verified: yes, reference: 2018:5, note: null}\n'
            '      - {id: 1.1, text: no, modalities: xray}\n')
    template = sa.load_criteria_set(loaded, actor=SYSTEM_ACTOR, text=text, now=NOW)
    loaded.commit()
    stored = loaded.exec(select(Criterion).where(Criterion.template_id == template.id)
                         .order_by(Criterion.position)).all()
    assert template.version == "1.10"
    assert [(c.code, c.area, c.text, c.reference_verified, c.reference, c.note, c.modalities) for c in stored] == [
        ("1.10", "1.20", "0x1F", True, "2018:5", None, ["all"]), ("1.1", "1.20", "no", False, None, None, ["xray"])]


def test_the_command_line_says_loaded_only_once_it_is_stored(cli_db, tmp_path, capsys):
    path = tmp_path / "v2.yaml"
    path.write_text(_criteria("- {id: A1, text: Organisation finns}", "- {id: A2, text: Ansvar}"), encoding="utf-8")
    assert main(["criteria", "load", str(path)]) == 0
    out, err = capsys.readouterr()
    assert (out, err) == ("Kriterierna Test version 2 är inlästa och används för nya egenkontroller.\n", "")
    assert _counts(cli_db) == (2, 3)


def test_an_alias_bomb_is_refused_quickly_within_bounded_memory():
    """Parse the bomb in a child limited to 1 GB of address space and 60 s, and report its peak memory."""
    script = textwrap.dedent(f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, ({GIGABYTE}, {GIGABYTE}))
        from core.self_assessment.criteria import parse_criteria
        text = sys.stdin.read()
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(parse_criteria(text)[1])
        print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)
    """)
    child = subprocess.run([sys.executable, "-c", script], input=_laughs(12), capture_output=True, text=True,
                           timeout=60, cwd=PROJECT_DIR)
    assert child.returncode == 0, child.stderr
    problems, grown_mb = child.stdout.splitlines()
    assert problems == str(CASES["alias-bomb"][1])
    assert int(grown_mb) < 50


def test_the_templates_page_takes_no_file_larger_than_the_reader_does(demo_env):
    from core import yaml_input
    from tests.ui.helpers import logged_in, open_page
    at = open_page(logged_in("admin"), "pages/mallar.py")
    assert not at.exception
    assert [u.proto.max_upload_size_mb for u in at.get("file_uploader")] == [yaml_input.MAX_MEGABYTES]


def test_no_other_code_parses_yaml_itself():
    """Only the bounded reader (and the shipped demo definition, which no user can change) calls PyYAML."""
    allowed = {PROJECT_DIR / "core" / "yaml_input.py", PROJECT_DIR / "core" / "demo" / "__init__.py"}
    sources = [*(PROJECT_DIR / "core").rglob("*.py"), *(PROJECT_DIR / "pages").rglob("*.py"), PROJECT_DIR / "app.py"]
    parsing = {path for path in sources if path not in allowed
               and any(word in path.read_text(encoding="utf-8") for word in ("import yaml", "from yaml"))}
    assert parsing == set()
