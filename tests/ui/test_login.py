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


def _errors(at) -> list[str]:
    return [e.value for e in at.error]


def test_wrong_password_and_unknown_user_are_refused_in_swedish(demo_env):
    at = _submit(app().run(), "admin", "fel-losenord")
    assert _errors(at)[0].startswith("Fel användarnamn eller lösenord.")
    at = _submit(app().run(), "okand", "demo1234")
    assert _errors(at)[0].startswith("Fel användarnamn eller lösenord.")
    assert not at.session_state["authentication_status"]


def test_five_failures_lock_the_account_even_for_the_right_password(demo_env):
    at = app().run()
    for _ in range(5):
        _submit(at, "erik", "fel-losenord")
    assert "tillfälligt låst" in visible_text(at)
    at = _submit(app().run(), "erik", "demo1234")
    assert not at.session_state["authentication_status"]
    assert "tillfälligt låst" in visible_text(at)


def test_a_real_and_an_unknown_name_get_the_same_words_and_the_same_password_check(demo_env, monkeypatch):
    from core import security
    spent = []
    check = security.spend_a_password_check
    monkeypatch.setattr(security, "spend_a_password_check", lambda: spent.append(1) or check())
    said = {}
    for name in ("erik", "okand"):
        at, said[name] = app().run(), []
        for _ in range(7):  # past the limit of five
            said[name].append(_errors(_submit(at, name, "fel-losenord")))
        said[name].append(_errors(_submit(app().run(), name, "demo1234")))  # a fresh browser, the right password
    assert said["erik"] == said["okand"] and all(len(errors) == 1 for errors in said["erik"])
    # erik: five passwords checked, then locked (2 + 1 refused unchecked); okand: never a real check (8)
    assert len(spent) == 3 + 8
    at = app().run()
    assert not _errors(at)  # no refusal shown before anything is tried


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


def _lena_logged_in_with_a_cookie(monkeypatch):
    """Lena's browser: logged in by a cookie issued now, and the page open."""
    import time

    import streamlit as st
    from streamlit_authenticator.models.cookie_model import CookieModel
    issued = time.time()
    monkeypatch.setattr(CookieModel, "get_cookie", lambda self: None if st.session_state.get("logout")
                        else {"username": "lena", "exp_date": issued + 86400})
    at = open_page(app(), "pages/oversikt.py")
    assert at.title[0].value == "Översikt"
    return at


def _user_id(url: str, username: str) -> int:
    from sqlmodel import Session, select

    from core import db
    from core.models import User
    with Session(db.make_engine(url)) as s:
        return s.exec(select(User.id).where(User.username == username)).one()


def test_an_administrators_reset_ends_the_open_session_and_the_old_cookie(demo_env, monkeypatch):
    from core import clock, db
    from core.services import auth
    from core.services import users as user_service
    at = _lena_logged_in_with_a_cookie(monkeypatch)
    with db.session_scope(db.make_engine(demo_env)) as s:
        admin = auth.actor_for(s, "admin")
        user_service.reset_password(s, actor=admin, user_id=_user_id(demo_env, "lena"),
                                    new_password="ett-nytt-losenord", now=clock.now())
    at.run()
    assert "Lösenordet för ditt konto har ändrats" in at.warning[0].value
    assert [t.label for t in at.text_input] == ["Användarnamn", "Lösenord"]
    again = open_page(app(), "pages/oversikt.py")  # a reload: the cookie is from before the reset
    assert [t.label for t in again.text_input] == ["Användarnamn", "Lösenord"]
    assert again.session_state["authentication_status"] is not True


def test_changing_ones_own_password_keeps_this_session_and_ends_the_others(demo_env):
    here = open_page(logged_in("lena"), "pages/mitt_konto.py")
    elsewhere = open_page(logged_in("lena"), "pages/oversikt.py")
    by_label = {t.label: t for t in here.text_input}
    by_label["Nuvarande lösenord"].input("demo1234")
    by_label["Nytt lösenord"].input("ett-nytt-losenord")
    by_label["Upprepa nytt lösenord"].input("ett-nytt-losenord")
    next(b for b in here.button if b.label == "Byt lösenord").click().run()
    assert "Ditt lösenord är bytt. Du är utloggad överallt utom här." in visible_text(here)
    assert here.title[0].value == "Mitt konto"
    here.run()
    assert here.title[0].value == "Mitt konto"  # still logged in here
    elsewhere.run()
    assert "Lösenordet för ditt konto har ändrats" in elsewhere.warning[0].value
    assert [t.label for t in elsewhere.text_input] == ["Användarnamn", "Lösenord"]
