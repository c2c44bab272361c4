"""The printed minutes (protokoll) of a review: A4, black and white, UTKAST until approved."""
from dataclasses import dataclass, field

from core.documents.pdf import PortalPdf

DRAFT_GREY = 215


@dataclass
class Signer:
    """A signature line: capacity, name, and when they approved (empty until then)."""

    capacity: str
    name: str
    approved: str | None = ""  # None: this capacity does not approve (the minute-taker)


@dataclass
class MinutesDocument:
    """Everything the printed minutes show, already as Swedish text."""

    title: str
    number: str
    clinic: str
    when: str
    place: str
    basis: str
    version: int
    checksum: str
    draft: bool
    attendance: list[list[str]]
    agenda: list[tuple[str, str, str]]          # (§ heading, notes, decisions)
    follow_up: list[list[str]]
    goals: list[list[str]]
    indicators: list[list[str]]
    findings: list[list[str]]
    self_assessment: str
    actions: list[list[str]]
    no_action: list[list[str]]
    next_review: str
    signers: list[Signer] = field(default_factory=list)
    chart_png: bytes | None = None


class MinutesPdf(PortalPdf):
    """PortalPdf with UTKAST across every page of a draft."""

    def __init__(self, doc: MinutesDocument):
        note = f"{doc.clinic} · protokoll {doc.number} · version {doc.version} · kontrollsumma {doc.checksum[:12]}"
        super().__init__(doc.title, footer_note=note)
        self.draft = doc.draft

    def header(self) -> None:
        """Print the title line, and UTKAST diagonally behind the page's content while a draft."""
        if self.draft:
            self.set_font("DejaVu", "B", 90)
            self.set_text_color(DRAFT_GREY)
            with self.rotation(45, self.w / 2, self.h / 2):
                self.text(self.w / 2 - 75, self.h / 2 + 12, "UTKAST")
            self.set_text_color(0)
        super().header()


def _section(pdf: PortalPdf, title: str, rows: list[list[str]], widths: tuple[int, ...], empty: str) -> None:
    """Print a headed table, or a sentence when it has no rows."""
    pdf.heading(title)
    if len(rows) > 1:
        pdf.table(rows, widths)
    else:
        pdf.paragraph(empty)


def _signatures(pdf: PortalPdf, doc: MinutesDocument) -> None:
    """Print the signature block: ordförande, protokollförare and justerare."""
    pdf.heading("Justering")
    if doc.draft:
        pdf.paragraph("Protokollet är inte justerat. Det är ett utkast tills ordföranden och justerarna har "
                      "justerat det i Strålsäkerhetsportalen.")
    for signer in doc.signers:
        if pdf.will_page_break(22):
            pdf.add_page()
        pdf.ln(4)
        pdf.set_font("DejaVu", "", 10)
        if signer.approved is not None:
            line = f"Justerat {signer.approved} i Strålsäkerhetsportalen" if signer.approved else "_" * 40
            pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "B", 10)
        pdf.cell(0, 6, f"{signer.capacity}: {signer.name}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 8)
    pdf.ln(2)
    pdf.multi_cell(0, 4.5, f"Kontrollsumma (SHA-256) för protokollets innehåll: {doc.checksum}", align="L",
                   new_x="LMARGIN", new_y="NEXT")


def _agenda(pdf: PortalPdf, doc: MinutesDocument) -> None:
    """Print every § with its notes and decisions."""
    pdf.heading("Dagordning och beslut")
    for heading, notes, decisions in doc.agenda:
        pdf.set_font("DejaVu", "B", 10)
        pdf.multi_cell(0, 6, heading, align="L", new_x="LMARGIN", new_y="NEXT")
        if notes:
            pdf.paragraph(notes)
        if decisions:
            pdf.set_font("DejaVu", "B", 10)
            pdf.multi_cell(0, 5.5, f"Beslut: {decisions}", align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)


def minutes_pdf(doc: MinutesDocument) -> bytes:
    """Return the minutes as a PDF."""
    pdf = MinutesPdf(doc)
    pdf.add_page()
    pdf.heading(f"Protokoll nr {doc.number}", 16)
    pdf.heading(doc.title, 12)
    pdf.paragraph(f"Klinik: {doc.clinic}\nTid: {doc.when}\nPlats: {doc.place}\nUnderlag: {doc.basis}")
    _section(pdf, "Närvaro", doc.attendance, (50, 55, 30, 35), "Ingen närvaro är registrerad.")
    _agenda(pdf, doc)
    _section(pdf, "Uppföljning av tidigare beslutade åtgärder", doc.follow_up, (14, 48, 28, 22, 22, 36),
             "Inga tidigare åtgärder att följa upp.")
    pdf.heading("Strålskyddsbokslutet för kliniken")
    _section(pdf, "Mål", doc.goals, (60, 22, 22, 26), "Bokslutet har inga mål för kliniken.")
    _section(pdf, "Nyckelindikatorer", doc.indicators, (62, 18, 18, 18, 24), "Bokslutet har inga indikatorer.")
    if doc.chart_png:
        pdf.image(doc.chart_png, w=pdf.epw)
    _section(pdf, "Brister", doc.findings, (20, 80, 16, 30), "Bokslutet har inga brister för kliniken.")
    pdf.heading("Egenkontroll")
    pdf.paragraph(doc.self_assessment)
    _section(pdf, "Beslutade åtgärder", doc.actions, (8, 52, 30, 22, 16, 22),
             "Mötet beslutade inga åtgärder.")
    _section(pdf, "Brister utan åtgärd", doc.no_action, (30, 100), "Inga.")
    pdf.heading("Nästa genomgång")
    pdf.paragraph(doc.next_review)
    pdf.paragraph("Verksamhetschefen ansvarar för att beslutade åtgärder genomförs.")
    _signatures(pdf, doc)
    return bytes(pdf.output())
