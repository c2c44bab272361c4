"""The command line as documented is the command line as built: docs/spec/cli.md and README against core/cli.py."""
import argparse
import re

import pytest

from core.cli import build_parser
from tests.conftest import PROJECT_DIR

SPEC = PROJECT_DIR / "docs" / "spec" / "cli.md"
README = PROJECT_DIR / "README.md"
TABLE_ROW = re.compile(r"^\| `stralportal ([^`]*)`", re.MULTILINE)  # a command table's first column
MENTION = re.compile(r"`stralportal ([^`]*)`")  # any command named inline in the docs
OPTION = re.compile(r"(?<![\w-])(--?[a-z][a-z-]*)")


def _commands(parser: argparse.ArgumentParser, words: tuple[str, ...] = ()):
    """Yield (command, parser) for every runnable command of the tree, like ("user add", its parser)."""
    groups = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not groups:
        yield " ".join(words), parser
    for group in groups:
        for name, sub in group.choices.items():
            yield from _commands(sub, (*words, name))


COMMANDS = dict(_commands(build_parser()))


def _name(usage: str) -> str:
    """The command words at the start of a usage line: "user add USERNAME --name …" → "user add"."""
    return re.match(r"[a-z]+(?: [a-z]+)*", usage).group(0) if re.match(r"[a-z]", usage) else ""


def _options(parser: argparse.ArgumentParser) -> list[tuple[str, ...]]:
    """The option strings of each optional argument but --help, e.g. ("-o", "--output")."""
    return [tuple(a.option_strings) for a in parser._actions
            if a.option_strings and not isinstance(a, argparse._HelpAction)]


def _rows(path) -> dict[str, str]:
    """Return {command: its usage} of a file's command table."""
    rows = {}
    for usage in TABLE_ROW.findall(path.read_text(encoding="utf-8")):
        if not _name(usage):
            continue  # not a command: README's benchmark table times `stralportal --help`
        assert _name(usage) not in rows, f"{path.name}: {_name(usage)} twice"
        rows[_name(usage)] = usage
    return rows


def test_the_tree_is_read():
    assert {"db upgrade", "setup", "serve", "criteria load", "user deactivate", "bench"} <= set(COMMANDS)


@pytest.mark.parametrize("path", [SPEC, README], ids=["spec", "README"])
def test_every_command_is_documented_and_every_documented_command_exists(path):
    assert sorted(_rows(path)) == sorted(COMMANDS)


@pytest.mark.parametrize("path", [SPEC, README], ids=["spec", "README"])
def test_each_documented_usage_has_exactly_the_commands_options(path):
    for command, usage in _rows(path).items():
        documented = set(OPTION.findall(usage))
        options = _options(COMMANDS[command])
        assert [o for o in options if not documented & set(o)] == [], f"{path.name}: {command} lacks them"
        assert documented - {s for o in options for s in o} == set(), f"{path.name}: {command} has no such option"


def test_the_global_option_is_documented():
    text = SPEC.read_text(encoding="utf-8")
    assert [o for o in _options(build_parser()) if not any(s in text for s in o)] == []


def test_every_command_named_in_the_docs_exists():
    """A command named in passing (`stralportal user deactivate admin …`) must be a real one too."""
    files = [README, *sorted((PROJECT_DIR / "docs").rglob("*.md"))]
    named = {(f.name, mention) for f in files for mention in MENTION.findall(f.read_text(encoding="utf-8"))}
    unknown = [(name, mention) for name, mention in sorted(named) if _name(mention)
               and not any(f"{_name(mention)} ".startswith(f"{command} ") for command in COMMANDS)]
    assert unknown == []
