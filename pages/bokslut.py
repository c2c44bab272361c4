"""Strålskyddsbokslut: a clinic's goals, indicators and findings for a year, trends, and loading a workbook."""
import pandas as pd
import streamlit as st

from core import charts, clock, glossary
from core.documents import figures
from core.enums import GoalAssessment, Severity, StaffGroup, SummaryPart
from core.formatting import date_text, datetime_text, number_text
from core.glossary import FIELDS, MODELS, PAGES
from core.glossary import LABELS as L
from core.permissions import Permission, can, visible_clinic_ids
from core.services import annual_reports, protection_figures
from core.services.clinics import list_clinics
from pages._shared.auth import guard
from pages._shared.blocks import show_table
from pages._shared.db import session
from pages._shared.pickers import ORGANISATION, sticky_select
from pages._shared.ui import edit_snapshot, forget_edit, offer_reload, plain, save, show_chart, show_flash

# Colour only supports the word (DESIGN.md §6): the cell says it, the background repeats it.
GOOD, PARTLY, BAD = "background-color: #d8efe0", "background-color: #fbefc9", "background-color: #f6d6d3"
MET, NOT_MET = glossary.term(GoalAssessment.MET), glossary.term(GoalAssessment.NOT_MET)
CELL_COLOURS = {MET: GOOD, glossary.term(GoalAssessment.PARTLY_MET): PARTLY, NOT_MET: BAD}
SEVERITY_BADGE = {"high": "red", "medium": "orange", "low": "blue"}


STYLED_ROWS = 500  # styling sends every cell's style: beyond this, the words alone carry the verdict
FINDING_CARDS = 30  # beyond this, findings are a table (a region's bokslut has about a thousand)


def _coloured(frame: pd.DataFrame, column: str):
    """Give a verdict column a background colour matching its word (small tables only)."""
    if len(frame) > STYLED_ROWS:
        return frame
    return frame.style.map(lambda word: CELL_COLOURS.get(word, ""), subset=[column])

actor = guard("annual_report")
show_flash()
with session() as s:
    years = annual_reports.report_years(s, actor=actor)
    clinics = {c.id: c for c in list_clinics(s, actor=actor)}

title, year_box, clinic_box = st.columns([2, 1, 1.4], vertical_alignment="bottom")
title.title(PAGES["annual_report"])
year = sticky_select("Bokslutsår", years, purpose="report_year", container=year_box)
options = ([ORGANISATION] if visible_clinic_ids(actor) is None else []) + list(clinics)
clinic_id = sticky_select(FIELDS["clinic_name"], options, purpose="clinic", container=clinic_box,
                          format_func=lambda i: L["whole_organisation"] if i == ORGANISATION
                          else f"{clinics[i].code} – {clinics[i].name}") or None
may_import = can(actor, Permission.IMPORT_ANNUAL_REPORT)

if may_import:
    st.page_link("pages/bokslut_import.py", label="Läs in ett strålskyddsbokslut", icon=":material/upload_file:")
if year is None:
    st.info("Inget strålskyddsbokslut är inläst ännu."
            + ("" if may_import else " Strålsäkerhetsstrategen läser in det."))
    st.stop()

with session() as s:
    view = annual_reports.report_view(s, actor=actor, year=year, clinic_id=clinic_id, parts=("summaries",))
    files = annual_reports.documents(s, actor=actor, report_id=view.report.id)
where = f"{view.clinic.code} – {view.clinic.name}" if view.clinic else "hela organisationen"
st.caption(f"Strålskyddsbokslut {year} för {plain(where)} · upprättat av {plain(view.report.prepared_by or 'okänt')}"
           f" · färdigställt {date_text(view.report.completed_on) or 'okänt'} · version "
           f"{plain(view.report.version_label or '–')} · inläst {datetime_text(view.report.imported_at)}")


def _owner(clinic_id: int | None) -> str:
    """Name whose row it is: a clinic code or the whole organisation."""
    return view.codes.get(clinic_id, "") if clinic_id else L["whole_organisation"]


def render_summary() -> None:
    """Show the three parts SSMFS 2018:5 3 kap. 13 § requires, organisation-wide and for the clinic."""
    columns = st.columns(3)
    for column, part in zip(columns, SummaryPart):
        with column.container(border=True):
            st.markdown(f"**{glossary.term(part)}**")
            texts = [x for x in view.summaries if x.part == part]
            for summary in texts:
                st.caption(plain(_owner(summary.clinic_id)))
                st.markdown(plain(summary.text))
            if not texts:
                st.caption("Ingen text i bokslutet.")


def _frame(table) -> pd.DataFrame:
    """A builder's table as a data frame for an interactive table."""
    return pd.DataFrame(table.body, columns=table.header)


def render_goals() -> None:
    """Show the goals with their assessment in words and colour (the minutes' table, with id and comment)."""
    if not view.goals:
        st.info("Bokslutet har inga mål för detta urval.")
        return
    frame = _frame(figures.goals(view.goals, owner=_owner, detailed=True))
    st.dataframe(_coloured(frame, L["goal_assessment"]), hide_index=True, width="stretch",
                 column_config={MODELS["Goal"]: st.column_config.TextColumn(width=260),  # the rest stays in view
                                FIELDS["outcome"]: st.column_config.TextColumn(width=130),
                                FIELDS["status_comment"]: st.column_config.TextColumn(width=200)})


def render_indicators() -> None:
    """Show the indicators against target, with last year, area, direction and change (the minutes' table)."""
    if not view.indicators:
        st.info("Bokslutet har inga indikatorer för detta urval.")
        return
    frame = _frame(figures.indicators(view.indicators, year, owner=_owner, detailed=True))
    st.dataframe(_coloured(frame, L["against_target"]), hide_index=True, width="stretch",
                 height=min(38 + 35 * len(frame), 600),
                 column_config={MODELS["Indicator"]: st.column_config.TextColumn(width=240),  # the rest stays in view
                                FIELDS["area"]: st.column_config.TextColumn(width=110),
                                figures.TABLE_FIGURE: st.column_config.TextColumn(width=320)})
    for definition in figures.linked_definitions(view.indicators):
        st.caption(plain(definition))


def render_findings() -> None:
    """Show the findings grouped by severity."""
    if not view.findings:
        st.success("Bokslutet har inga brister för detta urval.")
        return
    if len(view.findings) > FINDING_CARDS:
        st.dataframe(pd.DataFrame([{
            MODELS["Finding"]: f.code, L["applies_to"]: _owner(f.clinic_id),
            L["severity"]: glossary.term(f.severity, Severity), FIELDS["area"]: f.area or "",
            FIELDS["description"]: f.description, FIELDS["reference"]: f.reference or "",
            "Förslag till åtgärd": f.suggested_action or ""} for f in view.findings]),
            hide_index=True, width="stretch", height=600)
        return
    for severity in Severity:
        rows = [f for f in view.findings if f.severity == severity]
        if rows:
            st.markdown(f":{SEVERITY_BADGE[severity]}-badge[Allvarlighet {glossary.term(severity).lower()}] "
                        f"**{len(rows)} {'brist' if len(rows) == 1 else 'brister'}**")
            for f in rows:
                with st.container(border=True):
                    st.markdown(f"**{plain(f.code)}** · {plain(_owner(f.clinic_id))} · "
                                f"{plain(f.area or 'Inget område')}")
                    st.markdown(plain(f.description))
                    details = [f"Referens: {plain(f.reference)}" if f.reference else "",
                               f"Förslag till åtgärd: {plain(f.suggested_action)}" if f.suggested_action else ""]
                    st.caption(" · ".join(d for d in details if d) or "Ingen referens angiven.")


def render_trends() -> None:
    """Chart an indicator across the years, and (for those who see all clinics) compare the clinics."""
    names = {code: name for code, (name, _) in view.indicator_names.items()}
    if not names:
        st.info("Inga indikatorer att visa.")
        return
    code = st.selectbox(MODELS["Indicator"], list(names), format_func=lambda c: f"{names[c]} ({c})",
                        key="trend_indicator")
    unit = view.indicator_names[code][1]
    with session() as s:
        trend = annual_reports.indicator_trend(s, actor=actor, clinic_id=clinic_id, code=code)
        comparison = (annual_reports.indicator_comparison(s, actor=actor, year=year, code=code)
                      if visible_clinic_ids(actor) is None else [])
    if trend:
        show_chart(charts.indicator_trend_chart(trend, f"{names[code]} – {where}", unit))
    else:
        st.caption("Indikatorn finns inte för detta urval; välj en klinik.")
    if comparison:
        show_chart(charts.indicator_comparison_chart(comparison, f"{names[code]} {year}, alla kliniker", unit))


def _training_form(shares, groups: dict[str, str], current: int) -> None:
    """Enter the clinic's training figures for the year on the page (instead of the workbook's sheet)."""
    stored = {s.record.staff_group: s.record for s in shares if s.record.clinic_id == clinic_id}
    # The figures as the form was opened, kept with what the user typed until they are saved or reloaded.
    version, given = edit_snapshot(f"training_{clinic_id}", year, current, stored)
    with st.expander(f"Ange utbildningen för {plain(where, one_line=True)} {year} "
                     "(ersätter bladet Utbildning för kliniken)"):
        with st.form(f"training_{clinic_id}_{year}_{version}"):
            edited = st.data_editor(
                pd.DataFrame([{L["staff_group"]: label,
                               L["staff_count"]: int(given[g].staff_count) if g in given else 0,
                               L["trained_count"]: int(given[g].trained_count) if g in given else 0}
                              for g, label in groups.items()]),
                hide_index=True, width="stretch", disabled=[L["staff_group"]],
                key=f"training_editor_{clinic_id}_{year}_{version}",
                column_config={L["staff_count"]: st.column_config.NumberColumn(min_value=0, step=1),
                               L["trained_count"]: st.column_config.NumberColumn(min_value=0, step=1)})
            if st.form_submit_button(L["save"], type="primary"):
                rows = [{"staff_group": g, "staff_count": float(r[L["staff_count"]] or 0),
                         "trained_count": float(r[L["trained_count"]] or 0)}
                        for g, (_, r) in zip(groups, edited.iterrows())]
                save(lambda s: _save_training(s, rows, version), f"Utbildningen för {year} är sparad.")
        offer_reload(f"training_{clinic_id}", (year, version, current))


def _save_training(s, rows: list[dict], version: int) -> None:
    """Save the clinic's training figures, refused if someone saved or loaded others since the form was opened."""
    protection_figures.set_training(s, actor=actor, year=year, clinic_id=clinic_id, rows=rows,
                                    expected_version=version, now=clock.now())
    forget_edit(f"training_{clinic_id}", year)


def render_protection() -> None:
    """Training per staff group with its trend, personal dosimetry and the DRL status (format 1.1 sheets)."""
    with session() as s:
        shares = protection_figures.training(s, actor=actor, year=year, clinic_id=clinic_id)
        trend = protection_figures.training_trend(s, actor=actor, clinic_id=clinic_id)
        doses = protection_figures.dosimetry(s, actor=actor, year=year, clinic_id=clinic_id)
        drl = protection_figures.drl_status(s, actor=actor, year=year, clinic_id=clinic_id)
        levels = protection_figures.investigation_by_clinic(s, actor=actor, rows=doses)
        entering = bool(clinic_id) and protection_figures.may_enter_training(actor, clinic_id)
        version = protection_figures.training_version(s, actor=actor, year=year, clinic_id=clinic_id) if entering else 0
    groups = glossary.options(StaffGroup)
    st.markdown(f"**{MODELS['TrainingRecord']} {year}**")
    if shares:
        show_table(figures.training(shares, year, owner=_owner))
        show_chart(charts.training_trend_chart([{**t, "group": groups[t["group"]]} for t in trend],
                                               f"{MODELS['TrainingRecord']} – {where}"))
    else:
        st.caption("Bokslutet har inget blad Utbildning (formatversion 1.1).")
    if entering:
        _training_form(shares, groups, version)
    st.markdown(f"**{MODELS['DosimetryRecord']} {year}**")
    if doses:
        show_table(figures.doses(doses, levels, owner=_owner))
        st.caption(figures.dose_basis().text)
    else:
        st.caption("Bokslutet har inget blad Persondosimetri (formatversion 1.1).")
    st.markdown(f"**{MODELS['DrlStatus']}**")
    if drl:
        show_table(figures.drl(drl, clock.today(), owner=_owner))
        st.caption(figures.drl_basis(drl).text)
    else:
        st.caption("Bokslutet har inget blad DRL (formatversion 1.1).")


def render_documents() -> None:
    """Offer the files stored with the bokslut, with their checksums."""
    if not files:
        st.info("Inga dokument är sparade med bokslutet.")
    for document in files:
        left, right = st.columns([3, 1], vertical_alignment="center")
        kind = "Arbetsbok" if document.kind == "workbook" else "Bokslut (löptext)"
        left.markdown(f"**{kind}:** {plain(document.filename)} · {number_text(document.size / 1024, 0)} kB · "
                      f"inläst {datetime_text(document.uploaded_at)}  \nSHA-256 `{document.sha256}`")
        right.download_button("Ladda ner", data=document.content, file_name=document.filename,
                              mime=document.media_type, key=f"document_{document.id}")


render_summary()
# Only the open tab is loaded, computed and sent (Streamlit's lazy tabs): a region's bokslut is thousands of rows.
tabs = st.tabs([f"{MODELS['Goal']} ({view.counts['goals']})", f"{L['indicators']} ({view.counts['indicators']})",
                f"{L['findings']} ({view.counts['findings']})", "Trender", "Utbildning, doser och DRL",
                f"{MODELS['Document']} ({len(files)})"],
               key="annual_report_tab", on_change="rerun")
for tab, render, part in zip(tabs, [render_goals, render_indicators, render_findings, render_trends, render_protection,
                                    render_documents],
                             ["goals", "indicators", "findings", "indicator_names", None, None]):
    if tab.open:
        if part:
            with session() as s:
                view = annual_reports.report_view(s, actor=actor, year=year, clinic_id=clinic_id, parts=(part,))
        with tab:
            render()
