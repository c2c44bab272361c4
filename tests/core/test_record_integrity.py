"""The record checks itself: minutes changed in the database behind the portal's back are served to nobody.

Each test changes a stored row with plain SQL, as someone with access to the database would, and then every path
that serves or signs the minutes (page services, archive, command line) refuses in Swedish, naming the version.
"""
import hashlib
import json
import logging
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, text

from core import db
from core.enums import ReviewStatus
from core.models import MinutesVersion, Signature
from core.services import archive, minutes, minutes_document
from core.services._integrity import RecordAltered, content_hash
from core.services._queries import minutes_record
from tests.conftest import reset_schema
from tests.core.conftest import approve_all, approve_all_but_the_last, make_review
from tests.factories import NOW, TODAY

OTHER_PDF = b"%PDF-1.7 ett annat protokoll"


@pytest.fixture
def engine(database_url):
    """A database in a file (not in memory), so that a second connection sees it as another user would."""
    engine = db.make_engine(database_url)
    reset_schema(engine)
    yield engine
    engine.dispose()


def _sql(session, statement: str, **values) -> None:
    """Change the database directly, outside every service, and forget what the session had loaded."""
    session.execute(text(statement), values)
    session.commit()
    session.expire_all()


def _serving_paths(session, rtg, review):
    """Every way an approved version is served: page download, version list, one version, content, archive."""
    anna = rtg["anna"]
    return {
        "review_minutes_pdf": lambda: minutes_document.review_minutes_pdf(session, actor=anna, review_id=review.id),
        "approved_versions": lambda: minutes_document.approved_versions(session, actor=anna, review_id=review.id),
        "approved_pdf": lambda: minutes_document.approved_pdf(session, actor=anna, review_id=review.id, version=1),
        "content_for": lambda: minutes_document.content_for(session, actor=anna, review_id=review.id),
        "archive": lambda: archive.review_archive(session, actor=anna, review_id=review.id, today=TODAY, now=NOW),
    }


def _refused_everywhere(session, rtg, review, what: str) -> None:
    for name, serve in _serving_paths(session, rtg, review).items():
        with pytest.raises(RecordAltered, match=rf"RTG 2025, protokoll nr .*version 1\).*{what}.*incident") as refusal:
            serve()
        assert "stämmer inte med det som lagrades vid justeringen" in str(refusal.value), name


def test_untouched_minutes_are_served_as_stored(session, rtg):
    review = approve_all(session, rtg, make_review(session, rtg))
    stored = minutes_record(session, review).pdf
    for serve in _serving_paths(session, rtg, review).values():
        serve()
    assert minutes_document.review_minutes_pdf(session, actor=rtg["anna"], review_id=review.id) == stored


def test_a_pdf_replaced_in_the_database_is_refused_and_logged_as_an_incident(session, rtg, caplog):
    review = approve_all(session, rtg, make_review(session, rtg))
    _sql(session, "UPDATE minutesversion SET pdf = :pdf WHERE review_id = :id", pdf=OTHER_PDF, id=review.id)
    with caplog.at_level(logging.ERROR, logger="stralportal.incident"):
        _refused_everywhere(session, rtg, review, "PDF-filen stämmer inte med sin kontrollsumma")
    assert "Incident" in caplog.text and "RecordAltered" in caplog.text


def test_a_pdf_replaced_together_with_its_checksum_is_caught_by_the_history(session, rtg):
    review = approve_all(session, rtg, make_review(session, rtg))
    _sql(session, "UPDATE minutesversion SET pdf = :pdf, pdf_sha256 = :sha WHERE review_id = :id", pdf=OTHER_PDF,
         sha=hashlib.sha256(OTHER_PDF).hexdigest(), id=review.id)
    _refused_everywhere(session, rtg, review, "PDF-filen är inte den som lagrades vid justeringen")


def test_edited_content_is_refused_whether_or_not_its_checksum_was_changed_too(session, rtg):
    review = approve_all(session, rtg, make_review(session, rtg))
    content = minutes_record(session, review).content
    edited = {**content, "number": "RTG 99/2025"}
    _sql(session, "UPDATE minutesversion SET content = :c WHERE review_id = :id", c=json.dumps(edited), id=review.id)
    _refused_everywhere(session, rtg, review, "innehållet stämmer inte med sin kontrollsumma")
    _sql(session, "UPDATE minutesversion SET content_sha256 = :sha WHERE review_id = :id", sha=content_hash(edited),
         id=review.id)
    _refused_everywhere(session, rtg, review, "en justering .* anger en annan kontrollsumma")


def test_a_signature_naming_another_checksum_is_refused(session, rtg):
    review = approve_all(session, rtg, make_review(session, rtg))
    signature = session.exec(Signature.__table__.select().where(Signature.review_id == review.id)).first()
    _sql(session, "UPDATE signature SET content_sha256 = :sha WHERE id = :id", sha="f" * 64, id=signature.id)
    _refused_everywhere(session, rtg, review, "anger en annan kontrollsumma")


def test_content_edited_under_justering_is_not_approved_by_the_last_adjuster(session, rtg):
    review = make_review(session, rtg)
    approve_all_but_the_last(session, rtg, review)
    session.commit()
    injected = {**minutes_record(session, review).content, "number": "RTG 1/2025 (beslut tillagt)"}
    _sql(session, "UPDATE minutesversion SET content = :c, content_sha256 = :sha WHERE review_id = :id",
         c=json.dumps(injected), sha=content_hash(injected), id=review.id)
    with pytest.raises(RecordAltered, match="anger en annan kontrollsumma"):
        minutes.approve(session, actor=rtg["nils"], review_id=review.id, now=NOW + timedelta(hours=2))
    session.rollback()
    session.expire_all()
    stored = minutes_record(session, review)
    assert stored.pdf is None and stored.approved_at is None
    assert session.get(type(review), review.id).status == ReviewStatus.APPROVAL


def test_an_approved_review_without_its_stored_minutes_is_refused_not_printed_anew(session, rtg):
    review = approve_all(session, rtg, make_review(session, rtg))
    _sql(session, "DELETE FROM minutesversion WHERE review_id = :id", id=review.id)
    with pytest.raises(RecordAltered, match="det lagrade justerade protokollet saknas"):
        minutes_document.review_minutes_pdf(session, actor=rtg["anna"], review_id=review.id)


def test_only_a_database_from_before_frozen_minutes_is_backfilled_at_upgrade():
    assert db.predates_frozen_minutes("0005") and db.predates_frozen_minutes("0001_domain_model")
    assert not db.predates_frozen_minutes(None)  # a new database holds no minutes
    assert not any(db.predates_frozen_minutes(r) for r in ("0006", "0010", "0017a"))


def test_the_last_approval_prints_the_pdf_before_it_takes_the_write_lock(session, rtg, monkeypatch):
    review = make_review(session, rtg)
    approve_all_but_the_last(session, rtg, review)
    session.commit()
    url = session.get_bind().url  # a waiting write fails at once instead of waiting for this approval
    other = create_engine(url, connect_args={"timeout": 0} if url.get_backend_name() == "sqlite" else
                          {"options": "-c lock_timeout=500"})
    writes_while_printing = []
    real_render = minutes.render_sealed

    def render_and_write_meanwhile(frozen, times, *args, **kwargs):
        with other.begin() as conn:  # another user saving while the PDF prints: must not wait for this approval
            conn.execute(text("UPDATE review SET current_item = current_item WHERE id = :id"), {"id": review.id})
        writes_while_printing.append(True)
        return real_render(frozen, times, *args, **kwargs)

    monkeypatch.setattr(minutes, "render_sealed", render_and_write_meanwhile)
    minutes.approve(session, actor=rtg["nils"], review_id=review.id, now=NOW + timedelta(hours=2))
    session.commit()
    other.dispose()
    assert writes_while_printing == [True]
    stored = session.exec(MinutesVersion.__table__.select().where(MinutesVersion.review_id == review.id)).first()
    assert stored.pdf_sha256 == hashlib.sha256(stored.pdf).hexdigest()


def test_the_sealed_minutes_name_the_change_historys_head_at_approval(session, rtg):
    import io

    from pypdf import PdfReader

    from core.models import HistoryEntry

    review = make_review(session, rtg)
    session.commit()
    review = approve_all(session, rtg, review)
    session.commit()
    keywords = dict(part.split("=", 1) for part in
                    PdfReader(io.BytesIO(minutes_record(session, review).pdf)).metadata["/Keywords"].split("; "))
    entry = session.exec(HistoryEntry.__table__.select().where(
        HistoryEntry.chain_seq == int(keywords["historyHeadSeq"]))).first()
    assert entry.entry_sha256 == keywords["historyHeadSha256"]
    assert entry.at <= NOW + timedelta(hours=2)  # an entry from before the last approval, not after it


def test_only_a_database_from_before_sealing_is_searched_for_unsealed_minutes_at_upgrade():
    assert db.predates_seal("0017a") and db.predates_seal("0005")
    assert not any(db.predates_seal(r) for r in (None, "0018c", "0019w"))
