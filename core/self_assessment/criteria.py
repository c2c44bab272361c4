"""Egenkontroll criteria sets as YAML: read and check them against a schema, naming the line of every problem.

The schema is a set of pydantic models: unknown keys are refused (a misspelt `refrence` would otherwise
be dropped silently), `verified: yes` is a yes, and every problem is reported with its YAML line.
"""
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)

from core.enums import Modality

ALL = "all"
KNOWN_MODALITIES = {m.value for m in Modality} | {ALL}


@dataclass(frozen=True)
class CriterionSpec:
    """One criterion as the YAML states it."""

    code: str
    area: str
    text: str
    evidence_hint: str | None
    reference: str | None
    verified: bool
    modalities: list[str]
    position: int
    quote: str | None = None  # the sentence of the regulation a verified criterion rests on
    note: str | None = None  # what the user should know about the criterion and its source


@dataclass(frozen=True)
class CriteriaSet:
    """A whole criteria set: name, version and its criteria in order."""

    name: str
    version: str
    criteria: list[CriterionSpec]


def _text_or_none(value: Any) -> Any:
    """Read a scalar as stripped text; an empty one counts as missing."""
    if value is None or isinstance(value, (dict, list)):
        return value
    return str(value).strip() or None


Text = Annotated[str, BeforeValidator(_text_or_none)]
OptionalText = Annotated[str | None, BeforeValidator(_text_or_none)]


class _Strict(BaseModel):
    """A part of the file: unknown keys are refused."""

    model_config = ConfigDict(extra="forbid")


class CriterionModel(_Strict):
    """One criterion in the file."""

    id: Text
    text: Text
    evidence: OptionalText = None
    reference: OptionalText = None
    verified: bool = False
    quote: OptionalText = None
    note: OptionalText = None
    modalities: list[str] = [ALL]

    @field_validator("modalities", mode="before")
    @classmethod
    def _listed(cls, value: Any) -> Any:
        """Accept one modality written without brackets."""
        return [value] if isinstance(value, str) else value

    @field_validator("modalities")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        """Refuse modalities the portal does not know."""
        for name in value:
            if name not in KNOWN_MODALITIES:
                raise ValueError(f"okänd modalitet \"{name}\" (tillåtna: {', '.join(sorted(KNOWN_MODALITIES))})")
        return value


class AreaModel(_Strict):
    """One area with its criteria."""

    code: OptionalText = None
    name: OptionalText = None
    criteria: list[CriterionModel] = Field(min_length=1)


class CriteriaFile(_Strict):
    """The whole file. From format 2 on, a criterion marked verified must quote the sentence it rests on."""

    format: int = 1
    name: Text
    version: Text
    scale: OptionalText = None
    areas: list[AreaModel] = Field(min_length=1)


FIELD_NAMES = {"id": "id", "text": "text", "name": "name", "version": "version", "areas": "areas",
               "criteria": "criteria", "verified": "verified", "modalities": "modalities"}


def _lines(node: yaml.Node, path: tuple = (), found: dict | None = None) -> dict[tuple, int]:
    """Map every path in the document (keys and list positions) to the 1-based line where it starts."""
    found = {} if found is None else found
    found[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            found[path + (key.value,)] = key.start_mark.line + 1
            _lines(value, path + (key.value,), found)
            found[path + (key.value,)] = key.start_mark.line + 1  # a problem with a key is on the key's line
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _lines(item, path + (i,), found)
    return found


def _line_of(loc: tuple, lines: dict[tuple, int]) -> int:
    """The line of a location, or of the nearest enclosing part that exists in the file."""
    for end in range(len(loc), -1, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return 1


def _subject(loc: tuple, data: Any) -> str:
    """Name what a problem is about: "kriterium A1", "ett kriterium", "ett område" or "filen"."""
    if len(loc) >= 4 and loc[0] == "areas" and loc[2] == "criteria":
        criterion = data["areas"][loc[1]]["criteria"][loc[3]]
        code = _text_or_none(criterion.get("id")) if isinstance(criterion, dict) else None
        return f"kriterium {code}" if code else "ett kriterium"
    if len(loc) >= 2 and loc[0] == "areas":
        return "ett område"
    return "filen"


def _message(error: Mapping[str, Any], data: Any) -> str:
    """Say one schema problem in Swedish."""
    loc, kind = tuple(error["loc"]), error["type"]
    subject = _subject(loc, data)
    field = str(loc[-1]) if loc else ""
    if kind == "missing" or (kind in ("string_type", "none_required") and error.get("input") is None):
        return f"{subject} saknar {FIELD_NAMES.get(field, field)}."
    if kind == "extra_forbidden":
        return f"{subject} har den okända nyckeln \"{field}\" (stavfel?)."
    if kind == "bool_parsing":
        return f"{subject}: verified ska vara true eller false, inte \"{error.get('input')}\"."
    if kind == "too_short":
        return f"{subject}: listan {field} är tom."
    if kind in ("list_type", "dict_type", "model_type"):
        wanted = "lista" if kind == "list_type" else "nyckel–värde-tabell"
        return f"{subject}: {field or 'innehållet'} har fel form (väntade en {wanted})."
    if kind == "value_error":
        return f"{subject} har {str(error['msg']).removeprefix('Value error, ')}."
    return f"{subject}: {field} är ogiltigt."


def _load(text: str) -> tuple[Any, dict[tuple, int]] | str:
    """Parse YAML into plain data and its line map, or return the Swedish problem."""
    try:
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        return f"Rad {line}: filen är inte giltig YAML. Kontrollera indrag, kolon och citattecken där."
    if not isinstance(data, dict):
        return "Rad 1: filen måste ange name och version."
    return data, _lines(node)


def parse_criteria(text: str) -> tuple[CriteriaSet | None, list[str]]:
    """Read a criteria YAML; return the set, or None and every problem with its line, in Swedish."""
    loaded = _load(text)
    if isinstance(loaded, str):
        return None, [loaded]
    data, lines = loaded
    problems = _duplicate_ids(data, lines)
    try:
        parsed = CriteriaFile.model_validate(data)
    except ValidationError as exc:
        problems += [(_line_of(tuple(e["loc"]), lines), _message(e, data)) for e in exc.errors()]
        return None, [f"Rad {line}: {_capital(message)}" for line, message in sorted(problems, key=lambda p: p[0])]
    for a, area in enumerate(parsed.areas):
        if not (area.name or area.code):
            problems.append((lines[("areas", a)], "ett område saknar namn."))
        for c, criterion in enumerate(area.criteria):
            if parsed.format >= 2 and criterion.verified and not criterion.quote:
                problems.append((lines[("areas", a, "criteria", c)], f"kriterium {criterion.id} är markerat verified "
                                 "men citerar inte meningen i föreskriften som det vilar på (quote)."))
    if problems:
        return None, [f"Rad {line}: {_capital(message)}" for line, message in sorted(problems, key=lambda p: p[0])]
    in_order = [(area, c) for area in parsed.areas for c in area.criteria]
    criteria = [CriterionSpec(code=c.id, area=area.name or area.code or "", text=c.text, evidence_hint=c.evidence,
                              reference=c.reference, verified=c.verified, modalities=c.modalities, position=n,
                              quote=c.quote, note=c.note)
                for n, (area, c) in enumerate(in_order)]
    return CriteriaSet(name=parsed.name, version=parsed.version, criteria=criteria), []


def _capital(message: str) -> str:
    """Begin a sentence about the file with a capital ("Filen …"); criteria and areas keep lower case."""
    return "F" + message[1:] if message.startswith("filen") else message


def _duplicate_ids(data: dict, lines: dict[tuple, int]) -> list[tuple[int, str]]:
    """Find criterion ids used twice, naming both lines."""
    seen: dict[str, int] = {}
    problems: list[tuple[int, str]] = []
    for a, area in enumerate(data.get("areas") or [] if isinstance(data.get("areas"), list) else []):
        criteria = area.get("criteria") if isinstance(area, dict) else None
        for c, criterion in enumerate(criteria if isinstance(criteria, list) else []):
            code = _text_or_none(criterion.get("id")) if isinstance(criterion, dict) else None
            if not code:
                continue
            line = lines[("areas", a, "criteria", c)]
            if code in seen:
                problems.append((line, f"id {code} finns redan (rad {seen[code]})."))
            seen.setdefault(code, line)
    return problems


def applies(criterion_modalities: list[str], clinic_modalities: list[str]) -> bool:
    """Tell whether a criterion applies to a clinic with these modalities."""
    return ALL in criterion_modalities or bool(set(criterion_modalities) & set(clinic_modalities))
