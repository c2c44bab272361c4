"""Läs in bokslut (strateg, admin): upload, validate, preview what changes, then confirm."""
import pandas as pd
import streamlit as st

from core import clock, glossary
from core.annual_report import schema
from core.annual_report.template import TEMPLATE_PATH
from core.errors import REFUSALS, InvalidInput
from core.files import safe_filename
from core.formatting import number_text
from core.glossary import LABELS as L
from core.glossary import PAGES
from core.services import annual_report_import as importer
from pages._shared.auth import guard
from pages._shared.db import session
from pages._shared.ui import plain, save, show_flash

actor = guard("annual_report_import")
st.title(PAGES["annual_report_import"])
show_flash()
st.markdown("Strålskyddsbokslutet läses in från en Excel-arbetsbok. Arbetsboken kontrolleras först; "
            "en arbetsbok med fel ändrar ingenting, och du ser vad som läggs till, ändras och tas bort "
            "innan du bekräftar.")
st.download_button("Ladda ner tom mall (.xlsx)", data=TEMPLATE_PATH.read_bytes(),
                   file_name="strålskyddsbokslut-mall.xlsx", icon=":material/download:",
                   mime=importer.XLSX_TYPE)

round_key = st.session_state.setdefault("import_round", 0)  # a new round empties the upload fields
workbook = st.file_uploader("Ifylld arbetsbok (.xlsx)", type=["xlsx"], key=f"import_workbook_{round_key}")
narrative = st.file_uploader("Bokslutet som löptext, valfritt (PDF eller Word)", type=["pdf", "doc", "docx"],
                             key=f"import_narrative_{round_key}")
replace = st.checkbox("Ersätt ett redan inläst bokslut för samma år", key=f"import_replace_{round_key}",
                      help="Rader som finns i båda uppdateras, nya läggs till och rader som saknas i arbetsboken "
                           "tas bort. Brister med beslutade åtgärder tas aldrig bort.")

CHANGE_WORDS = {"added": "Ny", "changed": "Ändrad", "removed": "Tas bort"}
SHEETS = {sheet.name: sheet for sheet in schema.TABLE_SHEETS}


def _cell(column: schema.Column | None, value) -> str:
    """A workbook value as the user wrote it: glossary words, decimal comma, nothing for empty."""
    if value is None or value == "" or value == []:
        return ""
    if column is not None and column.choices is not None:
        known = {c.value for c in column.choices}
        values = value if isinstance(value, list) else [value]
        return ", ".join(glossary.term(v, column.choices) if v in known else str(v) for v in values)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return number_text(value)
    return str(value)


def _rows_table(sheet_name: str, changes: importer.SheetChanges) -> pd.DataFrame:
    """A sheet's affected rows under the workbook's own headers; a changed value shows as old → new."""
    sheet = SHEETS.get(sheet_name)
    columns = {c.field: c for c in sheet.columns} if sheet else {}
    rows = []
    for kind, word in CHANGE_WORDS.items():
        for row in getattr(changes, kind):
            was = row.get("was", {})
            shown = {}
            for name, value in row.items():
                if name in ("row", "id", "was"):
                    continue
                column = columns.get(name)
                text = _cell(column, value)
                if name in was:
                    text = f"{_cell(column, was[name]) or '(tomt)'} → {text or '(tomt)'}"
                shown[column.header if column else name] = text
            rows.append({L["change_kind"]: word, **shown})
    return pd.DataFrame(rows).fillna("")


def _show_plan(plan: importer.ImportPlan) -> None:
    """Show counts per sheet and, per sheet, the rows themselves."""
    st.success(f"Arbetsboken är godkänd: strålskyddsbokslut {plan.year} för {plain(plan.organisation)}."
               + (" Det ersätter det bokslut som redan är inläst." if plan.replacing else ""))
    for warning in plan.warnings:
        st.warning(plain(warning))
    if plan.locked_minutes:
        st.info(plain(plan.locked_note()), icon=":material/lock:")
    st.dataframe(pd.DataFrame([{"Blad": name, "Nya": ch.counts()[0], "Ändrade": ch.counts()[1],
                                "Tas bort": ch.counts()[2]} for name, ch in plan.sheets.items()]),
                 hide_index=True)
    for name, changes in plan.sheets.items():
        if any(changes.counts()):
            with st.expander(f"{name}: raderna som påverkas"):
                st.dataframe(_rows_table(name, changes), hide_index=True, width="stretch")


def _confirm(plan: importer.ImportPlan, data: bytes, filename: str) -> None:
    """Ask for confirmation, saying what will happen, then load the workbook (nothing to ask if nothing changes)."""
    if plan.replacing and not any(any(ch.counts()) for ch in plan.sheets.values()):
        st.info(f"Arbetsboken är likadan som det inlästa bokslutet för {plan.year}: inget ändras.",
                icon=":material/check_circle:")
        return
    removed = sum(ch.counts()[2] for ch in plan.sheets.values())
    if plan.replacing:
        st.warning(f"Bokslutet för {plan.year} ersätts: {removed} rader tas bort. Det går inte att ångra.")
    label = "Ersätt bokslutet" if plan.replacing else "Läs in bokslutet"
    if st.button(label, type="primary"):
        save(lambda s: _load(s, data, filename), f"Strålskyddsbokslutet för {plan.year} är inläst.")


def _load(s, data: bytes, filename: str) -> None:
    """Load the workbook, then start a new round so the upload fields are empty."""
    attachment = (narrative.getvalue(), safe_filename(narrative.name)) if narrative else None
    importer.import_annual_report(s, actor=actor, data=data, filename=filename, replace=replace,
                                  narrative=attachment, now=clock.now())
    st.session_state["import_round"] = round_key + 1


if workbook is not None:
    data, workbook_name = workbook.getvalue(), safe_filename(workbook.name)
    try:
        with session() as s:
            plan = importer.plan_import(s, actor=actor, data=data, filename=workbook_name, replace=replace,
                                        today=clock.today(),
                                        narrative_name=safe_filename(narrative.name) if narrative else None)
    except InvalidInput as exc:
        if len(exc.problems) == 1:
            st.error(f"Arbetsboken kan inte läsas in. Inget har ändrats.\n\n{plain(exc.problems[0])}")
        else:
            st.error(f"Arbetsboken kan inte läsas in. Inget har ändrats. {len(exc.problems)} fel att rätta:\n\n"
                     + "\n".join(f"- {plain(p, one_line=True)}" for p in exc.problems))
    except REFUSALS as exc:
        st.error(f"Inget har ändrats. {plain(exc)}")
    else:
        _show_plan(plan)
        _confirm(plan, data, workbook_name)
