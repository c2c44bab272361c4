"""Pickers at the top of clinic pages that keep their choice when the user moves between pages."""
from typing import Any, Callable

import streamlit as st

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
