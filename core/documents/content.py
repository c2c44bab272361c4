"""The minutes' content document, typed: what the printed protokoll says, as frozen for justering.

The frozen JSON is the record (its SHA-256 is what every approver signs), so these models only read and
write it; they never change what an older document says. Format 1 is every document frozen before the
format was named (no `format` key, perhaps no `licence_holder`); `read` upgrades it in memory only. Format 3
marks the blocks that show the record as the meeting saw it (`record`, see core/documents/revision.py); the
mark is never printed, and a block without it is stored exactly as before. Format 4 prints differently, never
says anything new: a word cut to fit a table column ends in a hyphen, the key-indicator chart's axes start at
zero (HYPHENS_AND_ZERO_AXES); an older document prints as it always did.
"""
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, ValidationError, model_serializer

from core.errors import UserError

FORMAT = 4
HYPHENS_AND_ZERO_AXES = 4  # from this format: a hyphen where a word is cut, chart axes from zero


class _Part(BaseModel):
    """A part of the document: extra keys are refused, so a misspelt one never vanishes silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class _Block(_Part):
    """A block of a §; `record` names the record it shows (bokslut, finding …), None for what the meeting wrote."""

    record: str | None = None

    @model_serializer(mode="wrap")
    def _stored(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """Store `record` last, and not at all when unset, so an unmarked block stores as it always did."""
        data = handler(self)
        record = data.pop("record", None)
        return data if record is None else {**data, "record": record}


class Text(_Block):
    """A paragraph."""

    kind: Literal["text"] = "text"
    text: str


class Subheading(_Block):
    """A small heading inside a §."""

    kind: Literal["subheading"] = "subheading"
    text: str


class Decision(_Block):
    """A decision of the meeting, worded "Beslutades att …"."""

    kind: Literal["decision"] = "decision"
    text: str


class Table(_Block):
    """A table whose first row is the header; widths (mm) are for paper, the screen lets columns wrap."""

    kind: Literal["table"] = "table"
    rows: list[list[str]]
    widths: list[int]

    @property
    def header(self) -> list[str]:
        """The column names."""
        return self.rows[0]

    @property
    def body(self) -> list[list[str]]:
        """The rows under the header."""
        return self.rows[1:]


Block = Annotated[Text | Subheading | Decision | Table, Field(discriminator="kind")]


class Section(_Part):
    """One § of the minutes with its content and decisions."""

    heading: str
    kind: str
    blocks: list[Block]


class ChartPoint(_Part):
    """One value of a key indicator in one year (the chart in the bokslut's §)."""

    name: str
    year: int
    value: int | float | None  # as stored: an integer stays an integer


class Signer(_Part):
    """Who signs the minutes, and in what capacity."""

    role: str
    capacity: str
    name: str


class MinutesContent(_Part):
    """Everything the printed minutes say."""

    format: int = FORMAT
    title: str
    number: str
    organisation: str
    licence_holder: str | None = None  # format 1: minutes frozen before the licence holder was asked for
    licence_number: str | None
    clinic: str
    when: str
    place: str
    basis: list[str]
    version: int
    replaces: str | None
    sections: list[Section]
    chart: list[ChartPoint]
    signers: list[Signer]

    @property
    def hyphens_and_zero_axes(self) -> bool:
        """Whether this document prints in format 4's way (hyphenated cuts, chart axes from zero)."""
        return self.format >= HYPHENS_AND_ZERO_AXES

    def as_json(self) -> dict:
        """The document as stored and hashed."""
        return self.model_dump(mode="json")


def read(stored: dict) -> MinutesContent:
    """Read a stored content document of any format (format 1 is upgraded in memory, never rewritten)."""
    try:
        return MinutesContent.model_validate({"format": 1, **stored})
    except ValidationError as exc:
        where = ", ".join(".".join(str(p) for p in e["loc"]) for e in exc.errors()[:3])
        raise UserError(f"Protokollets lagrade innehåll (protokoll {stored.get('number', '–')}) går inte att läsa: "
                        f"{where} saknas eller är fel. Inget har ändrats; kontakta förvaltningen.") from None
