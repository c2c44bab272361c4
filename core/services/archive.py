"""The inspection-ready archive of one review: the sealed minutes and their content documents, action plan,
bokslut extract, attachments, the seal's certificate and a manifest with every file's SHA-256 (checked by
`stralportal verify`)."""
import hashlib
import io
import json
import zipfile
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlmodel import Session, col, select

from core import glossary, seal
from core.config import Settings, load_settings
from core.enums import Direction, GoalAssessment, ReviewStatus, Severity, SummaryPart
from core.errors import UserError
from core.files import append_text_safe, filename_part, safe_filename, unique_name
from core.formatting import datetime_text
from core.models import Clinic, Document, Review, stored_id
from core.permissions import Actor
from core.services import (
    action_export,
    actions,
    annual_reports,
    reviews,
    self_assessments,
)
from core.services._common import get_or_fail
from core.services._integrity import content_bytes
from core.services.minutes_document import approved_versions, review_minutes_pdf

SEAL_CERTIFICATE = "sigillets-certifikat.pem"
MANIFEST = "manifest.json"


def _sheet(workbook: Workbook, title: str, header: list[str], rows: list[list]) -> None:
    """Add a sheet with a bold header; text cells are stored as text, never as formulas."""
    sheet = workbook.create_sheet(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        append_text_safe(sheet, row)


def bokslut_extract(session: Session, *, actor: Actor, year: int, clinic_id: int) -> bytes:
    """Return the clinic's part of a bokslut (with the organisation-wide rows) as a workbook."""
    view = annual_reports.report_view(session, actor=actor, year=year, clinic_id=clinic_id)
    workbook = Workbook()
    workbook.remove(workbook.active)

    def owner(clinic_id: int | None) -> str:
        return view.codes.get(clinic_id, "") if clinic_id else "Hela organisationen"
    _sheet(workbook, "Sammanfattning", ["Gäller", "Del", "Text"],
           [[owner(s.clinic_id), glossary.term(s.part, SummaryPart), s.text] for s in view.summaries])
    _sheet(workbook, "Mål", ["Gäller", "Mål-ID", "Mål", "Målvärde", "Utfall", "Bedömning"],
           [[owner(g.clinic_id), g.code, g.text, g.target, g.outcome, glossary.term(g.assessment, GoalAssessment)]
            for g in view.goals])
    _sheet(workbook, "Indikatorer", ["Gäller", "Indikator-ID", "Indikator", "Enhet", "Värde", "Målvärde", "Riktning",
                                     "Föregående år"],
           [[owner(r.indicator.clinic_id), r.indicator.code, r.indicator.name, r.indicator.unit, r.indicator.value,
             r.indicator.target, glossary.term(r.indicator.direction, Direction), r.previous] for r in view.indicators])
    _sheet(workbook, "Brister", ["Gäller", "Brist-ID", "Beskrivning", "Allvarlighet", "Referens"],
           [[owner(f.clinic_id), f.code, f.description, glossary.term(f.severity, Severity), f.reference]
            for f in view.findings])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def self_assessment_extract(session: Session, *, actor: Actor, clinic_id: int, year: int) -> bytes | None:
    """Return the clinic's self-assessment of the year as a workbook (answers and area scores), if any."""
    assessment = self_assessments.find(session, actor=actor, clinic_id=clinic_id, year=year)
    if assessment is None:
        return None
    workbook = Workbook()
    workbook.remove(workbook.active)
    levels = {**self_assessments.LEVELS}
    _sheet(workbook, "Bedömningar", ["Område", "ID", "Kriterium (som det besvarades)", "Nivå", "Ej tillämpligt",
                                     "Underlag", "Kommentar", "Omprövad", "Referens"],
           [[c.area, c.code, a.criterion_text, f"{a.level} {levels[a.level]}" if a.level is not None else "",
             "Ja" if a.not_applicable else "", a.evidence, a.comment or a.not_applicable_reason,
             "Ja" if a.reconsidered else "Nej (kopierad)", c.reference]
            for a, c in self_assessments.answers(session, actor=actor, assessment_id=stored_id(assessment))])
    _sheet(workbook, "Resultat", ["Område", "Besvarade", "Av", "Poäng (%)", "Brister (nivå under 3)"],
           [[r.area, r.answered, r.total, r.percent, ", ".join(c.code for c, _ in r.gaps)]
            for r in self_assessments.results(session, actor=actor, assessment_id=stored_id(assessment))])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _attachments(session: Session, actor: Actor, review: Review) -> list[Document]:
    """The review's own documents and the narrative bokslut it is based on."""
    own = list(session.exec(select(Document).where(Document.review_id == review.id).order_by(col(Document.id))))
    narrative = []
    if review.annual_report_id:
        narrative = [d for d in annual_reports.documents(session, actor=actor, report_id=review.annual_report_id)
                     if d.kind == "narrative"]
    return own + narrative


def _attachment_name(document: Document, taken: set[str]) -> str:
    """Return an attachment's entry name: bilagor/<id>-<safe short base name>, unique in the archive."""
    return unique_name(f"bilagor/{document.id}-{safe_filename(document.filename)}", taken)


def _seal_certificate(files: dict[str, bytes], settings: Settings) -> str | None:
    """Add the seal's certificate (PEM) to the files; return who it names and whether it is self-signed."""
    try:
        files[SEAL_CERTIFICATE] = seal.seal_certificate_pem(settings)
        return seal.describe(settings)
    except UserError:
        return None  # no seal made yet (nothing approved since the portal began sealing): nothing to add


def review_archive(session: Session, *, actor: Actor, review_id: int, today: date, now: datetime,
                   settings: Settings | None = None) -> bytes:
    """Return the archive ZIP of a review, with manifest.json listing every file and its SHA-256."""
    review = reviews.get_review(session, actor=actor, review_id=review_id)
    clinic = get_or_fail(session, Clinic, review.clinic_id)
    code = filename_part(clinic.code) or "klinik"
    prefix = f"{code}-{review.year}"
    # Every approved version as stored when approved, with its content document byte-exact as hashed; the current
    # version too while it is a draft.
    files: dict[str, bytes] = {}
    for v in approved_versions(session, actor=actor, review_id=review_id):
        if v.pdf is not None:  # always: approving a version stores its PDF
            files[f"protokoll-{prefix}-v{v.version}.pdf"] = v.pdf
            files[f"protokoll-{prefix}-v{v.version}.json"] = content_bytes(v.content)
    if review.status != ReviewStatus.APPROVED:
        files[f"protokoll-{prefix}-v{review.minutes_version}-utkast.pdf"] = review_minutes_pdf(
            session, actor=actor, review_id=review_id)
    plan = actions.list_actions(session, actor=actor, today=today, clinic_ids=[review.clinic_id])
    files[f"åtgärdsplan-{code}.xlsx"] = action_export.to_xlsx(
        action_export.action_rows(session, actor=actor, today=today, rows=plan))
    if review.annual_report_id:
        files[f"strålskyddsbokslut-{review.year - 1}-{code}.xlsx"] = bokslut_extract(
            session, actor=actor, year=review.year - 1, clinic_id=review.clinic_id)
    assessment = self_assessment_extract(session, actor=actor, clinic_id=review.clinic_id, year=review.year)
    if assessment:
        files[f"egenkontroll-{review.year}-{code}.xlsx"] = assessment
    for document in _attachments(session, actor, review):
        files[_attachment_name(document, set(files))] = document.content
    sealed_by = _seal_certificate(files, settings or load_settings())
    manifest = {"genomgång": f"Klinikens genomgång {review.year}, {clinic.code} – {clinic.name}",
                "protokoll": review.protocol_number, "version": review.minutes_version,
                "status": glossary.term(review.status, ReviewStatus),
                "skapad": datetime_text(now), "skapad_av": actor.name, "sigill": sealed_by,
                "filer": [{"namn": name, "byte": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                          for name, data in files.items()]}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
        archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
    return buffer.getvalue()

