"""Users and login: validation, passwords, deactivation and locking after failed logins."""
from datetime import timedelta

import pytest
from sqlmodel import select

from core.config import Settings
from core.enums import Role
from core.errors import InvalidInput
from core.models import User, UserClinic
from core.security import check_password
from core.services import auth
from core.services import users as user_service
from core.services._queries import clinic_ids_of
from tests.factories import NOW, PASSWORD, actor_of, make_clinic, make_org, make_user

SETTINGS = Settings(login_max_attempts=3, login_lock_minutes=15)


@pytest.fixture
def setup(session):
    """RTG and NM, an administrator and a samordnare of RTG."""
    org = make_org(session)
    rtg, nm = make_clinic(session, org, "RTG"), make_clinic(session, org, "NM")
    admin = make_user(session, "admin", Role.ADMIN)
    erik = make_user(session, "erik", Role.SAMORDNARE, [rtg])
    return {"rtg": rtg, "nm": nm, "admin": actor_of(admin), "erik": erik}


def _new(**changes) -> dict:
    return {"username": "Sofia.A", "name": "Sofia Åkesson", "email": "sofia@demosjukhuset.se",
            "role": "samordnare", "password": "strålning-2026", **changes}


def test_create_user_with_clinics(session, setup):
    user = user_service.create_user(session, actor=setup["admin"], now=NOW, data=_new(clinics=[setup["nm"].id]))
    assert user.username == "sofia.a" and check_password("strålning-2026", user.password_hash)
    assert clinic_ids_of(session, user.id) == [setup["nm"].id]


@pytest.mark.parametrize("changes, message", [
    ({"username": "erik"}, "Användarnamn: erik finns redan"),
    ({"email": "sofia.demosjukhuset.se"}, "E-post: \"sofia.demosjukhuset.se\" är inte en giltig e-postadress"),
    ({"password": "kort"}, "Första lösenord: måste ha minst 8 tecken"),
    ({"email": "  "}, "E-post: måste fyllas i"),
    ({"role": "chef"}, "Roll: okänd roll \"chef\""),
    ({"username": "å ä"}, "Användarnamn: 2–64 tecken"),
    ({"clinics": []}, "Kliniker: rollen Strålsäkerhetssamordnare måste kopplas till minst en klinik"),
])
def test_bad_user_input_is_refused_with_the_field_named(session, setup, changes, message):
    data = _new(clinics=[setup["nm"].id]) | changes
    with pytest.raises(InvalidInput, match=message):
        user_service.create_user(session, actor=setup["admin"], now=NOW, data=data)
    assert session.exec(select(User).where(User.name == "Sofia Åkesson")).first() is None


def test_admin_changes_role_and_clinics_and_deactivates(session, setup):
    erik = setup["erik"]
    user_service.update_user(session, actor=setup["admin"], user_id=erik.id, expected_version=erik.version,
                             now=NOW, data={"name": "Erik Lind", "email": "erik@test.se", "role": "lasare",
                                            "clinics": [setup["nm"].id], "active": False})
    assert (erik.role, erik.active) == ("lasare", False)
    assert session.exec(select(UserClinic.clinic_id).where(UserClinic.user_id == erik.id)).all() == [setup["nm"].id]
    assert auth.actor_for(session, "erik") is None
    assert "erik" not in auth.login_credentials(session, settings=SETTINGS, now=NOW)["usernames"]


def test_admin_cannot_remove_own_admin_role(session, setup):
    me = session.exec(select(User).where(User.username == "admin")).one()
    with pytest.raises(InvalidInput, match="egen administratörsbehörighet"):
        user_service.update_user(session, actor=setup["admin"], user_id=me.id, expected_version=me.version,
                                 now=NOW, data={"name": "A", "email": "a@test.se", "role": "lasare", "clinics": [1]})


def test_change_own_password_checks_the_current_one(session, setup):
    erik = actor_of(setup["erik"], [setup["rtg"]])
    with pytest.raises(InvalidInput, match="Nuvarande lösenord: stämmer inte"):
        user_service.change_own_password(session, actor=erik, current_password="fel", new_password="nytt-losen-1",
                                         repeated="nytt-losen-1", now=NOW)
    with pytest.raises(InvalidInput, match="Upprepa nytt lösenord"):
        user_service.change_own_password(session, actor=erik, current_password=PASSWORD,
                                         new_password="nytt-losen-1", repeated="nytt-losen-2", now=NOW)
    user_service.change_own_password(session, actor=erik, current_password=PASSWORD, new_password="nytt-losen-1",
                                     repeated="nytt-losen-1", now=NOW)
    assert check_password("nytt-losen-1", setup["erik"].password_hash)


def test_repeated_failures_lock_the_account_for_a_while(session, setup):
    for _ in range(2):
        assert not auth.record_failed_login(session, username="erik", settings=SETTINGS, now=NOW)
    assert auth.record_failed_login(session, username="erik", settings=SETTINGS, now=NOW)
    creds = auth.login_credentials(session, settings=SETTINGS, now=NOW + timedelta(minutes=14))
    assert creds["usernames"]["erik"]["failed_login_attempts"] == SETTINGS.login_max_attempts
    later = auth.login_credentials(session, settings=SETTINGS, now=NOW + timedelta(minutes=16))
    assert later["usernames"]["erik"]["failed_login_attempts"] == 0


def test_password_reset_lifts_the_lock(session, setup):
    for _ in range(3):
        auth.record_failed_login(session, username="erik", settings=SETTINGS, now=NOW)
    user_service.reset_password(session, actor=setup["admin"], user_id=setup["erik"].id,
                                new_password="nystart-2026", now=NOW)
    assert not auth.is_locked(setup["erik"], NOW)


def test_unknown_user_failure_changes_nothing(session, setup):
    assert auth.record_failed_login(session, username="okand", settings=SETTINGS, now=NOW) is False


def test_logout_revokes_cookies_issued_before_it(session, setup):
    day = 86400
    issued_before = {"username": "erik", "exp_date": NOW.timestamp() - 60 + day}
    issued_after = {"username": "erik", "exp_date": NOW.timestamp() + 60 + day}

    def account():
        return auth.login_credentials(session, settings=SETTINGS, now=NOW)["usernames"].get("erik")
    assert auth.cookie_accepted(account(), issued_before, expiry_days=1)
    auth.record_logout(session, username="erik", now=NOW)
    assert not auth.cookie_accepted(account(), issued_before, expiry_days=1)
    assert auth.cookie_accepted(account(), issued_after, expiry_days=1)
    assert not auth.cookie_accepted(None, issued_after, expiry_days=1)  # deactivated or removed


def test_change_password_lists_every_problem_and_refuses_the_same_password(session, setup):
    erik = actor_of(setup["erik"], [setup["rtg"]])
    with pytest.raises(InvalidInput) as refused:
        user_service.change_own_password(session, actor=erik, current_password="", new_password="",
                                         repeated="x", now=NOW)
    assert refused.value.problems == ["Nuvarande lösenord: måste fyllas i.", "Nytt lösenord: måste fyllas i.",
                                      "Upprepa nytt lösenord: stämmer inte med det nya lösenordet."]
    with pytest.raises(InvalidInput, match="måste skilja sig från det nuvarande"):
        user_service.change_own_password(session, actor=erik, current_password=PASSWORD, new_password=PASSWORD,
                                         repeated=PASSWORD, now=NOW)
