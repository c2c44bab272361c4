"""Pickers at the top of clinic pages that keep their choice when the user moves between pages."""
from collections.abc import Callable
from typing import Any

import streamlit as st

from core.glossary import FIELDS, LABELS
from core.services.clinics import list_clinics
from core.services.overview import meeting_years
from pages._shared.db import session

ORGANISATION = 0  # the clinic picker's choice for "the whole organisation"


def _remember(store_key: str, widget_key: str) -> None:
    """Copy a widget's value to a key that survives pages where the widget is not drawn."""
    st.session_state[store_key] = st.session_state[widget_key]


def sticky_select(label: str, options: list, *, purpose: str, default: Any = None,
                  format_func: Callable[[Any], str] = str, container=st) -> Any:
    """A selectbox whose choice is kept in st.session_state['pick_<purpose>'] across pages."""
    if not options:
        return None
    store_key, widget_key = f"pick_{purpose}", f"_widget_pick_{purpose}"
    chosen = st.session_state.get(store_key, default)
    index = options.index(chosen) if chosen in options else (options.index(default) if default in options else 0)
    value = container.selectbox(label, options, index=index, format_func=format_func, key=widget_key,
                                on_change=_remember, args=(store_key, widget_key))
    st.session_state[store_key] = value
    return value


def _from_link(clinics: dict, years: list[int]) -> None:
    """Open the clinic and year a link names (?klinik=RTG&ar=2026, as in the e-mails), once."""
    code, year = st.query_params.get("klinik"), st.query_params.get("ar")
    by_code = {c.code: i for i, c in clinics.items()}
    if code in by_code:
        st.session_state["pick_clinic"] = st.session_state["_widget_pick_clinic"] = by_code[code]
    if year and year.isdigit() and int(year) in years:
        st.session_state["pick_meeting_year"] = st.session_state["_widget_pick_meeting_year"] = int(year)
    for key in ("klinik", "ar"):
        st.query_params.pop(key, None)


def clinic_header(actor, title: str) -> tuple[dict, int | None]:
    """Draw a clinic page's title with the sticky clinic picker; return (clinics, chosen clinic id)."""
    with session() as s:
        clinics = {c.id: c for c in list_clinics(s, actor=actor)}
    head, clinic_box = st.columns([3, 1.4], vertical_alignment="bottom")
    head.title(title)
    clinic_id = sticky_select(FIELDS["clinic_name"], list(clinics), purpose="clinic", container=clinic_box,
                              format_func=lambda i: f"{clinics[i].code} – {clinics[i].name}")
    return clinics, clinic_id


def clinic_year_header(actor, title: str, today, year_label: str = LABELS["review_year"]):
    """Draw a clinic page's title with the sticky clinic and meeting-year pickers; return (clinics, id, year)."""
    with session() as s:
        clinics = {c.id: c for c in list_clinics(s, actor=actor)}
        years = meeting_years(s, actor=actor, today=today)
    _from_link(clinics, years)
    head, clinic_box, year_box = st.columns([2.3, 1.4, 1], vertical_alignment="bottom")
    head.title(title)
    clinic_id = sticky_select(FIELDS["clinic_name"], list(clinics), purpose="clinic", container=clinic_box,
                              format_func=lambda i: f"{clinics[i].code} – {clinics[i].name}")
    year = sticky_select(year_label, years, purpose="meeting_year", default=today.year, container=year_box)
    return clinics, clinic_id, year
