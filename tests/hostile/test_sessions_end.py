"""Sessions and login cookies end when the password changes; findings_raised checks its actor like its siblings."""
from datetime import date, timedelta

import pytest
from sqlmodel import func, select

from core import history
from core.config import Settings
from core.enums import Role
from core.errors import InvalidInput, NotFound
from core.models import HistoryEntry, SafetyEvent, User
from core.permissions import PermissionDenied
from core.services import auth, safety_events
from core.services import users as user_service
from tests.factories import NOW, PASSWORD, actor_of, make_clinic, make_org, make_user

SETTINGS = Settings(login_max_attempts=3, login_lock_minutes=15)
DAY = 86400.0


@pytest.fixture
def world(session):
    """RTG and NM, an administrator and erik, a samordnare of RTG who is logged in somewhere."""
    org = make_org(session)
    rtg, nm = make_clinic(session, org, "RTG"), make_clinic(session, org, "NM")
    admin = actor_of(make_user(session, "admin", Role.ADMIN))
    erik = make_user(session, "erik", Role.SAMORDNARE, [rtg])
    session.commit()
    return {"rtg": rtg, "nm": nm, "admin": admin, "erik": erik, "erik_actor": actor_of(erik, [rtg])}


def _cookie_issued(moment) -> dict:
    """A login cookie as the library writes it, issued at moment (it carries only its expiry)."""
    return {"username": "erik", "exp_date": moment.timestamp() + DAY}


def _account(session) -> dict | None:
    """Return erik's entry in the credentials the login form checks."""
    return auth.login_credentials(session, settings=SETTINGS, now=NOW)["usernames"].get("erik")


def test_an_administrators_reset_ends_open_sessions_and_old_cookies(session, world):
    _, kept = auth.session_actor(session, username="erik", epoch=None)  # erik's browser logs in
    old_cookie = _cookie_issued(NOW - timedelta(minutes=5))
    assert auth.cookie_accepted(_account(session), old_cookie, 1)
    user_service.reset_password(session, actor=world["admin"], user_id=world["erik"].id,
                                new_password="ett-nytt-losenord", now=NOW)
    session.commit()
    with pytest.raises(auth.SessionEnded, match="Lösenordet för ditt konto har ändrats, så du är utloggad här"):
        auth.session_actor(session, username="erik", epoch=kept)
    assert not auth.cookie_accepted(_account(session), old_cookie, 1)
    assert auth.cookie_accepted(_account(session), _cookie_issued(NOW + timedelta(seconds=1)), 1)
    actor, _ = auth.session_actor(session, username="erik", epoch=None)  # a new login works
    assert actor.username == "erik"


def test_the_users_own_change_ends_their_other_sessions_but_not_this_one(session, world):
    _, elsewhere = auth.session_actor(session, username="erik", epoch=None)
    changed_at = user_service.change_own_password(session, actor=world["erik_actor"], current_password=PASSWORD,
                                                  new_password="ett-nytt-losenord", repeated="ett-nytt-losenord",
                                                  now=NOW)
    session.commit()
    with pytest.raises(auth.SessionEnded, match="Logga in med det nya lösenordet"):
        auth.session_actor(session, username="erik", epoch=elsewhere)
    actor, epoch = auth.session_actor(session, username="erik", epoch=changed_at.timestamp())  # this browser
    assert actor.username == "erik" and epoch == changed_at.timestamp()
    assert not auth.cookie_accepted(_account(session), _cookie_issued(NOW - timedelta(seconds=1)), 1)


def test_a_refused_password_change_ends_nothing(session, world):
    _, kept = auth.session_actor(session, username="erik", epoch=None)
    entries = session.exec(select(func.count()).select_from(HistoryEntry)).one()
    with pytest.raises(InvalidInput, match="Nytt lösenord: måste ha minst 8 tecken"):
        user_service.reset_password(session, actor=world["admin"], user_id=world["erik"].id, new_password="kort",
                                    now=NOW)
    session.rollback()
    assert auth.session_actor(session, username="erik", epoch=kept)[1] == kept
    assert session.exec(select(User.password_changed_at).where(User.username == "erik")).one() is None
    assert session.exec(select(func.count()).select_from(HistoryEntry)).one() == entries


def test_a_deactivated_users_session_ends_with_its_own_reason(session, world):
    _, kept = auth.session_actor(session, username="erik", epoch=None)
    user_service.deactivate_user(session, actor=world["admin"], username="erik", now=NOW)
    session.commit()
    with pytest.raises(auth.SessionEnded, match="Ditt konto är inaktiverat eller borttaget"):
        auth.session_actor(session, username="erik", epoch=kept)


def test_demo_accounts_cannot_log_in_to_a_production_portal(session, world):
    make_user(session, "demo", Role.ADMIN, is_demo=True)
    session.commit()
    production = auth.login_credentials(session, settings=Settings(env="production"), now=NOW)["usernames"]
    development = auth.login_credentials(session, settings=Settings(env="development"), now=NOW)["usernames"]
    assert "demo" not in production and "demo" in development and "erik" in production


def _event(session, clinic) -> SafetyEvent:
    """Store an event of the clinic directly (the register's own rules are tested elsewhere)."""
    event = SafetyEvent(clinic_id=clinic.id, kind="internal_deviation", occurred_on=date(2026, 2, 1),
                        description="Dosimeter glömd.", created_at=NOW)
    with history.unrecorded(session):
        session.add(event)
        session.commit()
    return event


@pytest.mark.parametrize("role", ["verksamhetschef", "samordnare", "deltagare", "lasare"])
def test_findings_raised_refuses_another_clinics_events(session, world, role):
    theirs = _event(session, world["nm"])
    outsider = actor_of(make_user(session, f"x-{role}", Role(role), [world["rtg"]]), [world["rtg"]])
    with pytest.raises(PermissionDenied, match="Du saknar behörighet att se klinikens uppgifter"):
        safety_events.findings_raised(session, actor=outsider, event_ids=[theirs.id])
    mine = _event(session, world["rtg"])
    with pytest.raises(PermissionDenied):  # one foreign event among one's own is refused too
        safety_events.findings_raised(session, actor=outsider, event_ids=[mine.id, theirs.id])
    assert safety_events.findings_raised(session, actor=outsider, event_ids=[mine.id]) == set()


def test_findings_raised_names_an_event_that_does_not_exist(session, world):
    with pytest.raises(NotFound, match="med id 999 finns inte"):
        safety_events.findings_raised(session, actor=world["admin"], event_ids=[999])
