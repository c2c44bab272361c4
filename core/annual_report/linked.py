"""Indicators that a table of the bokslut also measures (format 1.1): one figure, one source.

Since format 1.1 the workbook can give the share trained (sheet Utbildning) and the highest personal dose
(sheet Persondosimetri) twice: as an indicator and as a table per staff group. Each link below names the
indicator's ID, the table figure it meets and what each of the two means, so the import warns when they
contradict each other and the indicators table shows the table's figure beside the indicator's.

The two training figures are not the same measure. "Giltig" strålskyddsutbildning (the indicator, as in the
domain's catalogue, section 8) is training completed and not yet too old by the clinic's rule for repeating
it; Utbildning counts everyone who has completed ("genomförd") the training. So the indicator may be lower
than the table's share, never higher for the same staff. The dose indicator and the table's highest Hp(10)
are the same measure: the highest Hp(10) of anyone in the clinic's staff in the year.
"""
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from core import glossary
from core.annual_report import schema
from core.annual_report.reader import ParsedWorkbook, Problem
from core.enums import StaffGroup
from core.formatting import NBSP, number_text


@dataclass(frozen=True)
class TableFigure:
    """A table's figure for one clinic, with the rows it comes from and what it counts."""

    value: float
    rows: tuple[int, ...]  # the workbook rows it is read from (none for rows already stored)
    detail: str  # "56 av 62 anställda", or the staff group with the highest dose


@dataclass(frozen=True)
class Link:
    """An indicator ID and the table figure that measures the same thing, each with its Swedish definition."""

    code: str
    sheet: str
    column: str  # the table's column the figure is read from
    unit: str
    indicator_definition: str
    table_definition: str
    shown: str  # the table's figure beside the indicator, with {sheet}, {amount} and {detail} filled in
    figure: Callable[[Sequence[Any]], TableFigure | None]
    may_be_lower: bool  # the indicator may lawfully be lower than the table's figure, never higher

    def contradicts(self, indicator: float, figure: float) -> bool:
        """Tell whether the indicator and the table's figure cannot both be right."""
        if agrees(indicator, figure):
            return False
        return not (self.may_be_lower and indicator < figure)

    def note(self, figure: TableFigure, contradicts: bool) -> str:
        """The table's figure with its definition, as the indicators table shows it beside the indicator."""
        text = self.shown.format(sheet=self.sheet, amount=amount(figure.value, self.unit), detail=figure.detail)
        return text + (" – stämmer inte med indikatorn" if contradicts else "")


def amount(value: float, unit: str) -> str:
    """A figure with its unit, never broken between them."""
    return f"{number_text(value)}{NBSP}{unit}"


def _field(row: Any, name: str) -> Any:
    """Read a field of a workbook row (a dict) or of a stored row (a model)."""
    return row.get(name) if isinstance(row, dict) else getattr(row, name, None)


def _row_numbers(rows: Iterable[Any]) -> tuple[int, ...]:
    """The workbook row numbers of rows (stored rows have none)."""
    return tuple(n for n in (_field(r, "row") for r in rows) if n)


def _decimals(value: float) -> int:
    """How many decimals a value is written with (at most three)."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return len(text.partition(".")[2])


def agrees(indicator: float, figure: float) -> bool:
    """Tell whether the table's figure, rounded as the indicator is written, is the indicator's value."""
    return abs(indicator - figure) <= 0.5 * 10 ** -_decimals(indicator) + 1e-9


def share_trained(rows: Sequence[Any]) -> TableFigure | None:
    """The share with completed training over all the table's staff groups (None without staff)."""
    counted = [r for r in rows if _field(r, "staff_count") is not None and _field(r, "trained_count") is not None]
    staff = sum(_field(r, "staff_count") for r in counted)
    trained = sum(_field(r, "trained_count") for r in counted)
    if not staff:
        return None
    return TableFigure(round(100 * trained / staff, 1), _row_numbers(counted),
                       f"{number_text(trained)} av {number_text(staff)} anställda")


def highest_hp10(rows: Sequence[Any]) -> TableFigure | None:
    """The highest Hp(10) of the table's staff groups, with the group it was measured in (None without one)."""
    measured = [r for r in rows if _field(r, "max_hp10") is not None]
    if not measured:
        return None
    top = max(measured, key=lambda r: _field(r, "max_hp10"))
    return TableFigure(_field(top, "max_hp10"), _row_numbers([top]),
                       "personalgrupp " + glossary.term(StaffGroup(_field(top, "staff_group"))))


LINKS = {link.code: link for link in (
    Link("UTB-01", schema.UTBILDNING.name, "Antal med genomförd strålskyddsutbildning", "%",
         "andelen med giltig strålskyddsutbildning (genomförd och inte äldre än verksamhetens krav på repetition)",
         "andelen med genomförd strålskyddsutbildning i tabellens personalgrupper",
         "Enligt tabellen {sheet}: {amount} med genomförd strålskyddsutbildning ({detail})",
         share_trained, may_be_lower=True),
    Link("DOS-01", schema.PERSONDOSIMETRI.name, "Högsta Hp(10) (mSv)", "mSv",
         "den högsta individuella dosen Hp(10) i personalen under året",
         "den högsta Hp(10) bland tabellens personalgrupper",
         "Enligt tabellen {sheet}: högsta Hp(10) {amount} ({detail})",
         highest_hp10, may_be_lower=False),
)}


def link_of(code: str, unit: str | None) -> Link | None:
    """The link of an indicator, when its ID is linked and its unit is the table's (another unit, another thing)."""
    link = LINKS.get(code.strip().upper())
    return link if link and (unit or "").strip().casefold() == link.unit.casefold() else None


def definition(link: Link) -> str:
    """Say what the indicator and the table's figure each count, and how they may differ."""
    relation = ("Indikatorn kan därför vara lägre än tabellens siffra men inte högre." if link.may_be_lower
                else "Båda mäter samma sak och ska vara lika.")
    return (f"Indikator {link.code} anger {link.indicator_definition}; tabellen {link.sheet} anger "
            f"{link.table_definition}. {relation}")


def _rows_text(rows: tuple[int, ...]) -> str:
    """Name workbook rows for a message: "rad 4", "rad 2–3" or "rad 2, 5"."""
    ordered = sorted(rows)
    if len(ordered) > 1 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"rad {ordered[0]}–{ordered[-1]}"
    return "rad " + ", ".join(str(r) for r in ordered)


def warning_text(link: Link, clinic_code: str | None, indicator: float, figure: TableFigure) -> str:
    """Say, in Swedish, that an indicator and its table contradict each other: both figures, both places."""
    owner = f"klinik {clinic_code}" if clinic_code else "hela organisationen"
    advice = ("Giltig utbildning kan inte vara vanligare än genomförd för samma personal" if link.may_be_lower
              else "De mäter samma sak")
    return (f"{owner} anger {amount(indicator, link.unit)} ({link.indicator_definition}), men {link.sheet}, "
            f"{_rows_text(figure.rows)}, kolumn {link.column} ger {amount(figure.value, link.unit)} "
            f"({figure.detail}; {link.table_definition}). {advice}: rätta den siffra som är fel, eller lägg till "
            f"de personalgrupper som saknas i {link.sheet}. Protokollet visar båda siffrorna.")


def contradictions(rows: dict[str, list[dict]]) -> list[tuple[dict, Link, TableFigure]]:
    """Each indicator row of a read workbook that its table contradicts, with the link and the table's figure."""
    found = []
    for indicator in rows.get(schema.INDIKATORER.name, []):
        link = link_of(indicator.get("code") or "", indicator.get("unit"))
        if link is None or indicator.get("value") is None:
            continue
        clinic = indicator.get("clinic_code")
        figure = link.figure([r for r in rows.get(link.sheet, []) if r.get("clinic_code") == clinic])
        if figure is not None and link.contradicts(indicator["value"], figure.value):
            found.append((indicator, link, figure))
    return found


def warn_contradictions(parsed: ParsedWorkbook) -> None:
    """Warn (the workbook still loads) about each indicator its table contradicts, at the indicator's cell."""
    value_header = next(c.header for c in schema.INDIKATORER.columns if c.field == "value")
    for indicator, link, figure in contradictions(parsed.rows):
        parsed.warnings.append(Problem(schema.INDIKATORER.name, indicator["row"], value_header,
                                       warning_text(link, indicator.get("clinic_code"), indicator["value"], figure)))
