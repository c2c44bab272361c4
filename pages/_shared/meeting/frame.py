"""The meeting's frame: the projector style, the § list with the running decisions, Föregående and Nästa."""
import streamlit as st

from core.formatting import date_text
from core.services import reviews
from pages._shared.db import session
from pages._shared.meeting.context import Meeting
from pages._shared.ui import plain

# Presentation mode at 1280×720: the sidebar closed and the content over the whole width, readable from the back
# of the room, yet a § fits the screen: the § list and the running decisions on the left stay in view while the
# § scrolls, a row of attendance takes one line, never a word broken in two (a long role may hyphenate).
STYLE = """<style>
[data-testid="stMainBlockContainer"] { max-width: none; padding: 2.2rem 1.5rem 3rem 1.5rem !important; }
/* The header keeps only its button to open the sidebar: the pickers' labels below it stay readable. */
[data-testid="stHeader"] { background: transparent; pointer-events: none; }
[data-testid="stHeader"] button, [data-testid="stHeader"] a { pointer-events: auto; }
[data-testid="stMainBlockContainer"] p, [data-testid="stMainBlockContainer"] li,
[data-testid="stMainBlockContainer"] label p { font-size: 1.1rem; overflow-wrap: normal; word-break: normal; }
[data-testid="stMainBlockContainer"] h1 { font-size: 1.6rem; padding: 0; }
[data-testid="stMainBlockContainer"] h2 { font-size: 1.6rem; padding: 0.1rem 0 0 0; }
[data-testid="stAlertContainer"] { padding: 0.45rem 0.9rem; }
[data-testid="stColumn"]:has(.st-key-agenda) { position: sticky; top: 3.8rem; align-self: flex-start; }
.st-key-agenda { max-height: calc(100vh - 4rem); overflow-y: auto; }
[class*="st-key-goto_"] button, [class*="st-key-goto_"] button * { justify-content: flex-start; text-align: left; }
[class*="st-key-goto_"] button { min-height: 0; padding: 0.1rem 0.5rem; }
[class*="st-key-goto_"] button p { font-size: 0.9rem !important; line-height: 1.2; white-space: normal; }
.st-key-decided p, .st-key-decided li { font-size: 0.85rem !important; line-height: 1.3; margin-bottom: 0; }
/* What draws nothing (this style, the scroll script, the login cookie's component) takes no room at the top. */
[data-testid="stMainBlockContainer"] > div > [data-testid="stElementContainer"]:has(style, script, .st-key-init),
[data-testid="stMainBlockContainer"] > div > .st-key-init { position: absolute; height: 0; overflow: hidden; }
[data-testid="stTable"] th, [data-testid="stTable"] td { font-size: 1rem; }
[data-testid="stButtonGroup"] button * { font-size: 0.95rem !important; }
[data-testid="stButtonGroup"] button { padding-left: 0.55rem; padding-right: 0.55rem; min-height: 2.2rem; }
[class*="st-key-who_"] p { font-size: 0.9rem !important; line-height: 1.25; margin: 0; hyphens: auto; }
[class*="st-key-who_"] p strong { font-size: 1rem; }
.st-key-attendance_rows [data-testid="stVerticalBlock"] { gap: 0.35rem; }
.st-key-attendance_rows input { padding-top: 0.3rem; padding-bottom: 0.3rem; }
</style>"""
# Runs on every run of the page (Streamlit mounts the element again after a rerun), so the § it opened at
# top is remembered in the window: a save keeps the place on the page, a new § (or a reload) opens at its top.
SCROLL_TOP = """<script>/* § {item} */
if (window.__meetingSection !== {item}) {{
  window.__meetingSection = {item};
  for (const el of [document.querySelector('[data-testid="stMain"]'), document.scrollingElement]) {{
    if (el) el.scrollTo({{top: 0}});
  }}
}}
</script>"""


def go_to(m: Meeting, target: int) -> None:
    """Move the meeting to another § (button callback: runs before the page is drawn)."""
    with session() as s:
        reviews.move_to_item(s, actor=m.actor, review_id=m.review.id, index=max(0, min(len(m.items) - 1, target)))


def scroll_to_top(m: Meeting) -> None:
    """Open the current § at its top, only when the § changes (a save stays where it was)."""
    st.html(SCROLL_TOP.format(item=m.item.id), unsafe_allow_javascript=True)


def render_agenda(m: Meeting) -> None:
    """The § list to jump with, and the actions decided so far (in view on every §: the column stays put)."""
    with st.container(key="agenda"):
        st.progress((m.index + 1) / len(m.items), text=f"§ {m.item.number} av {len(m.items)}")
        with st.container(gap=None):  # tight, so the running decisions below stay in view
            for i, other in enumerate(m.items):
                st.button(f"§ {other.number} {plain(other.title, one_line=True)}", key=f"goto_{other.id}",
                          on_click=go_to, args=(m, i), type="primary" if i == m.index else "tertiary",
                          width="stretch", disabled=not m.may_run)
        with st.container(key="decided"):
            st.markdown(f"**Beslutade åtgärder ({len(m.decided)})**")
            for a in m.decided:
                st.caption(f"{a.number}. {plain(a.title, one_line=True)} – {plain(a.owner_name, one_line=True)}, "
                           f"{date_text(a.due_date)}")


def render_navigation(m: Meeting, where: str) -> None:
    """Föregående and Nästa; at the top they answer to a presenter's clicker (PageUp, PageDown)."""
    top = where == "top"
    back, forward = st.columns(2)
    back.button("← Föregående", on_click=go_to, args=(m, m.index - 1), disabled=m.index == 0 or not m.may_run,
                width="stretch", key=f"back_{where}", shortcut="PageUp" if top else None)
    forward.button("Nästa →", on_click=go_to, args=(m, m.index + 1), disabled=m.is_last or not m.may_run,
                   width="stretch", type="primary", key=f"next_{where}", shortcut="PageDown" if top else None)


def one_at_a_time(key: str, count: int, first_open: int) -> int:
    """The index of the entry shown now (the first undecided one until the user moves)."""
    return min(st.session_state.get(key, first_open), count - 1)


def stepper(key: str, current: int, count: int, noun: str) -> None:
    """Buttons to the previous and next entry."""
    left, right = st.columns(2)
    left.button(f"← Föregående {noun}", key=f"{key}_back", disabled=current == 0, width="stretch",
                on_click=lambda: st.session_state.update({key: current - 1}))
    right.button(f"Nästa {noun} →", key=f"{key}_next", disabled=current == count - 1, width="stretch",
                 on_click=lambda: st.session_state.update({key: current + 1}))
