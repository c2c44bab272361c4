"""Hostile values through the services: wrong types, implausible dates, control characters and line breaks, and
texts too long. Each is refused in Swedish (never a crash, never PostgreSQL's DataError) and changes nothing."""
from datetime import date

import pytest
from sqlmodel import select

from core import history
from core.enums import Role
from core.errors import REFUSALS, InvalidInput, NotFound
from core.models import AssessmentTemplate, Clinic, Criterion, SafetyEvent
from core.services import clinics as clinic_service
from core.services import protection_figures, reviews, safety_events, setup
from core.services.auth import SYSTEM_ACTOR
from core.validation import validated
from tests.factories import NOW, TODAY
from tests.hostile.test_hostile_workbooks import snapshot

NBSP = "\u00a0"
GROUPS = "Läkare, Röntgensjuksköterskor, Operationspersonal, Sjuksköterskor, Sjukhusfysiker, Medicintekniker, Övriga"
STATUSES = "Förbereds, Kallad, Möte pågår, Under justering, Justerad"
EVENT = {"kind": "internal", "concerns": "patient", "occurred_on": date(2025, 6, 30), "description": "Fel patient."}
ORGANISATION = {"name": "Norrby sjukhus", "licence_holder": "Region Norrby", "licence_number": "SSM2024-0099"}
ADMIN = {"username": "maja", "name": "Maja Holm", "email": "maja@norrby.se", "password": "ett-langt-losenord"}
ONE_LINE = "texten har en radbrytning eller ett tabbtecken på plats {}; skriv den på en rad utan tabbtecken."
NUL_AT = "texten innehåller ett otillåtet tecken (kod {}) på plats {}."


def _refused(session, call, expected: list[str], error=InvalidInput) -> None:
    """Call, expect the Swedish refusal, and show that the database is as it was."""
    before = snapshot(session)
    with pytest.raises(error) as refused:
        call()
        session.flush()
    assert (refused.value.problems if error is InvalidInput else [str(refused.value)]) == expected
    session.rollback()
    assert snapshot(session) == before


def _rtg(session) -> Clinic:
    return session.exec(select(Clinic).where(Clinic.code == "RTG")).one()


def _training(session, clinic_id: int, rows: list[dict], year: object = 2024):
    return lambda: protection_figures.set_training(session, actor=SYSTEM_ACTOR, year=year, clinic_id=clinic_id,
                                                   rows=rows, expected_version=0, now=NOW)


@pytest.mark.parametrize(("rows", "expected"), [
    ([{"staff_group": "physicians", "staff_count": "tio", "trained_count": 3}], ["Anställda: ska vara ett tal."]),
    ([{"staff_group": "städare", "staff_count": 10, "trained_count": 3}],
     [f"Personalgrupp: är inte ett av: {GROUPS}."]),
    ([{"staff_count": 10}], ["Personalgrupp: måste fyllas i."]),
    (["Läkare"], ["Utbildning i strålskydd, rad 1: kan inte läsas; uppgifterna ska anges fält för fält."]),
    ([{"staff_group": "physicians", "staff_count": 1e300, "trained_count": 3}],
     [f"Läkare: 1e+300 är inget antal (ett heltal från 0 till 100{NBSP}000)."]),
    ([{"staff_group": "nurses", "staff_count": 10, "trained_count": 2.5}],
     [f"Sjuksköterskor: 2,5 är inget antal (ett heltal från 0 till 100{NBSP}000)."]),
])
def test_training_entered_with_wrong_values_is_refused_in_swedish(session, portal, rows, expected):
    _refused(session, _training(session, _rtg(session).id, rows), expected)


def test_training_for_a_missing_clinic_or_with_text_for_the_year_is_refused(session, portal):
    rows = [{"staff_group": "physicians", "staff_count": 10, "trained_count": 3}]
    _refused(session, _training(session, 999, rows), ["Klinik med id 999 finns inte."], NotFound)
    _refused(session, _training(session, _rtg(session).id, rows, year="tjugo"), ["År: ska vara ett heltal."])
    _refused(session, _training(session, _rtg(session).id, "Läkare"), ["Utbildning i strålskydd: ska vara en lista."])


def test_a_review_status_given_as_plain_text_is_read_or_refused_in_swedish(session, portal):
    review = reviews.create_review(session, actor=SYSTEM_ACTOR, clinic_id=_rtg(session).id, year=2025, data={},
                                   now=NOW)
    session.commit()
    _refused(session, lambda: reviews.set_status(session, actor=SYSTEM_ACTOR, review_id=review.id, status="möte",
                                                 now=NOW), [f"Status: är inte ett av: {STATUSES}."])
    _refused(session, lambda: reviews.set_status(session, actor=SYSTEM_ACTOR, review_id=review.id, status=None,
                                                 now=NOW), [f"Status: är inte ett av: {STATUSES}."])
    reviews.set_status(session, actor=SYSTEM_ACTOR, review_id=review.id, status="meeting", now=NOW)
    assert review.status == "meeting"


def _register(session, **fields):
    data = {**EVENT, **fields}
    return lambda: safety_events.register(session, actor=SYSTEM_ACTOR, clinic_id=_rtg(session).id, data=data,
                                          today=TODAY, now=NOW)


@pytest.mark.parametrize(("fields", "expected"), [
    ({"occurred_on": date(1, 1, 1)}, ["Inträffade: 0001-01-01 är inget rimligt datum (tidigast 2000-01-01)."]),
    ({"occurred_on": date(2099, 1, 1)}, ["Inträffade: 2099-01-01 har inte inträffat än (i dag är det 2025-11-20)."]),
    ({"description": "x" * 5_000_000},
     [f"Beskrivning: texten är 5{NBSP}000{NBSP}000 tecken lång; högst 32{NBSP}767 tecken får plats."]),
    ({"description": "Fel\x00patient"}, ["Beskrivning: " + NUL_AT.format("0x0000", 4)]),
    ({"description": "Fel patient\x1b[31m"}, ["Beskrivning: " + NUL_AT.format("0x001b", 12)]),
    ({"description": "Fel\rpatient"}, ["Beskrivning: " + NUL_AT.format("0x000d", 4)]),
    ({"kind": "reported_to_ssm", "ssm_reference": "SSM\n2025"}, ["SSM:s diarienummer: " + ONE_LINE.format(4)]),
    ("inte ett formulär", ["Formuläret: kan inte läsas; uppgifterna ska anges fält för fält."]),
])
def test_an_event_with_an_implausible_date_or_forbidden_text_is_refused(session, portal, fields, expected):
    if isinstance(fields, str):
        call = lambda: safety_events.register(session, actor=SYSTEM_ACTOR, clinic_id=_rtg(session).id,  # noqa: E731
                                              data=fields, today=date(2025, 11, 20), now=NOW)
    else:
        data = {**EVENT, **fields}
        call = lambda: safety_events.register(session, actor=SYSTEM_ACTOR, clinic_id=_rtg(session).id,  # noqa: E731
                                              data=data, today=date(2025, 11, 20), now=NOW)
    _refused(session, call, expected)


def test_a_description_of_several_lines_with_a_tab_is_kept(session, portal):
    text = "Fel patient röntgades.\r\nOrsak:\tförväxling\nÅtgärd: ID-kontroll."
    event = _register(session, description=text)()
    session.commit()
    assert session.get(SafetyEvent, event.id).description == text


@pytest.mark.parametrize(("organisation", "admin", "expected"), [
    ({"name": "Norrby\x00sjukhus"}, {}, ["Organisationens namn: " + NUL_AT.format("0x0000", 7)]),
    ({"name": "Norrby\nsjukhus"}, {}, ["Organisationens namn: " + ONE_LINE.format(7)]),
    ({"licence_holder": "Region\x07Norrby"}, {}, ["Tillståndshavare: " + NUL_AT.format("0x0007", 7)]),
    ({"licence_number": "S" * 51}, {},
     ["SSM:s tillståndsnummer: texten är 51 tecken lång; högst 50 tecken får plats."]),
    ({}, {"name": "Maja\x00Holm"}, ["Namn: " + NUL_AT.format("0x0000", 5)]),
    ({}, {"name": "Maja\nHolm"}, ["Namn: " + ONE_LINE.format(5)]),
])
def test_first_run_names_with_control_characters_are_refused(session, organisation, admin, expected):
    _refused(session, lambda: setup.set_up(session, actor=setup.FIRST_RUN_ACTOR,
                                           organisation={**ORGANISATION, **organisation}, admin={**ADMIN, **admin},
                                           now=NOW), expected)


def test_a_clinic_name_with_a_line_break_is_refused_on_every_path(session, portal):
    _refused(session, lambda: clinic_service.create_clinic(session, actor=SYSTEM_ACTOR, now=NOW,
                                                           data={"code": "TAND", "name": "Tand\nvården"}),
             ["Namn: " + ONE_LINE.format(5)])
    rtg, before = _rtg(session), snapshot(session)
    history.track(session, actor=SYSTEM_ACTOR, now=NOW)  # as no form would: straight onto the row
    rtg.head_name = "Anna\u2028Berg"
    with pytest.raises(InvalidInput) as refused:
        session.flush()
    assert refused.value.problems == ["Verksamhetschef: " + ONE_LINE.format(5)]
    session.rollback()
    assert snapshot(session) == before


def test_criteria_text_with_nul_is_refused_before_postgresql_sees_it(session, portal):
    before = snapshot(session)
    history.track(session, actor=SYSTEM_ACTOR, now=NOW)  # what a criteria file would store, straight onto rows
    template = AssessmentTemplate(name="Egen", version="1", source="namn: Egen\x00", loaded_at=NOW)
    session.add(template)
    with pytest.raises(InvalidInput) as refused:
        session.flush()
    assert refused.value.problems == ["Egenkontrollmall: " + NUL_AT.format("0x0000", 11)]
    session.rollback()
    history.track(session, actor=SYSTEM_ACTOR, now=NOW)
    template = AssessmentTemplate(name="Egen", version="1", source="namn: Egen", loaded_at=NOW)
    session.add(template)
    session.flush()
    session.add(Criterion(template_id=template.id, code="K1", area="Rutiner", text="Finns\x00 rutin?"))
    with pytest.raises(InvalidInput) as refused:
        session.flush()
    assert refused.value.problems == ["Kriterium: " + NUL_AT.format("0x0000", 6)]
    session.rollback()
    assert snapshot(session) == before


def test_no_pydantic_message_in_english_reaches_the_user():
    from pydantic import BaseModel

    class Form(BaseModel):
        year: int
        meeting_date: date
        role: Role

    with pytest.raises(InvalidInput) as refused:
        validated(Form, {"year": "tjugo", "meeting_date": "igår", "role": "chef"})
    assert refused.value.problems == ["År: ska vara ett heltal.", "Datum: ska vara ett datum (ÅÅÅÅ-MM-DD).",
                                      "Roll: är inte ett av: Administratör, Strålsäkerhetsstrateg, Verksamhetschef, "
                                      "Strålsäkerhetssamordnare, Deltagare, Läsare."]


WRONG = ["tio", {"a": [1]}, None, -1, 1e300, ["x"], "\x00", 2.5]
FUZZED = [  # (service, its valid arguments, the arguments fuzzed one at a time)
    (protection_figures.set_training, {"year": 2024, "rows": []}, ("year", "clinic_id", "rows")),
    (reviews.set_status, {"status": "meeting"}, ("review_id", "status")),
    (safety_events.register, {"data": EVENT, "today": TODAY}, ("clinic_id", "data", "today")),
    (clinic_service.update_organisation, {"name": "Demosjukhuset", "licence_number": None},
     ("name", "licence_number", "licence_holder")),
    (clinic_service.find_by_code, {"code": "RTG"}, ("code",)),
]


@pytest.mark.parametrize(("service", "valid", "fuzzed"), FUZZED, ids=[f[0].__name__ for f in FUZZED])
def test_wrong_types_into_a_service_are_refused_never_a_crash(session, portal, service, valid, fuzzed):
    rtg = _rtg(session)
    reviews.create_review(session, actor=SYSTEM_ACTOR, clinic_id=rtg.id, year=2025, data={}, now=NOW)
    session.commit()
    before = snapshot(session)
    ids = {"clinic_id": rtg.id, "review_id": 1}
    base = {k: v for k, v in ids.items() if k in service.__wrapped__.__code__.co_varnames} | valid
    for name in fuzzed:
        for wrong in WRONG:
            arguments = {**base, name: wrong}
            try:
                service(session, actor=SYSTEM_ACTOR, **arguments, **({} if service is clinic_service.find_by_code
                                                                      else {"now": NOW}))
                session.flush()
            except REFUSALS as exc:
                assert str(exc) and "Input should" not in str(exc), (name, wrong)
            session.rollback()
            assert snapshot(session) == before, (name, wrong)


def test_a_nul_in_a_lookup_is_refused_in_swedish_on_every_database(session, portal):
    from core.services import auth
    with pytest.raises(InvalidInput) as refused:
        auth.actor_for(session, username="admin\x00")
    assert refused.value.problems == ["En uppgift innehåller ett otillåtet tecken (kod 0x0000); ta bort det och "
                                      "försök igen."]
    session.rollback()
    assert clinic_service.find_by_code(session, actor=SYSTEM_ACTOR, code="RTG").code == "RTG"
