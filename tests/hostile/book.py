"""A small, valid bokslut workbook written part by part (shared strings, a date and a percent style, as Excel
writes them), so that make_files.py can break exactly one thing in each hostile copy."""
import io
import zipfile
from collections.abc import Callable
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
DATE, PERCENT = 1, 2  # style indexes in styles.xml

MAL_HEADER = ["Klinikkod", "Mål-ID*", "Mål*", "Målvärde", "Utfall", "Bedömning*", "Kommentar"]
IND_HEADER = ["Klinikkod", "Indikator-ID*", "Indikator*", "Område", "Enhet", "Värde*", "Målvärde", "Riktning",
              "Kommentar"]
BRI_HEADER = ["Klinikkod", "Brist-ID*", "Område", "Beskrivning*", "Allvarlighet*", "Referens", "Källa",
              "Förslag till åtgärd"]
KLI_HEADER = ["Klinikkod*", "Klinik*", "Sjukhus", "Verksamhetschef", "Strålsäkerhetssamordnare", "Modaliteter"]
SAM_HEADER = ["Klinikkod", "Del*", "Text*"]


class Raw(str):
    """A cell written as given: the XML inside <c r="…">, or with `whole` the whole <c …> element."""

    whole = False


class Whole(Raw):
    """A whole <c> element, written as given ({ref} is the cell's reference)."""

    whole = True


def base_sheets() -> dict[str, list[list]]:
    """Return the valid workbook's sheets: name → rows (header first)."""
    return {
        "Bokslut": [["Fält", "Värde"], ["Organisation", "Demosjukhuset"], ["År", 2025],
                    ["Färdigställd", Raw(f' s="{DATE}"><v>46079</v>')]],  # 2026-02-26
        "Mål": [MAL_HEADER, ["RTG", "M1", "Färre omtag på röntgen", "5 %", "4 %", "Uppfyllt", None]],
        "Indikatorer": [IND_HEADER,
                        ["RTG", "DOS-01", "Medeldos DT buk", "Optimering", "mGy", 12.5, 10, "Lägre är bättre"],
                        ["NM", "UTB-01", "Andel utbildade", None, None, Raw(f' s="{PERCENT}"><v>0.93</v>'), 95,
                         "Högre är bättre"]],
        "Brister": [BRI_HEADER, ["RTG", "B-1", "Strålskydd", "Blyförkläden kontrolleras inte", "Hög",
                                 "SSMFS 2018:5", "Tillsyn", "Inför årlig kontroll"]],
    }


class Book:
    """A workbook written part by part, so a test file can break exactly one thing."""

    def __init__(self, sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None):
        self.sheets, self.merges, self.strings = sheets, merges or {}, []

    def _string(self, text: str) -> int:
        """Return the shared-string index of text."""
        if text not in self.strings:
            self.strings.append(text)
        return self.strings.index(text)

    def _cell(self, ref: str, value) -> str:
        """Write one cell."""
        if isinstance(value, Raw):
            return value.format(ref=ref) if value.whole else f'<c r="{ref}"{value}</c>'
        if isinstance(value, str):
            return f'<c r="{ref}" t="s"><v>{self._string(value)}</v></c>'
        return f'<c r="{ref}"><v>{value}</v></c>'

    def sheet_xml(self, name: str) -> str:
        """Write one worksheet part."""
        rows = self.sheets[name]
        xml_rows = "".join(
            f'<row r="{r}">' + "".join(self._cell(f"{get_column_letter(c)}{r}", v)
                                       for c, v in enumerate(row, start=1) if v is not None) + "</row>"
            for r, row in enumerate(rows, start=1))
        merges = self.merges.get(name, [])
        merge_xml = (f'<mergeCells count="{len(merges)}">' + "".join(f'<mergeCell ref="{m}"/>' for m in merges)
                     + "</mergeCells>") if merges else ""
        width = get_column_letter(max(len(r) for r in rows))
        return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}" '
                f'xmlns:r="{REL}"><dimension ref="A1:{width}{len(rows)}"/><sheetData>{xml_rows}</sheetData>'
                f'{merge_xml}</worksheet>')

    def parts(self) -> dict[str, bytes]:
        """Return every part of the package."""
        names = list(self.sheets)
        parts = {f"xl/worksheets/sheet{i}.xml": self.sheet_xml(n) for i, n in enumerate(names, start=1)}
        parts.update({"[Content_Types].xml": _content_types(len(names)), "_rels/.rels": ROOT_RELS,
                      "xl/workbook.xml": _workbook(names), "xl/_rels/workbook.xml.rels": _workbook_rels(len(names)),
                      "xl/styles.xml": STYLES, "xl/sharedStrings.xml": _shared_strings(self.strings)})
        return {name: text.encode("utf-8") for name, text in parts.items()}

    def build(self, change: Callable[[dict[str, bytes]], None] | None = None) -> bytes:
        """Zip the parts, after `change` has altered them."""
        parts = self.parts()
        if change:
            change(parts)
        return zip_parts(parts)


def zip_parts(parts: dict[str, bytes]) -> bytes:
    """Pack the parts as an .xlsx (deflated, [Content_Types].xml first, a fixed date: the same bytes every time)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(parts, key=lambda n: n != "[Content_Types].xml"):
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), parts[name],
                             compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _content_types(sheets: int) -> str:
    """Write [Content_Types].xml."""
    overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{SHEET_TYPE}"/>'
                        for i in range(1, sheets + 1))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            f'{overrides}</Types>')


ROOT_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
             '<Relationship Id="rId1" Target="xl/workbook.xml" '
             'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
             '</Relationships>')

STYLES = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{MAIN}">'
          '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
          '<fills count="2"><fill><patternFill patternType="none"/></fill>'
          '<fill><patternFill patternType="gray125"/></fill></fills>'
          '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
          '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
          '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
          '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
          '<xf numFmtId="9" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
          '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')


def _workbook(names: list[str]) -> str:
    """Write xl/workbook.xml."""
    sheets = "".join(f'<sheet name="{escape(n)}" sheetId="{i}" r:id="rId{i}"/>' for i, n in enumerate(names, 1))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{MAIN}" xmlns:r="{REL}">'
            f'<sheets>{sheets}</sheets></workbook>')


def _workbook_rels(sheets: int) -> str:
    """Write xl/_rels/workbook.xml.rels."""
    rels = "".join(f'<Relationship Id="rId{i}" Target="worksheets/sheet{i}.xml" Type="{REL}/worksheet"/>'
                   for i in range(1, sheets + 1))
    n = sheets + 1
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'{rels}<Relationship Id="rId{n}" Target="styles.xml" Type="{REL}/styles"/>'
            f'<Relationship Id="rId{n + 1}" Target="sharedStrings.xml" Type="{REL}/sharedStrings"/>'
            '</Relationships>')


def _shared_strings(strings: list[str]) -> str:
    """Write xl/sharedStrings.xml."""
    items = "".join(f'<si><t xml:space="preserve">{escape(s)}</t></si>' for s in strings)
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{MAIN}" count="{len(strings)}" '
            f'uniqueCount="{len(strings)}">{items}</sst>')
