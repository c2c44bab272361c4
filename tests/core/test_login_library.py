"""The parts of streamlit-authenticator the login glue (pages/_shared/auth.py) relies on beyond its API.

The version is pinned in pyproject.toml; a new version must pass this file before the pin moves.
"""
import inspect
import re
from importlib.metadata import version

import streamlit_authenticator as stauth
from streamlit_authenticator.controllers.cookie_controller import CookieController
from streamlit_authenticator.models.authentication_model import AuthenticationModel
from streamlit_authenticator.models.cookie_model import CookieModel

PINNED = "0.4.2"


def test_the_installed_version_is_the_pinned_one():
    assert version("streamlit-authenticator") == PINNED


def test_failures_are_counted_in_the_credentials_we_pass_in():
    """The guard reads failed_login_attempts from the inner dicts to lock accounts in the database."""
    source = inspect.getsource(AuthenticationModel._record_failed_login_attempts)
    assert "self.credentials['usernames'][username]['failed_login_attempts'] += 1" in source
    assert "failed_login_attempts" in inspect.getsource(AuthenticationModel.login)


def test_the_cookie_is_read_through_the_controller_and_ignored_after_logout():
    """_forget_stale_cookie uses cookie_controller.get_cookie/delete_cookie and the session's logout flag."""
    assert {"get_cookie", "delete_cookie"} <= set(dir(CookieController))
    assert "st.session_state['logout']" in inspect.getsource(CookieModel.get_cookie)
    source = inspect.getsource(stauth.Authenticate.__init__)
    assert re.search(r"self\.cookie_controller\s*=\s*CookieController\(", source)


def test_login_can_run_unrendered_with_our_fields_callback_and_attempt_limit():
    """A reload logs in from the cookie without drawing a form (location="unrendered")."""
    parameters = inspect.signature(stauth.Authenticate.login).parameters
    assert {"location", "fields", "callback", "max_login_attempts"} <= set(parameters)
    assert "unrendered" in str(parameters["location"].annotation)
    assert issubclass(stauth.LoginError, Exception)


def test_a_locked_account_is_refused_before_its_password_is_checked_and_a_failure_sets_false():
    """The guard spends a dummy password check when the library refused without one, and reads a failure as False."""
    source = inspect.getsource(AuthenticationModel.login)
    assert source.index("raise LoginError('Maximum number of login attempts exceeded')") \
        < source.index("self.check_credentials(username, password)")
    assert "st.session_state['authentication_status'] = False" in source
    check = inspect.getsource(AuthenticationModel.check_credentials)
    assert "if username not in self.credentials['usernames']:\n            return False" in check


def test_a_new_cookie_can_be_issued_for_the_logged_in_user():
    """After changing one's own password, the guard issues this browser a new cookie (cookie_controller.set_cookie)."""
    assert "set_cookie" in dir(CookieController)
    assert "st.session_state['username']" in inspect.getsource(CookieModel._token_encode)
