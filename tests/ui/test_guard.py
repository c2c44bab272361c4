"""Every page guards itself: logged-out deep links show only the login, roles are enforced."""
import pytest

from tests.ui.helpers import PAGE_FILES, app, logged_in, open_page, visible_text

CLINIC_NAMES = ["Röntgenkliniken", "Nuklearmedicin", "Onkologiska kliniken", "Kardiologiska", "Ortopedkliniken"]


@pytest.mark.parametrize("page", PAGE_FILES)
def test_logged_out_deep_link_shows_login_and_no_data(demo_env, page):
    at = open_page(app(), page)
    assert not at.exception
    assert [t.label for t in at.text_input] == ["Användarnamn", "Lösenord"]
    text = visible_text(at)
    assert "Logga in" in text
    assert not any(name in text for name in CLINIC_NAMES)
    assert not at.sidebar.button  # no logout, no navigation


@pytest.mark.parametrize("page", PAGE_FILES)
def test_a_page_run_alone_without_app_py_also_shows_login(demo_env, page):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import PROJECT_DIR
    at = AppTest.from_file(str(PROJECT_DIR / page), default_timeout=30).run()
    assert not at.exception
    assert [t.label for t in at.text_input] == ["Användarnamn", "Lösenord"]
    assert not any(name in visible_text(at) for name in CLINIC_NAMES)


def test_login_page_shows_demo_accounts_in_demo_mode(demo_env):
    at = app().run()
    demo_table = at.dataframe[0].value
    assert list(demo_table["Användarnamn"]) == ["admin", "strateg", "anna", "erik", "nils", "lena", "karin", "per",
                                                 "lars", "jonas"]
    assert "demo1234" in visible_text(at)


def test_no_demo_accounts_shown_when_demo_is_off(demo_env, monkeypatch):
    monkeypatch.setenv("STRALPORTAL_DEMO", "0")
    at = app().run()
    assert not at.dataframe and "demo1234" not in visible_text(at)


def test_users_page_refuses_non_admin_and_shows_no_users(demo_env):
    at = open_page(logged_in("anna"), "pages/anvandare.py")
    assert "Du har inte behörighet till sidan Användare" in at.error[0].value
    assert "karin" not in visible_text(at) and not at.dataframe


def test_sidebar_lists_only_pages_the_role_may_open(demo_env):
    admin = open_page(logged_in("admin"), "pages/oversikt.py")
    nils = open_page(logged_in("nils"), "pages/oversikt.py")
    def label_set(at):
        return {link.label for link in at.sidebar.get("page_link")}
    review_pages = {"Genomgång", "Möte", "Åtgärder", "Egenkontroll", "Kontrollera protokoll"}
    assert label_set(admin) == {"Översikt", "Kliniker", "Strålskyddsbokslut", "Läs in bokslut", "Användare", "Mallar",
                                "Mitt konto", "Kliniska revisioner", "Händelser och avvikelser"} | review_pages
    assert label_set(nils) == {"Översikt", "Kliniker", "Strålskyddsbokslut", "Mitt konto",
                               "Kliniska revisioner", "Händelser och avvikelser"} | review_pages


def test_production_with_the_examples_key_or_demo_accounts_refuses_to_serve(demo_env, monkeypatch):
    monkeypatch.setenv("STRALPORTAL_ENV", "production")
    monkeypatch.setenv("STRALPORTAL_COOKIE_KEY", "CHANGE-ME")  # .streamlit/secrets.toml.example's placeholder
    at = app().run()
    text = visible_text(at)
    assert "Portalen startar inte i drift" in text and "STRALPORTAL_COOKIE_KEY är för kort" in text
    assert "aktiva demokonton" in text
    assert not at.text_input  # not even a login form
