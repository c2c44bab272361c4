"""The portal's printed look (A4, DejaVu Sans from templates/fonts, black and white) and the kallelse."""
from dataclasses import dataclass

from fpdf import FPDF, FontFace

from core.config import PROJECT_DIR

FONT_DIR = PROJECT_DIR / "templates" / "fonts"
HEADING_FILL = (225, 225, 225)


class PortalPdf(FPDF):
    """An A4 document with a title line on every page and 'Sida X av Y' in the footer."""

    def __init__(self, title: str, footer_note: str = ""):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.document_title, self.footer_note = title, footer_note
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

    def table(self, rows: list[list[str]], widths: tuple[int, ...]) -> None:
        """Print a table whose first row is the heading, repeated on every page."""
        self.set_font("DejaVu", "", 9)
        with super().table(col_widths=widths, headings_style=FontFace(emphasis="BOLD", fill_color=HEADING_FILL),
                           repeat_headings=1, line_height=5, text_align="LEFT") as table:
            for row in rows:
                cells = table.row()
                for value in row:
                    cells.cell(value or "")
        self.ln(2)


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
    pdf = PortalPdf(f"Kallelse – {invitation.title}", footer_note=invitation.clinic)
    pdf.add_page()
    pdf.heading("Kallelse", 18)
    pdf.heading(invitation.title, 13)
    pdf.paragraph(f"Klinik: {invitation.clinic}\nTid: {invitation.when}\nPlats: {invitation.place}\n"
                  f"Ordförande: {invitation.chair}\nProtokollförare: {invitation.secretary}")
    pdf.heading("Underlag")
    pdf.paragraph("\n".join(f"• {line}" for line in invitation.basis))
    pdf.heading("Kallade")
    pdf.table([["Roll", "Namn"], *invitation.invited], (45, 55))
    pdf.heading("Dagordning")
    pdf.paragraph("\n".join(invitation.agenda))
    pdf.ln(4)
    pdf.paragraph(f"Välkommen!\n{invitation.caller}")
    return bytes(pdf.output())
