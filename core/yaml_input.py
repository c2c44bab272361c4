"""YAML from users, read within bounds: size, depth and number of values, no aliases, no tags, no duplicate keys.

A plain scalar stays the text it was written as (`1.10` is "1.10", `yes` is "yes"): what must be a number or a
yes/no is converted by the schema that reads the data. Every refusal is an InvalidInput in Swedish with its line.
The limits hold by construction: an alias or anchor is refused when it is met (so nothing is shared or expanded),
and nesting deeper than MAX_DEPTH is refused before the recursive composer goes further.
"""
import re
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent, MappingEndEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader, ReaderError
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from core.errors import InvalidInput
from core.formatting import number_text

MAX_MEGABYTES = 1  # the largest shipped criteria file is 60 KB
MAX_BYTES = MAX_MEGABYTES * 1024 * 1024
MAX_DEPTH = 20  # a criteria file nests five levels deep
MAX_VALUES = 50_000  # keys, values and lists together; about 20 per criterion
# C0 and C1 control characters (tab and line breaks are text) and lone surrogates, which "\0" or "\ud800" can write
YAML_TAGS = "tag:yaml.org,2002:"
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


@dataclass(frozen=True)
class YamlDocument:
    """The data read and the 1-based line where each part starts (keyed by its path of keys and list positions)."""

    data: Any
    lines: dict[tuple, int]


class _Refusal(Exception):
    """A bound was crossed at a line; becomes the Swedish problem "Rad N: …"."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line, self.message = line, message


def _line(node_or_event: Any) -> int:
    """Return the 1-based line where a node or event starts."""
    return node_or_event.start_mark.line + 1


class _BoundedLoader(Reader, Scanner, Parser, Composer, SafeConstructor, BaseResolver):
    """PyYAML's safe loader with plain scalars as text, refusing what the bounds forbid while it composes."""

    def __init__(self, text: str):
        Reader.__init__(self, text)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        BaseResolver.__init__(self)
        self.depth = 0
        self.values = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        """Compose one node after checking it against every bound."""
        event = self.peek_event()
        self._check(event)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def _check(self, event: Any) -> None:
        """Refuse an alias, an anchor, a tag, too deep nesting or too many values."""
        if isinstance(event, AliasEvent) or event.anchor is not None:
            raise _Refusal(_line(event), "ankare (&) och alias (*) är inte tillåtna; skriv ut varje värde.")
        if event.tag not in (None, "!"):
            tag = event.tag.replace(YAML_TAGS, "!!")
            raise _Refusal(_line(event), f"taggen {tag} är inte tillåten; skriv värdet utan tagg.")
        if self.depth >= MAX_DEPTH:
            raise _Refusal(_line(event), f"filen är nästlad djupare än {MAX_DEPTH} nivåer.")
        self.values += 1
        if self.values > MAX_VALUES:
            raise _Refusal(_line(event), f"filen har fler än {number_text(MAX_VALUES)} värden; så stor kan den "
                                         "inte vara.")

    def compose_scalar_node(self, anchor: Any) -> ScalarNode:
        """Compose a scalar, refusing control characters that a quoted escape can write."""
        node = super().compose_scalar_node(anchor)
        found = CONTROL.search(node.value)
        if found:
            raise _Refusal(_line(node), f"värdet innehåller styrtecknet U+{ord(found.group()):04X}, som inte får "
                                        "finnas i en text.")
        return node

    def compose_mapping_node(self, anchor: Any) -> MappingNode:
        """Compose a mapping whose keys are texts, each used once."""
        start = self.get_event()
        node = MappingNode(self.resolve(MappingNode, None, start.implicit), [], start.start_mark, None,
                           flow_style=start.flow_style)
        seen: dict[str, int] = {}
        while not self.check_event(MappingEndEvent):
            key = self.compose_node(node, None)
            if not isinstance(key, ScalarNode):
                raise _Refusal(_line(key), "en nyckel måste vara en enkel text, inte en lista eller tabell.")
            if key.value in seen:
                raise _Refusal(_line(key), f"nyckeln \"{key.value}\" finns redan på rad {seen[key.value]} i samma "
                                           "del; en nyckel får bara stå en gång.")
            seen[key.value] = _line(key)
            node.value.append((key, self.compose_node(node, key)))
        node.end_mark = self.get_event().end_mark
        return node


# Only an empty value, ~ and null keep their YAML meaning (nothing); every other plain scalar is text.
_BoundedLoader.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"),
                                     ["~", "n", "N", ""])


def _lines(node: Node, path: tuple, found: dict[tuple, int]) -> None:
    """Map every path in the document to the line where it starts; a key's problem is on the key's line."""
    found[path] = _line(node)
    if isinstance(node, MappingNode):
        for key, value in node.value:
            _lines(value, path + (key.value,), found)
            found[path + (key.value,)] = _line(key)
    elif isinstance(node, SequenceNode):
        for i, item in enumerate(node.value):
            _lines(item, path + (i,), found)


def _syntax_problem(exc: yaml.YAMLError, text: str) -> str:
    """Say where PyYAML found the file broken."""
    if isinstance(exc, ReaderError):  # a raw control character; the reader names its position in the text
        line = text.count("\n", 0, exc.position) + 1
        return f"Rad {line}: Filen innehåller styrtecknet U+{exc.character:04X}, som inte får finnas i en text."
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is not None:
        line = mark.line + 1
    else:  # the reader names a position in the text, not a line
        line = text.count("\n", 0, getattr(exc, "position", 0) or 0) + 1
    return f"Rad {line}: Filen är inte giltig YAML. Kontrollera indrag, kolon och citattecken där."


def _compose(text: str) -> tuple[Node | None, Any]:
    """Compose the document within the bounds and construct its plain data."""
    loader = _BoundedLoader(text)  # the reader refuses a raw control character here already
    try:
        node = loader.get_single_node()
        return node, loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()


def size_problem(size: int) -> str | None:
    """Return the Swedish refusal of a file larger than MAX_BYTES, or None when it fits."""
    if size <= MAX_BYTES:
        return None
    return (f"Filen är {number_text(size / 1024 / 1024, 1)} MB; en YAML-fil får vara högst {MAX_MEGABYTES} MB. "
            "Inget har lästs in.")


def read_yaml(text: str) -> YamlDocument:
    """Read one YAML document from a user within the bounds, or raise InvalidInput with the line of the problem."""
    problem = size_problem(len(text.encode("utf-8", "surrogatepass")))
    if problem:
        raise InvalidInput([problem])
    try:
        node, data = _compose(text)
    except _Refusal as refusal:
        raise InvalidInput([f"Rad {refusal.line}: {refusal.message[0].upper()}{refusal.message[1:]}"]) from None
    except yaml.YAMLError as exc:
        raise InvalidInput([_syntax_problem(exc, text)]) from None
    lines: dict[tuple, int] = {}
    if node is not None:
        _lines(node, (), lines)
    return YamlDocument(data=data, lines=lines)
