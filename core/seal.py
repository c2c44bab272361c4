"""The organisation's seal: a PAdES signature over the whole of an approved PDF (pyHanko).

The key is the organisation's PKCS#12 (STRALPORTAL_SEAL_P12 and STRALPORTAL_SEAL_PASSWORD), e.g. its SITHS
organisation certificate. Without one the portal makes a self-signed seal for the organisation once, in the data
folder, and says everywhere that it is self-signed. Sealing is an incremental update: the PDF as rendered stays a
byte-exact prefix of the sealed file, and the invisible signature field keeps a PDF/A file PDF/A.
"""
import asyncio
import io
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache, lru_cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from core.config import Settings
from core.errors import UserError
from core.files import create_private_file

SELF_SIGNED_FILE = "sigill.p12"  # in Settings.data_dir, mode 0600
EARLIER_FOLDER = "tidigare-sigill"  # PEM certificates the portal sealed with before (a replaced certificate)
FIELD_NAME = "Sigill"
SELF_SIGNED_WORDS = "egenutfärdat sigill"
SELF_SIGNED_YEARS = 30  # the minutes are kept for decades; a self-signed seal has no issuer to renew it
KEY_BITS = 3072


@dataclass(frozen=True)
class SealKey:
    """The seal's PKCS#12 file as read, and its certificate."""

    data: bytes
    password: bytes | None
    certificate: x509.Certificate
    path: Path

    @property
    def self_signed(self) -> bool:
        """Tell whether the certificate is its own issuer (made by the portal, not by a certificate authority)."""
        return self.certificate.issuer == self.certificate.subject


def seal_path(settings: Settings) -> Path:
    """Return where the seal is: the configured PKCS#12 file, else the self-signed one in the data folder."""
    return settings.seal_p12 or settings.data_dir / SELF_SIGNED_FILE


def _self_signed_p12(organisation: str, now: datetime) -> bytes:
    """Make a self-signed seal certificate for the organisation, with its key, as an unencrypted PKCS#12."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "SE"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64]),
                      x509.NameAttribute(NameOID.COMMON_NAME, f"{organisation[:40]} ({SELF_SIGNED_WORDS})")])
    usage = x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                          data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                          encipher_only=False, decipher_only=False)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
                   .not_valid_after(now + timedelta(days=365 * SELF_SIGNED_YEARS))
                   .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                   .add_extension(usage, critical=True)
                   .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
                   .sign(key, hashes.SHA256()))
    return pkcs12.serialize_key_and_certificates(b"sigill", key, certificate, None, serialization.NoEncryption())


def _write_once(path: Path, data: bytes) -> None:
    """Write a new file readable only by its owner; when another process wrote it first, keep theirs."""
    try:
        create_private_file(path, data)
    except OSError as exc:
        raise UserError(f"Sigillet kunde inte skapas i {path.parent}: {exc.strerror or exc}. Kontrollera att "
                        "datamappen (STRALPORTAL_DATA_DIR) finns och är skrivbar.") from None


def ensure_seal(settings: Settings, organisation: str) -> bool:
    """Create the organisation's self-signed seal unless a seal is configured or already made; True if created."""
    path = seal_path(settings)
    if settings.seal_p12 is not None or path.exists():
        return False
    _write_once(path, _self_signed_p12(organisation, datetime.now(UTC)))
    return True


def _load(path: Path, password: str | None) -> SealKey:
    """Read a PKCS#12 file, or refuse in Swedish saying what is wrong with it."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"Sigillet {path} finns inte (STRALPORTAL_SEAL_P12).") from None
    except OSError as exc:
        raise UserError(f"Sigillet {path} kan inte läsas: {exc.strerror or exc}.") from None
    secret = password.encode() if password else None
    try:
        key, certificate, _chain = pkcs12.load_key_and_certificates(data, secret)
    except (ValueError, TypeError):
        raise UserError(f"Sigillet {path} kan inte öppnas: fel lösenord (STRALPORTAL_SEAL_PASSWORD) eller inte "
                        "en PKCS#12-fil (.p12/.pfx).") from None
    if key is None or certificate is None:
        raise UserError(f"Sigillet {path} saknar nyckel eller certifikat; PKCS#12-filen ska innehålla båda.")
    return SealKey(data=data, password=secret, certificate=certificate, path=path)


@lru_cache(maxsize=8)
def _cached(path: Path, password: str | None, _stamp: tuple[int, int]) -> SealKey:
    """Load a seal once per version of its file (the stamp is the file's modification time and size)."""
    return _load(path, password)


def load_seal(settings: Settings, organisation: str | None = None) -> SealKey:
    """Return the seal to use, making the self-signed one first when it is missing and the organisation is known."""
    if organisation:
        ensure_seal(settings, organisation)
    path = seal_path(settings)
    try:
        stat = path.stat()
    except OSError:
        return _load(path, settings.seal_password)  # says in Swedish why the file cannot be read
    return _cached(path, settings.seal_password if settings.seal_p12 else None, (stat.st_mtime_ns, stat.st_size))


def seal_problem(settings: Settings) -> str | None:
    """Say in Swedish why the seal in use cannot seal (None when it can, or when it is still to be made)."""
    if settings.seal_p12 is None and not seal_path(settings).exists():
        return None
    try:
        certificate = load_seal(settings).certificate
    except UserError as exc:
        return str(exc)
    now = datetime.now(UTC)
    if certificate.not_valid_after_utc < now:
        return (f"Sigillets certifikat gick ut {certificate.not_valid_after_utc.date().isoformat()}: installera "
                "organisationens nya certifikat (STRALPORTAL_SEAL_P12).")
    if certificate.not_valid_before_utc > now:
        return f"Sigillets certifikat gäller först från {certificate.not_valid_before_utc.date().isoformat()}."
    return None


def is_self_signed(settings: Settings) -> bool:
    """Tell whether the seal in use is self-signed (made by the portal, not issued by a certificate authority)."""
    return load_seal(settings).self_signed


def seal_certificate_pem(settings: Settings) -> bytes:
    """Return the seal's certificate as PEM (for the archive and for an inspector)."""
    return load_seal(settings).certificate.public_bytes(serialization.Encoding.PEM)


def portal_certificates(settings: Settings) -> list[x509.Certificate]:
    """Return the certificates that are the portal's own seal: the one in use and earlier ones kept as PEM."""
    mine = [load_seal(settings).certificate]
    folder = settings.data_dir / EARLIER_FOLDER
    for pem in sorted(folder.glob("*.pem")) if folder.is_dir() else []:
        try:
            mine.extend(x509.load_pem_x509_certificates(pem.read_bytes()))
        except (OSError, ValueError):
            continue  # an unreadable file there proves nothing either way; the seal in use still counts
    return mine


def signer_name(certificate: x509.Certificate) -> str:
    """Return the certificate's holder as people read it: its common name, else its organisation."""
    for oid in (NameOID.COMMON_NAME, NameOID.ORGANIZATION_NAME):
        names = certificate.subject.get_attributes_for_oid(oid)
        if names:
            return str(names[0].value)
    return certificate.subject.rfc4514_string()


def issuer_words(certificate: x509.Certificate) -> str:
    """Say in Swedish who issued a certificate: the portal itself (self-signed) or a named certificate authority."""
    if certificate.issuer == certificate.subject:
        return "egenutfärdat: utfärdat av portalen själv, inte av en certifikatutfärdare"
    names = certificate.issuer.get_attributes_for_oid(NameOID.COMMON_NAME)
    return "utfärdat av " + (str(names[0].value) if names else certificate.issuer.rfc4514_string())


def describe(settings: Settings) -> str:
    """Say in Swedish whose seal the portal uses and whether it is self-signed."""
    certificate = load_seal(settings).certificate
    return f"{signer_name(certificate)}; certifikatet är {issuer_words(certificate)}"


def is_sealed(pdf: bytes) -> bool:
    """Tell whether a PDF carries a signature (the portal's renderer never writes /ByteRange; a seal always does)."""
    if b"/ByteRange" not in pdf:
        return False
    from core.seal_check import signature_count
    return signature_count(pdf) > 0


@cache
def _metadata_keeping_writer() -> type:
    """Return pyHanko's incremental writer made to leave the document's metadata exactly as it was printed.

    pyHanko would add itself as producer and a modification date to the Info dictionary and replace the XMP
    metadata with its own (without pdfaid): a PDF/A's Info and XMP must agree and the XMP must declare PDF/A,
    so the seal's update touches neither (canary: tests/core/test_seal.py).
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    class MetadataKept(IncrementalPdfFileWriter):
        """An incremental update that adds the seal and nothing else."""

        def _update_meta(self) -> None:
            return None

    return MetadataKept


def seal_pdf(pdf: bytes, *, reason: str, settings: Settings, organisation: str | None = None) -> bytes:
    """Seal the PDF with the organisation's seal (and a time-stamp when STRALPORTAL_TSA_URL is set)."""
    from pyhanko.sign import fields, signers, timestamps

    seal = load_seal(settings, organisation)
    signer = signers.SimpleSigner.load_pkcs12_data(seal.data, other_certs=[], passphrase=seal.password)
    stamper = timestamps.HTTPTimeStamper(settings.tsa_url, timeout=20) if settings.tsa_url else None
    meta = signers.PdfSignatureMetadata(field_name=FIELD_NAME, reason=reason, md_algorithm="sha256",
                                        subfilter=fields.SigSeedSubFilter.PADES, name=signer_name(seal.certificate))
    pdf_signer = signers.PdfSigner(meta, signer=signer, timestamper=stamper,
                                   new_field_spec=fields.SigFieldSpec(FIELD_NAME))  # no box: invisible, printable
    try:
        return _without_a_running_loop(
            lambda: pdf_signer.sign_pdf(_metadata_keeping_writer()(io.BytesIO(pdf))).getvalue())
    except Exception as exc:  # noqa: BLE001  a time-stamp service that does not answer, mostly
        if stamper is None:
            raise
        raise UserError(f"Tidsstämpeln kunde inte hämtas från {settings.tsa_url} ({type(exc).__name__}). Inget "
                        "har ändrats; försök igen om en stund, eller kontrollera STRALPORTAL_TSA_URL.") from None



def _without_a_running_loop(work: Callable[[], bytes]) -> bytes:
    """Run work where asyncio.run may start its own loop: pyHanko signs through asyncio.run, which refuses to run
    in a thread whose event loop is already running (a caller inside an async framework)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()
