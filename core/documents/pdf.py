"""The portal's printed look (A4, DejaVu Sans from templates/fonts, black and white) and the kallelse."""
from dataclasses import dataclass

from fpdf import FPDF

from core.enums import SignatureRole
from core.glossary import FIELDS, LABELS, term
from core.resources import TEMPLATES

FONT_DIR = TEMPLATES / "fonts"
HEADING_FILL = (225, 225, 225)
LINE_HEIGHT = 5  # mm, a table line at 9 pt
CELL_PADDING = 1  # mm left and right of a table cell's text
BASELINE = 3.45  # mm from a line's top to its baseline at 9 pt (as fpdf2 places a cell's text)


class PortalPdf(FPDF):
    """An A4 document with a title line on every page and 'Sida X av Y' in the footer."""

    def __init__(self, title: str, footer_note: str = "", compliance: str | None = None):
        super().__init__(orientation="P", unit="mm", format="A4", enforce_compliance=compliance)
        self.document_title, self.footer_note = title, footer_note
        self.hyphenate = True  # a word cut to fit a table column ends in "-" (minutes of format < 4 did not)
        self.add_font("DejaVu", "", FONT_DIR / "DejaVuSans.ttf")
        self.add_font("DejaVu", "B", FONT_DIR / "DejaVuSans-Bold.ttf")
        self.set_auto_page_break(auto=True, margin=20)
        self.set_margins(20, 18, 20)
        self.set_title(title)
        self.set_lang("sv-SE")
        self.set_creator("Strålsäkerhetsportalen")

    def header(self) -> None:
        """Print the document title and a rule."""
        self.set_font("DejaVu", "", 8)
        self.cell(0, 5, self.document_title, new_x="LMARGIN", new_y="NEXT")
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(4)

    def footer(self) -> None:
        """Print the page number and the footer note."""
        self.set_y(-14)
        self.set_font("DejaVu", "", 8)
        self.cell(0, 6, self.footer_note, align="L")
        self.set_x(self.l_margin)
        self.cell(0, 6, f"Sida {self.page_no()} av {{nb}}", align="R")

    def heading(self, text: str, size: int = 13) -> None:
        """Print a section heading, on a new page if too little room is left for what follows it."""
        if self.will_page_break(30):
            self.add_page()
        self.ln(2)
        self.set_font("DejaVu", "B", size)
        self.multi_cell(0, 7, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.set_font("DejaVu", "", 10)

    def paragraph(self, text: str) -> None:
        """Print wrapped text."""
        self.set_font("DejaVu", "", 10)
        self.multi_cell(0, 5.5, text, align="L", new_x="LMARGIN", new_y="NEXT")

    def table(self, rows: list[list[str]],  # type: ignore[override]  # replaces fpdf2's own table() on purpose
              widths: tuple[int, ...]) -> None:
        """Print a table whose first row is the heading, repeated on every page; widths are relative.

        Drawn line by line: fpdf2's own table measures every cell twice through multi_cell, which takes
        seconds for the 600 actions of a large review. The look is the same: ruled cells, grey bold heading.
        """
        self.set_font("DejaVu", "", 9)
        scale = self.epw / sum(widths)
        columns = [w * scale for w in widths]
        heading, *body = rows
        self._table_row(heading, columns, bold=True)
        for row in body:
            lines = self._row_lines(row, columns)
            if self.y + self._row_height(lines) > self.page_break_trigger:
                self.add_page()
                self._table_row(heading, columns, bold=True)
            self._draw_row(lines, columns, bold=False)
        self.ln(2)

    def _row_lines(self, row: list[str], columns: list[float]) -> list[list[str]]:
        """Wrap each cell's text to its column."""
        return [wrap(self, str(value or ""), width - 2 * CELL_PADDING, self.hyphenate)
                for value, width in zip(row, columns)]

    @staticmethod
    def _row_height(lines: list[list[str]]) -> float:
        """The height of a row: its tallest cell."""
        return max(len(cell) for cell in lines) * LINE_HEIGHT

    def _table_row(self, row: list[str], columns: list[float], bold: bool) -> None:
        """Wrap and draw one row (the heading row is bold)."""
        self.set_font("DejaVu", "B" if bold else "", 9)
        self._draw_row(self._row_lines(row, columns), columns, bold)
        self.set_font("DejaVu", "", 9)

    def _draw_row(self, lines: list[list[str]], columns: list[float], bold: bool) -> None:
        """Draw ruled cells with their lines centred vertically, then move below the row."""
        height, x, y = self._row_height(lines), self.l_margin, self.y
        self.set_font("DejaVu", "B" if bold else "", 9)
        if bold:
            self.set_fill_color(*HEADING_FILL)
        for cell, width in zip(lines, columns):
            self.rect(x, y, width, height, style="DF" if bold else "D")
            top = y + (height - len(cell) * LINE_HEIGHT) / 2
            for n, line in enumerate(cell):
                if line:
                    self.text(x + CELL_PADDING, top + n * LINE_HEIGHT + BASELINE, line)
            x += width
        self.set_font("DejaVu", "", 9)
        self.set_xy(self.l_margin, y + height)


def wrap(pdf: FPDF, text: str, width: float, hyphenate: bool = True) -> list[str]:
    """Break text into lines that fit width at the current font, at spaces (never at a no-break space).

    A word wider than the column is cut where it fills the line, and the cut is marked with a hyphen.
    """
    lines = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if pdf.get_string_width(candidate) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            while pdf.get_string_width(word) > width and len(word) > 1:  # a word wider than the column
                cut, mark = _cut(pdf, word, width, hyphenate)
                lines.append(word[:cut] + mark)
                word = word[cut:]
            line = word
        lines.append(line)
    return lines or [""]


def _cut(pdf: FPDF, word: str, width: float, hyphenate: bool) -> tuple[int, str]:
    """Where to cut a too-wide word, and the mark after the cut: after a hyphen it has ("2025-11-" / "03"),
    else where the line is full, marked with a hyphen (format 4), or unmarked (older minutes)."""
    def fits(i: int, mark: str = "") -> bool:
        return pdf.get_string_width(word[:i] + mark) <= width
    if hyphenate:
        own = next((i for i in range(len(word) - 1, 1, -1) if word[i - 1] == "-" and fits(i)), None)
        if own:
            return own, ""
    mark = "-" if hyphenate else ""
    cut = next(i for i in range(len(word), 0, -1) if fits(i, mark) or i == 1)
    return cut, mark if cut > 1 else ""


@dataclass
class Invitation:
    """What a kallelse says."""

    title: str
    clinic: str
    when: str
    place: str
    chair: str
    secretary: str
    basis: list[str]
    invited: list[list[str]]
    agenda: list[str]
    caller: str


def kallelse_pdf(invitation: Invitation) -> bytes:
    """Return the kallelse (invitation with agenda) as a PDF."""
    pdf = PortalPdf(f"{LABELS['invitation']} – {invitation.title}", footer_note=invitation.clinic)
    pdf.add_page()
    pdf.heading(LABELS["invitation"], 18)
    pdf.heading(invitation.title, 13)
    pdf.paragraph(f"{FIELDS['clinic_name']}: {invitation.clinic}\n{LABELS['time']}: {invitation.when}\n"
                  f"{FIELDS['location']}: {invitation.place}\n{term(SignatureRole.CHAIR)}: {invitation.chair}\n"
                  f"{term(SignatureRole.SECRETARY)}: {invitation.secretary}")
    pdf.heading(LABELS["basis"])
    pdf.paragraph("\n".join(f"• {line}" for line in invitation.basis))
    pdf.heading(LABELS["invited"])
    pdf.table([[FIELDS["role"], FIELDS["name"]], *invitation.invited], (45, 55))
    pdf.heading(LABELS["agenda"])
    pdf.paragraph("\n".join(invitation.agenda))
    pdf.ln(4)
    pdf.paragraph(f"Välkommen!\n{invitation.caller}")
    return bytes(pdf.output())
