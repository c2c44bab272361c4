"""Approved minutes are PDF/A-3b that carry the frozen content document; drafts are ordinary PDFs with UTKAST (#23)."""
import hashlib
import io
import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from core.documents.minutes_pdf import Stamp
from core.errors import UserError
from core.models import MinutesVersion
from core.services._integrity import content_bytes
from core.services._queries import minutes_record
from core.services.minutes_document import content_hash, render, render_approved, review_minutes_pdf
from tests.conftest import PROJECT_DIR
from tests.core.conftest import approve_all, decide, make_review
from tests.factories import NOW

NS = {"x": "adobe:ns:meta/", "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "dc": "http://purl.org/dc/elements/1.1/",
      "xmp": "http://ns.adobe.com/xap/1.0/", "pdf": "http://ns.adobe.com/pdf/1.3/",
      "pdfaid": "http://www.aiim.org/pdfa/ns/id/", "sp": "urn:stralsakerhetsportalen:protokoll:1.0#",
      "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#", "pdfaProperty": "http://www.aiim.org/pdfa/ns/property#"}
BASE_14 = {"Courier", "Helvetica", "Times", "Symbol", "ZapfDingbats"}
DEMO = json.loads((PROJECT_DIR / "tests" / "data" / "demo-minutes-format-1.json").read_text(encoding="utf-8"))[0]


def _demo_frozen() -> MinutesVersion:
    """The demo's first approved minutes (with its key-indicator chart), as a frozen version approved at 10:00."""
    return MinutesVersion(review_id=1, version=1, content=DEMO["content"], content_sha256=DEMO["content_sha256"],
                          frozen_at=datetime(2025, 3, 12, 16, tzinfo=UTC),
                          approved_at=datetime(2025, 3, 13, 9, tzinfo=UTC))


@pytest.fixture
def approved(session, rtg):
    """Minutes approved the ordinary way: (the stored PDF, its frozen version)."""
    review = make_review(session, rtg)
    decide(session, rtg, review, title="Optimera CT-protokoll för barn – åtgärd ≥ 3 mSv")
    approve_all(session, rtg, review)
    return review_minutes_pdf(session, actor=rtg["erik"], review_id=review.id), minutes_record(session, review)


@pytest.fixture(params=["godkänt i portalen", "demots protokoll med diagram"])
def printed(request):
    """An approved PDF with the frozen version it was printed from: the approval flow's, and the demo's with a chart."""
    if request.param == "godkänt i portalen":
        return request.getfixturevalue("approved")
    frozen = _demo_frozen()
    return render_approved(frozen, DEMO["approval_times"]), frozen


def _xmp(reader: PdfReader) -> ET.Element:
    """The document's XMP packet, parsed."""
    return ET.fromstring(reader.trailer["/Root"]["/Metadata"].get_object().get_data())


def _text(xmp: ET.Element, path: str) -> str | None:
    """The text of the first XMP element at path (prefixes as in NS), or None."""
    found = xmp.find(path, NS)
    return None if found is None else found.text


def _objects(reader: PdfReader):
    """Every indirect object of the file, resolved."""
    for number in range(1, reader.trailer["/Size"]):
        obj = reader.get_object(number)
        if obj is not None:
            yield obj


def _keys(obj) -> set[str]:
    """Every dictionary key in an object and the direct objects inside it."""
    keys: set[str] = set()
    if isinstance(obj, DictionaryObject):
        for key, value in obj.items():
            keys |= {key} | _keys(value)
    elif isinstance(obj, list):
        for value in obj:
            keys |= _keys(value)
    return keys


def test_an_approved_pdf_declares_pdfa_3b_with_title_language_and_id(printed):
    pdf, frozen = printed
    reader = PdfReader(io.BytesIO(pdf))
    xmp, catalog = _xmp(reader), reader.trailer["/Root"]
    assert pdf.startswith(b"%PDF-1.7\n%") and all(byte > 127 for byte in pdf[10:14])
    assert _text(xmp, ".//pdfaid:part") == "3" and _text(xmp, ".//pdfaid:conformance") == "B"
    assert catalog["/Lang"] == "sv-SE" and _text(xmp, ".//dc:language/rdf:Bag/rdf:li") == "sv-SE"
    assert reader.metadata.title == frozen.content["title"] == _text(xmp, ".//dc:title/rdf:Alt/rdf:li")
    first, second = reader.trailer["/ID"]
    assert len(first.original_bytes) == 16 and first == second


def test_an_approved_pdf_has_an_srgb_output_intent_with_its_icc_profile(printed):
    reader = PdfReader(io.BytesIO(printed[0]))
    (intent,) = [i.get_object() for i in reader.trailer["/Root"]["/OutputIntents"]]
    assert intent["/S"] == "/GTS_PDFA1" and intent["/OutputConditionIdentifier"] == "sRGB"
    profile = intent["/DestOutputProfile"].get_object()
    icc = profile.get_data()
    assert profile["/N"] == 3 and icc[36:40] == b"acsp" and icc[16:20] == b"RGB " and len(icc) > 1000


def test_every_font_of_every_page_is_embedded(printed):
    reader = PdfReader(io.BytesIO(printed[0]))
    fonts = [f.get_object() for page in reader.pages for f in page["/Resources"]["/Font"].values()]
    assert len(reader.pages) >= 2 and fonts  # the footer's page number is on every page, in the same font
    for font in fonts:
        descendant = font["/DescendantFonts"][0].get_object()
        assert font["/Subtype"] == "/Type0" and descendant["/Subtype"] == "/CIDFontType2"
        assert descendant["/FontDescriptor"]["/FontFile2"].get_object().get_data()
        assert not any(name in font["/BaseFont"] for name in BASE_14)
    assert not any(obj.get("/Subtype") in ("/Type1", "/TrueType", "/Type3") for obj in _objects(reader)
                   if isinstance(obj, DictionaryObject) and obj.get("/Type") == "/Font")


def test_an_approved_pdf_has_no_encryption_and_no_javascript(printed):
    reader = PdfReader(io.BytesIO(printed[0]))
    assert "/Encrypt" not in reader.trailer and not reader.is_encrypted
    keys = set().union(*(_keys(obj) for obj in _objects(reader)))
    assert {"/Type", "/Lang", "/Names"} <= keys  # the walk does see the catalog
    assert not keys & {"/JS", "/JavaScript", "/AA"}


def test_info_and_xmp_say_the_same(printed):
    pdf, frozen = printed
    reader = PdfReader(io.BytesIO(pdf))
    info, xmp = reader.metadata, _xmp(reader)
    assert info.subject == _text(xmp, ".//dc:description/rdf:Alt/rdf:li") and "Justerat protokoll" in info.subject
    assert info.creator == _text(xmp, ".//xmp:CreatorTool") == "Strålsäkerhetsportalen"
    assert info["/Keywords"] == _text(xmp, ".//pdf:Keywords") == f"contentSha256={frozen.content_sha256}"
    assert info.producer is None and _text(xmp, ".//pdf:Producer") is None
    assert info.creation_date == datetime.fromisoformat(_text(xmp, ".//xmp:CreateDate"))
    assert _text(xmp, ".//xmp:ModifyDate") == _text(xmp, ".//xmp:CreateDate")


def _created(pdf: bytes) -> datetime:
    """When a PDF says it was created (Info)."""
    return PdfReader(io.BytesIO(pdf)).metadata.creation_date


def test_an_approved_pdf_counts_as_created_at_the_approval_and_a_reprint_is_the_same_file():
    frozen = _demo_frozen()
    assert _created(render_approved(frozen, DEMO["approval_times"])) == frozen.approved_at
    at = datetime(2025, 3, 13, 10, 0, 0, 123, tzinfo=UTC)
    assert _created(render_approved(frozen, DEMO["approval_times"], created=at)) == at.replace(microsecond=0)
    assert render_approved(frozen, DEMO["approval_times"]) == render_approved(frozen, DEMO["approval_times"])
    later = frozen.model_copy(update={"approved_at": frozen.approved_at + timedelta(minutes=1)})
    assert render_approved(later, DEMO["approval_times"]) != render_approved(frozen, DEMO["approval_times"])
    unapproved = frozen.model_copy(update={"approved_at": None})  # printed before the approval is written
    assert _created(render_approved(unapproved, DEMO["approval_times"])) == frozen.frozen_at


def test_the_frozen_content_is_attached_as_protokoll_json_with_the_checksum_printed(printed):
    pdf, frozen = printed
    reader = PdfReader(io.BytesIO(pdf))
    (spec,) = [s.get_object() for s in reader.trailer["/Root"]["/AF"]]
    assert spec["/F"] == spec["/UF"] == "protokoll.json" and spec["/AFRelationship"] == "/Source"
    stream = spec["/EF"]["/F"].get_object()
    attached = stream.get_data()
    assert stream["/Subtype"] == "/application/json" and stream["/Params"]["/Size"] == len(attached)
    assert hashlib.sha256(attached).hexdigest() == frozen.content_sha256 == content_hash(json.loads(attached))
    assert attached == json.dumps(frozen.content, sort_keys=True, ensure_ascii=False).encode()
    assert reader.attachments == {"protokoll.json": [attached]}  # listed in the catalog's /EmbeddedFiles too
    text = " ".join(page.extract_text() for page in reader.pages).replace(" ", "").replace("\n", "")
    assert frozen.content_sha256 in text


def test_metadata_lines_are_printed_into_xmp_with_their_schema_and_into_info():
    head = hashlib.sha256(b"historikens huvud").hexdigest()
    frozen = _demo_frozen()
    pdf = render_approved(frozen, DEMO["approval_times"], metadata={"historyHead": head, "chainLength": "4711"})
    reader = PdfReader(io.BytesIO(pdf))
    xmp = _xmp(reader)
    assert _text(xmp, ".//sp:historyHead") == head and _text(xmp, ".//sp:chainLength") == "4711"
    assert _text(xmp, ".//sp:contentSha256") == frozen.content_sha256
    keywords = f"contentSha256={frozen.content_sha256}; historyHead={head}; chainLength=4711"
    assert reader.metadata["/Keywords"] == _text(xmp, ".//pdf:Keywords") == keywords
    schema = xmp.find(".//pdfaSchema:namespaceURI/..", NS)
    assert _text(schema, "pdfaSchema:prefix") == "stralportal" and _text(schema, "pdfaSchema:namespaceURI") == NS["sp"]
    assert [e.text for e in schema.iterfind(".//pdfaProperty:name", NS)] == ["contentSha256", "historyHead",
                                                                            "chainLength"]


def test_a_metadata_name_that_is_no_xml_name_is_refused():
    with pytest.raises(ValueError, match="property name"):
        render_approved(_demo_frozen(), DEMO["approval_times"], metadata={"history head": "x"})
    with pytest.raises(ValueError, match="property name"):
        render_approved(_demo_frozen(), DEMO["approval_times"], metadata={"historyHead": "a\x00b"})


def test_stored_content_that_does_not_match_its_checksum_is_not_printed_as_approved():
    frozen = _demo_frozen()
    frozen.content = {**frozen.content, "place": "Någon annanstans"}
    with pytest.raises(UserError, match=r"Protokoll RTG 1/2025 version 1: det lagrade innehållet stämmer inte med "
                                        r"protokollets kontrollsumma"):
        render_approved(frozen, DEMO["approval_times"])


def test_a_draft_is_no_pdfa_and_says_utkast(session, rtg):
    review = make_review(session, rtg)
    decide(session, rtg, review)
    pdf = review_minutes_pdf(session, actor=rtg["erik"], review_id=review.id, with_chart=False)
    reader = PdfReader(io.BytesIO(pdf))
    catalog = reader.trailer["/Root"]
    assert b"pdfaid" not in pdf and "/Metadata" not in catalog and "/OutputIntents" not in catalog
    assert "/AF" not in catalog and reader.attachments == {}
    assert all("UTKAST" in page.extract_text() for page in reader.pages)


def test_a_draft_of_frozen_content_is_no_pdfa_either():
    stamp = Stamp(draft=True, checksum=DEMO["content_sha256"], approved=DEMO["approval_times"],
                  content_json=content_bytes(DEMO["content"]), created=NOW, metadata={"historyHead": "0" * 64})
    from core.documents.content import read

    pdf = render(read(DEMO["content"]), stamp)
    assert b"pdfaid" not in pdf and b"protokoll.json" not in pdf and b"historyHead" not in pdf
    assert "UTKAST" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
