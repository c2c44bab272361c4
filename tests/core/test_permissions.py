"""Roles and permissions as docs/DESIGN.md §4: a user of one clinic never sees or changes another's."""
import pytest

from core.enums import Role
from core.errors import InvalidInput
from core.permissions import Permission, PermissionDenied, can, visible_clinic_ids
from core.services import clinics as clinic_service
from core.services import users as user_service
from tests.factories import NOW, actor_of, make_clinic, make_org, make_user


@pytest.fixture
def world(session):
    """Two clinics, and a user of each role (the clinic roles belong to RTG)."""
    org = make_org(session)
    rtg, nm = make_clinic(session, org, "RTG"), make_clinic(session, org, "NM")
    actors = {role: actor_of(make_user(session, role.value, role, [rtg]), [rtg]) for role in Role}
    session.commit()
    return {"rtg": rtg, "nm": nm, **{r.value: a for r, a in actors.items()}}


def test_admin_and_strateg_see_every_clinic_others_only_their_own(session, world):
    for role in ("admin", "strateg"):
        assert visible_clinic_ids(world[role]) is None
        assert [c.code for c in clinic_service.list_clinics(session, actor=world[role])] == ["NM", "RTG"]
    for role in ("verksamhetschef", "samordnare", "deltagare", "lasare"):
        assert [c.code for c in clinic_service.list_clinics(session, actor=world[role])] == ["RTG"]


@pytest.mark.parametrize("role", ["verksamhetschef", "samordnare", "deltagare", "lasare"])
def test_clinic_user_cannot_read_another_clinic(session, world, role):
    with pytest.raises(PermissionDenied, match="se klinikens uppgifter"):
        clinic_service.get_clinic(session, actor=world[role], clinic_id=world["nm"].id)
    assert clinic_service.get_clinic(session, actor=world[role], clinic_id=world["rtg"].id).code == "RTG"


@pytest.mark.parametrize("role", ["verksamhetschef", "samordnare", "deltagare", "lasare"])
def test_clinic_user_cannot_change_any_clinic_and_nothing_changes(session, world, role):
    nm = world["nm"]
    with pytest.raises(PermissionDenied, match="lägga till eller ändra kliniker"):
        clinic_service.update_clinic(session, actor=world[role], clinic_id=nm.id, expected_version=nm.version,
                                     data={"name": "Kapad"}, now=NOW)
    session.rollback()
    assert session.get(type(nm), nm.id).name == "Klinik NM"


def test_only_admin_manages_users(session, world):
    for role in ("strateg", "verksamhetschef", "samordnare", "deltagare", "lasare"):
        with pytest.raises(PermissionDenied, match="hantera användare"):
            user_service.list_users(session, actor=world[role])
    assert len(user_service.list_users(session, actor=world["admin"])) == len(Role)


def test_review_permissions_follow_the_roles(world):
    rtg, nm = world["rtg"].id, world["nm"].id
    assert can(world["verksamhetschef"], Permission.APPROVE_REVIEW, rtg)
    assert not can(world["verksamhetschef"], Permission.APPROVE_REVIEW, nm)
    assert can(world["samordnare"], Permission.PREPARE_REVIEW, rtg)
    assert not can(world["samordnare"], Permission.APPROVE_REVIEW, rtg)
    assert not can(world["deltagare"], Permission.DECIDE_ACTIONS, rtg)
    assert can(world["strateg"], Permission.IMPORT_ANNUAL_REPORT)
    assert not can(world["verksamhetschef"], Permission.IMPORT_ANNUAL_REPORT)
    assert not can(world["lasare"], Permission.FOLLOW_UP_ACTIONS, rtg)


def test_a_clinic_role_without_a_clinic_is_refused(session, world):
    data = {"username": "ny", "name": "Ny Person", "email": "ny@test.se", "role": "samordnare",
            "clinics": [], "password": "langtlosen1"}
    with pytest.raises(InvalidInput, match="måste kopplas till minst en klinik"):
        user_service.create_user(session, actor=world["admin"], data=data, now=NOW)
