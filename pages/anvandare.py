"""Användare (administrator): add users, change role and clinics, reset passwords, deactivate."""
import pandas as pd
import streamlit as st

from core import clock, glossary
from core.enums import Role
from core.formatting import datetime_text
from core.glossary import FIELDS, MODELS, PAGES
from core.glossary import LABELS as L
from core.limits import max_length
from core.models import User
from core.permissions import sees_every_clinic
from core.services import clinics as clinic_service
from core.services import users as user_service
from core.services.auth import is_locked
from pages._shared.auth import guard
from pages._shared.db import session
from pages._shared.ui import (
    edit_version,
    forget_edit,
    form_round,
    offer_reload,
    save,
    show_flash,
    yes_no,
)

ROLE_TERMS = glossary.options(Role)

actor = guard("users")
st.title(PAGES["users"])
show_flash()
now = clock.now()
with session() as s:
    users = user_service.list_users(s, actor=actor)
    clinics = {c.id: c for c in clinic_service.list_clinics(s, actor=actor)}


def _clinic_codes(ids: list[int]) -> str:
    """Return the clinics' codes, comma-separated."""
    return ", ".join(clinics[i].code for i in ids if i in clinics)


def _table() -> pd.DataFrame:
    """Return the users as a table with Swedish column names."""
    return pd.DataFrame([{
        FIELDS["username"]: u.username, FIELDS["name"]: u.name, FIELDS["email"]: u.email,
        FIELDS["role"]: ROLE_TERMS[u.role],
        FIELDS["clinics"]: _clinic_codes(ids) or ("Alla" if sees_every_clinic(u.role) else ""),
        FIELDS["active"]: yes_no(u.active),
        "Låst": f"till {datetime_text(u.locked_until)}" if is_locked(u, now) else "",
        "Senast inloggad": datetime_text(u.last_login_at),
        "Demokonto": yes_no(u.is_demo),
    } for u, ids in users])


def _role_and_clinics(prefix: str, role: str = Role.DELTAGARE.value, chosen: list[int] | None = None) -> dict:
    """Render role and clinic fields (inside a form) and return them."""
    roles = list(ROLE_TERMS)
    return {
        "role": st.selectbox(f"{FIELDS['role']} *", roles, index=roles.index(role), format_func=ROLE_TERMS.get,
                             key=f"{prefix}_role"),
        "clinics": st.multiselect(FIELDS["clinics"], list(clinics), default=chosen or [], key=f"{prefix}_clinics",
                                  format_func=lambda i: f"{clinics[i].code} – {clinics[i].name}",
                                  placeholder="Välj", help="Krävs för alla roller utom administratör och strateg."),
    }


def _add_form() -> None:
    """Form to add a user with a first password; it empties after a successful save."""
    prefix = f"add_{form_round('add_user')}"
    with st.form(prefix):
        left, right = st.columns(2)
        data = {
            "username": left.text_input(
                f"{FIELDS['username']} *", key=f"{prefix}_username", max_chars=max_length(User, "username")
            ),
            "name": right.text_input(f"{FIELDS['name']} *", key=f"{prefix}_name", max_chars=max_length(User, "name")),
            "email": left.text_input(
                f"{FIELDS['email']} *", key=f"{prefix}_email", max_chars=max_length(User, "email")
            ),
            "password": right.text_input(
                "Första lösenord *",
                type="password",
                key=f"{prefix}_password",
                help="Minst 8 tecken. Användaren byter det under Mitt konto.",
            ),
        }
        data |= _role_and_clinics(prefix)
        if st.form_submit_button(L["add_user"], type="primary"):
            save(lambda s: user_service.create_user(s, actor=actor, data=data, now=clock.now()),
                 lambda user: f"Användaren {user.username} är tillagd.", empty_form="add_user")


def _updated(user, data: dict, version: int, s) -> None:
    """Save an edited user and forget the version the form was opened at."""
    user_service.update_user(s, actor=actor, user_id=user.id, data=data, expected_version=version, now=clock.now())
    forget_edit("user", user.id)


def _edit_form(user, clinic_ids: list[int]) -> None:
    """Form to change a user's details, role, clinics and active flag."""
    version = edit_version("user", user.id, user.version)
    prefix = f"edit_{user.id}_{version}"
    with st.form(prefix):
        left, right = st.columns(2)
        data = {"name": left.text_input(f"{FIELDS['name']} *", value=user.name, key=f"{prefix}_name",
                                        max_chars=max_length(User, "name")),
                "email": right.text_input(f"{FIELDS['email']} *", value=user.email, key=f"{prefix}_email",
                                          max_chars=max_length(User, "email"))}
        data |= _role_and_clinics(prefix, user.role, clinic_ids)
        data["active"] = st.checkbox("Aktiv (kan logga in)", value=user.active, key=f"{prefix}_active")
        if st.form_submit_button(L["save_changes"], type="primary"):
            save(lambda s: _updated(user, data, version, s), f"Ändringarna för {user.username} är sparade.")
    offer_reload("user", (user.id, version, user.version))


def _password_form(user) -> None:
    """Form to set a new password for a user (also lifts a login lock)."""
    with st.form(f"reset_{user.id}", clear_on_submit=True):
        password = st.text_input(f"{L['new_password']} *", type="password", help="Minst 8 tecken.")
        if st.form_submit_button(L["reset_password"]):
            save(lambda s: user_service.reset_password(s, actor=actor, user_id=user.id, new_password=password,
                                                       now=clock.now()),
                 f"Lösenordet för {user.username} är återställt. Ge det till användaren på ett säkert sätt.")


st.dataframe(_table(), hide_index=True, width="stretch")
add_tab, edit_tab = st.tabs([L["add_user"], "Ändra användare"], key="user_tabs", on_change="rerun")
with add_tab:
    _add_form()
with edit_tab:
    by_id = {u.id: (u, ids) for u, ids in users}
    chosen = st.selectbox(MODELS["User"], list(by_id), key="edit_user",
                          format_func=lambda i: f"{by_id[i][0].name} ({by_id[i][0].username})")
    if chosen is not None:
        _edit_form(*by_id[chosen])
        st.markdown(f"**{L['reset_password']}**")
        _password_form(by_id[chosen][0])
