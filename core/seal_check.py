"""Reading a sealed PDF offline: its signatures, whether the seal is intact over the whole file, and who sealed it.

pyHanko's validator does the work; this module turns its answer into plain facts. A hostile or broken file
never raises: what cannot be read is a Swedish `problem`.
"""
import io
import logging
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from core.formatting import datetime_text
from core.seal import issuer_words, signer_name

# A hostile file is answered in Swedish; pyHanko's own log of the same failure (with a traceback) says nothing more.
for _name in ("pyhanko", "pyhanko_certvalidator"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)

EMBEDDED_CONTENT = "protokoll.json"  # the frozen content document a PDF/A-3 minutes file carries
MAX_NAME_TREE_DEPTH = 8  # a name tree deeper than this is hostile, not a PDF writer's


@dataclass(frozen=True)
class SealCheck:
    """What a PDF's signature says; `problem` is set when there is no single readable signature."""

    problem: str | None = None
    signatures: int = 0
    intact: bool = False
    whole_file: bool = False
    trusted: bool = False
    portal_certificate: bool = False
    signer: str = ""
    issuer: str = ""
    signed_at: datetime | None = None
    reason: str | None = None
    timestamp: str | None = None
    embedded_content: bytes | None = None

    @property
    def sound(self) -> bool:
        """Tell whether the portal's own seal is intact over the whole file."""
        return (self.problem is None and self.intact and self.whole_file and self.trusted
                and self.portal_certificate)


def _reader(pdf: bytes):
    """Open a PDF with pyHanko's reader (lenient: a broken file is judged by its signature, not refused here)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    return PdfFileReader(io.BytesIO(pdf), strict=False)


def signature_count(pdf: bytes) -> int:
    """Count the signatures of a PDF (0 when it cannot be read)."""
    try:
        return len(_reader(pdf).embedded_signatures)
    except Exception:  # noqa: BLE001  an unreadable file carries no seal
        return 0


def embedded_content(pdf: bytes) -> bytes | None:
    """Return the content document a PDF/A-3 minutes file carries as protokoll.json (None without, or unreadable)."""
    try:
        return _embedded_file(_reader(pdf), EMBEDDED_CONTENT)
    except Exception:  # noqa: BLE001  a broken file carries nothing that can be compared
        return None


def _embedded_file(reader, name: str) -> bytes | None:
    """Return an attached file's bytes by its name in the document's EmbeddedFiles name tree, if there."""
    names = reader.root.get("/Names")
    tree = names.get("/EmbeddedFiles") if names is not None else None
    return _find_in_tree(tree, name, 0) if tree is not None else None


def _find_in_tree(node, name: str, depth: int) -> bytes | None:
    """Look a name up in one node of a name tree and its kids."""
    if depth > MAX_NAME_TREE_DEPTH:
        return None
    pairs = list(node.get("/Names", []))
    for key, spec in zip(pairs[::2], pairs[1::2]):
        if str(key) == name:
            return spec.get_object()["/EF"]["/F"].get_object().data
    for kid in node.get("/Kids", []):
        found = _find_in_tree(kid.get_object(), name, depth + 1)
        if found is not None:
            return found
    return None


def _der(certificate: x509.Certificate) -> bytes:
    """Return a certificate's DER bytes."""
    return certificate.public_bytes(serialization.Encoding.DER)


def _timestamp_words(status) -> str | None:
    """Say in Swedish what the RFC 3161 time-stamp says, if the seal has one."""
    stamp = status.timestamp_validity
    if stamp is None:
        return None
    state = "intakt" if stamp.intact and stamp.valid else "BRUTEN"
    return f"{datetime_text(stamp.timestamp)} ({state}, från {signer_name(_crypto(stamp.signing_cert))})"


def _crypto(certificate) -> x509.Certificate:
    """Turn pyHanko's (asn1crypto) certificate into a cryptography one."""
    return x509.load_der_x509_certificate(certificate.dump())


def _validate(signature, trusted: list[x509.Certificate]):
    """Run pyHanko's validator, trusting exactly the portal's certificates, at the time the seal names."""
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    roots = [asn1_x509.Certificate.load(_der(c)) for c in trusted]
    # Judged at the sealing time the seal states, so a replaced or expired certificate still verifies old minutes.
    context = ValidationContext(trust_roots=roots, allow_fetching=False, moment=signature.self_reported_timestamp)
    return validate_pdf_signature(signature, context)


def check_pdf(pdf: bytes, trusted: list[x509.Certificate]) -> SealCheck:
    """Read the PDF's one signature and validate it against the portal's certificates."""
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    try:
        reader = _reader(pdf)
        signatures = reader.embedded_signatures
    except Exception:  # noqa: BLE001  whatever a broken or hostile file makes the parser raise
        return SealCheck(problem="Filen kan inte läsas som PDF: den är skadad eller avkortad.")
    if len(signatures) != 1:
        return SealCheck(signatures=len(signatures), problem=(
            "Filen har inget sigill: den är inte förseglad av portalen." if not signatures else
            f"Filen har {len(signatures)} underskrifter; ett protokoll från portalen har exakt ett sigill."))
    signature = signatures[0]
    try:
        status = _validate(signature, trusted)
        embedded = _embedded_file(reader, EMBEDDED_CONTENT)
    except Exception:  # noqa: BLE001  a broken file makes the validator fail in ways it does not name
        return SealCheck(signatures=1, problem="Sigillet kan inte läsas: filen är skadad eller avkortad.")
    signer = _crypto(status.signing_cert)
    reason = signature.sig_object.get("/Reason")
    return SealCheck(signatures=1, intact=status.intact and status.valid,
                     whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE, trusted=status.trusted,
                     portal_certificate=_der(signer) in {_der(c) for c in trusted},
                     signer=signer_name(signer), issuer=issuer_words(signer), signed_at=status.signer_reported_dt,
                     reason=str(reason) if reason is not None else None, timestamp=_timestamp_words(status),
                     embedded_content=embedded)
