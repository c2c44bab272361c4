"""The minutes' blocks on screen: the same tables and sentences the paper prints (core/documents/figures.py)."""
import pandas as pd
import streamlit as st

from core.documents.content import Block, Decision, Table, Text
from pages._shared.ui import plain


def show_table(table: Table) -> None:
    """Show a table as it prints: every row, wrapping text, no index (user text is never read as Markdown)."""
    st.table(pd.DataFrame(table.body, columns=table.header), hide_index=True)


def show_block(block: Block) -> None:
    """Show one block of a §: a table, a decision, a sentence or a small heading."""
    if isinstance(block, Table):
        show_table(block)
    elif isinstance(block, Decision):
        st.text(f"➜ {block.text}")
    elif isinstance(block, Text):
        st.text(block.text)
    else:
        st.markdown(f"**{plain(block.text, one_line=True)}**")

