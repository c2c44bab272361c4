"""A reopen starts from the frozen content of the version it replaces, and says what changed against it."""
import io
import json
import subprocess
from datetime import date, timedelta

from pypdf import PdfReader
from sqlmodel import select

from core.documents.content import Table, read
from core.models import Attendance, MinutesVersion, Signature
from core.services import agenda, attendance, clinics, minutes, minutes_document, safety_events
from core.services._integrity import content_hash
from core.services.auth import SYSTEM_ACTOR
from tests.core.conftest import approve_all, decide, make_review
from tests.factories import NOW

LATER = NOW + timedelta(days=120)
EVENT = {"kind": "internal", "occurred_on": date(2024, 5, 6), "ssm_reference": None, "concerns": "worker",
         "description": "Persondosimeter borttappad på lab 2."}
CLINIC = {"name": "Röntgenkliniken", "head_name": "Anna Berg", "coordinator_name": "Erik Lind",
          "protection_officer_name": "Nils Ek", "physicist_name": "Johan Sund", "radiology_lead_name": "Omar Haddad"}


def _approved_v1(session, rtg):
    """Version 1 approved: licence SSM2020-0001, one event in the bokslut year, § 3 decided, one action."""
    clinics.update_organisation(session, actor=SYSTEM_ACTOR, name="Testsjukhuset", licence_holder="Region Test",
                                licence_number="SSM2020-0001", now=NOW)
    event = safety_events.register(session, actor=rtg["erik"], clinic_id=rtg["clinic"].id, data=EVENT,
                                   today=date(2025, 3, 1), now=NOW)
    review = make_review(session, rtg)
    decide(session, rtg, review)
    _decide_in(session, rtg, review, 2, "Dagordningen godkänns.")
    approve_all(session, rtg, review)
    session.commit()
    return review, event


def _decide_in(session, rtg, review, index, decisions):
    """Type a decision into a § as the meeting page does."""
    item = agenda.items(session, actor=SYSTEM_ACTOR, review_id=review.id)[index]
    agenda.save_notes(session, actor=rtg["erik"], item_id=item.id, notes=item.notes or "", decisions=decisions,
                      now=LATER, expected_version=item.version)


def _change_master_data(session, rtg, event):
    """Months later: a new licence number, the event's description and the clinic's name change."""
    clinics.update_organisation(session, actor=SYSTEM_ACTOR, name="Testsjukhuset", licence_holder="Region Test",
                                licence_number="SSM2026-0999", now=LATER)
    safety_events.update(session, actor=rtg["erik"], event_id=event.id, expected_version=event.version,
                         data={**EVENT, "description": "Omskriven beskrivning efter mötet."}, today=LATER.date(),
                         now=LATER)
    clinics.update_clinic(session, actor=SYSTEM_ACTOR, clinic_id=rtg["clinic"].id, now=LATER,
                          data={**CLINIC, "name": "Bild- och funktionsmedicin"},
                          expected_version=rtg["clinic"].version)
    session.commit()


def _stored(session, review, version):
    """The stored MinutesVersion row."""
    session.expire_all()
    return session.exec(select(MinutesVersion).where(MinutesVersion.review_id == review.id,
                                                     MinutesVersion.version == version)).one()


def _changes(content):
    """The § Ändringar of a document, and its rows (none when it says there are none)."""
    section = next(s for s in content.sections if s.kind == "changes")
    table = next((b for b in section.blocks if isinstance(b, Table)), None)
    return section, (table.body if table else [])


def _pdf_text(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())


def test_version_2_keeps_version_1s_master_data_and_names_only_the_meetings_changes(session, rtg, tmp_path):
    review, event = _approved_v1(session, rtg)
    first = _stored(session, review, 1)
    before = (json.dumps(first.content, sort_keys=True), first.content_sha256, bytes(first.pdf), first.pdf_sha256)
    _change_master_data(session, rtg, event)
    minutes.reopen(session, actor=rtg["anna"], review_id=review.id, reason="Beslutet i § 3 var fel formulerat",
                   now=LATER)
    _decide_in(session, rtg, review, 2, "Dagordningen godkänns med tillägg av punkten strålskyddsutbildning.")
    physicist = session.exec(select(Attendance).where(Attendance.review_id == review.id,
                                                      Attendance.name == "Johan Sund")).one()
    attendance.update_attendee(session, actor=rtg["erik"], attendance_id=physicist.id, status="present", now=LATER,
                               expected_version=physicist.version)
    decide(session, rtg, review, title="Utbilda nyanställda i strålskydd")
    approve_all(session, rtg, review)
    session.commit()

    second = read(_stored(session, review, 2).content)
    printed = json.dumps(second.as_json(), ensure_ascii=False)
    assert (second.licence_number, second.clinic) == ("SSM2020-0001", "RTG – Röntgenkliniken")
    assert second.title.endswith("– Röntgenkliniken") and second.version == 2
    for changed in ("SSM2026-0999", "Bild- och funktionsmedicin", "Omskriven beskrivning"):
        assert changed not in printed  # master data changed after the meeting stays out of the record
    bokslut = next(s for s in second.sections if s.kind == "annual_report")
    assert any(EVENT["description"] in row for b in bokslut.blocks if isinstance(b, Table) for row in b.body)
    agenda_approved = second.sections[2]
    assert [b.text for b in agenda_approved.blocks] == [
        "Beslutades att dagordningen godkänns med tillägg av punkten strålskyddsutbildning."]

    section, rows = _changes(second)
    assert section.heading == "§ 11 Ändringar mot version 1" and section is second.sections[-1]
    assert section.blocks[0].text == "Protokollet återöppnades med motiveringen: Beslutet i § 3 var fel formulerat"
    where = [r[0] for r in rows]
    assert rows[where.index("§ 3 Godkännande av dagordning")][1] == (
        "Ändrat: ”Beslutades att dagordningen godkänns med tillägg av punkten strålskyddsutbildning.” "
        "(tidigare ”Beslutades att dagordningen godkänns.”)")
    assert ["§ 1 Mötets öppnande och närvaro",
            "Ändrat: Verksamhetsansvarig sjukhusfysiker · Johan Sund – Närvaro: Kallad → Närvarande"] in rows
    added = [r[1] for r in rows if r[0] == "§ 7 Identifierade brister och beslut om åtgärder"]
    assert any(r.startswith("Tillagt: raden 2 · Utbilda nyanställda i strålskydd · Erik Lind") for r in added)
    assert set(where) == {"§ 1 Mötets öppnande och närvaro", "§ 3 Godkännande av dagordning",
                          "§ 7 Identifierade brister och beslut om åtgärder"}  # nothing of the master data

    first = _stored(session, review, 1)
    assert (json.dumps(first.content, sort_keys=True), first.content_sha256, bytes(first.pdf),
            first.pdf_sha256) == before
    pdf = minutes_document.review_minutes_pdf(session, actor=rtg["erik"], review_id=review.id)
    text = _pdf_text(pdf)
    assert "Ändringar mot version 1" in text and "Beslutet i § 3 var fel formulerat" in text
    assert "SSM2020-0001" in text and "SSM2026-0999" not in text and "Omskriven" not in text
    (tmp_path / "v2.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(tmp_path / "v2.pdf"), str(tmp_path / "sida")], check=True)
    assert list(tmp_path.glob("sida*.png"))


def test_a_reopen_with_no_changes_says_so_on_screen_before_it_is_sent(session, rtg):
    review, _ = _approved_v1(session, rtg)
    minutes.reopen(session, actor=rtg["anna"], review_id=review.id, reason="Kontroll av utskriften", now=LATER)
    draft, _ = minutes_document.content_for(session, actor=rtg["erik"], review_id=review.id)
    section, rows = _changes(draft)
    assert [b.text for b in section.blocks] == ["Protokollet återöppnades med motiveringen: Kontroll av utskriften",
                                                "Inga ändringar i sak mot version 1."]
    assert rows == [] and draft.version == 2
    first = read(_stored(session, review, 1).content)
    same = [s.model_dump() for s in draft.sections[:-1]]
    assert same == [s.model_dump() for s in first.sections]


def test_a_version_frozen_before_the_marks_still_gives_its_bokslut_to_the_next(session, rtg):
    review, event = _approved_v1(session, rtg)
    first = _stored(session, review, 1)
    older = json.loads(json.dumps(first.content).replace(', "record": "annual_report"', ""))
    older = {**older, "format": 2}
    assert "record" not in json.dumps(older["sections"][4])  # the bokslut § as format 2 stored it
    first.content, first.content_sha256 = older, content_hash(older)  # as that version was frozen and signed
    session.add(first)
    for signature in session.exec(select(Signature).where(Signature.review_id == review.id)):
        signature.content_sha256 = first.content_sha256
        session.add(signature)
    session.commit()
    _change_master_data(session, rtg, event)
    minutes.reopen(session, actor=rtg["anna"], review_id=review.id, reason="Rättelse", now=LATER)
    draft, _ = minutes_document.content_for(session, actor=rtg["erik"], review_id=review.id)
    assert "Omskriven" not in json.dumps(draft.as_json(), ensure_ascii=False)
    assert EVENT["description"] in json.dumps(draft.as_json(), ensure_ascii=False)
    assert _changes(draft)[1] == []


def test_the_meeting_shows_the_bokslut_as_the_replaced_version_printed_it_after_a_reopen(session, rtg):
    from core.services import minutes_content
    review, event = _approved_v1(session, rtg)
    _change_master_data(session, rtg, event)
    live, _ = minutes_content.bokslut_as_minutes(session, actor=rtg["erik"], review=review)
    assert "Omskriven beskrivning" in json.dumps([b.model_dump() for b in live], ensure_ascii=False)  # live rows
    minutes.reopen(session, actor=rtg["anna"], review_id=review.id, reason="Rättelse", now=LATER)
    session.commit()
    shown, _ = minutes_content.bokslut_as_minutes(session, actor=rtg["erik"], review=review)
    words = json.dumps([b.model_dump() for b in shown], ensure_ascii=False)
    assert EVENT["description"] in words and "Omskriven beskrivning" not in words  # § 5 in Möte = version 1's
