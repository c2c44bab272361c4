"""§ Strålskyddsbokslut: exactly what the minutes print (the same builder), with the key-indicator chart."""
import streamlit as st

from core import charts
from core.glossary import LABELS as L
from core.services import minutes_content
from pages._shared.blocks import show_block
from pages._shared.db import session
from pages._shared.meeting.context import Meeting
from pages._shared.ui import show_chart


def render(m: Meeting) -> None:
    """The clinic's bokslut as the minutes print it (after a reopen, as the version replaced printed it)."""
    with session() as s:
        blocks, trend = minutes_content.bokslut_as_minutes(s, actor=m.actor, review=m.review)
    for block in blocks:
        show_block(block)
    if trend:
        st.markdown(f"**{L['key_indicators_over_years']}**")
        show_chart(charts.key_indicators_chart([p.model_dump() for p in trend]), title=L["key_indicators_over_years"],
                   fields={"Indikator": "Indikator", "År": "År", "Värde": "Värdetext"})
