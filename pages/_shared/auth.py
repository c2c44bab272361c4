"""The one guard every page calls first: login (form or cookie), account checks, role, sidebar.

The guard renders the login form inside whatever page was asked for, so a bookmarked or e-mailed
link opens that very page after login. It never depends on app.py having run.
"""
from datetime import datetime

import pandas as pd
import streamlit as st
import streamlit_authenticator as stauth

from core import clock, glossary, local_secrets, security
from core.demo import DEMO_PASSWORD, active_demo_accounts
from core.enums import Role
from core.glossary import LABELS as L
from core.permissions import CLINIC_ROLES, Actor
from core.services import auth as auth_service
from pages._shared import db
from pages._shared.first_run import first_run_screen, is_set_up
from pages._shared.nav import allowed, page_def, render_links
from pages._shared.ui import apply_style, catch_unexpected_errors, plain, show_flash

LOGIN_FIELDS = {"Form name": L["log_in"], "Username": glossary.FIELDS["username"],
                "Password": glossary.FIELDS["password"], "Login": L["log_in"], "Captcha": "Captcha"}
LOGIN_MESSAGE = "login_message"  # a message for the login screen, e.g. why the user was logged out
PASSWORD_EPOCH = "password_epoch"  # (username, when their password last changed) as this session logged in
RENEW_COOKIE = "renew_login_cookie"  # set after changing one's own password: issue this browser a new cookie
HIDE_SIDEBAR = "<style>[data-testid='stSidebar'], [data-testid='stExpandSidebarButton'] {display: none;}</style>"
# One message for every refusal, whether the name exists, is locked or the password is wrong: it names no account.
LOGIN_REFUSED = ("Fel användarnamn eller lösenord. Efter {attempts} misslyckade inloggningar i rad är kontot "
                 "tillfälligt låst i högst {minutes} minuter; be administratören återställa lösenordet om du inte "
                 "kan vänta.")


def _make_authenticator(credentials: dict) -> stauth.Authenticate:
    """Create the run's authenticator; its cookie component must exist once per run."""
    s = db.settings()
    return stauth.Authenticate(credentials, s.cookie_name, local_secrets.cookie_key(s), s.cookie_expiry_days,
                               auto_hash=False, login_sleep_time=0)


def _record_login(event: dict) -> None:
    """Note a successful form login in the database."""
    with db.session() as session:
        auth_service.record_login(session, username=event["username"], now=clock.now())


def _record_logout(event: dict) -> None:
    """Note a logout in the database, which also revokes the login cookie if the browser keeps it."""
    with db.session() as session:
        auth_service.record_logout(session, username=event["username"], now=clock.now())


def _record_failures(accounts: dict, before: dict[str, int]) -> bool:
    """Store the failed attempts the library counted in this run; return True if it counted one (checked a password)."""
    counted = False
    for username, data in accounts.items():
        if data.get("failed_login_attempts", 0) > before.get(username, 0):
            counted = True
            with db.session() as session:
                auth_service.record_failed_login(session, username=username, settings=db.settings(), now=clock.now())
    return counted


def _form_login(authenticator: stauth.Authenticate, accounts: dict, before: dict) -> None:
    """Draw the login form and refuse a failed attempt with the same words and time, whatever the name."""
    s = db.settings()
    if st.session_state.get("authentication_status") is False:
        st.session_state["authentication_status"] = None  # so that False below means a failure in this very run
    try:
        authenticator.login(location="main", fields=LOGIN_FIELDS, callback=_record_login,
                            max_login_attempts=s.login_max_attempts)
        failed = st.session_state.get("authentication_status") is False
    except stauth.LoginError:  # a locked account: refused before its password was checked
        failed = True
    if failed:
        if not _record_failures(accounts, before):  # an unknown or locked name: no password was checked
            security.spend_a_password_check()
        st.error(LOGIN_REFUSED.format(attempts=s.login_max_attempts, minutes=s.login_lock_minutes))


def _forget_stale_cookie(authenticator: stauth.Authenticate, accounts: dict) -> None:
    """Drop a login cookie of a deactivated user or from before a logout, so the form is shown instead."""
    token = authenticator.cookie_controller.get_cookie()
    if token and not auth_service.cookie_accepted(accounts.get(token.get("username")), token,
                                                  db.settings().cookie_expiry_days):
        st.session_state["logout"] = True  # the library's flag: ignore the cookie in this session
        if db.settings().cookie_name in st.context.cookies:
            authenticator.cookie_controller.delete_cookie()


def _login_screen(authenticator: stauth.Authenticate, accounts: dict, before: dict) -> None:
    """Show the login form (and the demo accounts in demo mode), handling failures and locks."""
    _forget_stale_cookie(authenticator, accounts)
    st.html(HIDE_SIDEBAR)
    left, middle, right = st.columns([1, 2, 1])
    with middle:
        st.title(L["portal_name"])
        st.caption("Klinikens genomgång av verksamhet med joniserande strålning")
        show_flash()  # e.g. that the first run has set the portal up
        message = st.session_state.pop(LOGIN_MESSAGE, None)
        if message:
            st.warning(message)
        _form_login(authenticator, accounts, before)
        if db.settings().demo:
            _demo_accounts_box()


def _demo_accounts_box() -> None:
    """List the active demo accounts, so a new user can try every role."""
    with db.session() as session:
        accounts = active_demo_accounts(session)
    if not accounts:
        return
    with st.container(border=True):
        st.markdown(f"**Demoläge.** Demokontona har lösenordet `{DEMO_PASSWORD}` om det inte har bytts.")
        st.dataframe(pd.DataFrame(
            [[a["username"], a["name"], glossary.term(Role(a["role"])), ", ".join(a["clinics"]) or "Alla"]
             for a in accounts],
            columns=[glossary.FIELDS[f] for f in ("username", "name", "role", "clinics")]),
            hide_index=True, width="stretch")


def _current_actor(authenticator: stauth.Authenticate) -> Actor | None:
    """Return the logged-in user; log out one deactivated, or whose password changed, since this session logged in."""
    username = st.session_state.get("username")
    kept = st.session_state.get(PASSWORD_EPOCH)
    try:
        with db.session() as session:
            actor, epoch = auth_service.session_actor(session, username=username,
                                                      epoch=kept[1] if kept and kept[0] == username else None)
    except auth_service.SessionEnded as exc:
        authenticator.logout(location="unrendered")
        st.session_state.pop(PASSWORD_EPOCH, None)
        st.session_state[LOGIN_MESSAGE] = str(exc)
        return None
    st.session_state[PASSWORD_EPOCH] = (username, epoch)
    if st.session_state.pop(RENEW_COOKIE, False):  # the user changed their own password: this browser stays in
        authenticator.cookie_controller.set_cookie()
    return actor


def keep_this_session(username: str, changed_at: datetime) -> None:
    """Keep the session (and, on the next run, its login cookie) that changed its own password; others end."""
    st.session_state[PASSWORD_EPOCH] = (username, changed_at.timestamp())
    st.session_state[RENEW_COOKIE] = True


def _sidebar(authenticator: stauth.Authenticate, actor: Actor) -> bool:
    """Show navigation, who is logged in and the logout button; return False if they just logged out."""
    st.sidebar.markdown("### ☢️ Strålsäkerhetsportalen")
    links, who = st.sidebar.container(), st.sidebar.container()
    authenticator.logout("Logga ut", "sidebar", key="logout_button", callback=_record_logout)
    if not st.session_state.get("authentication_status"):
        return False
    with links:
        render_links(actor)
    with who:
        st.divider()
        st.markdown(f"**{plain(actor.name)}**  \n{glossary.term(actor.role)}")
    return True


def guard(page_key: str) -> Actor:
    """Check login and role for the page; show the login form or a refusal and stop when needed."""
    catch_unexpected_errors()
    page = page_def(page_key)
    st.set_page_config(page_title=f"{page.title} – Strålsäkerhetsportalen", page_icon="☢️", layout="wide")
    apply_style()
    db.refuse_unsafe_start()
    if not is_set_up():  # a fresh database: the first administrator sets the portal up before anyone logs in
        st.html(HIDE_SIDEBAR)
        first_run_screen()
        st.stop()
    logged_in = st.session_state.get("username") if st.session_state.get("authentication_status") else None
    with db.session() as session:
        credentials = auth_service.login_credentials(session, settings=db.settings(), now=clock.now(),
                                                     only=logged_in)
    accounts = credentials["usernames"]  # the library keeps these inner dicts and counts failures in them
    before = {u: d["failed_login_attempts"] for u, d in accounts.items()}
    authenticator = _make_authenticator(credentials)
    actor = _current_actor(authenticator) if st.session_state.get("authentication_status") else None
    if actor is None:
        # A reload with a valid login cookie logs in here, before anything is drawn: no login form flashes.
        _forget_stale_cookie(authenticator, accounts)
        authenticator.login(location="unrendered")
        actor = _current_actor(authenticator) if st.session_state.get("authentication_status") else None
    if actor is None:
        _login_screen(authenticator, accounts, before)
        if st.session_state.get("authentication_status"):
            actor = _current_actor(authenticator)
    if actor is None:
        st.stop()
    if not _sidebar(authenticator, actor):
        # Just logged out: no rerun here, or the cookie deletion never reaches the browser.
        _login_screen(authenticator, accounts, before)
        st.stop()
    _check_access(actor, page)
    return actor


def _check_access(actor: Actor, page) -> None:
    """Stop with a Swedish explanation when the actor may not use the page."""
    if not allowed(actor, page):
        st.title(page.title)
        st.error(f"Du har inte behörighet till sidan {page.title}. "
                 f"Din roll är {glossary.term(actor.role)}.")
        st.stop()
    if actor.role in CLINIC_ROLES and not actor.clinic_ids and page.key != "account":
        st.title(page.title)
        st.warning("Ditt konto är inte kopplat till någon klinik ännu. "
                   "Be administratören lägga till dina kliniker under Användare.")
        st.stop()
