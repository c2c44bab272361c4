"""The minutes' blocks on screen: the same tables and sentences the paper prints (core/documents/figures.py)."""
import pandas as pd
import streamlit as st

from core.documents import figures
from core.documents.content import Block, Decision, Table, Text
from pages._shared.ui import plain, text_table

# A flag in the "Kontroll" column (a dose over a limit, a local level above SSM's DRL) stands out on screen; the
# words are those the paper prints, so colour is never all that tells it.
FLAGGED = "color: #a4241b; background-color: #fdecea; font-weight: 700"


def show_table(table: Table) -> None:
    """Show a table as it prints: every row, wrapping text, no index (user text is never read as Markdown)."""
    flagged = figures.CHECK in table.header and len(set(table.header)) == len(table.header)
    text_table(pd.DataFrame(table.body, columns=table.header), styles={figures.CHECK: _flag} if flagged else None)


def _flag(text: str) -> str:
    """The style of a "Kontroll" cell: marked when it flags something."""
    return "" if text in figures.UNFLAGGED else FLAGGED


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

