"""Checking a review's archive (ZIP): every file against the manifest, every sealed PDF, every content document.

The ZIP is read in memory and never unpacked to disk; a hostile archive (too many files, too much to unpack,
names that climb out with ../) is refused in Swedish before anything in it is read.
"""
import hashlib
import io
import json
import re
import zipfile

from cryptography import x509
from sqlmodel import Session, select

from core import seal
from core.config import Settings
from core.errors import UserError
from core.models import MinutesVersion
from core.permissions import Actor
from core.seal_check import embedded_content
from core.services.archive import MANIFEST, SEAL_CERTIFICATE
from core.services.verification import Verdict, verify_document

MAX_ENTRIES = 1000
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # all files together, as the archive declares them
MAX_MANIFEST_BYTES = 1024 * 1024
APPROVED_PDF = re.compile(r"^protokoll-.+-v\d+\.pdf$")
CONTENT_DOCUMENT = re.compile(r"^protokoll-.+-v\d+\.json$")
UNPRINTABLE = re.compile(r"[^\w .,()+\-/åäöÅÄÖ]")


def _shown(name: str) -> str:
    """A file name fit to print: no control characters, not endless."""
    return UNPRINTABLE.sub("?", name)[:120]


def _unsafe(name: str) -> bool:
    """Tell whether an entry's name could point outside the archive's folder (absolute, ../, a drive)."""
    parts = name.replace("\\", "/").split("/")
    return name.startswith(("/", "\\")) or ".." in parts or ":" in parts[0] or "\x00" in name


def _shape_problems(infos: list[zipfile.ZipInfo]) -> list[str]:
    """Refuse an archive that is hostile by its shape alone (nothing is unpacked yet)."""
    if len(infos) > MAX_ENTRIES:
        return [f"Arkivet har {len(infos)} filer; ett arkiv från portalen har högst {MAX_ENTRIES}."]
    unsafe = [_shown(i.filename) for i in infos if _unsafe(i.filename)]
    if unsafe:
        return [f"Arkivet har filnamn som pekar utanför arkivet: {', '.join(unsafe[:5])}."]
    if sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
        return [f"Arkivet packas upp till mer än {MAX_UNPACKED_BYTES // 1024 // 1024} MB: det är inte ett arkiv "
                "från portalen (en så kallad zip-bomb?)."]
    names = [i.filename for i in infos]
    if len(set(names)) != len(names):
        return ["Arkivet har två filer med samma namn."]
    return []


def _manifest(archive: zipfile.ZipFile) -> dict[str, str] | str:
    """Return the manifest's {file name: SHA-256}, or why it cannot be read."""
    try:
        info = archive.getinfo(MANIFEST)
    except KeyError:
        return "Arkivet saknar manifest.json."
    try:
        if info.file_size > MAX_MANIFEST_BYTES:
            raise ValueError
        listed = json.loads(archive.read(info).decode("utf-8"))["filer"]
        return {str(f["namn"]): str(f["sha256"]) for f in listed}
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, zipfile.BadZipFile):
        return "manifest.json kan inte läsas: det är inte ett manifest från portalen."


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes | None:
    """Unpack one file (its declared size bounds it; a wrong checksum means it was changed inside the ZIP)."""
    try:
        return archive.read(info)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, NotImplementedError, RuntimeError):
        return None


def _content_lines(name: str, document: bytes, pdf: bytes | None, session: Session | None) -> tuple[bool, str]:
    """Compare a content document with the sealed PDF beside it: its attached copy and its version's hash."""
    checks = []
    if pdf is not None and (attached := embedded_content(pdf)) is not None:
        checks.append(("det förseglade protokollets bifogade innehåll", attached == document))
    frozen = session.exec(select(MinutesVersion).where(MinutesVersion.pdf_sha256 == hashlib.sha256(pdf).hexdigest())
                          ).first() if pdf is not None and session is not None else None
    if frozen is not None:
        checks.append(("versionens kontrollsumma", hashlib.sha256(document).hexdigest() == frozen.content_sha256))
    if not checks:
        return True, f"{_shown(name)}: stämmer med manifestet (inget förseglat innehåll att jämföra med)."
    wrong = [what for what, same in checks if not same]
    if wrong:
        return False, f"{_shown(name)}: ÄNDRAD: stämmer INTE med {' eller '.join(wrong)}."
    return True, f"{_shown(name)}: stämmer med {' och '.join(what for what, _ in checks)}."


def _certificate_lines(data: bytes, trusted: list[x509.Certificate]) -> tuple[bool, str]:
    """Say whether the certificate in the archive is one of the portal's own seals."""
    try:
        certificate = x509.load_pem_x509_certificate(data)
    except ValueError:
        return False, f"{SEAL_CERTIFICATE}: kan inte läsas som certifikat."
    if certificate in trusted:
        return True, f"{SEAL_CERTIFICATE}: portalens sigill, {seal.signer_name(certificate)}; certifikatet är " \
                     f"{seal.issuer_words(certificate)}."
    return False, f"{SEAL_CERTIFICATE}: INTE portalens sigill ({seal.signer_name(certificate)})."


def _check_file(name: str, data: bytes, files: dict[str, bytes], context: dict) -> tuple[bool, list[str]]:
    """Check one file beyond the manifest: a sealed PDF as a PDF, a content document against its version."""
    shown = _shown(name)
    if APPROVED_PDF.match(name):
        verdict = verify_document(data, session=context["session"], actor=context["actor"],
                                  settings=context["settings"])
        return verdict.ok, [f"{shown}: {'justerat och oförändrat' if verdict.ok else 'INTE godkänt'}",
                            *(f"    {line}" for line in verdict.lines)]
    if CONTENT_DOCUMENT.match(name):
        fine, line = _content_lines(name, data, files.get(name.removesuffix(".json") + ".pdf"), context["session"])
        return fine, [line]
    if name == SEAL_CERTIFICATE:
        fine, line = _certificate_lines(data, context["trusted"])
        return fine, [line]
    if name.endswith("-utkast.pdf"):
        return True, [f"{shown}: utkast (inte justerat, därför inte förseglat); stämmer med manifestet."]
    return True, [f"{shown}: stämmer med manifestet."]


def _unpack(archive: zipfile.ZipFile, listed: dict[str, str]) -> tuple[dict[str, bytes], dict[str, str]]:
    """Unpack every file and compare it with the manifest; return the files and, by name, what is wrong."""
    files, wrong = {}, {}
    for info in archive.infolist():
        if info.is_dir() or info.filename == MANIFEST:
            continue
        data, shown = _read(archive, info), _shown(info.filename)
        if data is None:
            wrong[info.filename] = f"{shown}: ÄNDRAD eller skadad: kan inte packas upp oförändrad."
        elif info.filename not in listed:
            wrong[info.filename] = f"{shown}: finns inte i manifestet (tillagd efteråt)."
        elif hashlib.sha256(data).hexdigest() != listed[info.filename]:
            wrong[info.filename] = f"{shown}: ÄNDRAD: kontrollsumman stämmer inte med manifestet."
        files[info.filename] = data or b""
    present = {i.filename for i in archive.infolist()}
    wrong |= {name: f"{_shown(name)}: saknas i arkivet men står i manifestet." for name in listed
              if name not in present}
    return files, wrong


def _trusted(settings: Settings) -> list[x509.Certificate]:
    """Return the portal's own certificates (none when its seal cannot be read: each PDF's check says why)."""
    try:
        return seal.portal_certificates(settings)
    except UserError:
        return []


def verify_archive(data: bytes, *, session: Session | None, actor: Actor, settings: Settings) -> Verdict:
    """Check a review's archive: the manifest, each sealed PDF, each content document and the seal's certificate."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        return Verdict(False, ["Filen är inte ett läsbart ZIP-arkiv (skadad eller avkortad)."])
    problems = _shape_problems(infos)
    listed = _manifest(archive) if not problems else {}
    if isinstance(listed, str) or problems:
        return Verdict(False, problems or [str(listed)])
    files, wrong = _unpack(archive, listed)
    context = {"session": session, "actor": actor, "settings": settings, "trusted": _trusted(settings)}
    lines = [f"Arkivet har {len(files)} filer och ett manifest."]
    ok = not wrong and any(APPROVED_PDF.match(name) for name in files)
    if not any(APPROVED_PDF.match(name) for name in files):
        lines.append("Arkivet har inget justerat protokoll.")
    for name, content in files.items():
        fine, said = (False, [wrong[name]]) if name in wrong else _check_file(name, content, files, context)
        ok, lines = ok and fine, lines + said
    return Verdict(ok, [*lines, *(line for name, line in wrong.items() if name not in files)])
