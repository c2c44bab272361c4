"""Certificates for the seal's tests: a region's seal issued by its own CA, a forger's seal, a local time-stamp service.

The portal's own test seal is made once per session (tests/conftest.py, seal_p12); these are the others.
"""
import hashlib
import io
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

NOW = datetime.now(UTC)  # certificates must be valid when the real clock seals with them


def _name(common: str, organisation: str = "Region Test") -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "SE"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
                      x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _certificate(subject: x509.Name, key, issuer: x509.Name, issuer_key, *, ca: bool = False, extra=()):
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(key.public_key())
               .serial_number(x509.random_serial_number()).not_valid_before(NOW - timedelta(days=1))
               .not_valid_after(NOW + timedelta(days=365))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    for extension, critical in extra:
        builder = builder.add_extension(extension, critical=critical)
    return builder.sign(issuer_key, hashes.SHA256())


def region_seal(password: str) -> tuple[bytes, x509.Certificate]:
    """A region's organisation certificate issued by its CA, as a password-protected PKCS#12 with the CA in it."""
    ca_key, key = rsa.generate_private_key(65537, 2048), rsa.generate_private_key(65537, 2048)
    ca_name = _name("Region Test CA")
    ca = _certificate(ca_name, ca_key, ca_name, ca_key, ca=True)
    usage = x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                          data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                          encipher_only=False, decipher_only=False)
    leaf = _certificate(_name("Region Test organisationssigill"), key, ca_name, ca_key, extra=[(usage, True)])
    data = pkcs12.serialize_key_and_certificates(b"sigill", key, leaf, [ca],
                                                 serialization.BestAvailableEncryption(password.encode()))
    return data, leaf


def time_stamp_service():
    """Start an RFC 3161 time-stamp service on localhost (pyHanko's dummy TSA); return (url, stop)."""
    from asn1crypto import keys, tsp
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign.timestamps import DummyTimeStamper

    key = rsa.generate_private_key(65537, 2048)
    name = _name("Test-TSA")
    certificate = _certificate(name, key, name, key, extra=[
        (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), True)])
    stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER)),
        tsa_key=keys.PrivateKeyInfo.load(key.private_bytes(serialization.Encoding.DER,
                                                           serialization.PrivateFormat.PKCS8,
                                                           serialization.NoEncryption())))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802  (http.server's name)
            request = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
            body = stamper.request_tsa_response(request).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/", server.shutdown


def validate(pdf: bytes, certificate_pem: bytes):
    """Validate the PDF's one signature with pyHanko, trusting only this certificate; return (signature, status)."""
    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    _, _, der = pem.unarmor(certificate_pem)
    [signature] = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    context = ValidationContext(trust_roots=[asn1_x509.Certificate.load(der)])
    return signature, validate_pdf_signature(signature, context)


def first_revision(pdf: bytes) -> bytes:
    """The PDF as it was before its first incremental update (up to and including the first %%EOF line)."""
    end = pdf.index(b"%%EOF") + len(b"%%EOF")
    return pdf[:end + (1 if pdf[end:end + 1] == b"\n" else 0)]


def store_as_approved(session, frozen, pdf: bytes) -> None:
    """Store another PDF for an approved version, with its checksum also where the history recorded the approval:
    what an older portal left (its unsealed PDF), or a forger who reached every table."""
    from sqlmodel import select

    from core.models import HistoryEntry

    recorded, frozen.pdf = frozen.pdf_sha256, pdf
    frozen.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    session.add(frozen)
    for entry in session.exec(select(HistoryEntry).where(HistoryEntry.review_id == frozen.review_id)).all():
        if (entry.new_values or {}).get("pdf_sha256") == recorded:
            entry.new_values = {**entry.new_values, "pdf_sha256": frozen.pdf_sha256}
            session.add(entry)
    session.commit()
