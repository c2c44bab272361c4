"""Ändringshistorik on screen: who changed what and when, in words."""
import pandas as pd
import streamlit as st

from core import glossary
from core.enums import HistoryOperation
from core.formatting import datetime_text
from core.glossary import LABELS as L
from core.permissions import Actor, Permission, can
from core.services import history, history_chain
from pages._shared.db import session


def _shown(values: dict | None) -> str:
    """Show logged values in words: Swedish field names (glossary), Swedish terms for codes, a dash for nothing.

    Keys the glossary does not name are technical (ids, versions, timestamps) and are left out.
    """
    terms = {code: term for kind in glossary.VALUES.values() for code, term in kind.items()}
    words = {**glossary.FIELDS, **{k: k for k in (values or {}) if not k.isascii()}}  # Swedish keys as they are

    def value(v) -> str:
        return "–" if v in (None, "") else terms.get(v, v) if isinstance(v, str) else str(v)
    return ", ".join(f"{words[k]}: {value(v)}" for k, v in (values or {}).items() if k in words)


def review_history(actor: Actor, review_id: int) -> None:
    """A review's change history, newest first, in an expander."""
    with st.expander(glossary.MODELS["HistoryEntry"]):
        with session() as s:
            events = history.review_history(s, actor=actor, review_id=review_id)
        st.dataframe(pd.DataFrame([{
            L["time"]: datetime_text(e.at), "Vem": e.actor_name, L["what"]: glossary.MODELS.get(e.entity, e.entity),
            L["change_kind"]: glossary.term(e.operation, HistoryOperation), "Före": _shown(e.old_values),
            "Efter": _shown(e.new_values)} for e in events]), hide_index=True, width="stretch")
        _chain_status(actor)


def _chain_status(actor: Actor) -> None:
    """Show the administrator whether the whole history's hash chain holds, on request (it reads every entry)."""
    if not can(actor, Permission.READ_HISTORY):
        return
    if st.button("Kontrollera hela ändringshistoriken", help="Går igenom varje post i hela organisationens "
                 "ändringshistorik och visar den första som har ändrats, tagits bort eller lagts till i efterhand."):
        with st.spinner("Går igenom ändringshistoriken …"), session() as s:
            report = history_chain.check_chain(s, actor=actor)
        (st.success if report.intact else st.error)(report.message)
