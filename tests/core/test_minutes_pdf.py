"""The printed minutes: text as typed (Swedish, symbols, long words), UTKAST until approved, frozen follow-up."""
import io
import shutil
import subprocess
from datetime import date

import pytest
from pypdf import PdfReader

from core import history
from core.services import actions, agenda
from core.services._queries import minutes_record
from core.services.auth import SYSTEM_ACTOR
from core.services.minutes_document import review_minutes_pdf
from tests.core.conftest import approve_all, decide, make_review
from tests.factories import NOW

LONG_WORD = "Strålskyddsorganisationsförändringsdokumentationskravsuppföljningsrutinen"


def _text(pdf: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_draft_minutes_say_utkast_on_every_page_and_number_the_pages(session, rtg):
    review = make_review(session, rtg)
    for n in range(12):
        decide(session, rtg, review, title=f"Åtgärd nummer {n} för Röntgenkliniken")
    pdf = review_minutes_pdf(session, actor=rtg["erik"], review_id=review.id, with_chart=False)
    reader = PdfReader(io.BytesIO(pdf))
    pages = [p.extract_text() for p in reader.pages]
    assert len(pages) >= 2
    assert all("UTKAST" in p for p in pages)
    assert all(f"Sida {i} av {len(pages)}" in p for i, p in enumerate(pages, start=1))
    text = _flat("\n".join(pages))
    assert "Protokoll nr RTG 1/2025" in text and "Åtgärd nummer 11 för Röntgenkliniken" in text
    assert "Protokollet är inte justerat" in text
    assert "Tillståndshavare: Testsjukhuset" in text  # no licence holder given: the organisation stands for it


def test_the_heading_names_the_licence_holder_with_the_organisation(session, rtg):
    from core.models import Organisation
    org = session.get(Organisation, rtg["clinic"].organisation_id)
    with history.unrecorded(session):
        org.licence_holder, org.licence_number = "Region Test", "SSM2024-0099"
    review = make_review(session, rtg)
    text, _ = _text(review_minutes_pdf(session, actor=rtg["erik"], review_id=review.id, with_chart=False))
    assert "Tillståndshavare: Region Test (Testsjukhuset), tillstånd SSM2024-0099" in _flat(text)


def test_approved_minutes_carry_names_and_times_and_no_utkast(session, rtg):
    review = make_review(session, rtg)
    decide(session, rtg, review)
    approve_all(session, rtg, review)
    text, _ = _text(review_minutes_pdf(session, actor=rtg["erik"], review_id=review.id, with_chart=False))
    flat = _flat(text)
    assert "UTKAST" not in text
    assert "Ordförande: Anna Berg" in flat and "Justerare: Nils Ek" in flat
    assert "Justerat 2026-03-10 10:00 i Strålsäkerhetsportalen" in flat  # 09:00 UTC is 10:00 in Sweden
    assert minutes_record(session, review).content_sha256 in flat.replace(" ", "")


def test_user_text_prints_as_typed_and_long_words_wrap(session, rtg):
    review = make_review(session, rtg)
    typed = "Skärmning <b>fet</b> ≥ 0,5 mm Pb → klart"
    decide(session, rtg, review, title=typed, description=LONG_WORD + " " + LONG_WORD)
    item = agenda.items(session, actor=SYSTEM_ACTOR, review_id=review.id)[7]
    agenda.save_notes(session, actor=rtg["erik"], item_id=item.id, notes=f"Åäö ÅÄÖ é – “citat” … {LONG_WORD}",
                      decisions="Anta rutinen ≤ 3 månader", now=NOW, expected_version=item.version)
    text, _ = _text(review_minutes_pdf(session, actor=rtg["erik"], review_id=review.id, with_chart=False))
    flat = _flat(text)
    assert "Skärmning <b>fet</b> ≥ 0,5 mm Pb → klart" in flat
    assert "Åäö ÅÄÖ é – “citat” …" in flat and "Beslutades att anta rutinen ≤ 3 månader." in flat
    assert LONG_WORD[:20] in text.replace("\n", "")  # wrapped within the cell, every letter kept


def test_follow_up_in_approved_minutes_is_frozen(session, rtg):
    first = make_review(session, rtg)
    action = decide(session, rtg, first, title="Optimera CT-protokoll")
    approve_all(session, rtg, first)
    second = make_review(session, rtg, year=2026, day=date(2026, 3, 11))
    follow_up = actions.follow_ups(session, actor=SYSTEM_ACTOR, review_id=second.id)[0][0]
    actions.record_follow_up(session, actor=rtg["erik"], follow_up_id=follow_up.id, status="in_progress",
                             comment="Två av tre klara", expected_version=action.version, today=date(2026, 3, 11),
                             now=NOW)
    approve_all(session, rtg, second)
    before = review_minutes_pdf(session, actor=rtg["erik"], review_id=second.id, with_chart=False)
    actions.update_action(session, actor=rtg["erik"], action_id=action.id, status="done", comment="Klart i maj",
                          expected_version=action.version, today=date(2026, 5, 1), now=NOW)
    after = review_minutes_pdf(session, actor=rtg["erik"], review_id=second.id, with_chart=False)
    assert "Pågår" in _flat(_text(after)[0]) and "Två av tre klara" in _flat(_text(after)[0])
    assert "Klart i maj" not in _flat(_text(after)[0])
    assert _text(before)[0] == _text(after)[0]


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils is not installed")
def test_minutes_render_to_images(session, rtg, tmp_path):
    review = make_review(session, rtg)
    decide(session, rtg, review)
    (tmp_path / "protokoll.pdf").write_bytes(review_minutes_pdf(session, actor=rtg["erik"], review_id=review.id,
                                                                with_chart=False))
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(tmp_path / "protokoll.pdf"), str(tmp_path / "sida")],
                   check=True)
    assert sorted(p.name for p in tmp_path.glob("sida*.png"))


def test_a_word_cut_to_fit_a_column_ends_in_a_hyphen_from_format_4(session, rtg):
    """#22: "dosregistreringss / ystem" was cut without a hyphen; a document of format 3 still prints so."""
    import re

    from core.documents.minutes_pdf import Stamp
    from core.services.minutes_content import build_content
    from core.services.minutes_document import render
    review = make_review(session, rtg)
    decide(session, rtg, review, title=LONG_WORD)
    content = build_content(session, actor=rtg["erik"], review=review).model_copy(update={"chart": []})
    assert content.format == 4
    stamp = Stamp(draft=True, checksum="0" * 64)
    new, _ = _text(render(content, stamp))
    old, _ = _text(render(content.model_copy(update={"format": 3}), stamp))
    assert re.search(r"Strålskydds\w*-\n\w", new) and LONG_WORD in new.replace("-\n", "")
    assert not re.search(r"Strålskydds\w*-\n", old) and LONG_WORD in old.replace("\n", "")


def test_notes_after_a_table_print_under_their_own_heading(session, rtg):
    from core.documents.content import Subheading, Text
    from core.services.minutes_content import build_content
    review = make_review(session, rtg)
    items = agenda.items(session, actor=SYSTEM_ACTOR, review_id=review.id)
    for item, notes in ((items[0], "Ordföranden hälsade välkommen."), (items[7], "Inga övriga frågor.")):
        agenda.save_notes(session, actor=rtg["erik"], item_id=item.id, notes=notes, decisions="", now=NOW,
                          expected_version=item.version)
    sections = build_content(session, actor=rtg["erik"], review=review).sections
    opening = sections[0].blocks  # the attendance table, then the notes under "Anteckningar"
    assert opening[-2:] == [Subheading(text="Anteckningar"), Text(text="Ordföranden hälsade välkommen.")]
    assert sections[7].blocks == [Text(text="Inga övriga frågor.")]  # nothing before them: no heading needed
    text, _ = _text(review_minutes_pdf(session, actor=rtg["erik"], review_id=review.id, with_chart=False))
    assert "Anteckningar\nOrdföranden hälsade välkommen." in text


def test_key_indicator_axes_start_at_zero_but_in_older_minutes():
    """#22: the Hp(10) chart's axis started at 2,7; minutes frozen before format 4 print their chart as before."""
    from core import charts
    rows = [{"name": "Högsta Hp(10) (mSv)", "year": year, "value": value} for year, value in ((2024, 2.9), (2025, 2.7))]

    def scales(chart) -> list:
        return [part["layer"][0]["encoding"]["y"]["scale"] for part in chart.to_dict()["concat"]]
    assert scales(charts.key_indicators_chart(rows)) == [{"zero": True, "nice": True}]
    assert scales(charts.key_indicators_chart(rows, zero=False)) == [{"zero": False, "nice": True}]
