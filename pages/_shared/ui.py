"""Small widgets the pages share: messages that survive a rerun, refusals, edit versions."""
from typing import Any, Callable

import streamlit as st
from sqlmodel import Session

from core.errors import REFUSALS, InvalidInput
from pages._shared.db import session

FLASH_KEY = "flash_message"
# Less empty space above the content (the portal is often on a projector), and Swedish words where
# Streamlit has only English ones: the file uploader's texts, and the table toolbar's English tooltips.
STYLE = """<style>
[data-testid="stMainBlockContainer"] { padding-top: 2.5rem; }
[data-testid="stSidebarUserContent"] { padding-top: 1rem; }
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p { font-size: 0; }
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {
  content: "Välj fil"; font-size: 0.875rem; }
[data-testid="stFileUploaderDropzoneInstructions"] span { font-size: 0; }
[data-testid="stFileUploaderDropzoneInstructions"] span::after {
  content: "eller dra hit filen · högst 200 MB"; font-size: 0.875rem; }
[data-testid="stElementToolbar"] { display: none; }
[data-testid="InputInstructions"] { display: none; }
</style>"""


def apply_style() -> None:
    """Add the portal's few style adjustments to the page."""
    st.html(STYLE)


def flash(message: str) -> None:
    """Remember a confirmation to show after the rerun that refreshes the page."""
    st.session_state[FLASH_KEY] = message


def show_flash() -> None:
    """Show (once) a confirmation remembered by flash()."""
    message = st.session_state.pop(FLASH_KEY, None)
    if message:
        st.success(message, icon=":material/check_circle:")


def form_round(form: str) -> int:
    """Return the form's round; widget keys include it, so a new round shows an empty form."""
    return st.session_state.setdefault(f"round_{form}", 0)


def save(action: Callable[[Session], Any], confirmation: str | Callable[[Any], str], *,
         empty_form: str | None = None) -> None:
    """Run one user action in its own transaction: confirm and refresh on success, explain a refusal.

    The rerun comes after the transaction has committed; inside it, the rerun would roll it back.
    """
    try:
        with session() as s:
            result = action(s)
            message = confirmation(result) if callable(confirmation) else confirmation
    except InvalidInput as exc:
        st.error("Inget sparades. Rätta följande:\n\n" + "\n".join(f"- {p}" for p in exc.problems))
        return
    except REFUSALS as exc:
        st.error(f"Inget sparades. {exc}")
        return
    flash(message)
    if empty_form:
        st.session_state[f"round_{empty_form}"] = form_round(empty_form) + 1
    st.rerun()


def edit_version(kind: str, row_id: int, current: int) -> int:
    """Return the version a user started editing from, so a later save by someone else is detected."""
    return st.session_state.setdefault(f"edit_version_{kind}_{row_id}", current)


def forget_edit(kind: str, row_id: int) -> None:
    """Forget the version being edited (after a save, or to reload someone else's change)."""
    st.session_state.pop(f"edit_version_{kind}_{row_id}", None)


def yes_no(value: bool) -> str:
    """Return Ja or Nej."""
    return "Ja" if value else "Nej"
