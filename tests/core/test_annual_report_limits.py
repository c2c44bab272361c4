"""One source for text limits (the models), unique bokslut codes, and a replace that keeps decided findings."""
from datetime import date

import pytest
from sqlalchemy import insert, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import func, select

from core import history
from core.annual_report import schema
from core.errors import InvalidInput
from core.limits import MAX_CELL_CHARS, max_length
from core.models import (
    Action,
    AnnualReport,
    AssessmentTemplate,
    Clinic,
    Criterion,
    Finding,
    FindingDecision,
    Goal,
    Indicator,
    Review,
)
from core.services import annual_report_import as importer
from core.services import clinics as clinic_service
from core.services.auth import SYSTEM_ACTOR
from tests.annual_report_files import SAMPLE_2025, minimal, sample, workbook_bytes
from tests.conftest import POSTGRES_URL
from tests.factories import NOW, TODAY

VALID = {"Kliniker": {"code": "TAND", "name": "Tandvården"},
         "Sammanfattning": {"part": "Uppnådda resultat", "text": "Målen nåddes."},
         "Mål": {"clinic_code": "RTG", "code": "M1", "text": "Färre omtag", "assessment": "Uppfyllt"},
         "Indikatorer": {"clinic_code": "RTG", "code": "I-1", "name": "Medeldos", "value": 1},
         "Brister": {"clinic_code": "RTG", "code": "B-1", "description": "Skärm saknas", "severity": "Hög"},
         "Utbildning": {"clinic_code": "RTG", "staff_group": "Läkare", "staff_count": 10, "trained_count": 5},
         "Persondosimetri": {"clinic_code": "RTG", "staff_group": "Läkare"},
         "DRL": {"clinic_code": "RTG", "examination": "DT buk", "quantity": "DLP"}}
# Dosstorhet and Enhet are checked against SSM's DRL table (test_dose_and_drl_checks.py), not only by length.
CHECKED_AGAINST_THE_TABLE = {("DRL", "quantity"), ("DRL", "unit")}
BOUNDED = [(sheet, column) for sheet in schema.TABLE_SHEETS for column in sheet.columns
           if column.kind == schema.TEXT and sheet.limit(column) < MAX_CELL_CHARS
           and (sheet.name, column.field) not in CHECKED_AGAINST_THE_TABLE]


def _load(session, data: bytes, **kwargs):
    return importer.import_annual_report(session, actor=SYSTEM_ACTOR, data=data, filename="bokslut.xlsx", now=NOW,
                                         **kwargs)


def _one_row(sheet: schema.Sheet, field: str, value: str) -> bytes:
    """A workbook whose sheet has one valid row, with one field set to value."""
    row = {**VALID[sheet.name], field: value}
    return minimal(**{sheet.name: [[c.header for c in sheet.columns], [row.get(c.field) for c in sheet.columns]]})


def test_the_workbook_limits_are_the_models_column_lengths():
    assert max_length(Clinic, "code") == 20 and max_length(Goal, "text") is None
    assert {(s.name, c.header): s.limit(c) for s, c in BOUNDED} == {
        ("Kliniker", "Klinikkod"): 20, ("Kliniker", "Klinik"): 200, ("Kliniker", "Sjukhus"): 200,
        ("Kliniker", "Verksamhetschef"): 200, ("Kliniker", "Strålsäkerhetssamordnare"): 200,
        ("Sammanfattning", "Klinikkod"): 20,
        ("Mål", "Klinikkod"): 20, ("Mål", "Mål-ID"): 50, ("Mål", "Målvärde"): 200, ("Mål", "Utfall"): 200,
        ("Indikatorer", "Klinikkod"): 20, ("Indikatorer", "Indikator-ID"): 50, ("Indikatorer", "Indikator"): 300,
        ("Indikatorer", "Område"): 200, ("Indikatorer", "Enhet"): 50,
        ("Brister", "Klinikkod"): 20, ("Brister", "Brist-ID"): 50, ("Brister", "Område"): 200,
        ("Brister", "Referens"): 300,
        ("Utbildning", "Klinikkod"): 20, ("Utbildning", "Kommentar"): 500,
        ("Persondosimetri", "Klinikkod"): 20, ("Persondosimetri", "Kommentar"): 500,
        ("DRL", "Klinikkod"): 20, ("DRL", "Undersökningstyp"): 200, ("DRL", "Utrustning"): 100,
        ("DRL", "Kommentar"): 500}


@pytest.mark.parametrize("sheet, column", BOUNDED, ids=[f"{s.name}-{c.header}" for s, c in BOUNDED])
def test_every_bounded_text_is_refused_one_character_over_and_stored_at_its_limit(session, portal, sheet, column):
    limit = sheet.limit(column)
    with pytest.raises(InvalidInput) as refused:
        _load(session, _one_row(sheet, column.field, "x" * (limit + 1)))
    assert refused.value.problems == [f"{sheet.name}, rad 2, kolumn {column.header}: texten är {limit + 1} tecken "
                                      f"lång; högst {limit} tecken får plats."]
    session.rollback()
    if column.field != "clinic_code":  # a clinic code at its length is simply unknown
        value = "X" * limit if column.field == "code" and sheet.name == "Kliniker" else "x" * limit
        _load(session, _one_row(sheet, column.field, value))
        session.commit()  # PostgreSQL stores exactly as much as the column holds


def test_the_bokslut_sheet_texts_are_checked_too(session, portal):
    workbook = sample()
    workbook["Bokslut"]["B4"] = "I" * 201
    workbook["Bokslut"]["B6"] = "1" * 51
    with pytest.raises(InvalidInput) as refused:
        _load(session, workbook_bytes(workbook))
    assert refused.value.problems == [
        "Bokslut, rad 4, kolumn Upprättad av: texten är 201 tecken lång; högst 200 tecken får plats.",
        "Bokslut, rad 6, kolumn Version: texten är 51 tecken lång; högst 50 tecken får plats."]


def test_a_text_longer_than_its_column_is_refused_on_saving_from_any_form(session, portal):
    with pytest.raises(InvalidInput) as refused:
        clinic_service.create_clinic(session, actor=SYSTEM_ACTOR, data={"code": "TAND", "name": "T" * 201}, now=NOW)
    assert refused.value.problems == ["Namn: texten är 201 tecken lång; högst 200 tecken får plats."]
    session.rollback()
    rtg = session.exec(select(Clinic).where(Clinic.code == "RTG")).one()
    history.track(session, actor=SYSTEM_ACTOR, now=NOW)  # rows written as no form would, to reach the flush
    review = Review(clinic_id=rtg.id, year=2026, created_at=NOW)
    session.add(review)
    session.flush()
    session.add(Action(clinic_id=rtg.id, review_id=review.id, number=1, title="Å" * 301, owner_name="Erik",
                       due_date=date(2026, 9, 30), created_at=NOW, updated_at=NOW))
    with pytest.raises(InvalidInput, match="^Åtgärd: texten är 301 tecken lång; högst 300 tecken får plats.$"):
        session.flush()


@pytest.mark.skipif(bool(POSTGRES_URL), reason="PostgreSQL never stored an over-long text")
def test_an_old_over_long_text_does_not_block_other_changes_to_its_row(session, portal):
    session.execute(text("UPDATE clinic SET name = :name WHERE code = 'NM'"), {"name": "N" * 250})
    session.commit()
    nm = session.exec(select(Clinic).where(Clinic.code == "NM")).one()
    history.track(session, actor=SYSTEM_ACTOR, now=NOW)
    nm.site = "Demosjukhuset"
    session.commit()  # only the changed column is checked against its length
    stored = session.execute(text("SELECT name, site FROM clinic WHERE code = 'NM'")).one()
    assert tuple(stored) == ("N" * 250, "Demosjukhuset")
    history.track(session, actor=SYSTEM_ACTOR, now=NOW)  # a new change set: the commit closed the last one
    nm.name = "N" * 201  # a change of the over-long text itself is still held to the limit
    with pytest.raises(InvalidInput, match="^Namn: texten är 201 tecken lång; högst 200 tecken får plats.$"):
        session.flush()


def _goal(session, report_id, clinic_id, code):
    session.execute(insert(Goal), [{"annual_report_id": report_id, "clinic_id": clinic_id, "code": code,
                                    "text": "Mål", "assessment": "fulfilled"}])


@pytest.mark.parametrize("clinic", ["RTG", None])
def test_a_code_is_stored_once_per_bokslut_and_clinic_and_once_organisation_wide(session, portal, clinic):
    _load(session, SAMPLE_2025.read_bytes())
    session.commit()
    report = session.exec(select(AnnualReport)).one()
    clinic_id = clinic and session.exec(select(Clinic.id).where(Clinic.code == clinic)).one()
    _goal(session, report.id, clinic_id, "NY-1")
    _goal(session, report.id, session.exec(select(Clinic.id).where(Clinic.code == "ONK")).one(), "NY-1")
    with pytest.raises(IntegrityError):
        _goal(session, report.id, clinic_id, "NY-1")


def _decided_finding(session, code: str, reason: str | None) -> Finding:
    """Give a finding of the 2025 bokslut a decision at the 2026 review: an action, or none with a reason."""
    finding = session.exec(select(Finding).where(Finding.code == code)).one()
    review = Review(clinic_id=finding.clinic_id or session.exec(select(Clinic.id)).first(), year=2026,
                    created_at=NOW)
    with history.unrecorded(session):
        session.add(review)
        session.flush()
        if reason:
            session.add(FindingDecision(review_id=review.id, finding_id=finding.id, no_action_reason=reason,
                                        decided_at=NOW))
        else:
            session.add(Action(clinic_id=review.clinic_id, review_id=review.id, number=1, title="Åtgärda",
                               finding_id=finding.id, owner_name="Erik", due_date=date(2026, 9, 30), created_at=NOW,
                               updated_at=NOW))
    session.commit()
    return finding


def _without_finding(code: str) -> bytes:
    workbook = sample()
    brister = workbook["Brister"]
    brister.delete_rows(next(r[0].row for r in brister.iter_rows() if r[1].value == code))
    return workbook_bytes(workbook)


def test_a_replace_never_removes_a_finding_decided_as_no_action_and_the_dry_run_says_so(session, portal):
    _load(session, SAMPLE_2025.read_bytes())
    session.commit()
    _decided_finding(session, "B-2025-07", "Åtgärdas redan centralt")  # organisation-wide
    message = ["Brister: arbetsboken saknar brister som en genomgång redan har beslutat om (en åtgärd eller ingen "
               "åtgärd) och som därför inte får tas bort: B-2025-07 (hela organisationen). Lägg tillbaka dem i "
               "arbetsboken."]
    data = _without_finding("B-2025-07")
    with pytest.raises(InvalidInput) as dry_run:
        importer.plan_import(session, actor=SYSTEM_ACTOR, today=TODAY, data=data, filename="x.xlsx", replace=True)
    with pytest.raises(InvalidInput) as real_run:
        _load(session, data, replace=True)
    assert dry_run.value.problems == real_run.value.problems == message


def test_a_decision_on_a_self_assessment_gap_does_not_hold_back_a_replace(session, portal):
    _load(session, SAMPLE_2025.read_bytes())
    template = AssessmentTemplate(name="Mall", version="1", source="x", loaded_at=NOW)
    session.add(template)
    session.flush()
    criterion = Criterion(template_id=template.id, code="A1", area="Ledning", text="Organisation finns")
    review = Review(clinic_id=session.exec(select(Clinic.id)).first(), year=2026, created_at=NOW)
    session.add_all([criterion, review])
    session.flush()
    session.add(FindingDecision(review_id=review.id, criterion_id=criterion.id, no_action_reason="Redan klart",
                                decided_at=NOW))
    session.commit()
    plan = _load(session, _without_finding("B-2025-01"), replace=True)
    assert plan.sheets["Brister"].counts() == (0, 0, 1)


def _changed_workbook() -> bytes:
    """The 2025 sample with rows added, changed and removed in several sheets."""
    workbook = sample()
    workbook["Indikatorer"]["F2"] = 99
    workbook["Indikatorer"]["H2"] = None  # Riktning emptied: stored as the default, never as nothing
    workbook["Indikatorer"].delete_rows(3)
    workbook["Mål"].append(["ORT", "M6", "Nytt mål", None, None, "Ej bedömt", None])
    workbook["Brister"]["D2"] = "Ny beskrivning"
    return workbook_bytes(workbook)


def _rows(session) -> dict:
    return {model.__name__: sorted((r.clinic_id or 0, r.code) for r in session.exec(select(model)))
            for model in (Goal, Indicator, Finding)}


def test_the_dry_run_says_exactly_what_the_real_run_does(session, portal):
    _load(session, SAMPLE_2025.read_bytes())
    session.commit()
    before = _rows(session)
    data = _changed_workbook()
    dry = importer.plan_import(session, actor=SYSTEM_ACTOR, today=TODAY, data=data, filename="x.xlsx", replace=True)
    real = _load(session, data, replace=True)
    assert {n: (c.added, c.changed, c.removed) for n, c in dry.sheets.items()} == {
        n: (c.added, c.changed, c.removed) for n, c in real.sheets.items()}
    assert [dry.sheets[s].counts() for s in ("Mål", "Indikatorer", "Brister")] == [(1, 0, 0), (0, 1, 1), (0, 1, 0)]
    after = _rows(session)
    assert len(after["Goal"]) == len(before["Goal"]) + 1 and len(after["Indicator"]) == len(before["Indicator"]) - 1
    emptied = session.exec(select(Indicator).join(Clinic).where(Clinic.code == "RTG", Indicator.code == "UTB-01")).one()
    assert (emptied.value, emptied.direction) == (99, "none")
    assert importer.plan_import(session, actor=SYSTEM_ACTOR, today=TODAY, data=data, filename="x.xlsx",
                                replace=True).sheets["Indikatorer"].counts() == (0, 0, 0)


def test_a_code_stored_twice_before_codes_were_unique_is_cleaned_up_by_a_replace(session, portal):
    _load(session, SAMPLE_2025.read_bytes())
    session.commit()
    m1 = session.exec(select(Goal).where(Goal.code == "M1")).one()
    _goal(session, m1.annual_report_id, m1.clinic_id, "m1")  # differs only in case: the database lets it in
    session.commit()
    plan = _load(session, SAMPLE_2025.read_bytes(), replace=True)
    assert [r["code"] for r in plan.sheets["Mål"].removed] == ["m1"]
    assert session.exec(select(func.count()).select_from(Goal).where(func.lower(Goal.code) == "m1")).one() == 1


def test_the_attachment_is_checked_by_the_dry_run_as_by_the_real_run(session, portal):
    for name, message in (("bokslut.txt", "Bilaga: bokslut.txt är inte en PDF- eller Word-fil (.pdf, .doc, .docx)."),
                          ("b" * 252 + ".pdf", "Bilaga: filnamnet är 256 tecken långt; högst 255 tecken får plats. "
                                               "Byt namn på filen och försök igen.")):
        with pytest.raises(InvalidInput) as dry_run:
            importer.plan_import(session, actor=SYSTEM_ACTOR, today=TODAY, data=SAMPLE_2025.read_bytes(),
                                 filename="x.xlsx", replace=False, narrative_name=name)
        with pytest.raises(InvalidInput) as real_run:
            _load(session, SAMPLE_2025.read_bytes(), narrative=(b"%PDF", name))
        assert dry_run.value.problems == real_run.value.problems == [message]
