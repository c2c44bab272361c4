"""SSM's diagnostic reference levels (SSMFS 2018:5 bilaga 1), one shipped file per SSMFS that set them.

The workbook's DRL sheet names the examination type, the dose quantity and the equipment; the national
level always comes from the table in force at the end of the bokslut year, never from the workbook.
"""
import re
from datetime import date
from functools import cache

from pydantic import BaseModel, ConfigDict, Field

from core.resources import TEMPLATES
from core.yaml_input import read_yaml

TABLE_FILES = "drl-*.yaml"


class Quantity(BaseModel):
    """A dose quantity of the table, with its unit and the names workbooks use for it."""

    model_config = ConfigDict(extra="forbid")
    unit: str
    name: str
    aliases: list[str] = Field(default_factory=list)


class Level(BaseModel):
    """One national DRL: examination type, dose quantity and value (in the quantity's unit)."""

    model_config = ConfigDict(extra="forbid")
    examination: str
    quantity: str
    value: float
    aliases: list[str] = Field(default_factory=list)


class _Group(BaseModel):
    model_config = ConfigDict(extra="forbid")
    group: str
    levels: list[Level]


class DrlTable(BaseModel):
    """A version of bilaga 1: the SSMFS that set it, from when it applies, and its levels."""

    model_config = ConfigDict(extra="forbid")
    version: str
    in_force_from: date
    source: str
    quantities: dict[str, Quantity]
    groups: list[_Group]

    def levels(self) -> list[tuple[str, Level]]:
        """Return every level with its group, in the table's order."""
        return [(g.group, level) for g in self.groups for level in g.levels]

    def quantity_of(self, text: str | None) -> str | None:
        """Return the table's quantity a workbook's name stands for (DAP for KAP), or None."""
        wanted = _normalised(text)
        for key, quantity in self.quantities.items():
            if wanted in {_normalised(key), *map(_normalised, quantity.aliases)}:
                return key
        return None

    def candidates(self, examination: str) -> list[Level]:
        """Return the levels an examination name stands for (one per quantity it has)."""
        wanted = _normalised(examination)
        return [level for _, level in self.levels()
                if wanted in {_normalised(level.examination), *map(_normalised, level.aliases)}]


def _normalised(text: str | None) -> str:
    """Compare names without case, spacing, dashes or the dot in units."""
    return re.sub(r"[\s\-–—·∙.]+", " ", (text or "").casefold()).strip()


def same_unit(a: str | None, b: str) -> bool:
    """Tell whether two unit texts are the same unit (Gy·cm² and Gycm2 alike)."""
    def plain(unit: str | None) -> str:
        return re.sub(r"[\s·∙.*^]", "", (unit or "").casefold()).replace("²", "2")
    return plain(a) == plain(b)


@cache
def tables() -> tuple[DrlTable, ...]:
    """Read every shipped version of the table, oldest first."""
    found = [DrlTable.model_validate(read_yaml(path.read_text(encoding="utf-8")).data)
             for path in sorted((TEMPLATES / "stralskydd").glob(TABLE_FILES))]
    return tuple(sorted(found, key=lambda t: t.in_force_from))


def table_in_force(day: date) -> DrlTable:
    """Return the table in force on the day (the oldest shipped one before any was)."""
    shipped = tables()
    return next((t for t in reversed(shipped) if t.in_force_from <= day), shipped[0])


def table_for_year(year: int) -> DrlTable:
    """Return the table a bokslut year is compared with: the one in force at the end of the year."""
    return table_in_force(date(year, 12, 31))


def drl_exceeds(local_level: float | None, national_drl: float | None) -> bool:
    """Tell whether a local standard level is above the national DRL (the cause must then be investigated)."""
    return local_level is not None and national_drl is not None and local_level > national_drl
