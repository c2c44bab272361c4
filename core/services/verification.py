"""Kontrollera protokoll: is this PDF (or archive) an unaltered approved version of the portal's minutes?

The seal is checked offline against the portal's own certificate; when the database is at hand, the file's
SHA-256 says which approved version it is. The command line (`stralportal verify`) and the page give the same
answer. Nothing here writes.
"""
import hashlib
from dataclasses import dataclass, field

from cryptography import x509
from sqlmodel import Session, select

from core import seal
from core.config import Settings
from core.documents.content import read
from core.errors import UserError
from core.formatting import datetime_text, number_text
from core.models import Clinic, MinutesVersion, Review, Signature
from core.permissions import Actor, Permission, can
from core.seal_check import SealCheck, check_pdf
from core.services._integrity import RecordAltered, checked
from core.services._queries import SIGNATURE_ORDER

MAX_MEGABYTES = 50  # a year's minutes are well under 1 MB; an archive with attachments a few MB
MAX_BYTES = MAX_MEGABYTES * 1024 * 1024
PDF_MAGIC, ZIP_MAGIC = b"%PDF-", b"PK\x03\x04"


@dataclass
class Verdict:
    """The answer: ok only for an unaltered approved version (or an archive of them); lines say why, in Swedish."""

    ok: bool
    lines: list[str] = field(default_factory=list)


def size_problem(size: int) -> str | None:
    """Refuse a file above the size limit before it is read (None when it is small enough)."""
    if size <= MAX_BYTES:
        return None
    return (f"Filen är {number_text(size / 1024 / 1024, 0)} MB; högst {number_text(MAX_BYTES / 1024 / 1024, 0)} MB "
            "kontrolleras. Ett protokoll eller arkiv från portalen är mycket mindre.")


def seal_summary(settings: Settings) -> str:
    """Say in Swedish whose seal the portal's approved minutes carry, and whether it is self-signed."""
    try:
        return f"Justerade protokoll förseglas med {seal.describe(settings)}."
    except UserError as exc:
        return f"Portalens sigill kan inte läsas: {exc}"


def _trusted(settings: Settings, lines: list[str]) -> list[x509.Certificate]:
    """Return the portal's own certificates, or none (saying why) when its seal cannot be read."""
    try:
        return seal.portal_certificates(settings)
    except UserError as exc:
        lines.append(f"Portalens sigill kan inte läsas, så filens sigill kan inte jämföras med det: {exc}")
        return []


def _seal_lines(check: SealCheck) -> list[str]:
    """Say what the seal shows: intact over the whole file, who sealed it and when, and whose certificate."""
    if check.problem:
        return [check.problem]
    lines = ["Sigillet är intakt och täcker hela filen: inget är ändrat sedan förseglingen." if check.intact
             and check.whole_file else "Sigillet är brutet: filen är ändrad efter förseglingen." if not check.intact
             else "Filen är ändrad efter förseglingen: sigillet täcker inte hela filen (något är tillagt efteråt).",
             f"Förseglat av {check.signer}, {datetime_text(check.signed_at) or 'okänd tid'}.",
             f"Certifikatet är {check.issuer}."]
    if check.portal_certificate and check.trusted:
        lines.append("Certifikatet är portalens eget sigill.")
    elif check.portal_certificate and not check.intact:
        lines.append("Certifikatet i sigillet är portalens, men sigillet är brutet och visar därför ingenting.")
    elif check.portal_certificate:
        lines.append("Certifikatet är portalens eget, men det gällde inte när filen förseglades.")
    else:
        lines.append("Certifikatet är INTE portalens sigill: filen är förseglad av någon annan.")
    if check.reason:
        lines.append(f"Sigillets text: {check.reason}")
    lines.append(f"Tidsstämpel: {check.timestamp}." if check.timestamp else "Tidsstämpel: ingen.")
    return lines


def _signed_times(session: Session, frozen: MinutesVersion) -> list[str]:
    """When each signer of the version approved, in the signers' order."""
    rows = session.exec(select(Signature).where(Signature.review_id == frozen.review_id,
                                                Signature.minutes_version == frozen.version)).all()
    return [datetime_text(s.signed_at) for s in sorted(rows, key=lambda s: (SIGNATURE_ORDER.get(s.role, 9), s.id))]


def _record_lines(session: Session, actor: Actor, frozen: MinutesVersion, check: SealCheck) -> tuple[bool, list[str]]:
    """Say which approved version of which clinic's review the file is, and whether its attached content matches."""
    review = session.get(Review, frozen.review_id)
    clinic = session.get(Clinic, review.clinic_id) if review else None
    if review is None or clinic is None:
        return False, ["Protokollversionen finns i databasen, men inte dess genomgång."]
    try:
        checked(session, frozen)
    except RecordAltered as exc:  # the database's record of the version itself was changed outside the portal
        return False, [str(exc)]
    content = read(frozen.content)
    times = [*_signed_times(session, frozen), *([""] * len(content.signers))]
    signers = ", ".join(f"{s.name} ({s.capacity.lower()}{f', {when}' if when else ''})"
                        for s, when in zip(content.signers, times))
    lines = [f"Det är ett justerat protokoll i portalen: {clinic.name} ({clinic.code}), genomgången {review.year}, "
             f"protokoll nr {content.number}, version {frozen.version}, justerat {datetime_text(frozen.approved_at)}.",
             f"Justerat av: {signers}."]
    if frozen.reopened_at:
        detail = (f" {datetime_text(frozen.reopened_at)} av {frozen.reopened_by_name}: {frozen.reopen_reason}"
                  if can(actor, Permission.VIEW_CLINIC, clinic.id) else "")
        lines.append(f"Versionen är ersatt av en senare version: protokollet återöppnades{detail}.")
    if check.embedded_content is None:
        return True, lines
    if hashlib.sha256(check.embedded_content).hexdigest() == frozen.content_sha256:
        return True, [*lines, "Det bifogade innehållet (protokoll.json) stämmer med versionens kontrollsumma."]
    return False, [*lines, "Det bifogade innehållet (protokoll.json) stämmer INTE med versionens kontrollsumma."]


def _find_version(session: Session, pdf_sha256: str) -> MinutesVersion | None:
    """Return the approved version whose stored PDF has this SHA-256, if any.

    Anyone logged in may ask: the caller holds the very bytes of that PDF, which print everything said about it
    here (only a later reopening's reason is shown to those who may see the clinic).
    """
    return session.exec(select(MinutesVersion).where(MinutesVersion.pdf_sha256 == pdf_sha256,
                                                     MinutesVersion.approved_at != None)).first()  # noqa: E711


def verify_document(data: bytes, *, session: Session | None, actor: Actor, settings: Settings) -> Verdict:
    """Check one PDF: the seal offline, then (when the database is at hand) which approved version it is."""
    if problem := size_problem(len(data)):
        return Verdict(False, [problem])
    digest = hashlib.sha256(data).hexdigest()
    lines = [f"Filen: {number_text(len(data))} byte, SHA-256 {digest}."]
    if not data[:1024].lstrip().startswith(PDF_MAGIC):
        return Verdict(False, [*lines, "Filen är inte en PDF."])
    check = check_pdf(data, _trusted(settings, lines))
    lines += _seal_lines(check)
    if check.signatures != 1:
        return Verdict(False, lines)
    if session is None:
        lines.append("Databasen kunde inte nås: vilket protokoll det är har inte slagits upp. Sigillet ensamt visar "
                     "att filen är oförändrad sedan portalen förseglade den.")
        return Verdict(check.sound, lines)
    frozen = _find_version(session, digest)
    if frozen is None:
        return Verdict(False, [*lines, "Inget justerat protokoll i portalen har exakt dessa byte."])
    matches, record = _record_lines(session, actor, frozen, check)
    return Verdict(check.sound and matches, lines + record)


def verify_file(data: bytes, *, session: Session | None, actor: Actor, settings: Settings) -> Verdict:
    """Check a PDF or an archive (ZIP) from the portal, by what the file is rather than by its name."""
    from core.services import archive_check  # the ZIP reader is needed only for archives

    if problem := size_problem(len(data)):
        return Verdict(False, [problem, "Resultat: filen kontrollerades inte."])
    if data.startswith(ZIP_MAGIC):
        verdict = archive_check.verify_archive(data, session=session, actor=actor, settings=settings)
        verdict.lines.append("Resultat: arkivet är oförändrat och dess protokoll är justerade protokoll från portalen."
                             if verdict.ok else "Resultat: arkivet är INTE oförändrat (se ovan).")
        return verdict
    verdict = verify_document(data, session=session, actor=actor, settings=settings)
    verdict.lines.append("Resultat: filen är ett oförändrat justerat protokoll från portalen." if verdict.ok else
                         "Resultat: filen är INTE ett oförändrat justerat protokoll från portalen.")
    return verdict
