"""Egenkontroll: criteria sets as YAML, answering, copying last year, and scoring by area."""
import pytest
from sqlmodel import select

from core.enums import Role
from core.errors import InvalidInput
from core.models import Answer, AssessmentTemplate
from core.permissions import PermissionDenied
from core.self_assessment.criteria import parse_criteria
from core.services import self_assessments as sa
from core.services.auth import SYSTEM_ACTOR
from tests.conftest import PROJECT_DIR
from tests.factories import NOW, actor_of, make_clinic, make_org, make_user

SMALL = """name: Test
version: "1"
areas:
  - code: A
    name: Ledning
    criteria:
      - {id: A1, text: Organisation finns, modalities: [all]}
      - {id: A2, text: Ansvar dokumenterat}
  - code: E
    name: Optimering
    criteria:
      - {id: E1, text: DRL jämförs, modalities: [xray]}
      - {id: E2, text: Aktivitet kontrolleras, modalities: [nuclear_medicine]}
"""


@pytest.fixture
def clinic(session):
    """An X-ray clinic with a samordnare, and the small criteria set loaded."""
    rtg = make_clinic(session, make_org(session), "RTG", modalities=["xray"])
    erik = actor_of(make_user(session, "erik", Role.SAMORDNARE, [rtg]), [rtg])
    sa.load_criteria_set(session, actor=SYSTEM_ACTOR, text=SMALL, now=NOW)
    return {"clinic": rtg, "erik": erik}


def _answer(session, assessment, code, level=None, na=False):
    answer = next(a for a, c in sa.answers(session, actor=SYSTEM_ACTOR, assessment_id=assessment.id) if c.code == code)
    return sa.save_answer(session, actor=SYSTEM_ACTOR, answer_id=answer.id, level=level, not_applicable=na,
                          reason="Ingen sådan verksamhet" if na else None, evidence=None, comment=None, now=NOW,
                          expected_version=answer.version)


def test_the_shipped_criteria_set_has_59_criteria_in_11_areas():
    parsed, problems = parse_criteria((PROJECT_DIR / "templates/egenkontroll/kriterier-v1.yaml").read_text("utf-8"))
    assert problems == [] and len(parsed.criteria) == 59 and len({c.area for c in parsed.criteria}) == 11
    assert len({c.code for c in parsed.criteria}) == 59


def test_bad_criteria_yaml_is_refused_naming_the_line(session):
    bad = SMALL.replace("{id: A2, text: Ansvar dokumenterat}", "{id: A1, text: Dubblett}") \
               .replace("{id: E2, text: Aktivitet kontrolleras, modalities: [nuclear_medicine]}",
                        "{id: E2, modalities: [laser]}")
    with pytest.raises(InvalidInput) as refused:
        sa.load_criteria_set(session, actor=SYSTEM_ACTOR, text=bad, now=NOW)
    assert refused.value.problems == ["Rad 8: id A1 finns redan (rad 7).", "Rad 13: kriterium E2 saknar text.",
                                      'Rad 13: kriterium E2 har okänd modalitet "laser" (tillåtna: all, dental, '
                                      'intervention, nuclear_medicine, other, radiotherapy, xray).']


def test_only_criteria_for_the_clinics_modalities_are_asked(session, clinic):
    assessment = sa.start(session, actor=clinic["erik"], clinic_id=clinic["clinic"].id, year=2026,
                          copy_last_year=False, now=NOW)
    answers = sa.answers(session, actor=SYSTEM_ACTOR, assessment_id=assessment.id)
    assert [c.code for _, c in answers] == ["A1", "A2", "E1"]


def test_scores_per_area_leave_out_not_applicable_and_list_gaps(session, clinic):
    assessment = sa.start(session, actor=clinic["erik"], clinic_id=clinic["clinic"].id, year=2026,
                          copy_last_year=False, now=NOW)
    _answer(session, assessment, "A1", level=4)
    _answer(session, assessment, "A2", level=2)
    _answer(session, assessment, "E1", na=True)
    areas = {a.area: a for a in sa.results(session, actor=SYSTEM_ACTOR, assessment_id=assessment.id)}
    assert areas["Ledning"].percent == 75.0  # (4 + 2) of 8
    assert [c.code for c, _ in areas["Ledning"].gaps] == ["A2"]
    assert areas["Optimering"].percent is None and areas["Optimering"].answered == 1
    assert sa.total_percent(list(areas.values())) == 75.0


def test_out_of_range_level_and_missing_reason_are_refused(session, clinic):
    assessment = sa.start(session, actor=clinic["erik"], clinic_id=clinic["clinic"].id, year=2026,
                          copy_last_year=False, now=NOW)
    with pytest.raises(InvalidInput, match="A1: välj nivå 0–4"):
        _answer(session, assessment, "A1", level=5)
    answer = sa.answers(session, actor=SYSTEM_ACTOR, assessment_id=assessment.id)[0][0]
    with pytest.raises(InvalidInput, match="A1: ange skälet till Ej tillämpligt"):
        sa.save_answer(session, actor=SYSTEM_ACTOR, answer_id=answer.id, level=None, not_applicable=True,
                       reason=" ", evidence=None, comment=None, now=NOW, expected_version=answer.version)


def test_copying_last_year_marks_answers_not_reconsidered_until_confirmed(session, clinic):
    last = sa.start(session, actor=clinic["erik"], clinic_id=clinic["clinic"].id, year=2025, copy_last_year=False,
                    now=NOW)
    _answer(session, last, "A1", level=3)
    this = sa.start(session, actor=clinic["erik"], clinic_id=clinic["clinic"].id, year=2026, copy_last_year=True,
                    now=NOW)
    copied = {c.code: a for a, c in sa.answers(session, actor=SYSTEM_ACTOR, assessment_id=this.id)}
    assert copied["A1"].level == 3 and copied["A1"].reconsidered is False
    _answer(session, this, "A1", level=4)
    assert copied["A1"].reconsidered is True


def test_copying_needs_last_years_assessment(session, clinic):
    with pytest.raises(InvalidInput, match="ingen egenkontroll för 2025 att kopiera"):
        sa.start(session, actor=clinic["erik"], clinic_id=clinic["clinic"].id, year=2026, copy_last_year=True,
                 now=NOW)


def test_past_answers_keep_the_text_they_answered(session, clinic):
    assessment = sa.start(session, actor=clinic["erik"], clinic_id=clinic["clinic"].id, year=2025,
                          copy_last_year=False, now=NOW)
    sa.load_criteria_set(session, actor=SYSTEM_ACTOR, now=NOW,
                         text=SMALL.replace('version: "1"', 'version: "2"').replace("Organisation finns",
                                                                                   "Organisationen är beskriven"))
    texts = {a.criterion_text for a in session.exec(select(Answer).where(Answer.self_assessment_id == assessment.id))}
    assert "Organisation finns" in texts and "Organisationen är beskriven" not in texts


def test_a_reader_cannot_answer(session, clinic):
    lena = actor_of(make_user(session, "lena", Role.LASARE, [clinic["clinic"]]), [clinic["clinic"]])
    with pytest.raises(PermissionDenied):
        sa.start(session, actor=lena, clinic_id=clinic["clinic"].id, year=2026, copy_last_year=False, now=NOW)


def test_summary_for_the_meeting_and_minutes_names_scores_and_gaps(session, clinic):
    assert sa.summary(session, actor=clinic["erik"], clinic_id=clinic["clinic"].id, year=2026) == \
        "Ingen egenkontroll är registrerad för 2026."
    assessment = sa.start(session, actor=clinic["erik"], clinic_id=clinic["clinic"].id, year=2026,
                          copy_last_year=False, now=NOW)
    _answer(session, assessment, "A1", level=4)
    _answer(session, assessment, "A2", level=1)
    text = sa.summary(session, actor=clinic["erik"], clinic_id=clinic["clinic"].id, year=2026)
    assert text == ("Egenkontroll 2026: 2 av 3 kriterier besvarade, total poäng 62\u00a0%. Poäng per område: "
                    "Ledning 62\u00a0%. Brister (nivå under 3): A2 (1).")
    assert [c.code for c, _ in sa.gaps(session, actor=clinic["erik"], clinic_id=clinic["clinic"].id, year=2026)] \
        == ["A2"]


def test_criteria_load_from_the_command_line_validates_and_versions(demo_env, tmp_path, capsys):
    from tests.core.test_cli import _run
    good = tmp_path / "v2.yaml"
    good.write_text(SMALL.replace('version: "1"', 'version: "2"'), encoding="utf-8")
    code, out, _ = _run(capsys, "criteria", "load", str(good))
    assert code == 0 and "Test version 2 är inlästa" in out
    code, _, err = _run(capsys, "criteria", "load", str(good))
    assert code == 2 and "redan inläst" in err
    bad = tmp_path / "bad.yaml"
    bad.write_text(SMALL.replace("{id: A2, text: Ansvar dokumenterat}", "{id: A2}"), encoding="utf-8")
    code, _, err = _run(capsys, "criteria", "load", str(bad))
    assert code == 2 and "Rad 8: kriterium A2 saknar text." in err
    code, _, err = _run(capsys, "--as-user", "erik", "criteria", "load", str(good))
    assert code == 2 and "hantera mallar" in err


def test_evidence_files_are_kept_with_the_answer(session, clinic):
    import hashlib
    assessment = sa.start(session, actor=clinic["erik"], clinic_id=clinic["clinic"].id, year=2026,
                          copy_last_year=False, now=NOW)
    answer = sa.answers(session, actor=SYSTEM_ACTOR, assessment_id=assessment.id)[0][0]
    sa.attach_evidence(session, actor=clinic["erik"], answer_id=answer.id, data=b"%PDF organisationsplan",
                       filename="organisationsplan.pdf", media_type="application/pdf", now=NOW)
    stored = sa.evidence_files(session, actor=clinic["erik"], assessment_id=assessment.id)[answer.id]
    assert [d.filename for d in stored] == ["organisationsplan.pdf"]
    assert stored[0].sha256 == hashlib.sha256(b"%PDF organisationsplan").hexdigest()
    with pytest.raises(InvalidInput, match="är tom"):
        sa.attach_evidence(session, actor=clinic["erik"], answer_id=answer.id, data=b"", filename="tom.pdf",
                           media_type="application/pdf", now=NOW)


def test_overview_shows_the_same_score_as_the_egenkontroll(session, clinic):
    from datetime import date

    from core.services.overview import clinic_statuses
    assessment = sa.start(session, actor=clinic["erik"], clinic_id=clinic["clinic"].id, year=2026,
                          copy_last_year=False, now=NOW)
    _answer(session, assessment, "A1", level=4)
    _answer(session, assessment, "A2", level=1)
    _answer(session, assessment, "E1", na=True)
    status = clinic_statuses(session, actor=clinic["erik"], year=2026, today=date(2026, 3, 1))[0]
    results = sa.results(session, actor=SYSTEM_ACTOR, assessment_id=assessment.id)
    assert status.self_assessment_score == sa.total_percent(results) == 62.5


def test_the_archive_holds_the_self_assessment_once_it_exists(session, clinic):
    import io

    from openpyxl import load_workbook

    from core.services.archive import self_assessment_extract
    assert self_assessment_extract(session, actor=clinic["erik"], clinic_id=clinic["clinic"].id, year=2026) is None
    assessment = sa.start(session, actor=clinic["erik"], clinic_id=clinic["clinic"].id, year=2026,
                          copy_last_year=False, now=NOW)
    _answer(session, assessment, "A1", level=4)
    workbook = load_workbook(io.BytesIO(self_assessment_extract(session, actor=clinic["erik"],
                                                                clinic_id=clinic["clinic"].id, year=2026)))
    rows = list(workbook["Bedömningar"].iter_rows(values_only=True))
    assert rows[1][:4] == ("Ledning", "A1", "Organisation finns", "4 Helt uppfyllt")


def test_the_criteria_schema_refuses_unknown_keys_and_reads_yes_as_verified():
    parsed, problems = parse_criteria(SMALL.replace("{id: A2, text: Ansvar dokumenterat}",
                                                    "{id: A2, text: Ansvar dokumenterat, verified: yes}"))
    assert problems == [] and [c.verified for c in parsed.criteria] == [False, True, False, False]
    typo = SMALL.replace("{id: E1, text: DRL jämförs, modalities: [xray]}",
                         "{id: E1, text: DRL jämförs, refrence: SSMFS 2018:5, verified: kanske}")
    assert parse_criteria(typo) == (None, ['Rad 12: kriterium E1: verified ska vara true eller false, inte "kanske".',
                                           'Rad 12: kriterium E1 har den okända nyckeln "refrence" (stavfel?).'])
    assert parse_criteria(SMALL.replace("areas:", "omraden:"))[1] == [
        "Rad 1: Filen saknar areas.", 'Rad 3: Filen har den okända nyckeln "omraden" (stavfel?).']
    assert parse_criteria(SMALL.replace('version: "1"\n', ""))[1] == ["Rad 1: Filen saknar version."]
    assert parse_criteria("name: [\n")[1][0].startswith("Rad 2: Filen är inte giltig YAML")


def _shipped(version: str):
    parsed, problems = parse_criteria((PROJECT_DIR / f"templates/egenkontroll/kriterier-v{version}.yaml")
                                      .read_text("utf-8"))
    assert problems == []
    return {c.code: c for c in parsed.criteria}


def test_criteria_v2_say_what_the_cited_paragraphs_say_and_quote_them():
    v1, v2 = _shipped("1"), _shipped("2")
    assert list(v2) == list(v1)  # the same 59 criteria, in the same order
    assert all(c.quote for c in v2.values() if c.verified)  # every verified criterion quotes its sentence
    assert all(c.quote.split(":")[0] in c.reference or c.quote.split(" ")[0] in c.reference
               for c in v2.values() if c.quote)  # the quote is from a paragraph the criterion cites
    assert "konsekvent" in v1["E3"].text.lower() and "konsekvent" not in v2["E3"].text.lower()
    assert "utred" in v2["E3"].text and "6 kap. 1 §" in v2["E3"].reference  # one exceedance is investigated
    assert "acceptanstest" in v1["F2"].text.lower() and "leveranskontroll" in v2["F2"].text.lower()
    assert "vart tredje år" in v2["E2"].text
    assert "tillståndshavare" in v2["A2"].text.lower() and "verksamhetschef" not in v2["A2"].text.lower()
    assert "tillgång till" in v2["A3"].text and "formellt" not in v2["A3"].text
    assert "strålskyddsombud" not in v2["A1"].text.lower() and "strålskyddsombud" in v2["A1"].note.lower()
    assert "remiss" in v2["C6"].text.lower() and "hålls tillgängliga" in v2["C6"].text
    assert "hälsodeklaration" in v2["H4"].text and "läkarundersökning" in v2["H4"].text
    assert not any(c.verified for code, c in v2.items() if code in ("I1", "I2", "I3", "I4", "G5", "H5", "D3", "D4"))


def test_a_new_version_leaves_the_answers_given_under_the_old_one_as_they_were(session, clinic):
    last = sa.start(session, actor=clinic["erik"], clinic_id=clinic["clinic"].id, year=2025, copy_last_year=False,
                    now=NOW)
    _answer(session, last, "A1", level=3)
    sa.load_criteria_set(session, actor=SYSTEM_ACTOR, now=NOW, text=SMALL.replace('version: "1"', 'version: "2"')
                         .replace("Organisation finns", "Organisationsplan finns och är känd"))
    session.commit()
    old = {c.code: a for a, c in sa.answers(session, actor=SYSTEM_ACTOR, assessment_id=last.id)}
    assert old["A1"].criterion_text == "Organisation finns" and old["A1"].level == 3
    new = sa.start(session, actor=clinic["erik"], clinic_id=clinic["clinic"].id, year=2026, copy_last_year=False,
                   now=NOW)
    texts = {c.code: a.criterion_text for a, c in sa.answers(session, actor=SYSTEM_ACTOR, assessment_id=new.id)}
    assert texts["A1"] == "Organisationsplan finns och är känd"


def test_the_versions_that_come_with_the_portal_can_be_loaded_once(session):
    make_org(session)
    assert sa.unloaded_shipped_criteria(session, actor=SYSTEM_ACTOR) == ["1", "2", "3"]
    template = sa.load_shipped_criteria(session, actor=SYSTEM_ACTOR, version="2", now=NOW)
    # an older version is no longer offered: loading it would make it the one new self-assessments use
    assert template.version == "2" and sa.unloaded_shipped_criteria(session, actor=SYSTEM_ACTOR) == ["3"]
    with pytest.raises(InvalidInput, match="redan inläst"):
        sa.load_shipped_criteria(session, actor=SYSTEM_ACTOR, version="2", now=NOW)


def test_new_self_assessments_use_v3_and_one_made_under_v2_keeps_its_version(session):
    rtg = make_clinic(session, make_org(session), "RTG", modalities=["xray"])
    erik = actor_of(make_user(session, "erik", Role.SAMORDNARE, [rtg]), [rtg])
    sa.load_shipped_criteria(session, actor=SYSTEM_ACTOR, version="2", now=NOW)
    last = sa.start(session, actor=erik, clinic_id=rtg.id, year=2025, copy_last_year=False, now=NOW)
    _answer(session, last, "B3", level=3)
    for version in sa.unloaded_shipped_criteria(session, actor=SYSTEM_ACTOR):
        sa.load_shipped_criteria(session, actor=SYSTEM_ACTOR, version=version, now=NOW)
    this = sa.start(session, actor=erik, clinic_id=rtg.id, year=2026, copy_last_year=True, now=NOW)
    versions = [session.get(AssessmentTemplate, a.template_id).version for a in (last, this)]
    assert versions == ["2", "3"]
    old = {c.code: (a, c) for a, c in sa.answers(session, actor=SYSTEM_ACTOR, assessment_id=last.id)}
    new = {c.code: (a, c) for a, c in sa.answers(session, actor=SYSTEM_ACTOR, assessment_id=this.id)}
    assert old["B3"][0].criterion_text.startswith("Vidtagna åtgärder (t.ex. från föregående års egenkontroll")
    assert "revision av ledningssystemet" in new["B3"][0].criterion_text  # v3's corrected text
    assert new["B3"][0].level == 3 and new["B3"][0].reconsidered is False  # the code carries last year's answer
    assert {c.template_id for _, c in old.values()} == {last.template_id}  # the record keeps the version it used
