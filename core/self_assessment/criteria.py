"""Egenkontroll criteria sets as YAML: read and check them, naming the line of every problem."""
from dataclasses import dataclass

import yaml

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


@dataclass(frozen=True)
class CriteriaSet:
    """A whole criteria set: name, version and its criteria in order."""

    name: str
    version: str
    criteria: list[CriterionSpec]


def _value(node: yaml.Node, key: str) -> yaml.Node | None:
    """Return the value node of a mapping key, if present."""
    if not isinstance(node, yaml.MappingNode):
        return None
    return next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)


def _text(node: yaml.Node, key: str) -> str | None:
    """Return a scalar value as stripped text (None when missing or empty)."""
    value = _value(node, key)
    if isinstance(value, yaml.ScalarNode) and str(value.value).strip():
        return str(value.value).strip()
    return None


def _line(node: yaml.Node) -> int:
    """Return the 1-based line where a node starts."""
    return node.start_mark.line + 1


def _modalities(node: yaml.Node, code: str, problems: list[str]) -> list[str]:
    """Read a criterion's modalities, refusing unknown ones."""
    value = _value(node, "modalities")
    if value is None:
        return [ALL]
    items = value.value if isinstance(value, yaml.SequenceNode) else [value]
    names = [str(i.value).strip() for i in items]
    for name in names:
        if name not in KNOWN_MODALITIES:
            problems.append(f"Rad {_line(value)}: kriterium {code} har okänd modalitet \"{name}\" "
                            f"(tillåtna: {', '.join(sorted(KNOWN_MODALITIES))}).")
    return names


def _criterion(node: yaml.Node, area: str, position: int, seen: dict[str, int], problems: list[str]):
    """Read one criterion, collecting problems."""
    code = _text(node, "id")
    if code is None:
        problems.append(f"Rad {_line(node)}: ett kriterium saknar id.")
        return None
    if code in seen:
        problems.append(f"Rad {_line(node)}: id {code} finns redan (rad {seen[code]}).")
    seen.setdefault(code, _line(node))
    text = _text(node, "text")
    if text is None:
        problems.append(f"Rad {_line(node)}: kriterium {code} saknar text.")
    verified = _text(node, "verified")
    return CriterionSpec(code=code, area=area, text=text or "", evidence_hint=_text(node, "evidence"),
                         reference=_text(node, "reference"), verified=(verified or "").lower() == "true",
                         modalities=_modalities(node, code, problems), position=position)


def parse_criteria(text: str) -> tuple[CriteriaSet | None, list[str]]:
    """Read a criteria YAML; return the set, or None and every problem with its line, in Swedish."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        return None, [f"Rad {line}: filen är inte giltig YAML. Kontrollera indrag, kolon och citattecken där."]
    problems: list[str] = []
    if root is None or _text(root, "name") is None or _text(root, "version") is None:
        return None, ["Rad 1: filen måste ange name och version."]
    areas = _value(root, "areas")
    if not isinstance(areas, yaml.SequenceNode) or not areas.value:
        return None, [f"Rad {_line(root)}: filen måste ha en lista areas med kriterier."]
    criteria, seen = [], {}
    for area in areas.value:
        name = _text(area, "name") or _text(area, "code")
        if name is None:
            problems.append(f"Rad {_line(area)}: ett område saknar namn.")
        for node in getattr(_value(area, "criteria"), "value", []) or []:
            spec = _criterion(node, name or "", len(criteria), seen, problems)
            if spec:
                criteria.append(spec)
    if not criteria:
        problems.append(f"Rad {_line(areas)}: inga kriterier hittades.")
    if problems:
        return None, problems
    return CriteriaSet(name=_text(root, "name"), version=_text(root, "version"), criteria=criteria), []


def applies(criterion_modalities: list[str], clinic_modalities: list[str]) -> bool:
    """Tell whether a criterion applies to a clinic with these modalities."""
    return ALL in criterion_modalities or bool(set(criterion_modalities) & set(clinic_modalities))
