"""Översikt: the clinics the user may see and what exists for each this year."""
import pandas as pd
import streamlit as st

from core import clock, glossary
from core.enums import Modality, ReviewStatus
from core.formatting import date_text
from core.glossary import PAGES
from core.services.clinical_audits import whole_activity_overdue
from core.services.clinics import the_organisation
from core.services.overview import clinic_statuses, meeting_years
from pages._shared.auth import guard
from pages._shared.db import session, settings
from pages._shared.pickers import sticky_select

actor = guard("overview")
today = clock.today()
with session() as s:
    organisation = the_organisation(s)
    years = meeting_years(s, today=today)

title, picker = st.columns([3, 1], vertical_alignment="bottom")
title.title(PAGES["overview"])
year = sticky_select("Genomgångsår", years, purpose="meeting_year", default=today.year, container=picker)
with session() as s:
    statuses = clinic_statuses(s, actor=actor, year=year, today=today)
st.caption(f"{organisation.name} · genomgångar {year} av strålskyddsbokslutet för {year - 1} · "
           f"idag {today.isoformat()}")

if not statuses:
    st.info("Det finns inga kliniker som du kan se ännu.")
    st.stop()

left, middle, right, last, overdue = st.columns(5)
left.metric("Kliniker", len(statuses))
middle.metric(f"Bokslut {year - 1}", "Inläst" if statuses[0].report_loaded else "Saknas")
right.metric("Justerade protokoll", f"{sum(x.review_status == ReviewStatus.APPROVED for x in statuses)}"
             f" av {len(statuses)}")
last.metric("Öppna åtgärder", sum(x.open_actions for x in statuses))
overdue.metric("Försenade", sum(x.overdue_actions for x in statuses))


def _row(x) -> dict:
    """Describe one clinic in words (never colour alone)."""
    review = glossary.term(x.review_status, ReviewStatus) if x.review_status else "Ej skapad"
    return {
        "Kod": x.clinic.code,
        "Klinik": x.clinic.name,
        "Modaliteter": ", ".join(glossary.term(m, Modality) for m in x.clinic.modalities),
        "Användare": x.members,
        f"Bokslut {year - 1}": "Inläst" if x.report_loaded else "Saknas",
        f"Genomgång {year}": review,
        "Öppna åtgärder": x.open_actions,
        "Försenade": x.overdue_actions,
        f"Egenkontroll {year}": "Påbörjad" if x.self_assessment else "Ej påbörjad",
        "Klinisk revision (hela)": (date_text(x.last_whole_audit) or "Ingen")
        + (" – för gammal" if whole_activity_overdue(x.last_whole_audit, today, settings().audit_interval_years)
           else ""),
    }


st.subheader("Klinikerna")
st.dataframe(pd.DataFrame([_row(x) for x in statuses]), hide_index=True, width="stretch")
