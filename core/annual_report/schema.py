"""The strålskyddsbokslut workbook format, version 1.1 with 1.0 still read (docs/spec/bokslut-format.md), as data.

The reader, the template and the tests all use this one description.
"""
from dataclasses import dataclass, field
from enum import StrEnum

from core import limits
from core.enums import (
    Direction,
    FindingSource,
    GoalAssessment,
    Modality,
    Severity,
    StaffGroup,
    SummaryPart,
)
from core.models import (
    AnnualReport,
    Clinic,
    DosimetryRecord,
    DrlStatus,
    Finding,
    Goal,
    Indicator,
    Organisation,
    ReportSummary,
    TrainingRecord,
)

TEXT, NUMBER, CHOICE, CHOICES, DATE = "text", "number", "choice", "choices", "date"
# 1.1 adds the optional sheets Utbildning, Persondosimetri and DRL; 1.2 names the equipment of a DRL row
# and takes the national DRL from SSM's table (a workbook's own figure is only compared).
FORMAT_VERSIONS = ("1.0", "1.1", "1.2")


@dataclass(frozen=True)
class Column:
    """A column of a table sheet: its Swedish header, the field it fills, and what it may hold."""

    header: str
    field: str
    required: bool = False
    kind: str = TEXT
    choices: type[StrEnum] | None = None
    width: int = 18
    default: str | None = None  # stored when the cell is empty
    percent: bool = False  # a share: a cell formatted as percent (0,95) or "95 %" reads as 95 with unit %


@dataclass(frozen=True)
class Sheet:
    """A table sheet of the workbook."""

    name: str
    columns: tuple[Column, ...]
    id_field: str | None = None  # unique per clinic within the sheet
    key: tuple[str, ...] = ()  # the fields that identify a row per clinic, when id_field alone does not
    derived: tuple[str, ...] = ()  # stored fields the checks fill in, not read from a cell
    model: type = field(kw_only=True)  # the table the rows are stored in; its columns give the text limits
    optional: bool = False  # new in format 1.1: a workbook without it is complete

    def key_fields(self) -> tuple[str, ...]:
        """Return the fields that identify a row within a clinic."""
        return self.key or ((self.id_field,) if self.id_field else ())

    def limit(self, column: Column) -> int:
        """Return the most characters a text cell of the column may hold."""
        if column.field == "clinic_code":
            return limits.text_limit(Clinic, "code")
        return limits.text_limit(self.model, column.field)

    def single_line(self, column: Column) -> bool:
        """Tell whether a text cell of the column must hold one line (a code, a name), not several (a comment)."""
        return column.field == "clinic_code" or limits.is_single_line(self.model, column.field)


CLINIC_CODE = Column("Klinikkod", "clinic_code", width=12)

KLINIKER = Sheet("Kliniker", (
    Column("Klinikkod", "code", required=True, width=12),
    Column("Klinik", "name", required=True, width=30),
    Column("Sjukhus", "site", width=22),
    Column("Verksamhetschef", "head_name", width=22),
    Column("Strålsäkerhetssamordnare", "coordinator_name", width=24),
    Column("Modaliteter", "modalities", kind=CHOICES, choices=Modality, width=30),
), id_field="code", model=Clinic)

SAMMANFATTNING = Sheet("Sammanfattning", (
    CLINIC_CODE,
    Column("Del", "part", required=True, kind=CHOICE, choices=SummaryPart, width=36),
    Column("Text", "text", required=True, width=90),
), model=ReportSummary)

MAL = Sheet("Mål", (
    CLINIC_CODE,
    Column("Mål-ID", "code", required=True, width=10),
    Column("Mål", "text", required=True, width=60),
    Column("Målvärde", "target", width=14),
    Column("Utfall", "outcome", width=14),
    Column("Bedömning", "assessment", required=True, kind=CHOICE, choices=GoalAssessment, width=18),
    Column("Kommentar", "comment", width=40),
), id_field="code", model=Goal)

INDIKATORER = Sheet("Indikatorer", (
    CLINIC_CODE,
    Column("Indikator-ID", "code", required=True, width=14),
    Column("Indikator", "name", required=True, width=45),
    Column("Område", "area", width=30),
    Column("Enhet", "unit", width=10),
    Column("Värde", "value", required=True, kind=NUMBER, width=10, percent=True),
    Column("Målvärde", "target", kind=NUMBER, width=10, percent=True),
    Column("Riktning", "direction", kind=CHOICE, choices=Direction, width=18, default=Direction.NONE.value),
    Column("Kommentar", "comment", width=40),
), id_field="code", model=Indicator)

BRISTER = Sheet("Brister", (
    CLINIC_CODE,
    Column("Brist-ID", "code", required=True, width=14),
    Column("Område", "area", width=30),
    Column("Beskrivning", "description", required=True, width=60),
    Column("Allvarlighet", "severity", required=True, kind=CHOICE, choices=Severity, width=14),
    Column("Referens", "reference", width=30),
    Column("Källa", "source", kind=CHOICE, choices=FindingSource, width=18),
    Column("Förslag till åtgärd", "suggested_action", width=50),
), id_field="code", model=Finding)

UTBILDNING = Sheet("Utbildning", (
    CLINIC_CODE,
    Column("Personalgrupp", "staff_group", required=True, kind=CHOICE, choices=StaffGroup, width=24),
    Column("Antal anställda", "staff_count", required=True, kind=NUMBER, width=14),
    Column("Antal med genomförd strålskyddsutbildning", "trained_count", required=True, kind=NUMBER, width=22),
    Column("Kommentar", "comment", width=40),
), id_field="staff_group", model=TrainingRecord, optional=True)

PERSONDOSIMETRI = Sheet("Persondosimetri", (
    CLINIC_CODE,
    Column("Personalgrupp", "staff_group", required=True, kind=CHOICE, choices=StaffGroup, width=24),
    Column("Antal i kategori A", "category_a_count", kind=NUMBER, width=12),
    Column("Högsta Hp(10) (mSv)", "max_hp10", kind=NUMBER, width=14),
    Column("Högsta Hp(3) ögonlins (mSv)", "max_hp3", kind=NUMBER, width=16),
    Column("Högsta extremitetsdos (mSv)", "max_extremity", kind=NUMBER, width=16),
    Column("Kommentar", "comment", width=40),
), id_field="staff_group", model=DosimetryRecord, optional=True)

DRL = Sheet("DRL", (
    CLINIC_CODE,
    Column("Undersökningstyp", "examination", required=True, width=34),
    Column("Dosstorhet", "quantity", width=14),
    Column("Enhet", "unit", width=10),
    Column("Utrustning", "equipment", width=18),
    Column("Lokal standardnivå", "local_level", kind=NUMBER, width=14),
    Column("Nationell DRL", "national_drl", kind=NUMBER, width=12),  # only compared with SSM's table
    Column("Senast bestämd", "determined_on", kind=DATE, width=14),
    Column("Kommentar", "comment", width=40),
), key=("examination", "quantity", "equipment"), derived=("national_source",), model=DrlStatus, optional=True)

TABLE_SHEETS = (KLINIKER, SAMMANFATTNING, MAL, INDIKATORER, BRISTER, UTBILDNING, PERSONDOSIMETRI, DRL)

# The `Bokslut` sheet: field name → (attribute, required).
BOKSLUT = "Bokslut"
BOKSLUT_FIELDS = {
    "Organisation": ("organisation", True),
    "År": ("year", True),
    "Upprättad av": ("prepared_by", False),
    "Färdigställd": ("completed_on", False),
    "Version": ("version_label", False),
    "Formatversion": ("format_version", False),
}
# The Bokslut sheet's texts → the column that stores them.
BOKSLUT_COLUMNS = {"organisation": (Organisation, "name"), "prepared_by": (AnnualReport, "prepared_by"),
                   "version_label": (AnnualReport, "version_label")}
FIRST_YEAR, LAST_YEAR = limits.FIRST_DAY.year, 2100

# Caps on what one workbook may hold, so a hostile file cannot exhaust memory or time.
MAX_FILE_BYTES = 20_000_000          # the .xlsx file itself
MAX_UNPACKED_BYTES = 50_000_000      # all its parts, uncompressed, as the zip declares them
MAX_PARTS = 10_000                   # files inside the zip
MAX_ROWS = 20_000                    # data rows per sheet
MAX_PROBLEMS = 200                   # problems listed; the rest are counted
