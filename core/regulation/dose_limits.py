"""Workers' dose limits and category-A thresholds, and the flags a staff group's highest doses raise.

The bokslut gives each staff group's highest personal dose: Hp(10) stands for the effective dose, Hp(3) for
the eye lens. A dose above a limit, above the clinic's own investigation level, or above a category-A
threshold while the group has nobody in category A, is flagged; the import warns, the tables mark it, and a
flag becomes a finding the meeting must decide on.
"""
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict

from core.formatting import measured_text
from core.resources import TEMPLATES
from core.yaml_input import read_yaml

LIMITS_FILE = TEMPLATES / "stralskydd" / "dosgranser.yaml"
DOSE_FIELDS = ("max_hp10", "max_hp3", "max_extremity")
DOSE_NAMES = {"max_hp10": "Hp(10)", "max_hp3": "Hp(3) ögonlins", "max_extremity": "extremitetsdos"}


class _Limit(BaseModel):
    model_config = ConfigDict(extra="forbid")
    value: float
    what: str
    source: str


class _Threshold(BaseModel):
    model_config = ConfigDict(extra="forbid")
    value: float
    quote: str


class _CategoryA(BaseModel):
    model_config = ConfigDict(extra="forbid")
    source: str
    max_hp10: _Threshold
    max_hp3: _Threshold
    max_extremity: _Threshold


class DoseLimits(BaseModel):
    """The shipped limits: per dose field the limit with its source, and the category-A thresholds."""

    model_config = ConfigDict(extra="forbid")
    version: str
    limits: dict[str, _Limit]
    category_a: _CategoryA

    def threshold(self, field: str) -> float:
        """Return the category-A threshold of a dose field."""
        return getattr(self.category_a, field).value


@cache
def dose_limits() -> DoseLimits:
    """Read the shipped dose limits (once)."""
    return DoseLimits.model_validate(read_yaml(LIMITS_FILE.read_text(encoding="utf-8")).data)


@dataclass(frozen=True)
class DoseFlag:
    """Something a staff group's doses show that the meeting must look at."""

    field: str | None  # the dose field, None for a category-A count that contradicts the doses
    kind: str  # "limit", "investigation" or "category_a"
    text: str  # Swedish, complete: what, how much, against what and its source
    short: str  # a few words for a table cell
    source: str | None = None  # the provision the limit comes from; None for the clinic's own level

    @property
    def is_limit(self) -> bool:
        """Tell whether a dose limit is exceeded (the most serious flag)."""
        return self.kind == "limit"


def _mark(value: float) -> str:
    """A dose in mSv as Swedish text."""
    return f"{measured_text(value)} mSv"


def dose_flags(record: Any, investigation: dict[str, float | None] | None = None) -> list[DoseFlag]:
    """Flag a staff group's doses: above a limit, above the clinic's investigation level, or category A at 0."""
    rules, flags = dose_limits(), []
    above_category_a = []
    for field in DOSE_FIELDS:
        dose = getattr(record, field)
        if dose is None:
            continue
        limit, own = rules.limits[field], (investigation or {}).get(field)
        name = DOSE_NAMES[field]
        if dose > limit.value:
            flags.append(DoseFlag(field, "limit", f"Högsta {name} {_mark(dose)} överskrider dosgränsen "
                                                  f"{_mark(limit.value)} ({limit.source}).",
                                  f"ÖVER DOSGRÄNS: {name} > {_mark(limit.value)}", limit.source))
        elif own is not None and dose > own:
            flags.append(DoseFlag(field, "investigation", f"Högsta {name} {_mark(dose)} överskrider klinikens "
                                                          f"utredningsnivå {_mark(own)}.",
                                  f"Över utredningsnivå: {name} > {_mark(own)}"))
        if dose > rules.threshold(field):
            above_category_a.append(f"{name} {_mark(dose)} > {_mark(rules.threshold(field))}")
    if above_category_a and record.category_a_count is not None and record.category_a_count == 0:
        flags.append(DoseFlag(None, "category_a", "Ingen i kategori A, men " + ", ".join(above_category_a)
                              + f" är över gränsen för kategori A ({rules.category_a.source}).",
                              "Kategori A 0 motsägs av doserna", rules.category_a.source))
    return flags


def investigation_levels(clinic: Any) -> dict[str, float | None]:
    """Return a clinic's own investigation levels per dose field (None where it has set none)."""
    return {field: getattr(clinic, "investigation_" + field.removeprefix("max_")) for field in DOSE_FIELDS}
