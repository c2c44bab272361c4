"""`stralportal verify`: an unaltered approved version (or its archive) passes with exit 0 and is named; anything
else is answered in Swedish with exit 1 (2 for a usage error), never a traceback, and the database is unchanged."""
import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from sqlmodel import Session, select

from core import backup, db, seal
from core.cli import main
from core.config import Settings, load_settings
from core.models import Clinic, MinutesVersion, Review
from core.services import archive_check
from tests.seal_files import first_revision, store_as_approved


def _run(capsys, *argv) -> tuple[int, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out + err


@pytest.fixture
def stored(demo_env) -> MinutesVersion:
    """RTG's approved 2025 minutes as stored in the demo database."""
    engine = db.make_engine(demo_env)
    with Session(engine) as s:
        frozen = s.exec(select(MinutesVersion).join(Review, Review.id == MinutesVersion.review_id)
                        .join(Clinic, Clinic.id == Review.clinic_id)
                        .where(Clinic.code == "RTG", Review.year == 2025)).one()
    engine.dispose()
    return frozen


def _write(tmp_path: Path, name: str, data: bytes) -> str:
    (tmp_path / name).write_bytes(data)
    return str(tmp_path / name)


def test_the_stored_approved_pdf_passes_and_is_named(stored, tmp_path, capsys):
    code, out = _run(capsys, "verify", _write(tmp_path, "rtg.pdf", stored.pdf))
    assert code == 0, out
    assert "Sigillet är intakt och täcker hela filen" in out
    assert "Certifikatet är portalens eget sigill." in out and "Certifikatet är egenutfärdat" in out
    assert ("Det är ett justerat protokoll i portalen: Röntgenkliniken (RTG), genomgången 2025, protokoll nr "
            "RTG 1/2025, version 1, justerat 2025-03-13 10:00.") in out
    assert "Justerat av: Anna Berg (ordförande, 2025-03-12 17:00), Erik Lind (vid protokollet" in out
    assert "Det bifogade innehållet (protokoll.json) stämmer med versionens kontrollsumma." in out  # PDF/A-3
    assert out.rstrip().endswith("Resultat: filen är ett oförändrat justerat protokoll från portalen.")


def test_one_changed_byte_is_caught(stored, tmp_path, capsys):
    changed = bytearray(stored.pdf)
    changed[len(changed) // 3] ^= 0x01
    code, out = _run(capsys, "verify", _write(tmp_path, "andrad.pdf", bytes(changed)))
    assert code == 1
    assert "Sigillet är brutet: filen är ändrad efter förseglingen." in out
    assert "Certifikatet i sigillet är portalens, men sigillet är brutet" in out
    assert "Inget justerat protokoll i portalen har exakt dessa byte." in out
    assert "Resultat: filen är INTE ett oförändrat justerat protokoll" in out


def test_a_pdf_with_something_added_after_the_seal_is_caught(stored, tmp_path, capsys):
    code, out = _run(capsys, "verify", _write(tmp_path, "tillagd.pdf", stored.pdf + b"\n% added\n"))
    assert code == 1 and "sigillet täcker inte hela filen" in out


def test_a_pdf_sealed_by_another_self_signed_seal_is_not_the_portals(stored, tmp_path, capsys):
    forger = Settings(data_dir=tmp_path / "forfalskare")
    forged = seal.seal_pdf(first_revision(stored.pdf), reason="Justerat protokoll RTG 1/2025", settings=forger,
                           organisation="Demosjukhuset")  # the same name as the portal's own seal
    code, out = _run(capsys, "verify", _write(tmp_path, "forfalskad.pdf", forged))
    assert code == 1
    assert "Certifikatet är INTE portalens sigill: filen är förseglad av någon annan." in out
    assert "Förseglat av Demosjukhuset (egenutfärdat sigill)" in out


def test_an_unsealed_pdf_is_refused(stored, tmp_path, capsys):
    code, out = _run(capsys, "verify", _write(tmp_path, "osigillerad.pdf", first_revision(stored.pdf)))
    assert code == 1 and "Filen har inget sigill: den är inte förseglad av portalen." in out


def test_a_pdf_with_two_signatures_is_refused(stored, tmp_path, capsys):
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    key = seal.load_seal(load_settings())
    signer = signers.SimpleSigner.load_pkcs12_data(key.data, other_certs=[], passphrase=key.password)
    twice = signers.PdfSigner(signers.PdfSignatureMetadata(field_name="Andra"), signer=signer,
                              new_field_spec=fields.SigFieldSpec("Andra")).sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(stored.pdf))).getvalue()
    code, out = _run(capsys, "verify", _write(tmp_path, "tva.pdf", twice))
    assert code == 1 and "Filen har 2 underskrifter; ett protokoll från portalen har exakt ett sigill." in out


@pytest.mark.parametrize("keep", [0.5, 0.99])
def test_a_truncated_pdf_is_refused(stored, tmp_path, capsys, keep):
    code, out = _run(capsys, "verify", _write(tmp_path, "avkortad.pdf", stored.pdf[:int(len(stored.pdf) * keep)]))
    assert code == 1 and "skadad eller avkortad" in out and "Traceback" not in out


def test_a_file_that_is_not_a_pdf_is_refused(demo_env, tmp_path, capsys):
    code, out = _run(capsys, "verify", _write(tmp_path, "bokslut.xlsx", b"Detta \xe4r ingen PDF"))
    assert code == 1 and "Filen är inte en PDF." in out


def test_a_missing_file_or_none_is_a_usage_error(demo_env, tmp_path, capsys):
    code, out = _run(capsys, "verify", str(tmp_path / "finns-inte.pdf"))
    assert code == 2 and "finns-inte.pdf finns inte." in out
    code, out = _run(capsys, "verify")
    assert code == 2 and "Ange filen som ska kontrolleras, eller --history" in out


def test_a_200_mb_file_is_refused_by_its_size_before_it_is_read(demo_env, tmp_path, capsys, monkeypatch):
    path = tmp_path / "stor.pdf"
    with path.open("wb") as f:
        f.truncate(200 * 1024 * 1024)  # sparse: takes no room on the disk
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"{self} was read"))
    code, out = _run(capsys, "verify", str(path))
    assert code == 1 and "Filen är 200 MB; högst 50 MB kontrolleras." in out


def test_without_the_database_the_seal_alone_answers(stored, tmp_path, capsys, monkeypatch):
    missing = tmp_path / "ingen" / "stralportal.db"
    monkeypatch.setenv("STRALPORTAL_DATABASE_URL", f"sqlite:///{missing}")
    code, out = _run(capsys, "verify", _write(tmp_path, "rtg.pdf", stored.pdf))
    assert code == 0 and "Databasen kunde inte nås" in out and "Sigillet är intakt" in out
    assert not missing.exists()  # looking did not create an empty database


def test_an_attached_content_document_must_be_the_one_approved(stored, demo_env, tmp_path, capsys):
    """Even sealed by the portal and stored with every checksum, a PDF whose protokoll.json is not the version's
    content is refused (only someone who reached both the seal's key and every table could make one)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.embed_file(bytes=b'{"title": "Ett annat protokoll"}', basename="protokoll.json")
    forged = seal.seal_pdf(bytes(pdf.output()), reason="Justerat protokoll RTG 1/2025", settings=load_settings())
    engine = db.make_engine(demo_env)
    with Session(engine) as s:
        store_as_approved(s, s.get(MinutesVersion, stored.id), forged)
    engine.dispose()
    code, out = _run(capsys, "verify", _write(tmp_path, "pdfa.pdf", forged))
    assert code == 1 and "Sigillet är intakt" in out
    assert "Det bifogade innehållet (protokoll.json) stämmer INTE med versionens kontrollsumma." in out


@pytest.fixture
def archive_zip(stored, tmp_path, capsys) -> Path:
    path = tmp_path / "arkiv-RTG-2025.zip"
    assert main(["archive", "--clinic", "RTG", "--year", "2025", "-o", str(path)]) == 0
    capsys.readouterr()
    return path


def _rezip(source: Path, target: Path, change: dict[str, bytes], manifest_too: bool = False) -> str:
    """Copy an archive with some files replaced (and, to hide it, the manifest's checksums updated too)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        manifest = json.loads(old.read("manifest.json"))
        for info in old.infolist():
            data = change.get(info.filename, old.read(info))
            if info.filename == "manifest.json" and manifest_too:
                for entry in manifest["filer"]:
                    if entry["namn"] in change:
                        entry["sha256"] = hashlib.sha256(change[entry["namn"]]).hexdigest()
                data = json.dumps(manifest).encode()
            new.writestr(info, data)
    return str(target)


def test_the_archive_holds_the_sealed_pdf_its_content_and_the_certificate_and_passes(archive_zip, stored, capsys):
    with zipfile.ZipFile(archive_zip) as z:
        names = z.namelist()
        assert z.read("protokoll-RTG-2025-v1.pdf") == stored.pdf
        assert hashlib.sha256(z.read("protokoll-RTG-2025-v1.json")).hexdigest() == stored.content_sha256
        assert z.read("sigillets-certifikat.pem") == seal.seal_certificate_pem(load_settings())
        manifest = json.loads(z.read("manifest.json"))
    assert {f["namn"] for f in manifest["filer"]} == set(names) - {"manifest.json"}
    assert "egenutfärdat" in manifest["sigill"]
    code, out = _run(capsys, "verify", str(archive_zip))
    assert code == 0, out
    assert "protokoll-RTG-2025-v1.pdf: justerat och oförändrat" in out
    assert ("protokoll-RTG-2025-v1.json: stämmer med det förseglade protokollets bifogade innehåll och versionens "
            "kontrollsumma.") in out
    assert "sigillets-certifikat.pem: portalens sigill" in out
    assert out.rstrip().endswith("Resultat: arkivet är oförändrat och dess protokoll är justerade protokoll "
                                 "från portalen.")


def test_an_archive_with_one_altered_file_names_it(archive_zip, tmp_path, capsys):
    altered = _rezip(archive_zip, tmp_path / "andrad.zip", {"åtgärdsplan-RTG.xlsx": b"inte en arbetsbok"})
    code, out = _run(capsys, "verify", altered)
    assert code == 1 and "åtgärdsplan-RTG.xlsx: ÄNDRAD: kontrollsumman stämmer inte med manifestet." in out
    assert "Resultat: arkivet är INTE oförändrat" in out


def test_an_archive_whose_content_and_manifest_were_both_altered_is_caught(archive_zip, tmp_path, capsys):
    forged = _rezip(archive_zip, tmp_path / "forfalskad.zip",
                    {"protokoll-RTG-2025-v1.json": b'{"title": "Ett annat protokoll"}'}, manifest_too=True)
    code, out = _run(capsys, "verify", forged)
    assert code == 1
    assert ("protokoll-RTG-2025-v1.json: ÄNDRAD: stämmer INTE med det förseglade protokollets bifogade innehåll eller "
            "versionens kontrollsumma.") in out


def test_an_archive_with_a_name_outside_it_or_too_much_to_unpack_is_refused_unread(archive_zip, tmp_path, capsys,
                                                                                   monkeypatch):
    climbing = tmp_path / "klattrar.zip"
    with zipfile.ZipFile(climbing, "w") as z:
        z.writestr("../../etc/cron.d/stralportal", b"* * * * * root true")
        z.writestr("manifest.json", b"{}")
    code, out = _run(capsys, "verify", str(climbing))
    assert code == 1 and "Arkivet har filnamn som pekar utanför arkivet: ../../etc/cron.d/stralportal." in out
    monkeypatch.setattr(archive_check, "MAX_UNPACKED_BYTES", 1024 * 1024)
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("nollor.bin", bytes(2 * 1024 * 1024))
    code, out = _run(capsys, "verify", str(bomb))
    assert code == 1 and "zip-bomb" in out


def test_checking_hostile_files_changes_nothing_in_the_database(stored, demo_env, tmp_path, capsys):
    engine = db.make_engine(demo_env)
    before = backup.backup(engine)
    for name, data in [("a.pdf", stored.pdf), ("b.pdf", stored.pdf[:1000]), ("c.zip", b"PK\x03\x04trasig"),
                       ("d.pdf", first_revision(stored.pdf))]:
        _run(capsys, "verify", _write(tmp_path, name, data))
    assert backup.backup(engine) == before
    engine.dispose()
