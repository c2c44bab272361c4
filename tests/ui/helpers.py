"""AppTest helpers: run the portal from app.py, logged in or not, and read what the user sees."""
from streamlit.testing.v1 import AppTest

from tests.conftest import PROJECT_DIR

APP = str(PROJECT_DIR / "app.py")
PAGE_FILES = ["pages/oversikt.py", "pages/kliniker.py", "pages/genomgang.py", "pages/mote.py", "pages/atgarder.py",
              "pages/egenkontroll.py", "pages/mallar.py", "pages/revisioner.py", "pages/handelser.py",
              "pages/bokslut.py", "pages/bokslut_import.py", "pages/anvandare.py", "pages/mitt_konto.py",
              "pages/kontrollera_protokoll.py"]
DEMO = {  # username: (name, role)
    "admin": ("Maja Holmberg", "admin"), "strateg": ("Ingrid Strand", "strateg"),
    "anna": ("Anna Berg", "verksamhetschef"), "erik": ("Erik Lind", "samordnare"),
    "nils": ("Nils Ek", "deltagare"), "lena": ("Lena Dahl", "lasare"), "karin": ("Karin Öberg", "verksamhetschef"),
    "per": ("Per Holm", "verksamhetschef"), "lars": ("Lars Nyström", "verksamhetschef"),
}


def app() -> AppTest:
    """Return a fresh AppTest of the portal."""
    return AppTest.from_file(APP, default_timeout=30)


def logged_in(username: str, at: AppTest | None = None) -> AppTest:
    """Pre-seed the login library's session keys, as a cookie login would."""
    at = at or app()
    name, role = DEMO[username]
    for key, value in {"authentication_status": True, "username": username, "name": name,
                       "roles": [role], "email": f"{username}@demosjukhuset.se", "logout": None}.items():
        at.session_state[key] = value
    return at


def open_page(at: AppTest, page: str) -> AppTest:
    """Run the app once, then switch to the page as a link would."""
    at.run()
    return at.switch_page(page).run()


def visible_text(at: AppTest) -> str:
    """Return everything a user could read on the page, tables included."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "error", "warning",
                 "info", "success", "metric"):
        for element in getattr(at, kind):
            parts.append(str(getattr(element, "value", "")) + " " + str(getattr(element, "label", "")))
    parts.extend(df.value.to_string() for df in at.dataframe)
    return "\n".join(parts)


def fake_cookie(monkeypatch, username: str) -> None:
    """Make the login library find a valid cookie for username (AppTest has no real cookies).

    Like the library's own reader, it ignores the cookie once the session has logged out.
    """
    import streamlit as st
    from streamlit_authenticator.models.cookie_model import CookieModel

    def get_cookie(self):
        return None if st.session_state.get("logout") else {"username": username, "exp_date": 9e9}

    monkeypatch.setattr(CookieModel, "get_cookie", get_cookie)


def open_tab(at: AppTest, key: str, label_start: str) -> AppTest:
    """Open the lazy tab whose label starts with label_start (only the open tab's content is drawn)."""
    label = next(t.label for t in at.tabs if t.label.startswith(label_start))
    at.session_state[key] = label
    return at.run()
