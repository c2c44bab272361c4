"""Adding and editing clinics: validation in Swedish, duplicates refused, concurrent saves detected."""
import pytest
from sqlmodel import select

from core.enums import Role
from core.errors import Conflict, InvalidInput
from core.models import Clinic, HistoryEntry
from core.services import clinics as clinic_service
from core.services.auth import SYSTEM_ACTOR
from tests.factories import NOW, actor_of, make_clinic, make_org, make_user


@pytest.fixture
def admin(session):
    """An organisation with RTG and its administrator."""
    make_clinic(session, make_org(session), "RTG", name="Röntgenkliniken")
    return actor_of(make_user(session, "admin", Role.ADMIN))


def test_add_clinic_normalises_code_and_logs_it(session, admin):
    clinic = clinic_service.create_clinic(session, actor=admin, now=NOW, data={
        "code": " kard ", "name": " Kardiologiska kliniken ", "modalities": ["intervention", "xray"],
        "head_name": "Lars Nyström", "site": ""})
    assert (clinic.code, clinic.name, clinic.site) == ("KARD", "Kardiologiska kliniken", None)
    assert clinic.modalities == ["xray", "intervention"]
    event = session.exec(select(HistoryEntry).where(HistoryEntry.entity_id == clinic.id)).one()
    assert event.operation == "create" and event.new_values["head_name"] == "Lars Nyström"


def test_duplicate_code_is_refused_whatever_the_case(session, admin):
    with pytest.raises(InvalidInput, match="Klinikkod: RTG finns redan"):
        clinic_service.create_clinic(session, actor=admin, now=NOW, data={"code": "rtg", "name": "Dubblett"})


def test_every_bad_field_is_named(session, admin):
    with pytest.raises(InvalidInput) as refused:
        clinic_service.create_clinic(session, actor=admin, now=NOW,
                                     data={"code": "R T G!", "name": "  ", "modalities": ["laser"]})
    problems = "\n".join(refused.value.problems)
    assert "Klinikkod:" in problems and "Klinik: måste fyllas i" in problems
    assert "Modaliteter: okänd modalitet laser" in problems
    assert session.exec(select(Clinic)).all()[0].code == "RTG"


def test_second_save_from_a_stale_form_is_refused(session, admin):
    rtg = clinic_service.find_by_code(session, actor=SYSTEM_ACTOR, code="RTG")
    opened_at = rtg.version
    clinic_service.update_clinic(session, actor=admin, clinic_id=rtg.id, expected_version=opened_at,
                                 data={"name": "Röntgen A", "physicist_name": "Johan Sund"}, now=NOW)
    with pytest.raises(Conflict, match="Någon annan har ändrat kliniken .* Ladda om"):
        clinic_service.update_clinic(session, actor=admin, clinic_id=rtg.id, expected_version=opened_at,
                                     data={"name": "Röntgen B"}, now=NOW)
    assert session.get(Clinic, rtg.id).name == "Röntgen A"
    update = session.exec(select(HistoryEntry).where(HistoryEntry.operation == "update")).one()
    assert update.old_values == {"name": "Röntgenkliniken", "physicist_name": None}
    assert update.new_values == {"name": "Röntgen A", "physicist_name": "Johan Sund"}


def test_two_clinics_cannot_share_a_name(session, admin):
    with pytest.raises(InvalidInput, match='Klinik: RTG heter redan "Röntgenkliniken"'):
        clinic_service.create_clinic(session, actor=admin, now=NOW, data={"code": "RTG2", "name": "röntgenkliniken"})


def test_the_licence_holder_and_its_licence_number_are_kept_and_logged(session):
    from core.errors import InvalidInput
    from core.models import HistoryEntry
    from core.permissions import PermissionDenied
    from core.services.clinics import update_organisation
    from tests.factories import NOW, actor_of, make_org, make_user
    make_org(session)
    admin = actor_of(make_user(session, "admin", Role.ADMIN))
    reader = actor_of(make_user(session, "lena", Role.LASARE))
    with pytest.raises(PermissionDenied):
        update_organisation(session, actor=reader, name="X", licence_number=None, now=NOW)
    with pytest.raises(InvalidInput, match="Namn"):
        update_organisation(session, actor=admin, name=" ", licence_number=None, now=NOW)
    org = update_organisation(session, actor=admin, name="Region Test", licence_number=" SSM2024-1 ", now=NOW)
    assert (org.name, org.licence_number) == ("Region Test", "SSM2024-1")
    event = session.exec(select(HistoryEntry).where(HistoryEntry.entity == "Organisation")).one()
    assert event.new_values == {"name": "Region Test", "licence_number": "SSM2024-1"}
    org = update_organisation(session, actor=admin, name="Testsjukhuset", licence_holder=" Region Test ",
                              licence_number="SSM2024-1", now=NOW)
    assert (org.name, org.licence_holder) == ("Testsjukhuset", "Region Test")
