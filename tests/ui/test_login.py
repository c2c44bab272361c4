"""Logging in through the form, by cookie, failures, locking and logging out."""
from tests.ui.helpers import app, fake_cookie, logged_in, open_page, visible_text


def _submit(at, username: str, password: str):
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    at.button[0].click().run()
    return at


def test_form_login_opens_the_page_the_link_named(demo_env):
    at = open_page(app(), "pages/kliniker.py")
    _submit(at, "admin", "demo1234")
    assert at.session_state["authentication_status"] is True
    at.run()  # stands in for the cookie component's rerun in a browser
    assert at.title[0].value == "Kliniker"
    assert "Röntgenkliniken" in visible_text(at)


def test_wrong_password_and_unknown_user_are_refused_in_swedish(demo_env):
    at = _submit(app().run(), "admin", "fel-losenord")
    assert "Fel användarnamn eller lösenord." in [e.value for e in at.error]
    at = _submit(app().run(), "okand", "demo1234")
    assert "Fel användarnamn eller lösenord." in [e.value for e in at.error]
    assert not at.session_state["authentication_status"]


def test_five_failures_lock_the_account_even_for_the_right_password(demo_env):
    at = app().run()
    for _ in range(5):
        _submit(at, "erik", "fel-losenord")
    assert "tillfälligt låst" in visible_text(at)
    at = _submit(app().run(), "erik", "demo1234")
    assert not at.session_state["authentication_status"]
    assert "tillfälligt låst" in visible_text(at)


def test_cookie_logs_the_user_in_on_a_deep_link(demo_env, monkeypatch):
    fake_cookie(monkeypatch, "lena")
    at = open_page(app(), "pages/mitt_konto.py")
    assert at.title[0].value == "Mitt konto"
    assert "Lena Dahl" in visible_text(at)


def test_cookie_of_a_deactivated_user_is_not_accepted(demo_env, monkeypatch):
    from sqlmodel import Session, select

    from core import db, history
    from core.models import User
    with Session(db.make_engine(demo_env)) as s, history.unrecorded(s):
        user = s.exec(select(User).where(User.username == "lena")).one()
        user.active = False
        s.add(user)
        s.commit()
    fake_cookie(monkeypatch, "lena")
    at = open_page(app(), "pages/oversikt.py")
    assert [t.label for t in at.text_input] == ["Användarnamn", "Lösenord"]
    assert "Röntgenkliniken" not in visible_text(at)


def test_logout_returns_to_the_login_form(demo_env):
    at = open_page(logged_in("anna"), "pages/oversikt.py")
    at.sidebar.button[0].click().run()
    assert at.session_state["authentication_status"] is None
    assert [t.label for t in at.text_input] == ["Användarnamn", "Lösenord"]
    assert "Röntgenkliniken" not in visible_text(at)


def test_a_user_deactivated_while_logged_in_is_told_why(demo_env):
    from sqlmodel import Session, select

    from core import db, history
    from core.models import User
    at = open_page(logged_in("nils"), "pages/oversikt.py")
    assert at.title[0].value == "Översikt"
    with Session(db.make_engine(demo_env)) as s, history.unrecorded(s):
        nils = s.exec(select(User).where(User.username == "nils")).one()
        nils.active = False
        s.add(nils)
        s.commit()
    at.run()
    assert "Ditt konto är inaktiverat" in at.warning[0].value
    assert [t.label for t in at.text_input] == ["Användarnamn", "Lösenord"]
    assert "nils" not in list(at.dataframe[0].value["Användarnamn"])  # the demo box lists active accounts
