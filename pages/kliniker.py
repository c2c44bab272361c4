"""Kliniker: the clinics with their modalities and key people; add and edit for admin and strateg."""
import pandas as pd
import streamlit as st

from core import clock, glossary
from core.enums import Modality
from core.glossary import FIELDS, PAGES
from core.glossary import LABELS as L
from core.limits import max_length
from core.models import Clinic, Organisation
from core.permissions import Permission, can
from core.services import clinics as clinic_service
from core.services.clinics import the_organisation, update_organisation
from pages._shared.auth import guard
from pages._shared.db import session
from pages._shared.ui import edit_version, forget_edit, form_round, offer_reload, save, show_flash

PEOPLE = clinic_service.PEOPLE_FIELDS
MODALITY_TERMS = glossary.options(Modality)

actor = guard("clinics")
st.title(PAGES["clinics"])
show_flash()
with session() as s:
    clinics = clinic_service.list_clinics(s, actor=actor)


SUMMARY_COLUMNS = ("code", "clinic_name", "modalities", "head_name", "coordinator_name")


def _values(clinic) -> dict:
    """Return a clinic's values as text, by field."""
    return {"code": clinic.code, "clinic_name": clinic.name, "site": clinic.site or "",
            "modalities": ", ".join(MODALITY_TERMS[m] for m in clinic.modalities),
            **{f: getattr(clinic, f) or "" for f in PEOPLE}}


def _table(rows, columns: tuple[str, ...]) -> pd.DataFrame:
    """Return the clinics as a table with the given columns and Swedish column names."""
    return pd.DataFrame([{FIELDS[k]: _values(c)[k] for k in columns} for c in rows])


def _fields(prefix: str, clinic=None) -> dict:
    """Render the clinic's form fields (inside a form) and return what was entered."""
    data = {"name": st.text_input(f"{FIELDS['clinic_name']} *", value=clinic.name if clinic else "",
                                  key=f"{prefix}_name", max_chars=max_length(Clinic, "name")),
            "site": st.text_input(FIELDS["site"], value=(clinic.site or "") if clinic else "", key=f"{prefix}_site",
                                  max_chars=max_length(Clinic, "site")),
            "modalities": st.pills(FIELDS["modalities"], options=list(MODALITY_TERMS), selection_mode="multi",
                                   format_func=MODALITY_TERMS.get, key=f"{prefix}_modalities",
                                   default=clinic.modalities if clinic else [])}
    st.markdown("**Nyckelpersoner**")
    for pair in (PEOPLE[i:i + 2] for i in range(0, len(PEOPLE), 2)):  # row by row, for the Tab key
        for column, field in zip(st.columns(2), pair):
            data[field] = column.text_input(FIELDS[field], value=(getattr(clinic, field) or "") if clinic else "",
                                            key=f"{prefix}_{field}", max_chars=max_length(Clinic, field))
    st.markdown("**Utredningsnivåer för persondoser**")
    st.caption("Frivilliga, lägre än dosgränserna: en högsta dos i bokslutet över klinikens nivå flaggas och blir "
               "en brist som mötet beslutar om.")
    for column, field in zip(st.columns(3), clinic_service.INVESTIGATION_FIELDS):
        data[field] = column.number_input(FIELDS[field], value=getattr(clinic, field) if clinic else None,
                                          min_value=0.0, step=1.0, format="%g", key=f"{prefix}_{field}")
    return data


def _add_form() -> None:
    """Form to add a clinic; it empties after a successful save and keeps what was typed after a refusal."""
    prefix = f"add_{form_round('add_clinic')}"
    with st.form(prefix):
        code = st.text_input(f"{FIELDS['code']} *", max_chars=max_length(Clinic, "code"),
                             help="Kort kod, t.ex. RTG. Kan inte ändras senare.",
                             key=f"{prefix}_code")
        data = {"code": code, **_fields(prefix)}
        if st.form_submit_button(L["add_clinic"], type="primary"):
            save(lambda s: clinic_service.create_clinic(s, actor=actor, data=data, now=clock.now()),
                 lambda clinic: f"Kliniken {clinic.code} ({clinic.name}) är tillagd.", empty_form="add_clinic")


def _updated(clinic, data: dict, version: int, s) -> None:
    """Save an edited clinic and forget the version the form was opened at."""
    clinic_service.update_clinic(s, actor=actor, clinic_id=clinic.id, data=data, expected_version=version,
                                 now=clock.now())
    forget_edit("clinic", clinic.id)


def _edit_form() -> None:
    """Form to edit a clinic, refusing to overwrite someone else's newer save."""
    by_id = {c.id: c for c in clinics}
    chosen_id = st.selectbox(
        FIELDS["clinic_name"],
        list(by_id),
        format_func=lambda i: f"{by_id[i].code} – {by_id[i].name}",
        key="edit_clinic",
    )
    if chosen_id is None:
        return
    chosen = by_id[chosen_id]
    version = edit_version("clinic", chosen.id, chosen.version)
    with st.form(f"edit_clinic_{chosen.id}_{version}"):
        data = _fields(f"edit_{chosen.id}_{version}", chosen)
        if st.form_submit_button(L["save_changes"], type="primary"):
            save(lambda s: _updated(chosen, data, version, s), f"Ändringarna för {chosen.code} är sparade.")
    offer_reload("clinic", (chosen.id, version, chosen.version))


def _organisation_form() -> None:
    """The licence holder's name and SSM licence number, as the minutes' heading prints them."""
    with session() as s:
        org = the_organisation(s, actor=actor)
    with st.form(f"organisation_{org.id}"):
        name = st.text_input(f"{L['organisation_name']} *", value=org.name,
                             max_chars=max_length(Organisation, "name"))
        holder = st.text_input(f"{FIELDS['licence_holder']} *", value=org.licence_holder or "",
                               max_chars=max_length(Organisation, "licence_holder"))
        licence = st.text_input(FIELDS["licence_number"], value=org.licence_number or "",
                                max_chars=max_length(Organisation, "licence_number"),
                                help="Skrivs i rubriken på protokoll som skickas till justering härefter; "
                                     "redan justerade protokoll ändras inte.")
        if st.form_submit_button(L["save"], type="primary"):
            save(lambda s: update_organisation(s, actor=actor, name=name, licence_holder=holder,
                                               licence_number=licence, now=clock.now()),
                 "Uppgifterna om tillståndshavaren är sparade.")


if clinics:
    st.dataframe(_table(clinics, SUMMARY_COLUMNS), hide_index=True, width="stretch")
    with st.expander("Alla nyckelpersoner och sjukhus"):
        st.dataframe(_table(clinics, ("code", "site", *PEOPLE)), hide_index=True, width="stretch")
else:
    st.info("Det finns inga kliniker ännu.")

if can(actor, Permission.MANAGE_CLINICS):
    add_tab, edit_tab, holder_tab = st.tabs([L["add_clinic"], "Ändra klinik", FIELDS["licence_holder"]],
                                            key="clinic_tabs", on_change="rerun")
    with add_tab:
        _add_form()
    with edit_tab:
        if clinics:
            _edit_form()
    with holder_tab:
        _organisation_form()
