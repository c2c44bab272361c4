"""The minutes as a record: frozen at justering, stored at approval, unchanged by later edits; races; rules."""
import hashlib
import io
import json
from datetime import date

import pytest
from pypdf import PdfReader
from sqlmodel import Session, select

from core import db, history
from core.cli import main
from core.enums import ReviewStatus
from core.errors import InvalidInput, UserError
from core.models import (
    Action,
    AgendaItem,
    Answer,
    Clinic,
    Finding,
    MinutesVersion,
    Organisation,
    Review,
)
from core.services import actions, agenda, clinical_audits, minutes, minutes_document, reviews
from core.services import self_assessments as sa
from core.services._queries import minutes_record
from core.services.annual_report_import import import_annual_report
from core.services.auth import SYSTEM_ACTOR
from core.services.minutes_content import build_content
from core.services.minutes_document import review_minutes_pdf
from tests.annual_report_files import SAMPLE_2025, sample, workbook_bytes
from tests.conftest import reset_schema
from tests.core.conftest import approve_all, decide, decide_the_rest, make_review, mark_present
from tests.factories import NOW
from tests.race import race

CRITERIA = """name: Test
version: "{version}"
areas:
  - code: A
    name: Ledning
    criteria:
      - {{id: A1, text: {text}}}
      - {{id: A2, text: Ansvar dokumenterat}}
"""


@pytest.fixture
def engine(database_url):
    """A database file (or PostgreSQL), not in-memory SQLite: the race tests' threads need connections of their own."""
    engine = db.make_engine(database_url)
    reset_schema(engine)
    yield engine
    engine.dispose()


def _raw(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _text(pdf: bytes) -> str:
    return " ".join(_raw(pdf).split())


def _load_criteria(session, version="1", text="Organisation finns"):
    sa.load_criteria_set(session, actor=SYSTEM_ACTOR, text=CRITERIA.format(version=version, text=text), now=NOW)


def _gap(session, rtg, year) -> dict:
    """Start the year's self-assessment: A1 at level 1 (a gap), A2 unanswered; return code → (answer, criterion)."""
    assessment = sa.start(session, actor=rtg["erik"], clinic_id=rtg["clinic"].id, year=year, copy_last_year=False,
                          now=NOW)
    answers = {criterion.code: (answer, criterion)
               for answer, criterion in sa.answers(session, actor=SYSTEM_ACTOR, assessment_id=assessment.id)}
    sa.save_answer(session, actor=rtg["erik"], answer_id=answers["A1"][0].id, level=1, not_applicable=False,
                   reason=None, evidence=None, comment=None, now=NOW, expected_version=answers["A1"][0].version)
    return answers


def test_approved_minutes_stay_byte_identical_whatever_their_sources_become(session, rtg):
    org = session.get(Organisation, rtg["clinic"].organisation_id)
    with history.unrecorded(session):
        org.name = "Demosjukhuset"  # the sample bokslut's organisation
    first = make_review(session, rtg)
    earlier = decide(session, rtg, first, title="Optimera CT-protokoll")
    approve_all(session, rtg, first)
    import_annual_report(session, actor=SYSTEM_ACTOR, data=SAMPLE_2025.read_bytes(), filename="bokslut.xlsx", now=NOW)
    _load_criteria(session)
    answers = _gap(session, rtg, 2026)
    review = make_review(session, rtg, year=2026, day=date(2026, 3, 11))
    follow_up, followed, _ = actions.follow_ups(session, actor=SYSTEM_ACTOR, review_id=review.id)[0]
    actions.record_follow_up(session, actor=rtg["erik"], follow_up_id=follow_up.id, status="cancelled", comment=None,
                             cancel_reason="Ersatt av ny rutin", expected_version=followed.version,
                             today=date(2026, 3, 11), now=NOW)
    finding = session.exec(select(Finding).where(Finding.code == "B-2025-01")).one()
    decide(session, rtg, review, title="Sänk DLP för CT buk", due=date(2026, 9, 30), finding_id=finding.id)
    actions.decide_no_action(session, actor=rtg["anna"], review_id=review.id, reason="Rutinen ses över ändå.",
                             now=NOW, criterion_id=answers["A1"][1].id)
    decide_the_rest(session, rtg, review)
    approve_all(session, rtg, review)
    session.commit()
    frozen = minutes_record(session, review)
    pdf, checksum = frozen.pdf, frozen.content_sha256
    printed = _text(pdf)
    assert "Ersatt av ny rutin" in printed and "B-2025-01" in printed and "Rutinen ses över ändå." in printed

    # Every source the minutes print from changes after the approval.
    workbook = sample()
    workbook["Sammanfattning"]["C5"] = "Rättad text efter justeringen."
    import_annual_report(session, actor=SYSTEM_ACTOR, data=workbook_bytes(workbook), filename="bokslut-v2.xlsx",
                         replace=True, now=NOW)
    rtg["clinic"].name, org.name = "Bild- och funktionsmedicin", "Nya sjukhuset"
    rtg["users"]["anna"].name = "Anna Bergström"
    session.add_all([rtg["clinic"], org, rtg["users"]["anna"]])
    clinical_audits.register(session, actor=rtg["erik"], clinic_id=rtg["clinic"].id, report=None, now=NOW,
                             data={"audit_date": date(2026, 3, 10), "scope": "CT buk", "auditors": "Johan Sund"},
                             findings=[{"description": "Ny brist efter justeringen", "severity": "high"}])
    actions.update_action(session, actor=rtg["erik"], action_id=earlier.id, status="cancelled",
                          cancel_reason="Nytt skäl efter justeringen", expected_version=earlier.version,
                          today=date(2026, 4, 1), now=NOW)
    _load_criteria(session, version="2", text="Organisationen är dokumenterad")
    session.commit()
    with pytest.raises(UserError, match="ingår i protokollet för genomgången 2026, som är justerat"):
        sa.save_answer(session, actor=rtg["erik"], answer_id=answers["A2"][0].id, level=4, not_applicable=False,
                       reason=None, evidence=None, comment=None, now=NOW, expected_version=answers["A2"][0].version)
    session.rollback()
    session.expire_all()
    assert session.get(Answer, answers["A2"][0].id).level is None

    review = session.get(Review, review.id)
    live = json.dumps(build_content(session, actor=rtg["erik"], review=review).as_json(), ensure_ascii=False)
    for changed in ("Bild- och funktionsmedicin", "Nya sjukhuset", "Anna Bergström", "Ny brist efter justeringen",
                    "Nytt skäl efter justeringen", "Rättad text efter justeringen."):
        assert changed in live  # the changes took: only the freeze keeps them out of the minutes
    stored = review_minutes_pdf(session, actor=rtg["erik"], review_id=review.id)
    frozen = minutes_record(session, review)
    assert stored == pdf and hashlib.sha256(stored).hexdigest() == frozen.pdf_sha256
    assert frozen.content_sha256 == checksum == minutes.content_hash(frozen.content)


def test_reopened_minutes_keep_version_1_and_version_2_says_what_it_replaces(session, rtg):
    review = make_review(session, rtg)
    decide(session, rtg, review)
    approve_all(session, rtg, review)
    session.commit()
    first = bytes(minutes_record(session, review).pdf)
    minutes.reopen(session, actor=rtg["anna"], review_id=review.id, reason="Fel datum i § 9", now=NOW)
    item = agenda.items(session, actor=SYSTEM_ACTOR, review_id=review.id)[7]
    agenda.save_notes(session, actor=rtg["erik"], item_id=item.id, notes="Tillägg efter återöppning", decisions="",
                      now=NOW, expected_version=item.version)
    approve_all(session, rtg, review)
    session.commit()
    session.expire_all()
    versions = minutes_document.approved_versions(session, actor=rtg["erik"], review_id=review.id)
    assert [v.version for v in versions] == [1, 2]
    assert minutes_document.approved_pdf(session, actor=rtg["erik"], review_id=review.id, version=1) == first
    assert versions[0].pdf == first and versions[0].reopen_reason == "Fel datum i § 9"
    second = _text(versions[1].pdf)
    assert "Denna version ersätter version 1" in second and "med motiveringen: Fel datum i § 9" in second
    assert "Anna Berg återöppnade protokollet" in second
    assert "Tillägg efter återöppning" in second and "Tillägg efter återöppning" not in _text(first)
    assert review_minutes_pdf(session, actor=rtg["erik"], review_id=review.id) == versions[1].pdf


def _ready(session, rtg) -> tuple[Review, int]:
    """A held review with its justerare chosen, committed; return it and the id of § 8 Övriga frågor."""
    review = make_review(session, rtg)
    mark_present(session, rtg, review)
    minutes.choose_adjusters(session, actor=rtg["erik"], review_id=review.id, user_ids=[rtg["users"]["nils"].id],
                             now=NOW)
    item_id = agenda.items(session, actor=SYSTEM_ACTOR, review_id=review.id)[7].id
    session.commit()
    return review, item_id


def test_a_note_racing_the_freeze_is_in_the_frozen_minutes_or_refused(session, rtg, engine):
    review, item_id = _ready(session, rtg)
    saved_first = set()
    for round_ in range(9):
        note = f"Anteckning i runda {round_}"
        first = [1, 0, None][round_ % 3]  # the note during the freeze, before it, a true race
        saved, sent = race(
            engine,
            lambda s, note=note: agenda.save_notes(s, actor=rtg["erik"], item_id=item_id, notes=note, decisions="",
                                                   now=NOW, expected_version=s.get(AgendaItem, item_id).version),
            lambda s: minutes.send_for_approval(s, actor=rtg["anna"], review_id=review.id, now=NOW), first=first)
        assert isinstance(sent, Review) and (saved is None or isinstance(saved, UserError)), (saved, sent)
        assert first is None or (saved is None) == (first == 0), (first, saved)
        session.expire_all()
        frozen = minutes_record(session, session.get(Review, review.id))
        in_minutes = note in json.dumps(frozen.content, ensure_ascii=False)
        assert in_minutes if saved is None else not in_minutes and session.get(AgendaItem, item_id).notes != note
        saved_first.add(saved is None)
        minutes.return_to_meeting(session, actor=rtg["erik"], review_id=review.id, now=NOW)
        session.commit()
    assert saved_first == {True, False}  # both orders happened


def test_a_note_racing_the_last_approval_is_refused_and_the_approval_stands(session, rtg, engine):
    review, item_id = _ready(session, rtg)
    for round_ in range(4):
        minutes.send_for_approval(session, actor=rtg["erik"], review_id=review.id, now=NOW)
        minutes.approve(session, actor=rtg["anna"], review_id=review.id, now=NOW)
        minutes.approve(session, actor=rtg["erik"], review_id=review.id, now=NOW)
        session.commit()
        note = f"Sen anteckning {round_}"
        saved, approved = race(
            engine,
            lambda s, note=note: agenda.save_notes(s, actor=rtg["erik"], item_id=item_id, notes=note, decisions="",
                                                   now=NOW, expected_version=s.get(AgendaItem, item_id).version),
            lambda s: minutes.approve(s, actor=rtg["nils"], review_id=review.id, now=NOW),
            first=[0, 1, None, None][round_])  # the note first, the approval first, then true races
        assert isinstance(approved, Review) and isinstance(saved, UserError), (saved, approved)
        session.expire_all()
        current = session.get(Review, review.id)
        frozen = minutes_record(session, current)
        assert current.status == ReviewStatus.APPROVED and frozen.pdf_sha256 == hashlib.sha256(frozen.pdf).hexdigest()
        assert note not in _text(frozen.pdf) and session.get(AgendaItem, item_id).notes != note
        minutes.reopen(session, actor=rtg["anna"], review_id=review.id, reason=f"Runda {round_}", now=NOW)
        session.commit()
    assert len(minutes_document.approved_versions(session, actor=rtg["erik"], review_id=review.id)) == 4


def test_justering_rules_chair_justerare_owners_findings_and_the_protokollforare(session, rtg):
    anna, erik, nils, karin = (rtg["users"][k] for k in ("anna", "erik", "nils", "karin"))
    details = {"meeting_date": date(2025, 3, 12), "chair_id": erik.id, "secretary_id": erik.id}
    with pytest.raises(InvalidInput, match="Ordförande: Erik Lind får inte justera"):
        reviews.create_review(session, actor=rtg["erik"], clinic_id=rtg["clinic"].id, year=2025, data=details, now=NOW)
    review = make_review(session, rtg)
    with pytest.raises(InvalidInput, match="Ordförande: Erik Lind får inte justera"):
        reviews.update_review(session, actor=rtg["erik"], review_id=review.id, data=details,
                              expected_version=review.version, now=NOW)
    assert review.chair_id == anna.id
    with pytest.raises(InvalidInput, match="Nils Ek är inte antecknad som närvarande"):
        minutes.choose_adjusters(session, actor=rtg["erik"], review_id=review.id, user_ids=[nils.id], now=NOW)
    mark_present(session, rtg, review)
    with pytest.raises(InvalidInput, match="ordföranden justerar redan"):
        minutes.choose_adjusters(session, actor=rtg["erik"], review_id=review.id, user_ids=[anna.id], now=NOW)
    with pytest.raises(InvalidInput, match="Ansvarig: Karin Öberg hör inte till kliniken"):
        decide(session, rtg, review, owner_id=karin.id)
    nm = session.exec(select(Clinic).where(Clinic.code == "NM")).one()
    audit = clinical_audits.register(session, actor=SYSTEM_ACTOR, clinic_id=nm.id, report=None, now=NOW,
                                     data={"audit_date": date(2025, 2, 1), "scope": "PET", "auditors": "Mats"},
                                     findings=[{"description": "Brist på NM", "severity": "medium"}])
    foreign = session.exec(select(Finding).where(Finding.clinical_audit_id == audit.id)).one()
    with pytest.raises(InvalidInput, match="hör till en annan klinik"):
        decide(session, rtg, review, finding_id=foreign.id)
    with pytest.raises(InvalidInput, match="hör till en annan klinik"):
        actions.decide_no_action(session, actor=rtg["anna"], review_id=review.id, reason="Inte vår", now=NOW,
                                 finding_id=foreign.id)
    assert actions.review_actions(session, actor=SYSTEM_ACTOR, review_id=review.id) == []
    assert minutes.warnings(session, actor=SYSTEM_ACTOR, review_id=review.id) == []
    same = {**details, "chair_id": anna.id, "secretary_id": anna.id}
    reviews.update_review(session, actor=rtg["erik"], review_id=review.id, data=same, expected_version=review.version,
                          now=NOW)
    warnings = minutes.warnings(session, actor=SYSTEM_ACTOR, review_id=review.id)
    assert "Ordföranden är också protokollförare" in warnings[0]
    reviews.update_review(session, actor=rtg["erik"], review_id=review.id, data={**same, "secretary_id": erik.id},
                          expected_version=review.version, now=NOW)
    minutes.choose_adjusters(session, actor=rtg["erik"], review_id=review.id, user_ids=[nils.id], now=NOW)
    minutes.send_for_approval(session, actor=rtg["erik"], review_id=review.id, now=NOW)
    minutes.approve(session, actor=rtg["anna"], review_id=review.id, now=NOW)
    minutes.approve(session, actor=rtg["nils"], review_id=review.id, now=NOW)
    assert review.status == ReviewStatus.APPROVAL  # the protokollförare has not signed
    minutes.approve(session, actor=rtg["erik"], review_id=review.id, now=NOW)
    assert review.status == ReviewStatus.APPROVED


def test_no_action_on_a_self_assessment_gap_is_decided_once_and_printed_under_the_gap(session, rtg):
    _load_criteria(session)
    criterion = _gap(session, rtg, 2025)["A1"][1]
    review = make_review(session, rtg)
    actions.decide_no_action(session, actor=rtg["anna"], review_id=review.id, reason="Rutinen revideras redan.",
                             now=NOW, criterion_id=criterion.id)
    with pytest.raises(InvalidInput, match="redan beslutat"):
        actions.decide_no_action(session, actor=rtg["anna"], review_id=review.id, reason="Igen", now=NOW,
                                 criterion_id=criterion.id)
    approve_all(session, rtg, review)
    text = _text(review_minutes_pdf(session, actor=rtg["erik"], review_id=review.id))
    gap = text.index("A1 (nivå 1) – Ledning")
    decided = text.index("Beslutades att ingen åtgärd vidtas, med motiveringen: Rutinen revideras redan.")
    assert text.index("§ 6 Genomgång av egenkontroll") < gap < decided < text.index("§ 7 Identifierade brister")


def test_command_line_writes_exactly_the_stored_pdf_of_approved_minutes(demo_env, tmp_path, capsys):
    path = tmp_path / "rtg-2025.pdf"
    assert main(["minutes", "pdf", "--clinic", "RTG", "--year", "2025", "-o", str(path)]) == 0
    out = capsys.readouterr().out
    assert "justerat" in out and "version 1" in out
    engine = db.make_engine(demo_env)
    with Session(engine) as s:
        stored = s.exec(select(MinutesVersion).join(Review, Review.id == MinutesVersion.review_id)
                        .join(Clinic, Clinic.id == Review.clinic_id)
                        .where(Clinic.code == "RTG", Review.year == 2025)).one()
    engine.dispose()
    assert stored.pdf and path.read_bytes() == stored.pdf


def test_demo_2026_minutes_put_each_decision_under_its_own_heading(demo_url):
    engine = db.make_engine(demo_url)
    with Session(engine) as s:
        review = s.exec(select(Review).where(Review.year == 2026)).one()
        assert review.status == ReviewStatus.APPROVAL
        headings = [section["heading"] for section in minutes_record(s, review).content["sections"]]
        decided = s.exec(select(Action.number, Finding.code).join(Finding, Finding.id == Action.finding_id)
                         .where(Action.review_id == review.id)).all()
        raw = _raw(review_minutes_pdf(s, actor=SYSTEM_ACTOR, review_id=review.id, with_chart=False))
    engine.dispose()
    starts = []
    for heading in headings:  # each § heading on a line of its own, in order
        starts.append(raw.index(f"\n{heading}\n", starts[-1] + 1 if starts else 0))
    flat = raw.replace("\n", " ")  # same positions, wrapped lines joined

    def heading_of(at: int | str) -> str:
        at = flat.index(at) if isinstance(at, str) else at
        return headings[max(i for i, start in enumerate(starts) if start < at)]

    assert flat.count("Beslutades att") >= 6 and flat.index("Beslutades att") > starts[0]
    assert heading_of("Beslutades att godkänna dagordningen.").startswith("§ 3 ")
    assert "Uppföljning" in heading_of("Beslutades att skjuta upp åtgärd")
    assert "bokslutet" in heading_of("Beslutades att lägga bokslutet till handlingarna.")
    assert heading_of("Beslutades att nästa genomgång hålls").endswith("Nästa genomgång")
    assert decided
    for number, code in decided:
        finding = flat.index(f"{code} · ")
        decision = flat.index("Beslutades att", finding)
        assert flat.startswith(f"Beslutades att åtgärda bristen genom åtgärd {number}.", decision)
        assert "brister" in heading_of(finding) and heading_of(decision) == heading_of(finding)
