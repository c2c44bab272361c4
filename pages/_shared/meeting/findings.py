"""§ Egenkontroll and § Brister: each gap and finding, one at a time, decided as an action or "ingen åtgärd"."""
import streamlit as st

from core import glossary
from core.enums import Severity
from core.glossary import MODELS
from core.services import actions, self_assessments
from pages._shared.db import session
from pages._shared.meeting.context import Meeting
from pages._shared.meeting.decisions import action_form, decision_or_form
from pages._shared.meeting.frame import one_at_a_time, stepper
from pages._shared.ui import plain


def render_self_assessment(m: Meeting) -> None:
    """The year's self-assessment: its summary, then each gap, one at a time, to decide on."""
    with session() as s:
        st.markdown(plain(self_assessments.summary(s, actor=m.actor, clinic_id=m.clinic_id, year=m.year)))
        gaps = self_assessments.gaps(s, actor=m.actor, clinic_id=m.clinic_id, year=m.year)
        none = actions.gap_decisions(s, actor=m.actor, review_id=m.review.id)
    by_criterion = {a.criterion_id: a for a in m.decided if a.criterion_id}
    if not gaps:
        return
    key = f"gap_at_{m.review.id}"
    pending = [i for i, (c, _) in enumerate(gaps) if c.id not in by_criterion and c.id not in none]
    current = one_at_a_time(key, len(gaps), pending[0] if pending else 0)
    criterion, answer = gaps[current]
    with st.container(border=True):
        st.caption(f"Brist i egenkontrollen {current + 1} av {len(gaps)} · {len(gaps) - len(pending)} beslutade")
        st.markdown(f"**{plain(criterion.code)}** · nivå {answer.level}")
        st.text(answer.criterion_text)
        decision_or_form(m, by_criterion.get(criterion.id), none.get(criterion.id), key, current, pending,
                         criterion_id=criterion.id)
    stepper(key, current, len(gaps), MODELS["Finding"].lower())


def render_findings(m: Meeting) -> None:
    """The bokslut's findings, one at a time: decide an action or 'ingen åtgärd'; other actions below."""
    with session() as s:
        found = actions.findings_for_review(s, actor=m.actor, review_id=m.review.id)
    if not found:
        st.info("Bokslutet har inga brister för kliniken.")
    else:
        key = f"finding_at_{m.review.id}"
        pending = [i for i, e in enumerate(found) if not e.actions and not e.no_action]
        current = one_at_a_time(key, len(found), pending[0] if pending else 0)
        entry = found[current]
        f = entry.finding
        with st.container(border=True):
            owner = "hela organisationen" if f.clinic_id is None else m.clinic.code
            st.caption(f"Brist {current + 1} av {len(found)} · {len(found) - len(pending)} beslutade")
            st.markdown(f"**{plain(f.code)}** · {plain(owner)} · Allvarlighet "
                        f"**{glossary.term(f.severity, Severity).lower()}**")
            st.markdown(plain(f.description))
            decision_or_form(m, entry.actions[0] if entry.actions else None,
                             entry.no_action.no_action_reason if entry.no_action else None, key, current, pending,
                             finding=f)
        stepper(key, current, len(found), MODELS["Finding"].lower())
    if m.may_decide:
        with st.expander("Besluta en annan åtgärd"):
            action_form(m, f"other_action_{m.review.id}")
