"""The first-run screen: on a database without an organisation, the first administrator sets the portal up."""
import streamlit as st

from core import clock, local_secrets
from core.glossary import FIELDS, MODELS
from core.glossary import LABELS as L
from core.services import sealing, setup
from pages._shared import db
from pages._shared.ui import save

SET_UP_KEY = "portal_set_up"  # once seen set up, a session never asks the database again


def is_set_up() -> bool:
    """Tell whether the portal has its organisation (remembered for the session once it has)."""
    if not st.session_state.get(SET_UP_KEY):
        with db.session() as s:
            st.session_state[SET_UP_KEY] = not setup.needs_setup(s)
    return st.session_state[SET_UP_KEY]


def _set_up(s, code: str, organisation: dict, admin: dict) -> str:
    """Create the organisation and the first administrator; return the confirmation."""
    _, user = setup.set_up_with_code(s, actor=setup.FIRST_RUN_ACTOR, code=code, settings=db.settings(),
                                     organisation=organisation, admin=admin, now=clock.now())
    sealing.ensure_organisation_seal(s, actor=setup.FIRST_RUN_ACTOR, settings=db.settings())
    return f"Portalen är upplagd. Logga in som {user.username} med lösenordet du valde."


def first_run_screen() -> None:
    """Ask for the organisation and the first administrator, with the setup code from the server's log."""
    _, middle, _ = st.columns([1, 2, 1])
    with middle:
        st.title(L["portal_name"])
        st.subheader("Första start")
        st.markdown("Databasen har ingen organisation ännu. Lägg upp organisationen och den första "
                    "administratören; därefter läggs kliniker och användare till under **Kliniker** och "
                    "**Användare**. Startkoden står i serverns logg: `stralportal serve` skriver en ny vid varje "
                    f"start, och den gäller en gång, i {local_secrets.SETUP_CODE_HOURS} timmar.")
        with st.form("first_run"):
            st.markdown(f"**{MODELS['Organisation']}**")
            organisation = {
                "name": st.text_input(f"{L['organisation_name']} *", placeholder="t.ex. Norrby sjukhus"),
                "licence_holder": st.text_input(f"{FIELDS['licence_holder']} *", placeholder="t.ex. Region Norrby"),
                "licence_number": st.text_input(f"{FIELDS['licence_number']} *")}
            st.markdown("**Den första administratören**")
            left, right = st.columns(2)
            admin = {"username": left.text_input(f"{FIELDS['username']} *"),
                     "name": right.text_input(f"{FIELDS['name']} *")}
            admin["email"] = st.text_input(f"{FIELDS['email']} *")
            left, right = st.columns(2)
            password = left.text_input(f"{FIELDS['password']} *", type="password")
            repeated = right.text_input("Upprepa lösenordet *", type="password")
            code = st.text_input("Startkod *", help="Står i serverns logg när portalen startar.")
            if st.form_submit_button("Lägg upp portalen", type="primary"):
                if password != repeated:
                    st.error("Inget sparades. Lösenorden är inte lika.")
                    return
                # On success save() reruns: the portal is then set up and the login form shows the confirmation.
                save(lambda s: _set_up(s, code, organisation, {**admin, "password": password}), lambda told: told)
