"""The organisation's seal: the last approval stores a PDF sealed over the whole file, by the organisation's
certificate (configured, or self-signed and made once), and minutes approved before sealing are sealed at upgrade."""
import hashlib
import io
import re
import stat
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from core import db, seal
from core.cli import main
from core.config import Settings, configuration_problems, load_settings
from core.enums import ReviewStatus
from core.errors import UserError
from core.models import HistoryEntry, MinutesVersion
from core.services import minutes, sealing
from core.services._queries import approval_times, minutes_record
from core.services.auth import SYSTEM_ACTOR
from core.services.minutes_document import render_approved
from tests.core.conftest import approve_all, approve_all_but_the_last, make_review
from tests.factories import NOW
from tests.seal_files import first_revision, region_seal, store_as_approved, time_stamp_service, validate


def _timeless(pdf: bytes) -> bytes:
    """The PDF with its creation time and file id blanked (the only bytes that differ between two prints)."""
    pdf = re.sub(rb"/CreationDate \(D:\d+Z\)", b"/CreationDate ()", pdf)
    return re.sub(rb"/ID \[<[0-9A-F]+><[0-9A-F]+>\]", b"/ID []", pdf)


def _approved(session, rtg):
    review = make_review(session, rtg)
    approve_all(session, rtg, review)
    session.commit()
    return review, minutes_record(session, review)


def _portal_pem() -> bytes:
    return seal.seal_certificate_pem(load_settings())


def test_the_last_approval_stores_the_pdf_sealed_over_the_whole_file(session, rtg):
    review, frozen = _approved(session, rtg)
    signature, status = validate(frozen.pdf, _portal_pem())
    assert status.intact and status.valid and status.trusted
    assert status.coverage.name == "ENTIRE_FILE" and status.bottom_line
    assert frozen.pdf_sha256 == hashlib.sha256(frozen.pdf).hexdigest()
    reason = str(signature.sig_object["/Reason"])
    assert reason.startswith("Justerat protokoll RTG 1/2025, version 1")
    for who in ("Anna Berg (ordförande, 2026-03-10 10:00)", "Erik Lind (vid protokollet, 2026-03-10 11:00)",
                "Nils Ek (justerare, 2026-03-10 12:00)"):
        assert who in reason
    assert status.signer_reported_dt is not None  # the signing time, in the seal itself
    # An incremental update: the PDF as rendered is the sealed file's first revision, byte for byte but its time.
    assert _timeless(first_revision(frozen.pdf)) == _timeless(render_approved(frozen, approval_times(session, review)))


def test_the_seal_is_an_invisible_printable_field_as_pdf_a_wants(session, rtg):
    _, frozen = _approved(session, rtg)
    signature, _ = validate(frozen.pdf, _portal_pem())
    widget = signature.sig_field
    assert [float(x) for x in widget["/Rect"]] == [0, 0, 0, 0]  # no appearance to draw
    assert int(widget["/F"]) & 4 and not int(widget["/F"]) & (1 | 2 | 32)  # Print on; Invisible, Hidden, NoView off


def test_the_seal_leaves_the_printed_metadata_as_it_was(session, rtg):
    """Canary: pyHanko rewrites Info and XMP through its writer's _update_meta, which core/seal.py turns off."""
    import inspect

    from pyhanko.pdf_utils.writer import BasePdfFileWriter
    assert "self._update_meta()" in inspect.getsource(BasePdfFileWriter._prep_dom_for_writing)
    from pypdf import PdfReader

    _, frozen = _approved(session, rtg)
    sealed, printed = PdfReader(io.BytesIO(frozen.pdf)), PdfReader(io.BytesIO(first_revision(frozen.pdf)))
    assert sealed.metadata == printed.metadata and "pyHanko" not in str(sealed.metadata)
    xmp = [r.trailer["/Root"]["/Metadata"].get_object().get_data() for r in (sealed, printed)]
    assert xmp[0] == xmp[1] and b"pdfaid:part" in xmp[0]


def test_every_approved_version_of_the_demo_is_sealed(demo_url):
    with Session(db.make_engine(demo_url)) as s:
        approved = s.exec(select(MinutesVersion).where(MinutesVersion.approved_at != None)).all()  # noqa: E711
    assert len(approved) == 5
    for frozen in approved:
        _, status = validate(frozen.pdf, _portal_pem())
        assert status.intact and status.trusted and status.coverage.name == "ENTIRE_FILE"


def test_the_self_signed_seal_is_made_once_and_readable_only_by_its_owner(tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    assert seal.ensure_seal(settings, "Norrby sjukhus") is True
    path = tmp_path / "data" / seal.SELF_SIGNED_FILE
    first = path.read_bytes()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert seal.ensure_seal(settings, "Norrby sjukhus") is False and path.read_bytes() == first
    assert seal.is_self_signed(settings)
    assert "Norrby sjukhus (egenutfärdat sigill)" in seal.describe(settings)
    assert "egenutfärdat: utfärdat av portalen själv" in seal.describe(settings)
    assert list((tmp_path / "data").iterdir()) == [path]


def test_two_processes_making_the_seal_at_once_end_with_one(tmp_path):
    settings = Settings(data_dir=tmp_path)
    with ThreadPoolExecutor(2) as pool:
        made = list(pool.map(lambda _: seal.ensure_seal(settings, "Norrby sjukhus"), range(2)))
    assert made.count(True) >= 1
    assert [p.name for p in tmp_path.iterdir()] == [seal.SELF_SIGNED_FILE]  # no temporary file left behind
    assert seal.seal_certificate_pem(settings) == seal.seal_certificate_pem(settings)


def test_the_first_sealing_makes_the_organisations_seal_when_none_is_configured(session, rtg, monkeypatch, tmp_path):
    monkeypatch.delenv("STRALPORTAL_SEAL_P12")
    monkeypatch.setenv("STRALPORTAL_DATA_DIR", str(tmp_path))
    _, frozen = _approved(session, rtg)
    assert (tmp_path / seal.SELF_SIGNED_FILE).is_file()
    signature, status = validate(frozen.pdf, seal.seal_certificate_pem(load_settings()))
    assert status.trusted and status.intact
    assert "Testsjukhuset (egenutfärdat sigill)" in status.signing_cert.subject.human_friendly


def test_a_configured_pkcs12_with_its_password_is_the_seal(session, rtg, monkeypatch, tmp_path):
    data, leaf = region_seal("Lösenord för sigillet")
    (tmp_path / "region.p12").write_bytes(data)
    monkeypatch.setenv("STRALPORTAL_SEAL_P12", str(tmp_path / "region.p12"))
    monkeypatch.setenv("STRALPORTAL_SEAL_PASSWORD", "Lösenord för sigillet")
    settings = load_settings()
    assert configuration_problems(settings) == [] and not seal.is_self_signed(settings)
    assert "certifikatet är utfärdat av Region Test CA" in seal.describe(settings)
    _, frozen = _approved(session, rtg)
    _, status = validate(frozen.pdf, seal.seal_certificate_pem(settings))
    assert status.intact and status.trusted and status.coverage.name == "ENTIRE_FILE"
    assert status.signing_cert.dump() == leaf.public_bytes(seal.serialization.Encoding.DER)
    assert not list(tmp_path.glob("sigill*"))  # a configured seal: none is made in the data folder


@pytest.mark.parametrize(("password", "file", "said"), [
    ("fel lösenord", "region.p12", "fel lösenord (STRALPORTAL_SEAL_PASSWORD) eller inte en PKCS#12-fil"),
    ("rätt", "saknas.p12", "saknas.p12 finns inte (STRALPORTAL_SEAL_P12)"),
])
def test_a_configured_seal_that_cannot_be_read_stops_the_portal_and_the_approval(
        session, rtg, monkeypatch, tmp_path, password, file, said):
    (tmp_path / "region.p12").write_bytes(region_seal("rätt")[0])
    monkeypatch.setenv("STRALPORTAL_SEAL_P12", str(tmp_path / file))
    monkeypatch.setenv("STRALPORTAL_SEAL_PASSWORD", password)
    assert any(said in problem for problem in configuration_problems(load_settings()))
    review = make_review(session, rtg)
    approve_all_but_the_last(session, rtg, review)
    session.commit()
    with pytest.raises(UserError, match=re.escape(said)):
        minutes.approve(session, actor=rtg["nils"], review_id=review.id, now=NOW + timedelta(hours=2))
    session.rollback()
    session.refresh(review)
    assert review.status == ReviewStatus.APPROVAL and minutes_record(session, review).pdf is None


def _as_an_older_portal_stored_it(session, frozen) -> bytes:
    """Put back the unsealed PDF, as the portal stored (and recorded) approved minutes before it sealed them."""
    store_as_approved(session, frozen, first_revision(frozen.pdf))
    return frozen.pdf


def test_the_upgrade_seals_an_older_approved_version_once_and_says_so(session, rtg):
    review, frozen = _approved(session, rtg)
    unsealed = _as_an_older_portal_stored_it(session, frozen)
    assert not seal.is_sealed(unsealed)
    assert sealing.seal_unsealed(session, actor=SYSTEM_ACTOR, now=NOW + timedelta(days=30),
                                 settings=load_settings()) == 1
    session.commit()
    session.refresh(frozen)
    assert frozen.pdf.startswith(unsealed) and frozen.pdf_sha256 == hashlib.sha256(frozen.pdf).hexdigest()
    signature, status = validate(frozen.pdf, _portal_pem())
    assert status.intact and status.coverage.name == "ENTIRE_FILE"
    assert str(signature.sig_object["/Reason"]).startswith(
        "Förseglat vid uppgradering 2026-04-09, justerat 2026-03-10 12:00: protokoll RTG 1/2025, version 1")
    entry = session.exec(select(HistoryEntry).where(HistoryEntry.entity == "MinutesVersion")
                         .order_by(HistoryEntry.id.desc())).first()
    assert entry.new_values["förseglad_vid_uppgradering"] is True and entry.old_values["pdf_sha256"] == hashlib.sha256(
        unsealed).hexdigest() and entry.review_id == review.id
    assert sealing.seal_unsealed(session, actor=SYSTEM_ACTOR, now=NOW, settings=load_settings()) == 0


def test_a_pdf_that_is_not_the_one_stored_at_approval_is_never_sealed_at_upgrade(session, rtg):
    _, frozen = _approved(session, rtg)
    _as_an_older_portal_stored_it(session, frozen)
    frozen.pdf += b"% changed after the stored checksum\n"
    session.add(frozen)
    session.commit()
    assert sealing.seal_unsealed(session, actor=SYSTEM_ACTOR, now=NOW, settings=load_settings()) == 0
    assert not seal.is_sealed(frozen.pdf)


def test_db_upgrade_seals_the_older_minutes_and_says_so(demo_env, capsys):
    from alembic import command

    engine = db.make_engine(demo_env)
    with Session(engine) as s:
        frozen = s.exec(select(MinutesVersion).where(MinutesVersion.approved_at != None)).first()  # noqa: E711
        _as_an_older_portal_stored_it(s, frozen)
    command.downgrade(db.alembic_config(demo_env), "0017a")  # the schema of the portal before sealing
    assert main(["db", "upgrade"]) == 0
    assert "1 justerade protokoll från en tidigare version av portalen är nu förseglade." in capsys.readouterr().out
    assert main(["db", "upgrade"]) == 0  # from the newest schema: nothing is looked for, nothing sealed
    assert "förseglade" not in capsys.readouterr().out
    with Session(engine) as s:
        assert seal.is_sealed(s.get(MinutesVersion, frozen.id).pdf)
    engine.dispose()


def test_a_time_stamp_is_added_when_a_time_stamp_service_is_configured(monkeypatch):
    url, stop = time_stamp_service()
    monkeypatch.setenv("STRALPORTAL_TSA_URL", url)
    try:
        from fpdf import FPDF
        pdf = FPDF()
        pdf.add_page()
        sealed = seal.seal_pdf(bytes(pdf.output()), reason="Prov", settings=load_settings())
    finally:
        stop()
    _, status = validate(sealed, _portal_pem())
    assert status.intact and status.timestamp_validity is not None and status.timestamp_validity.intact


def test_a_time_stamp_service_that_does_not_answer_refuses_in_swedish(monkeypatch):
    monkeypatch.setenv("STRALPORTAL_TSA_URL", "http://127.0.0.1:9/")  # the discard port: nobody answers
    with pytest.raises(UserError, match="Tidsstämpeln kunde inte hämtas från http://127.0.0.1:9/"):
        seal.seal_pdf(b"%PDF-1.4\n", reason="Prov", settings=load_settings())
