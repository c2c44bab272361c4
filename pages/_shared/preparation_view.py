"""Förbered on Genomgång: what the review still lacks, each with a link to where it is fixed."""
import streamlit as st

from core.models import Clinic, Review
from core.permissions import Actor
from core.services import preparation
from core.services.preparation import Missing
from pages._shared.db import session
from pages._shared.nav import allowed, page_def
from pages._shared.ui import plain

DETAILS_ANCHOR = "uppgifter-om-motet"  # the heading above Förbered's form


def checklist(actor: Actor, review: Review, clinic: Clinic) -> None:
    """List what the review lacks before the meeting, each with a link to where it is fixed."""
    with session() as s:
        found = preparation.missing(s, actor=actor, review_id=review.id)
    if not found:
        st.success("Allt finns för mötet: ordförande, protokollförare, rutinens roller i kallelsen, bokslutet och "
                   "egenkontrollen.")
        return
    with st.container(border=True, key="prepare_missing"):
        st.markdown(f"**Saknas före mötet ({len(found)})**")
        _listed(actor, review, clinic, found, preparation.DETAILS)


def fix_link(actor: Actor, review: Review, clinic: Clinic, item: Missing, key: str, here: str) -> None:
    """A link to where a missing item is fixed: Förbered's form, a step of Genomgång, or a page the user may open."""
    if item.where == here == preparation.DETAILS:
        st.markdown(f"[Till uppgifterna om mötet](#{DETAILS_ANCHOR})")
    elif item.where in preparation.STEPS:
        step = preparation.STEPS[item.where]
        st.button(f"Till {step}", key=key, width="stretch", on_click=st.session_state.update,
                  args=({f"step_{review.id}": step},))
    elif allowed(actor, page := page_def(item.where)):
        st.page_link(page.path, label=f"Till {page.title}", icon=page.icon,
                     query_params={"klinik": clinic.code, "ar": str(review.year)})


def _listed(actor: Actor, review: Review, clinic: Clinic, found: list[Missing], here: str) -> None:
    """Each missing item beside its link."""
    for n, item in enumerate(found):
        text, go = st.columns([4, 1.3], vertical_alignment="center")
        text.markdown(f"- {plain(item.text)}")
        with go:
            fix_link(actor, review, clinic, item, f"fix_{here}_{review.id}_{n}", here)


def notice_refusal(actor: Actor, review: Review, clinic: Clinic) -> bool:
    """Say what must be chosen before the kallelse is sent, with links; return whether anything is missing."""
    with session() as s:
        found = preparation.notice_problems(s, actor=actor, review_id=review.id)
    if found:
        st.warning("Kallelsen kan inte skickas ännu: den namnger ordföranden och protokollföraren.")
        _listed(actor, review, clinic, found, preparation.CALL)
    return bool(found)
