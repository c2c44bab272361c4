"""Write the hostile bokslut workbooks in this folder: python -m tests.hostile.make_files

Each file is the small valid workbook of book.py with one thing broken, the way a damaged or crafted file
would be. What the portal must answer to each is in test_hostile_workbooks.py.
"""
import io
import re
import zipfile
from pathlib import Path

from tests.hostile.book import (
    DATE,
    IND_HEADER,
    KLI_HEADER,
    MAL_HEADER,
    SAM_HEADER,
    Book,
    Raw,
    Whole,
    base_sheets,
    zip_parts,
)

FOLDER = Path(__file__).parent
BOMB_MB = 500
SHEET_PART = {"Bokslut": "xl/worksheets/sheet1.xml", "Mål": "xl/worksheets/sheet2.xml",
              "Indikatorer": "xl/worksheets/sheet3.xml", "Brister": "xl/worksheets/sheet4.xml"}
LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
          '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">'
          '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n')


def book(**sheets) -> Book:
    """Return the valid workbook with some sheets replaced (name → rows) or added."""
    return Book({**base_sheets(), **{name.replace("_", " "): rows for name, rows in sheets.items()}})


def with_row(sheet: str, row: list, index: int = 1) -> Book:
    """Return the valid workbook with one data row of a sheet replaced."""
    rows = base_sheets()[sheet]
    rows[index] = row
    return book(**{sheet: rows})


def with_cell(sheet: str, row: int, column: int, value) -> Book:
    """Return the valid workbook with one cell replaced (row and column as Excel counts them)."""
    rows = base_sheets()[sheet]
    rows[row - 1] = rows[row - 1] + [None] * (column - len(rows[row - 1]))
    rows[row - 1][column - 1] = value
    return book(**{sheet: rows})


def edited(target: Book, part: str, change) -> bytes:
    """Build the workbook after change(bytes) -> bytes has rewritten one part."""
    def apply(parts: dict[str, bytes]) -> None:
        parts[part] = change(parts[part])
    return target.build(apply)


def truncated_sheet() -> bytes:
    """The Indikatorer sheet breaks off inside the value cell of row 3."""
    return edited(book(), SHEET_PART["Indikatorer"], lambda x: x[:x.index(b'<c r="F3"') + 20])


def truncated_strings() -> bytes:
    """The shared strings break off half-way."""
    return edited(book(), "xl/sharedStrings.xml", lambda x: x[:len(x) // 2])


def invalid_utf8() -> bytes:
    """Bytes that are not UTF-8 inside a finding's description."""
    cell = Whole('<c r="{ref}" t="inlineStr"><is><t>Blyförkläden @@ kontrolleras inte</t></is></c>')
    target = with_cell("Brister", 2, 4, cell)
    return edited(target, SHEET_PART["Brister"], lambda x: x.replace(b"@@", b"\xff\xfe"))


def zip_bomb() -> bytes:
    """The shared strings unpack to 500 MB from a few hundred bytes (bzip2, which zipfile reads)."""
    parts = book().parts()
    del parts["xl/sharedStrings.xml"]
    buffer = io.BytesIO(zip_parts(parts))
    with zipfile.ZipFile(buffer, "a") as archive:
        info = zipfile.ZipInfo("xl/sharedStrings.xml")
        info.compress_type = zipfile.ZIP_BZIP2
        with archive.open(info, "w", force_zip64=True) as part:
            part.write(b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
                       b'main"><si><t>')
            for _ in range(BOMB_MB):
                part.write(b"A" * 1_000_000)
            part.write(b"</t></si></sst>")
    return buffer.getvalue()


def merged(sheet: str, rows: list[list], ranges: list[str]) -> bytes:
    """A sheet with merged cells."""
    return Book({**base_sheets(), sheet: rows}, merges={sheet: ranges}).build()


def too_many_rows() -> bytes:
    """20 001 indicator rows, one more than a sheet may have (written without cell references: they compress)."""
    rows = [["Indikator-ID", "Indikator", "Värde"]] + [["X-1", "Indikator", 1]] * 20_001
    return edited(book(Indikatorer=rows), SHEET_PART["Indikatorer"], lambda x: re.sub(rb' r="[A-Z]*\d+"', b"", x))


def too_many_problems() -> bytes:
    """250 indicator rows whose value is a word: 250 problems."""
    rows = [IND_HEADER] + [["RTG", f"X-{i}", "Indikator", None, None, "tolv"] for i in range(1, 251)]
    return book(Indikatorer=rows).build()


def entities(part: str) -> bytes:
    """An XML part that declares nested entities (billion laughs)."""
    return edited(book(), part, lambda x: x.replace(b"?>\n", b"?>\n" + LAUGHS.encode(), 1))


def bad_row_number() -> bytes:
    """A row number that is not a number."""
    return edited(book(), SHEET_PART["Mål"], lambda x: x.replace(b'<row r="2">', b'<row r="x">'))


def encrypted_part() -> bytes:
    """A part marked as encrypted (zip flag bit 0), as a password-protected zip has."""
    data = bytearray(book().build())
    for signature, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        for match in re.finditer(re.escape(signature), bytes(data)):
            data[match.start() + flag_at] |= 1
    return bytes(data)


def no_workbook_part() -> bytes:
    """A zip that holds no workbook."""
    parts = book().parts()
    return zip_parts({name: parts[name] for name in ("[Content_Types].xml", "_rels/.rels")})


def cell_twice() -> bytes:
    """The same cell written twice in one row."""
    cell = b'<c r="F2"><v>12.5</v></c>'
    return edited(book(), SHEET_PART["Indikatorer"], lambda x: x.replace(cell, cell + b'<c r="F2"><v>99</v></c>'))


def lying_dimension() -> bytes:
    """A sheet that claims every cell of Excel and has its second row at the last row Excel allows."""
    def change(xml: bytes) -> bytes:
        xml = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', xml)
        return re.sub(rb'r="([A-Z]*)3"', rb'r="\g<1>1048576"', xml)
    return edited(book(), SHEET_PART["Indikatorer"], change)


def unknown_columns() -> bytes:
    """A goal sheet with 300 columns nobody knows."""
    return book(Mål=[MAL_HEADER + [f"X{i}" for i in range(300)],
                     ["RTG", "M1", "Färre omtag på röntgen", "5 %", "4 %", "Uppfyllt", None]]).build()


def cases() -> dict:
    """Return file name → how to build it."""
    long_name = "Andel " * 50 + "x"  # 301 characters
    bokslut_merged = Book(base_sheets(), merges={"Bokslut": ["A3:B3"]}).build
    return {
        "giltig.xlsx": book().build,
        "trasig-xml-blad.xlsx": truncated_sheet,
        "trasig-xml-delade-texter.xlsx": truncated_strings,
        "ogiltigt-tecken.xlsx": with_cell("Mål", 2, 3, Whole('<c r="{ref}" t="inlineStr"><is><t>Färre\x01omtag</t>'
                                                             '</is></c>')).build,
        "ogiltig-utf8.xlsx": invalid_utf8,
        "delad-text-for-stort-index.xlsx": with_cell("Mål", 2, 2, Raw(' t="s"><v>9999</v>')).build,
        "delad-text-negativt-index.xlsx": with_cell("Mål", 2, 2, Raw(' t="s"><v>-1</v>')).build,
        "stilindex-for-stort.xlsx": with_cell("Indikatorer", 2, 6, Raw(' s="999"><v>12.5</v>')).build,
        "inf-varde.xlsx": with_cell("Indikatorer", 2, 6, Raw("><v>INF</v>")).build,
        "nan-malvarde.xlsx": with_cell("Indikatorer", 3, 7, Raw("><v>NaN</v>")).build,
        "inf-ar.xlsx": with_cell("Bokslut", 3, 2, Raw("><v>-INF</v>")).build,
        "zip-bomb.xlsx": zip_bomb,
        "sammanfogad-klinikkod.xlsx": lambda: merged("Indikatorer", [
            IND_HEADER, ["RTG", "DOS-01", "Medeldos DT buk", None, "mGy", 12.5],
            [None, "DOS-02", "Medeldos DT thorax", None, "mGy", 7.5],
            [None, "DOS-03", "Medeldos DT skalle", None, "mGy", 50]], ["A2:A4"]),
        "sammanfogat-id.xlsx": lambda: merged("Brister", [
            base_sheets()["Brister"][0], ["RTG", "B-1", None, "Blyförkläden kontrolleras inte", "Hög"],
            ["RTG", None, None, "Dosimetrar saknas", "Medel"]], ["B2:B3"]),
        "sammanfogade-bokslutsfalt.xlsx": bokslut_merged,
        "for-langt-mal-id.xlsx": with_cell("Mål", 2, 2, "M" * 51).build,
        "for-langt-indikatornamn.xlsx": with_cell("Indikatorer", 2, 3, long_name).build,
        "for-lang-klinikkod.xlsx": book(Kliniker=[KLI_HEADER, ["K" * 21, "Ny klinik"]]).build,
        "for-langt-kliniknamn.xlsx": book(Kliniker=[KLI_HEADER, ["RTG", "R" * 201]]).build,
        "for-lang-organisation.xlsx": with_cell("Bokslut", 2, 2, "D" * 201).build,
        "for-lang-version.xlsx": book(Bokslut=base_sheets()["Bokslut"] + [["Version", "1." * 26]]).build,
        "for-lang-referens.xlsx": with_cell("Brister", 2, 6, "SSMFS 2018:5 " * 23 + "xx").build,
        "for-stor-cell.xlsx": book(Sammanfattning=[SAM_HEADER, [None, "Uppnådda resultat", "a" * 32_768]]).build,
        "for-manga-rader.xlsx": too_many_rows,
        "for-manga-fel.xlsx": too_many_problems,
        "negativt-datum.xlsx": with_cell("Bokslut", 4, 2, Raw(f' s="{DATE}"><v>-1</v>')).build,
        "orimligt-datum.xlsx": with_cell("Bokslut", 4, 2, Raw(f' s="{DATE}"><v>99999999</v>')).build,
        "datum-ar-1.xlsx": with_cell("Bokslut", 4, 2, "0001-01-01").build,
        "datum-fore-aret.xlsx": with_cell("Bokslut", 4, 2, "2024-06-30").build,
        "ogiltig-datumcell.xlsx": with_cell("Bokslut", 4, 2, Whole('<c r="{ref}" t="d"><v>2025-13-45</v></c>')).build,
        "samma-mal-id-tva-ganger.xlsx": book(Mål=[MAL_HEADER, [None, "M1", "Ett mål", None, None, "Uppfyllt"],
                                                  [None, "m1", "Samma mål igen", None, None, "Ej uppfyllt"]]).build,
        "dubbel-kolumn.xlsx": book(Indikatorer=[IND_HEADER + ["Värde"],
                                                ["RTG", "DOS-01", "Medeldos DT buk", None, "mGy", 12.5, None,
                                                 None, None, 13]]).build,
        "dubbla-blad.xlsx": book(**{" mål": [MAL_HEADER, ["NM", "M2", "Ett annat mål", None, None, "Uppfyllt"]]}).build,
        "entiteter-i-blad.xlsx": lambda: entities(SHEET_PART["Mål"]),
        "entiteter-i-delade-texter.xlsx": lambda: entities("xl/sharedStrings.xml"),
        "ogiltigt-radnummer.xlsx": bad_row_number,
        "krypterad-del.xlsx": encrypted_part,
        "saknar-arbetsbok.xlsx": no_workbook_part,
        "cell-tva-ganger.xlsx": cell_twice,
        "ogiltig-cellreferens.xlsx": with_cell("Mål", 2, 1, Whole('<c r="2A" t="s"><v>0</v></c>')).build,
        "booleskt-varde.xlsx": with_cell("Indikatorer", 2, 6, Raw(' t="b"><v>1</v>')).build,
        "felvarde.xlsx": with_cell("Indikatorer", 2, 6, Raw(' t="e"><v>#DIV/0!</v>')).build,
        "dimension-ljuger.xlsx": lying_dimension,
        "manga-okanda-kolumner.xlsx": unknown_columns,
    }


def main() -> None:
    """Write every file."""
    for name, build in cases().items():
        (FOLDER / name).write_bytes(build())
        print(f"{name}: {(FOLDER / name).stat().st_size} byte")


if __name__ == "__main__":
    main()
