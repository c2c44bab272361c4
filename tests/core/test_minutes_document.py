"""The typed minutes document: every older frozen document still reads, and still prints the same PDF.

tests/data/demo-minutes-format-1.json holds every frozen minutes version of the demo as the code before the
typed document froze and printed it (content, approval times, and the SHA-256 of the PDF with its creation
time and file id blanked, the only bytes that change from one print to the next). Since #23 an approved
version is a PDF/A-3b, a different file with the same pages: `pages_sha256` is what its pages show (content
streams, images, embedded fonts), taken from the very prints those PDF hashes were checked against.
"""
import hashlib
import io
import json
import re
from datetime import UTC, datetime

import pytest

from core.documents.content import FORMAT, MinutesContent, read
from core.documents.minutes_pdf import Stamp
from core.documents.revision import infer_marks
from core.services._integrity import content_bytes
from core.services.minutes_content import PART_MISSING
from core.services.minutes_document import content_hash, render
from tests.conftest import PROJECT_DIR

BEFORE = json.loads((PROJECT_DIR / "tests" / "data" / "demo-minutes-format-1.json").read_text(encoding="utf-8"))


def _timeless(pdf: bytes) -> str:
    """The PDF's SHA-256 with its creation time and file id blanked."""
    pdf = re.sub(rb"/CreationDate \(D:\d+Z\)", b"/CreationDate ()", pdf)
    return hashlib.sha256(re.sub(rb"/ID \[<[0-9A-F]+><[0-9A-F]+>\]", b"/ID []", pdf)).hexdigest()


def _pages(pdf: bytes) -> str:
    """The SHA-256 of what the pages show: their content streams, images and embedded font programs."""
    from pypdf import PdfReader

    digest = hashlib.sha256()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        digest.update(page.get_contents().get_data())
        resources = page["/Resources"]
        for name, xobject in sorted(resources.get("/XObject", {}).items()):
            digest.update(name.encode() + xobject.get_object().get_data())
        for name, font in sorted(resources.get("/Font", {}).items()):
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            digest.update(name.encode() + descriptor["/FontFile2"].get_object().get_data())
    return digest.hexdigest()


def test_the_fixture_covers_approved_minutes_and_one_under_justering():
    assert sum(v["approved"] for v in BEFORE) == 5 and sum(not v["approved"] for v in BEFORE) == 1


@pytest.mark.parametrize("stored", BEFORE, ids=lambda v: f"granskning{v['review_id']}-v{v['version']}")
def test_an_older_document_reads_without_losing_a_word(stored):
    document = read(stored["content"])
    assert document.format == 1
    assert {k: v for k, v in document.as_json().items() if k != "format"} == stored["content"]
    assert content_hash(stored["content"]) == stored["content_sha256"]


@pytest.mark.parametrize("stored", BEFORE, ids=lambda v: f"granskning{v['review_id']}-v{v['version']}")
def test_an_older_document_prints_byte_identical_as_a_draft(stored):
    stamp = Stamp(draft=True, checksum=stored["content_sha256"], approved=stored["approval_times"])
    pdf = render(read(stored["content"]), stamp)
    assert _timeless(pdf) == stored["draft_pdf_normalised"]


@pytest.mark.parametrize("stored", [v for v in BEFORE if v["approved"]],
                         ids=lambda v: f"granskning{v['review_id']}-v{v['version']}")
def test_an_older_approved_document_prints_the_same_pages_as_pdfa(stored):
    stamp = Stamp(draft=False, checksum=stored["content_sha256"], approved=stored["approval_times"],
                  content_json=content_bytes(stored["content"]), created=datetime(2025, 3, 13, 10, tzinfo=UTC))
    pdf = render(read(stored["content"]), stamp)
    assert b"<pdfaid:part>3</pdfaid:part>" in pdf and _timeless(pdf) != stored["pdf_normalised"]
    assert _pages(pdf) == stored["pages_sha256"]


def test_a_new_document_names_its_format_and_refuses_an_unknown_key():
    from core.errors import UserError

    stored = BEFORE[0]["content"]
    assert MinutesContent.model_validate(stored).as_json()["format"] == FORMAT
    with pytest.raises(UserError, match="sektioner saknas eller är fel"):
        read({**stored, "sektioner": []})
    block = stored["sections"][0]["blocks"][0]
    with pytest.raises(UserError, match="sections.0.blocks.0 saknas eller är fel"):
        read({**stored, "sections": [{**stored["sections"][0], "blocks": [{**block, "kind": "bild"}]}]})


# #21 changed what the demo's § 5 says, and only that: an indicator that a table of the bokslut also measures
# (training, dose) shows the table's figure beside it with both definitions; and the 2025 bokslut took SSM's DRL
# table, so KARD's coronary angiography (38 against 11 Gy·cm²) is flagged in § 5 and decided in § 7 of its 2026
# minutes; criteria v3 corrected the criterion texts the gaps quote; and a free action says what it answers.
# Nothing else may change.
CHANGED_BY_THE_DRL_TABLE = {"annual_report", "findings"}
CHANGED_BY_ONE_FIGURE = {"annual_report"}  # also: a missing part of the bokslut is said to be missing
CHANGED_BY_CRITERIA_V3 = {"self_assessment"}  # the gaps quote the corrected criteria texts
CHANGED_BY_ANSWERS = {"findings"}  # a free action says what it answers ("Svarar mot"), no longer "–"


# #22 gave the agenda template's plain §§ a standard decision or note ("Beslutades att godkänna dagordningen.",
# "Inga övriga frågor anmäldes.", "Ordföranden förklarade mötet avslutat."), stored on a new review's agenda so that
# no § prints empty. A plain § may gain exactly its standard text; nothing else in it may change.
def _without_standard_texts(section):
    """The section without the standard decision or note the agenda template gives its §, if it is a plain one."""
    from core.documents.content import Text
    from core.services import agenda
    from core.services.minutes_content import decision_lines

    item = next((i for i in agenda.template() if section.heading.endswith(f" {i['title']}")), None)
    if section.kind != "other" or item is None:
        return section
    standard = [Text(text=item["note"])] if item.get("note") else decision_lines(item.get("decision"))
    return section.model_copy(update={"blocks": [b for b in section.blocks if b not in standard]})


def _with_notes_headings(document: MinutesContent, notes: set[str]) -> MinutesContent:
    """The document as format 4 builds it: a §'s notes after its tables under their own small heading (#22)."""
    from core.documents.content import Subheading, Text

    sections = []
    for section in document.sections:
        blocks = []
        for n, block in enumerate(section.blocks):
            if n and isinstance(block, Text) and block.record is None and block.text in notes:
                blocks.append(Subheading(text="Anteckningar"))
            blocks.append(block)
        sections.append(section.model_copy(update={"blocks": blocks}))
    return document.model_copy(update={"sections": sections})


def _sections(content: dict) -> dict[str, dict]:
    """A document's sections by kind."""
    return {section["kind"]: section for section in content["sections"]}


def test_the_demo_freezes_the_same_minutes_as_before(tmp_path):
    """Built anew from the same demo (same day), every frozen version says and prints exactly what it said before,
    but in the §§ that #21 changed on purpose (the bokslut's figures, the corrected criteria, KARD's DRL).

    Format 3 only adds the marks on the blocks that show the record; inferred from an older document's layout
    (what a reopen does with a version frozen before the marks), they are the marks the builder sets.
    """
    from datetime import UTC, datetime

    from sqlmodel import Session, select

    from core.db import make_engine, upgrade
    from core.demo import load_demo
    from core.models import AgendaItem, MinutesVersion
    from core.services.auth import SYSTEM_ACTOR

    url = f"sqlite:///{tmp_path / 'demo.db'}"
    upgrade(url)
    with Session(make_engine(url)) as session:
        load_demo(session, actor=SYSTEM_ACTOR, now=datetime(2026, 3, 1, tzinfo=UTC))
        frozen = {(v.review_id, v.version): v.content for v in session.exec(select(MinutesVersion))}
        notes = {i.notes for i in session.exec(select(AgendaItem)) if i.notes}
    assert set(frozen) == {(v["review_id"], v["version"]) for v in BEFORE}
    marks = 0
    for stored in BEFORE:
        now = read(frozen[stored["review_id"], stored["version"]])
        assert now.format == FORMAT
        as_before = infer_marks(read(stored["content"])).model_copy(update={"format": FORMAT})
        expected = _with_notes_headings(as_before, notes)
        headed = expected != as_before
        marks += sum(b.record is not None for s in now.sections for b in s.blocks)
        kard_2026 = now.number.startswith("KARD") and now.number.endswith("/2026")
        allowed = CHANGED_BY_CRITERIA_V3 | CHANGED_BY_ONE_FIGURE | CHANGED_BY_ANSWERS | (
            CHANGED_BY_THE_DRL_TABLE if kard_2026 else set())
        stripped = now.model_copy(update={"sections": [_without_standard_texts(s) for s in now.sections]})
        changed = {s.kind for s, e in zip(stripped.sections, expected.sections) if s != _without_standard_texts(e)}
        assert all(b in s.blocks for s, e in zip(now.sections, expected.sections) for b in e.blocks
                   if s.kind == "other"), now.number  # a plain § only gains its standard text, loses nothing
        assert changed <= allowed, now.number
        assert now.model_copy(update={"sections": []}) == expected.model_copy(update={"sections": []})
        assert [s.heading for s in now.sections] == [s.heading for s in expected.sections]
        decided = json.dumps(_sections(now.as_json())["findings"], ensure_ascii=False)
        assert "Övriga frågor:" in decided or "Bokslut 2024" in decided or kard_2026, now.number
        if kard_2026:
            words = json.dumps(_sections(now.as_json())["findings"], ensure_ascii=False)
            assert "DRL-KORONARANGIOGRAFI-DAP-ANGIOLABB-2" in words and "38 Gy·cm²" in words
        words = json.dumps(_sections(now.as_json())["annual_report"], ensure_ascii=False)
        if not now.number.startswith("ONK"):  # ONK's bokslut has no training table
            assert "Enligt tabellen Utbildning" in words and "giltig" in words
        if now.number.endswith("/2025"):  # the 2024 bokslut has no Sammanfattning
            assert words.count(PART_MISSING) == 3
        if changed or headed:
            continue
        # A plain § differs at most by its standard text (checked above): print it as before, and all else must match.
        now = now.model_copy(update={"sections": [e if s.kind == "other" else s
                                                  for s, e in zip(now.sections, expected.sections)]})
        assert now == expected, now.number
        stamp = Stamp(draft=True, checksum=stored["content_sha256"], approved=stored["approval_times"])
        # Printed as the format it was frozen in: format 4 prints a cut word with a hyphen and charts from zero.
        printed = render(now.model_copy(update={"format": 3}), stamp)
        assert _timeless(printed) == stored["draft_pdf_normalised"]
        if stored["approved"]:  # approved minutes are PDF/A since #23: the same pages in another file
            stamp = Stamp(draft=False, checksum=stored["content_sha256"], approved=stored["approval_times"],
                          content_json=content_bytes(stored["content"]), created=datetime(2025, 3, 13, 10, tzinfo=UTC))
            assert _pages(render(now.model_copy(update={"format": 3}), stamp)) == stored["pages_sha256"]


def test_a_damaged_stored_document_is_refused_in_swedish():
    """The hostile backups carry a bare content document; reading it names what is missing, in Swedish."""
    from core.errors import UserError

    with pytest.raises(UserError, match=r"Protokollets lagrade innehåll \(protokoll RTG 1/2026\) går inte att läsa: "
                                        r"title, organisation, licence_number saknas eller är fel"):
        read({"number": "RTG 1/2026"})
