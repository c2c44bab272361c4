"""Egenkontroll criteria sets as YAML: read and check them against a schema, naming the line of every problem.

The schema is a set of pydantic models: unknown keys are refused (a misspelt `refrence` would otherwise
be dropped silently), `verified: yes` is a yes, and every problem is reported with its YAML line. The file is
read by core/yaml_input.py within its bounds, so an id or version stays as written (`1.10` is not `1.1`), and
every text must fit the column it is stored in.
"""
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)

from core.enums import Modality
from core.errors import InvalidInput
from core.formatting import number_text
from core.limits import text_limit
from core.models import AssessmentTemplate, Criterion
from core.yaml_input import YamlDocument, read_yaml

ALL = "all"
KNOWN_MODALITIES = {m.value for m in Modality} | {ALL}
MAX_CRITERIA = 1_000  # the shipped set has 59; a few hundred is the most a clinic could assess


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
    version_line: int = 1  # where the file states its version, for a refusal about it


def _text_or_none(value: Any) -> Any:
    """Read a scalar as stripped text; an empty one counts as missing."""
    if value is None or isinstance(value, (dict, list)):
        return value
    return str(value).strip() or None


def _fits(model: type, field: str) -> StringConstraints:
    """Limit a text to what its column holds, so the file is refused with its line instead of the save failing."""
    return StringConstraints(max_length=text_limit(model, field))


# Each text fits its column (the constraint inside, so a missing optional text is not measured).
_Long = Annotated[str, _fits(Criterion, "text")]
_Area = Annotated[str, _fits(Criterion, "area")]
_Reference = Annotated[str, _fits(Criterion, "reference")]
Text = Annotated[_Long, BeforeValidator(_text_or_none)]
OptionalText = Annotated[_Long | None, BeforeValidator(_text_or_none)]
Code = Annotated[Annotated[str, _fits(Criterion, "code")], BeforeValidator(_text_or_none)]
AreaText = Annotated[_Area | None, BeforeValidator(_text_or_none)]
Reference = Annotated[_Reference | None, BeforeValidator(_text_or_none)]
SetName = Annotated[Annotated[str, _fits(AssessmentTemplate, "name")], BeforeValidator(_text_or_none)]
SetVersion = Annotated[Annotated[str, _fits(AssessmentTemplate, "version")], BeforeValidator(_text_or_none)]


class _Strict(BaseModel):
    """A part of the file: unknown keys are refused."""

    model_config = ConfigDict(extra="forbid")


class CriterionModel(_Strict):
    """One criterion in the file."""

    id: Code
    text: Text
    evidence: OptionalText = None
    reference: Reference = None
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

    code: AreaText = None
    name: AreaText = None
    criteria: list[CriterionModel] = Field(min_length=1)


class CriteriaFile(_Strict):
    """The whole file. From format 2 on, a criterion marked verified must quote the sentence it rests on."""

    format: int = 1
    name: SetName
    version: SetVersion
    scale: OptionalText = None
    areas: list[AreaModel] = Field(min_length=1)


def _line_of(loc: tuple, lines: dict[tuple, int]) -> int:
    """The line of a location, or of the nearest enclosing part that exists in the file."""
    for end in range(len(loc), -1, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return 1


def _code_of(criterion: Any) -> str | None:
    """Return a criterion's id when the file gives it as a text."""
    code = criterion.get("id") if isinstance(criterion, dict) else None
    return code.strip() or None if isinstance(code, str) else None


def _criteria_in(data: dict) -> Iterator[tuple[int, int, Any]]:
    """Yield (area position, criterion position, criterion) for every criterion where the file has the right shape."""
    areas = data.get("areas")
    for a, area in enumerate(areas if isinstance(areas, list) else []):
        criteria = area.get("criteria") if isinstance(area, dict) else None
        for c, criterion in enumerate(criteria if isinstance(criteria, list) else []):
            yield a, c, criterion


def _subject(loc: tuple, data: dict) -> str:
    """Name what a problem is about: "kriterium A1", "ett kriterium", "ett område" or "filen"."""
    if len(loc) >= 4 and loc[0] == "areas" and loc[2] == "criteria":
        code = _code_of(data["areas"][loc[1]]["criteria"][loc[3]])
        return f"kriterium {code}" if code else "ett kriterium"
    if len(loc) >= 2 and loc[0] == "areas":
        return "ett område"
    return "filen"


def _shape(value: Any) -> str:
    """Name the shape of a value the file gives where another was expected."""
    return "en lista" if isinstance(value, list) else "en nyckel–värde-tabell" if isinstance(value, dict) else "en text"


def _given(value: Any) -> str:
    """Quote a text the file gives, or name the shape of anything else."""
    return f"\"{value}\"" if isinstance(value, str) else _shape(value)


def _message(error: Mapping[str, Any], data: dict) -> str:
    """Say one schema problem in Swedish."""
    loc, kind, value = tuple(error["loc"]), error["type"], error.get("input")
    subject = _subject(loc, data)
    field = next((str(part) for part in reversed(loc) if isinstance(part, str)), "")
    if kind == "missing" or (kind in ("string_type", "none_required") and value is None):
        return f"{subject} saknar {field}."
    if kind == "extra_forbidden":
        return f"{subject} har den okända nyckeln \"{field}\" (stavfel?)."
    if kind in ("bool_parsing", "bool_type"):
        return f"{subject}: {field} ska vara true eller false, inte {_given(value)}."
    if kind == "string_type":
        return f"{subject}: {field} ska vara en text, inte {_shape(value)}."
    if kind == "string_too_long":
        return (f"{subject}: {field} är {number_text(len(str(value)))} tecken lång; högst "
                f"{number_text(error['ctx']['max_length'])} tecken får plats.")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"{subject}: {field} ska vara ett heltal, inte {_given(value)}."
    if kind == "too_short":
        return f"{subject}: listan {field} är tom."
    if kind in ("list_type", "dict_type", "model_type"):
        wanted = "lista" if kind == "list_type" else "nyckel–värde-tabell"
        return f"{subject}: {field or 'innehållet'} har fel form (väntade en {wanted})."
    if kind == "value_error":
        return f"{subject} har {str(error['msg']).removeprefix('Value error, ')}."
    return f"{subject}: {field} är ogiltigt."


def _read(text: str) -> YamlDocument | str:
    """Read the file within the YAML bounds and the criteria limit, or return the Swedish problem."""
    try:
        document = read_yaml(text)
    except InvalidInput as exc:
        return exc.problems[0]
    data = document.data
    if data is None:
        return "Rad 1: Filen är tom; den ska ange name, version och areas."
    if not isinstance(data, dict):
        return f"Rad 1: Filen ska vara en nyckel–värde-tabell med name, version och areas, inte {_shape(data)}."
    count = sum(1 for _ in _criteria_in(data))
    if count > MAX_CRITERIA:
        return (f"Rad {document.lines.get(('areas',), 1)}: Filen har {number_text(count)} kriterier; en kriteriefil "
                f"får ha högst {number_text(MAX_CRITERIA)}.")
    return document


def parse_criteria(text: str) -> tuple[CriteriaSet | None, list[str]]:
    """Read a criteria YAML; return the set, or None and every problem with its line, in Swedish."""
    document = _read(text)
    if isinstance(document, str):
        return None, [document]
    data, lines = document.data, document.lines
    problems = _duplicate_ids(data, lines)
    try:
        parsed = CriteriaFile.model_validate(data)
    except ValidationError as exc:
        problems += [(_line_of(tuple(e["loc"]), lines), _message(e, data)) for e in exc.errors()]
        return None, _numbered(problems)
    for a, area in enumerate(parsed.areas):
        if not (area.name or area.code):
            problems.append((lines[("areas", a)], "ett område saknar namn."))
        for c, criterion in enumerate(area.criteria):
            if parsed.format >= 2 and criterion.verified and not criterion.quote:
                problems.append((lines[("areas", a, "criteria", c)], f"kriterium {criterion.id} är markerat verified "
                                 "men citerar inte meningen i föreskriften som det vilar på (quote)."))
    if problems:
        return None, _numbered(problems)
    in_order = [(area, c) for area in parsed.areas for c in area.criteria]
    criteria = [CriterionSpec(code=c.id, area=area.name or area.code or "", text=c.text, evidence_hint=c.evidence,
                              reference=c.reference, verified=c.verified, modalities=c.modalities, position=n,
                              quote=c.quote, note=c.note)
                for n, (area, c) in enumerate(in_order)]
    return CriteriaSet(name=parsed.name, version=parsed.version, criteria=criteria,
                       version_line=lines.get(("version",), 1)), []


def _numbered(problems: list[tuple[int, str]]) -> list[str]:
    """Put the problems in line order, each beginning with its line."""
    return [f"Rad {line}: {_capital(message)}" for line, message in sorted(problems, key=lambda p: p[0])]


def _capital(message: str) -> str:
    """Begin a sentence about the file with a capital ("Filen …"); criteria and areas keep lower case."""
    return "F" + message[1:] if message.startswith("filen") else message


def _duplicate_ids(data: dict, lines: dict[tuple, int]) -> list[tuple[int, str]]:
    """Find criterion ids used twice, naming both lines."""
    seen: dict[str, int] = {}
    problems: list[tuple[int, str]] = []
    for a, c, criterion in _criteria_in(data):
        code = _code_of(criterion)
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
