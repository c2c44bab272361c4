"""Mitt konto: who I am, my clinics, and changing my own password."""
import streamlit as st

from core import clock, glossary
from core.glossary import FIELDS, PAGES
from core.glossary import LABELS as L
from core.permissions import sees_every_clinic
from core.services import clinics as clinic_service
from core.services import users as user_service
from pages._shared.auth import guard, keep_this_session
from pages._shared.db import session
from pages._shared.ui import plain, save, show_flash

actor = guard("account")
st.title(PAGES["account"])
show_flash()
with session() as s:
    my_clinics = [c for c in clinic_service.list_clinics(s, actor=actor) if c.id in actor.clinic_ids]



def _clinics_text() -> str:
    """The clinics the user works with: all of them for roles that see the whole organisation."""
    if sees_every_clinic(actor.role):
        return "alla"
    return plain(", ".join(f"{c.code} – {c.name}" for c in my_clinics)) or "inga"


st.markdown(f"**{plain(actor.name)}** ({plain(actor.username)})  \n"
            f"{FIELDS['role']}: {glossary.term(actor.role)}  \n"
            f"{FIELDS['clinics']}: {_clinics_text()}")

def _changed(changed_at) -> str:
    """Keep this session logged in (every other one has ended) and confirm."""
    keep_this_session(actor.username, changed_at)
    return "Ditt lösenord är bytt. Du är utloggad överallt utom här."


st.subheader(L["change_password"])
with st.form("change_password", clear_on_submit=True):
    current = st.text_input("Nuvarande lösenord", type="password")
    new = st.text_input(L["new_password"], type="password", help="Minst 8 tecken.")
    repeated = st.text_input("Upprepa nytt lösenord", type="password")
    if st.form_submit_button(L["change_password"], type="primary"):
        save(lambda s: user_service.change_own_password(
            s, actor=actor, current_password=current, new_password=new, repeated=repeated, now=clock.now()),
            _changed)
