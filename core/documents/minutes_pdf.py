"""The printed minutes (protokoll) of a review: A4, black and white, UTKAST until approved.

The PDF is drawn from the minutes' content document (core/services/minutes_content.py) and the
approval times alone, so an approved version prints from what was frozen and nothing else. An approved version
is a PDF/A-3b with the frozen document attached (core/documents/pdfa.py); a draft is an ordinary PDF.
"""
import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime

from core.documents import pdfa
from core.documents.content import Block, Decision, MinutesContent, Subheading, Table, Text
from core.documents.pdf import PortalPdf
from core.errors import UserError
from core.glossary import FIELDS, LABELS, MODELS

NUMBER_AND_SIGN = re.compile(r"(\d) (%|‰|mSv|µSv|mGy|Gy)(?=\W|$)")
DRAFT_GREY = 150
DRAFT_OPACITY = 0.25


@dataclass
class Stamp:
    """What is added to the content when printing: draft or approved, the checksum, the approval times."""

    draft: bool
    checksum: str
    approved: list[str | None] = field(default_factory=list)  # per signer: when they approved, or None
    # Approved only: the content document as stored, in the bytes its checksum is taken of (attached), when the
    # PDF counts as created (the approval, so a reprint is the same file), and the portal's own metadata lines.
    content_json: bytes | None = None
    created: datetime | None = None
    metadata: dict[str, str] = field(default_factory=dict)


class MinutesPdf(PortalPdf):
    """PortalPdf with UTKAST across every page of a draft, drawn over text and images alike."""

    def __init__(self, content: MinutesContent, stamp: Stamp):
        note = (f"{content.clinic} · protokoll {content.number} · version {content.version} · "
                f"kontrollsumma {stamp.checksum[:12]}")
        super().__init__(content.title, footer_note=note, compliance=None if stamp.draft else pdfa.COMPLIANCE)
        self.draft = stamp.draft
        self.hyphenate = content.hyphens_and_zero_axes  # an older document prints as it always did

    def footer(self) -> None:
        """Print the footer, then UTKAST (the footer runs after the page's content, so it lies on top)."""
        super().footer()
        if self.draft:
            with self.local_context(fill_opacity=DRAFT_OPACITY, text_color=DRAFT_GREY):
                self.set_font("DejaVu", "B", 90)
                with self.rotation(45, self.w / 2, self.h / 2):
                    self.text(self.w / 2 - 75, self.h / 2 + 12, "UTKAST")


def typeset(text: str) -> str:
    """Keep a number with its unit sign on one line ("75 %", "3 mSv" stays whole at a line end)."""
    return NUMBER_AND_SIGN.sub(lambda m: f"{m.group(1)}\u00a0{m.group(2)}", text or "")


def _block(pdf: PortalPdf, block: Block) -> None:
    """Print one block of a §: text, a small heading, a table or a decision."""
    if isinstance(block, Table):
        pdf.table([[typeset(cell) for cell in row] for row in block.rows], tuple(block.widths))
    elif isinstance(block, Text):
        pdf.paragraph(typeset(block.text))
    elif isinstance(block, Subheading):
        if pdf.will_page_break(20):
            pdf.add_page()
        pdf.ln(1)
        pdf.set_font("DejaVu", "B", 10)
        pdf.multi_cell(0, 5.5, typeset(block.text), align="L", new_x="LMARGIN", new_y="NEXT")
    elif isinstance(block, Decision):
        pdf.ln(1)
        pdf.set_font("DejaVu", "B", 10)
        pdf.multi_cell(0, 5.5, typeset(block.text), align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)


def _heading(pdf: PortalPdf, content: MinutesContent) -> None:
    """The protocol's heading: number, title, licence holder, clinic, time, place, underlag, version."""
    pdf.heading(LABELS["minutes_number"].format(number=content.number), 16)
    pdf.heading(content.title, 12)
    # Minutes recorded before the licence holder was asked for name only the organisation.
    holder = content.licence_holder or content.organisation
    if content.licence_holder and content.licence_holder != content.organisation:
        holder += f" ({content.organisation})"
    holder += f", tillstånd {content.licence_number}" if content.licence_number else ""
    pdf.paragraph(f"{FIELDS['licence_holder']}: {holder}\n{FIELDS['clinic_name']}: {content.clinic}\n"
                  f"{LABELS['time']}: {content.when}\n{FIELDS['location']}: {content.place}\n"
                  f"{MODELS['MinutesVersion']}: {content.version}")
    pdf.paragraph(f"{LABELS['basis']}:\n" + "\n".join(f"– {line}" for line in content.basis))
    if content.replaces:
        pdf.set_font("DejaVu", "B", 10)
        pdf.multi_cell(0, 5.5, content.replaces, align="L", new_x="LMARGIN", new_y="NEXT")


def _sections(pdf: PortalPdf, content: MinutesContent, chart_png: bytes | None) -> None:
    """Print every § with its own content and decisions; the key-indicator chart in the bokslut's §."""
    for section in content.sections:
        pdf.heading(section.heading, 12)
        for block in section.blocks:
            _block(pdf, block)
        if section.kind == "annual_report" and chart_png:
            width, height = int.from_bytes(chart_png[16:20], "big"), int.from_bytes(chart_png[20:24], "big")
            if pdf.will_page_break(8 + pdf.epw * height / width):  # the heading stays with its chart
                pdf.add_page()
            pdf.set_font("DejaVu", "B", 10)
            pdf.cell(0, 6, LABELS["key_indicators_over_years"], new_x="LMARGIN", new_y="NEXT")
            pdf.image(chart_png, w=pdf.epw)
        pdf.ln(2)


def _signatures(pdf: PortalPdf, content: MinutesContent, stamp: Stamp) -> None:
    """Print the signature block: ordförande, vid protokollet and justerare, each with when they approved."""
    pdf.heading(MODELS["Signature"])
    if stamp.draft:
        pdf.paragraph("Protokollet är inte justerat. Det är ett utkast tills ordföranden, protokollföraren och "
                      "justerarna har justerat det i Strålsäkerhetsportalen.")
    for signer, when in zip(content.signers, stamp.approved + [None] * len(content.signers)):
        if pdf.will_page_break(22):
            pdf.add_page()
        pdf.ln(4)
        pdf.set_font("DejaVu", "", 10)
        pdf.cell(0, 6, f"Justerat {when} i Strålsäkerhetsportalen" if when else "_" * 40,
                 new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "B", 10)
        pdf.cell(0, 6, f"{signer.capacity}: {signer.name}", new_x="LMARGIN", new_y="NEXT")
    if not content.signers:
        pdf.paragraph("Ordförande och justerare är inte valda.")
    pdf.set_font("DejaVu", "", 8)
    pdf.ln(2)
    pdf.multi_cell(0, 4.5, f"Kontrollsumma (SHA-256) för protokollets innehåll: {stamp.checksum}", align="L",
                   new_x="LMARGIN", new_y="NEXT")


def _archive(pdf: MinutesPdf, content: MinutesContent, stamp: Stamp) -> None:
    """Make the approved minutes a PDF/A-3b carrying the stored document whose checksum they print."""
    if stamp.content_json is None or stamp.created is None:
        raise ValueError("approved minutes print from the stored content document and the approval time")
    if hashlib.sha256(stamp.content_json).hexdigest() != stamp.checksum:
        raise UserError(f"Protokoll {content.number} version {content.version}: det lagrade innehållet stämmer "
                        "inte med protokollets kontrollsumma. Protokollet skrivs inte ut; kontakta förvaltningen.")
    pdfa.archive(pdf, content_json=stamp.content_json, created=stamp.created,
                 metadata={"contentSha256": stamp.checksum, **stamp.metadata})


def minutes_pdf(content: MinutesContent, stamp: Stamp, chart_png: bytes | None = None) -> bytes:
    """Return the minutes as a PDF: a draft as an ordinary PDF, approved minutes as PDF/A-3b."""
    pdf = MinutesPdf(content, stamp)
    pdf.add_page()
    _heading(pdf, content)
    _sections(pdf, content, chart_png)
    _signatures(pdf, content, stamp)
    if stamp.draft:
        return bytes(pdf.output())
    _archive(pdf, content, stamp)
    return pdfa.output(pdf)
