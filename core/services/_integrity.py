"""The record checks itself: frozen minutes are compared with their checksums whenever they are served or signed.

A content document must hash to its stored SHA-256, every approval given after the freeze must name that hash,
and an approved version's PDF must hash to its stored SHA-256. A version that disagrees is served to nobody: the
refusal names the version and carries an incident number, and the incident is in the server log.
"""
import hashlib
import json
from collections.abc import Iterable

from sqlmodel import Session, col, select

from core.errors import UserError
from core.incidents import log_incident
from core.models import Clinic, HistoryEntry, MinutesVersion, Review, Signature


class RecordAltered(UserError):
    """Stored minutes disagree with their own checksums: changed outside the portal, never served."""


def content_hash(content: dict) -> str:
    """Return the SHA-256 of the minutes' content document as stored (canonical JSON)."""
    return hashlib.sha256(content_bytes(content)).hexdigest()


def content_bytes(content: dict) -> bytes:
    """Return the content document as the bytes its checksum is taken of (and the sealed PDF attaches)."""
    return json.dumps(content, sort_keys=True, ensure_ascii=False).encode()


def recorded_pdf_hashes(history_values: Iterable[dict | None]) -> set[str]:
    """Return the PDF checksums the change history recorded when minutes were approved (or sealed)."""
    return {values["pdf_sha256"] for values in history_values
            if isinstance(values, dict) and isinstance(values.get("pdf_sha256"), str)}


def version_problems(frozen: dict, signatures: list[dict], recorded_pdfs: set[str] | frozenset = frozenset(),
                     ) -> list[str]:
    """Return how a frozen version (as column values) disagrees with its checksums, signatures and approval.

    The PDF is also compared with the checksums the history recorded at approval, so that a PDF replaced together
    with its stored checksum is caught (a history from before approvals were recorded holds none).
    """
    problems = []
    content = frozen.get("content")
    if not isinstance(content, dict) or content_hash(content) != frozen.get("content_sha256"):
        problems.append("innehållet stämmer inte med sin kontrollsumma (SHA-256)")
    frozen_at = frozen.get("frozen_at")
    signed = [s for s in signatures if s.get("signed_at") is not None]
    for signature in signed:  # approvals older than the freeze come from a portal that froze nothing
        if (frozen_at is None or signature["signed_at"] >= frozen_at) and \
                signature.get("content_sha256") != frozen.get("content_sha256"):
            problems.append(f"en justering ({signature.get('role')}) anger en annan kontrollsumma än innehållets")
            break
    pdf = frozen.get("pdf")
    if frozen.get("approved_at") is None:
        if pdf is not None or frozen.get("reopened_at") is not None:
            problems.append("versionen har en justerad PDF eller är återöppnad men saknar tidpunkt för justeringen")
        return problems
    if pdf is None or hashlib.sha256(pdf).hexdigest() != frozen.get("pdf_sha256"):
        problems.append("PDF-filen stämmer inte med sin kontrollsumma (SHA-256)")
    elif recorded_pdfs and frozen.get("pdf_sha256") not in recorded_pdfs:
        problems.append("PDF-filen är inte den som lagrades vid justeringen (ändringshistoriken anger en annan "
                        "kontrollsumma)")
    if signatures and len(signed) < len(signatures):
        problems.append("versionen är justerad men alla har inte justerat den")
    elif signed and frozen_at is not None and frozen_at <= frozen["approved_at"] and \
            max(s["signed_at"] for s in signed) != frozen["approved_at"]:
        problems.append("tidpunkten för justeringen stämmer inte med den sista justeringen")
    return problems


def _values(row) -> dict:
    """Return a row's column values by name."""
    return {column: getattr(row, column) for column in type(row).model_fields}


def _signatures(session: Session, frozen: MinutesVersion) -> list[Signature]:
    """Return the approvals of one version."""
    return list(session.exec(select(Signature).where(Signature.review_id == frozen.review_id,
                                                     Signature.minutes_version == frozen.version)))


def _named(session: Session, frozen: MinutesVersion) -> str:
    """Name a version for a refusal: clinic, year, protocol number and version."""
    review = session.get(Review, frozen.review_id)
    clinic = session.get(Clinic, review.clinic_id) if review else None
    where = f"{clinic.code} {review.year}, protokoll nr {review.protocol_number}, " if review and clinic else ""
    return f"Protokollet ({where}version {frozen.version})"


def refuse(session: Session, frozen: MinutesVersion | None, problems: list[str], *, review: Review | None = None,
           ) -> RecordAltered:
    """Log the incident and return the Swedish refusal naming the version and what disagrees."""
    if frozen is None:
        assert review is not None  # a missing version is named by its review
        name = f"Det justerade protokollet (version {review.minutes_version})"
    else:
        name = _named(session, frozen)
    text = f"{name} stämmer inte med det som lagrades vid justeringen: {'; '.join(problems)}."
    incident = log_incident(RecordAltered(text), "kontroll av lagrat protokoll")
    return RecordAltered(f"{text} Det visas inte och kan inte justeras. Kontakta administratören och uppge "
                         f"incident {incident}.")


def _recorded(session: Session, frozen: MinutesVersion) -> set[str]:
    """Return the PDF checksums the history recorded for the version's review."""
    if frozen.approved_at is None:
        return set()
    entries = session.exec(select(HistoryEntry).where(HistoryEntry.review_id == frozen.review_id,
                                                      col(HistoryEntry.entity).in_(("Review", "MinutesVersion"))))
    return recorded_pdf_hashes(entry.new_values for entry in entries)


def checked(session: Session, frozen: MinutesVersion) -> MinutesVersion:
    """Return the frozen version after checking it against its checksums, signatures and history, else refuse."""
    problems = version_problems(_values(frozen), [_values(s) for s in _signatures(session, frozen)],
                                _recorded(session, frozen))
    if problems:
        raise refuse(session, frozen, problems)
    return frozen


def approved_record(session: Session, review: Review, frozen: MinutesVersion | None) -> MinutesVersion:
    """Return an approved review's stored version, checked; refuse when it is missing or altered."""
    if frozen is None or frozen.approved_at is None or frozen.pdf is None:
        raise refuse(session, frozen, ["det lagrade justerade protokollet saknas"], review=review)
    return checked(session, frozen)

