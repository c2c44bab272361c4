"""The end of every §: its notes and decisions; § Nästa genomgång; ending the meeting for justering."""
import streamlit as st

from core import clock, mail
from core.errors import UserError
from core.formatting import date_text
from core.glossary import FIELDS
from core.services import agenda, minutes, reviews, undecided
from pages._shared import minutes_view
from pages._shared.db import session, settings
from pages._shared.meeting.context import Meeting
from pages._shared.meeting.frame import go_to
from pages._shared.ui import edit_snapshot, forget_edit, offer_reload, plain, save


def render_next_review(m: Meeting) -> None:
    """The date of the next review."""
    if not m.may_run:
        st.markdown(f"Nästa genomgång: {date_text(m.review.next_review_date) or 'inte bestämd'}")
        return
    with st.form(f"next_{m.review.id}", border=False):
        chosen = st.date_input(FIELDS["next_review_date"], value=m.review.next_review_date, format="YYYY-MM-DD",
                               min_value=m.meeting_day)
        if st.form_submit_button("Spara datum", type="primary"):
            save(lambda s: reviews.set_next_review(s, actor=m.actor, review_id=m.review.id, next_date=chosen,
                                                   now=clock.now()), "Datum för nästa genomgång är sparat.")


def render_notes(m: Meeting) -> None:
    """Notes and decisions of the current §; a save is refused if someone else saved them meanwhile."""
    item = m.item
    version, shown = edit_snapshot("notes", item.id, item.version, (item.notes, item.decisions))
    if not m.may_run:
        if shown[0] or shown[1]:
            st.text("\n".join(x for x in shown if x))
        return

    def _save(s) -> None:
        agenda.save_notes(s, actor=m.actor, item_id=item.id, notes=notes, decisions=decisions, now=clock.now(),
                           expected_version=version)
        forget_edit("notes", item.id)
    with st.expander(f"Anteckningar och beslut för § {item.number}", expanded=bool(shown[0] or shown[1])):
        with st.form(f"notes_{item.id}_{version}", border=False):
            notes = st.text_area(FIELDS["notes"], value=shown[0] or "", height=80)
            decisions = st.text_area("Beslut (protokollet skriver ”Beslutades att …”; en rad per beslut)",
                                     value=shown[1] or "", height=68, placeholder="godkänna dagordningen")
            if st.form_submit_button("Spara anteckningar"):
                save(_save, f"Anteckningarna för § {item.number} är sparade.")
    offer_reload("notes", (item.id, version, item.version))


def render_end(m: Meeting) -> None:
    """End the meeting: show the minutes as they will be frozen, and freeze them for justering once confirmed.

    Not while anything is undecided: what is left is listed with a button to its §.
    """
    with session() as s:
        left = undecided.undecided(s, actor=m.actor, review_id=m.review.id)
    if left:
        with st.container(border=True):
            st.warning(f"{len(left)} saker saknar beslut. Protokollet kan skickas till justering först när varje "
                       "brist har ett beslut: en åtgärd, eller ingen åtgärd med motivering.")
            by_item: dict[int, list[str]] = {}
            for item in left:
                by_item.setdefault(item.item_index, []).append(item.subject)
            for index, texts in by_item.items():
                heading, go = st.columns([4, 1], vertical_alignment="center")
                heading.markdown(f"**{plain(m.items[index].title)}** (§ {m.items[index].number})")
                go.button(f"Gå till § {m.items[index].number}", key=f"undecided_{index}", on_click=go_to,
                          args=(m, index), width="stretch")
                st.markdown("\n".join(f"- {plain(t, one_line=True)}" for t in texts))
    minutes_view.preview(m.actor, m.review, title="Protokollet som det skickas till justering", expanded=not left)
    read = st.checkbox("Jag har läst igenom protokollet ovan, och det stämmer med vad mötet beslutade.",
                       key=f"end_read_{m.review.id}", disabled=bool(left))
    st.caption("Protokollet låses när det skickas: ordföranden, protokollföraren och justerarna justerar det som "
               "det står ovan. Behöver något rättas därefter tas det tillbaka till mötet under Genomgång.")
    if st.button("Avsluta mötet och skicka protokollet till justering", type="primary",
                 disabled=bool(left) or not read):
        save(lambda s: _send_for_approval(s, m),
             lambda told: f"Mötet är avslutat. Protokollet är skickat till justering.{told}")


def _send_for_approval(s, m: Meeting) -> str:
    """Freeze the minutes for justering; tell the approvers by e-mail when a server is configured."""
    minutes.send_for_approval(s, actor=m.actor, review_id=m.review.id, now=clock.now())
    if not mail.configured(settings()):
        return ""
    s.flush()
    try:  # a mail server that fails must not undo the justering step; Genomgång offers to send again
        told = minutes.notify_approvers(s, actor=m.actor, review_id=m.review.id, settings=settings())
        return f" {len(told)} personer har fått e-post om att justera."
    except UserError as exc:
        return f" E-post kunde inte skickas: {exc}"
