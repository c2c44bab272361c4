"""Egenkontroll: answer the criteria for a clinic and year, see the score per area, the gaps and the trend."""
import altair as alt
import pandas as pd
import streamlit as st

from core import clock
from core.charts import SWEDISH_NUMBER
from core.formatting import number_text
from core.glossary import FIELDS, MODELS, PAGES
from core.glossary import LABELS as L
from core.permissions import Permission, can
from core.self_assessment.staffing import (
    GROUPS,
    SOURCE,
    STATUS,
    StaffingInput,
    compare,
    fte_text,
)
from core.services import self_assessments as sa
from pages._shared.auth import guard
from pages._shared.db import session
from pages._shared.pickers import clinic_year_header
from pages._shared.ui import (
    edit_snapshot,
    forget_edit,
    form_round,
    offer_reload,
    plain,
    save,
    show_chart,
    show_flash,
)

NA = "E/T"
CHOICES = [0, 1, 2, 3, 4, NA]

actor = guard("self_assessment")
today = clock.today()
clinics, clinic_id, year = clinic_year_header(actor, PAGES["self_assessment"], today, year_label=FIELDS["year"])
show_flash()
if clinic_id is None:
    st.stop()
may_edit = can(actor, Permission.EDIT_SELF_ASSESSMENT, clinic_id)
with session() as s:
    assessment = sa.find(s, actor=actor, clinic_id=clinic_id, year=year)
    last_year = sa.find(s, actor=actor, clinic_id=clinic_id, year=year - 1)

if assessment is None:
    st.subheader(f"{plain(clinics[clinic_id].name, one_line=True)}: ingen egenkontroll {year} ännu")
    if not may_edit:
        st.info("Strålsäkerhetssamordnaren eller verksamhetschefen gör egenkontrollen.")
        st.stop()
    with st.form("start_self_assessment"):
        how = "empty"
        if last_year:
            how = st.radio(
                "Hur vill du börja?",
                ["empty", "copy"],
                format_func={
                    "empty": "Börja med en tom egenkontroll",
                    "copy": f"Kopiera svaren från {year - 1} (markeras som ej omprövade tills någon bekräftar dem)",
                }.get,
            )
        else:
            st.markdown(f"Det finns ingen egenkontroll för {year - 1} att utgå från; egenkontrollen börjar tom.")
        if st.form_submit_button("Påbörja egenkontrollen", type="primary"):
            save(lambda s: sa.start(s, actor=actor, clinic_id=clinic_id, year=year, copy_last_year=how == "copy",
                                    now=clock.now()), f"Egenkontrollen för {year} är påbörjad.")
    st.stop()

with session() as s:
    rows = sa.answers(s, actor=actor, assessment_id=assessment.id)
    areas = sa.results(s, actor=actor, assessment_id=assessment.id)
    previous = {a.area: a.percent for a in sa.results(s, actor=actor, assessment_id=last_year.id)} if last_year else {}
    files = sa.evidence_files(s, actor=actor, assessment_id=assessment.id)
answered = sum(a.answered for a in areas)
left, middle, right = st.columns(3)
left.metric(L["answered"], f"{answered} av {len(rows)}")
total = sa.total_percent(areas)
middle.metric("Total poäng", "–" if total is None else f"{total:.0f} %")
right.metric("Brister (nivå under 3)", sum(len(a.gaps) for a in areas))
st.progress(answered / len(rows) if rows else 0.0)


def _label(choice) -> str:
    """Name a level in Swedish."""
    return f"{choice} {sa.LEVELS[choice]}" if choice != NA else f"{NA} {sa.NOT_APPLICABLE}"


def _shown(answer) -> tuple:
    """Return the level, evidence and comment an answer shows in the form."""
    return (NA if answer.not_applicable else answer.level, answer.evidence or "",
            answer.comment or answer.not_applicable_reason or "")


def render_area(area: str) -> None:
    """One area's criteria as a form: level, evidence, comment; saved together."""
    entries = [(a, c) for a, c in rows if c.area == area]
    with st.form(f"area_{assessment.id}_{area}"):
        values = {}
        for answer, criterion in entries:
            version, shown = edit_snapshot("answer", answer.id, answer.version, _shown(answer))
            st.markdown(f"**{plain(criterion.code)}** {plain(criterion.text)}")
            reference = plain(criterion.reference or "ingen referens")
            st.caption(f"Underlag: {plain(criterion.evidence_hint or '–')} · Krav: {reference}"
                       + ("" if criterion.reference_verified else " (referensen är inte verifierad)")
                       + ("" if answer.reconsidered else " · :orange-badge[Ej omprövad – kopierad från förra året]"))
            if criterion.note:
                st.caption(f"Att veta: {plain(criterion.note)}")
            if criterion.quote:  # the regulation's own words, on demand
                with st.expander("Citat ur föreskriften"):
                    st.markdown(plain(criterion.quote))
            choice = st.radio("Nivå", CHOICES, format_func=_label, horizontal=True, key=f"lvl_{answer.id}_{version}",
                              index=CHOICES.index(shown[0]) if shown[0] in CHOICES else None,
                              label_visibility="collapsed")
            one, two = st.columns(2)
            evidence = one.text_input("Underlag/länk", value=shown[1], key=f"ev_{answer.id}_{version}")
            comment = two.text_input("Kommentar (skäl om E/T)", value=shown[2], key=f"co_{answer.id}_{version}")
            values[answer.id] = (version, shown, (choice, evidence, comment), answer.reconsidered)
        if may_edit and st.form_submit_button("Spara området", type="primary"):
            save(lambda s: _save_area(s, values), f"Svaren för {area} är sparade.")
    offer_reload("answer", *[(a.id, values[a.id][0], a.version) for a, _ in entries],
                 key=f"reload_area_{assessment.id}_{area}")
    _evidence(entries, area)


def _evidence(entries, area: str) -> None:
    """List the area's evidence files, and attach a new one to a chosen criterion."""
    for answer, criterion in entries:
        for document in files.get(answer.id, []):
            st.download_button(plain(f"{criterion.code}: {document.filename}", one_line=True), document.content,
                               file_name=document.filename,
                               mime=document.media_type, key=f"evidence_{document.id}", icon=":material/attach_file:")
    if not may_edit:
        return
    with st.form(f"evidence_{assessment.id}_{area}_{form_round('evidence')}"):
        left, right = st.columns([1, 2])
        answer_id = left.selectbox(MODELS["Criterion"], [a.id for a, _ in entries],
                                   format_func=lambda i: next(c.code for a, c in entries if a.id == i))
        upload = right.file_uploader("Bifoga underlag (fil)")
        if st.form_submit_button("Bifoga") and upload is not None:
            save(lambda s: sa.attach_evidence(s, actor=actor, answer_id=answer_id, data=upload.getvalue(),
                                              filename=upload.name, media_type=upload.type, now=clock.now()),
                 f"{upload.name} är bifogad.", empty_form="evidence")


def _save_area(s, values: dict) -> None:
    """Save the area's answers given, changed or confirmed, each refused if someone else saved it meanwhile."""
    for answer_id, (version, shown, typed, reconsidered) in values.items():
        choice, evidence, comment = typed
        if choice is None or (typed == shown and reconsidered):
            continue
        sa.save_answer(s, actor=actor, answer_id=answer_id, level=None if choice == NA else choice,
                       not_applicable=choice == NA, reason=comment if choice == NA else None, evidence=evidence,
                       comment=None if choice == NA else comment, now=clock.now(), expected_version=version)
    for answer_id in values:
        forget_edit("answer", answer_id)


def _percent(value: float | None) -> str:
    """Show a score as whole percent, or a dash."""
    return "–" if value is None else f"{number_text(value, 0)} %"


def render_results() -> None:
    """Score per area this year against last year, and the gaps."""
    table = pd.DataFrame([{FIELDS["area"]: a.area, L["answered"]: f"{a.answered} av {a.total}",
                           L["score_year"].format(year=year): _percent(a.percent),
                           L["score_year"].format(year=year - 1): _percent(previous.get(a.area)),
                           L["findings"]: len(a.gaps)} for a in areas])
    area, year_column, score = FIELDS["area"], FIELDS["year"], "Poäng"
    st.dataframe(table, hide_index=True, width="stretch", height=38 + 35 * len(areas))
    chart_rows = [{area: a.area, year_column: str(y), score: p} for a in areas
                  for y, p in ((year, a.percent), (year - 1, previous.get(a.area))) if p is not None]
    if chart_rows:
        chart = alt.Chart(pd.DataFrame(chart_rows)).mark_bar().encode(
            # Whole area names (no ellipsis) and ticks every 20 % with Swedish numbers.
            y=alt.Y(f"{area}:N", title=None, sort=None, axis=alt.Axis(labelLimit=0, labelFontSize=12)),
            x=alt.X(f"{score}:Q", title="Poäng (% av max)", scale=alt.Scale(domain=[0, 100]),
                    axis=alt.Axis(values=list(range(0, 101, 20)), labelExpr=SWEDISH_NUMBER, labelFontSize=12)),
            yOffset=f"{year_column}:N", color=alt.Color(f"{year_column}:N", legend=alt.Legend(title=year_column)),
            tooltip=[area, year_column, score]).properties(height=36 * len(areas) + 40)
        show_chart(chart)
    gaps = [(c, a) for area in areas for c, a in area.gaps]
    st.markdown(f"**{L['findings']} ({len(gaps)})** – tas upp som brister på genomgången")
    for criterion, answer in gaps:
        st.markdown(f"- **{plain(criterion.code)}** nivå {answer.level} ({sa.LEVELS[answer.level]}): "
                    f"{plain(criterion.text, one_line=True)}")


def render_staffing() -> None:
    """Radiotherapy staffing: enter the figures, see each group's minimum from Tabell 1 and any shortfall."""
    empty = {"inputs": {}, "actual": {}}
    version, opened = edit_snapshot("staffing", assessment.id, assessment.version, assessment.staffing or empty)
    given, have = opened["inputs"], opened["actual"]  # as the form was opened: kept with what the user typed
    st.caption(f"Källa: {SOURCE}. {STATUS} Kravkolumnens minimum jämförs som heltidstjänster utan avrundning; "
               "rekommendationerna visas för sig och räknas aldrig som brist.")
    with st.form(f"staffing_{assessment.id}_{version}"):
        one, two, three = st.columns(3)
        inputs = {
            "patients_per_year": one.number_input(
                "Patienter per år", 0, 100000, int(given.get("patients_per_year", 0))
            ),
            "machines": two.number_input("Behandlingsapparater (acceleratorer)", 0, 50, int(given.get("machines", 0))),
            "simulations_per_year": three.number_input(
                "Simuleringar per år", 0, 100000, int(given.get("simulations_per_year", 0))
            ),
            "special_techniques": one.checkbox(
                "Specialtekniker (IMRT, stereotaktisk)", bool(given.get("special_techniques"))
            ),
            "brachy_or_radionuclide": two.checkbox(
                "Brachyterapi eller radionuklidbehandling", bool(given.get("brachy_or_radionuclide"))
            ),
            "shifts": one.number_input("Behandlingsskift per dag", 1, 3, int(given.get("shifts", 1))),
            "in_house_service": three.checkbox("Egen service av apparaterna", bool(given.get("in_house_service"))),
            "simulator": three.checkbox("Egen simulator", bool(given.get("simulator"))),
        }
        st.markdown("**Personal i dag (heltidstjänster)**")
        columns = st.columns(3)
        actual = {key: columns[i % 3].text_input(label, value=number_text(have.get(key)), placeholder="t.ex. 2,5")
                  for i, (key, label) in enumerate(GROUPS.items())}
        if st.form_submit_button("Spara och beräkna", type="primary"):
            save(lambda s: _save_staffing(s, inputs, actual, version),
                 "Bemanningen är sparad. En grupp under riktmärket blir en brist (BEM-…) som genomgången beslutar om.")
    offer_reload("staffing", (assessment.id, version, assessment.version))
    if assessment.staffing:
        given, have = assessment.staffing["inputs"], assessment.staffing["actual"]  # the table shows what is saved
        rows = compare(StaffingInput(**given), have)
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Yrkesgrupp": r.group,
                        "Krav enligt Tabell 1 (heltidstjänster)": fte_text(r.required),
                        "I dag": fte_text(r.actual),
                        L["missing"]: fte_text(r.shortfall) if r.shortfall else "",
                        L["rule"]: r.rule,
                        L["recommendation"]: r.recommendation,
                    }
                    for r in rows
                ]
            ),
            hide_index=True,
            width="stretch",
            column_config={
                L["rule"]: st.column_config.TextColumn(width=260),
                L["recommendation"]: st.column_config.TextColumn(width=300),
            },
        )


def _save_staffing(s, inputs: dict, actual: dict, version: int) -> None:
    """Save the staffing figures, refused if someone else saved them since the form was opened."""
    sa.save_staffing(s, actor=actor, assessment_id=assessment.id, inputs=inputs, actual=actual,
                     expected_version=version, now=clock.now())
    forget_edit("staffing", assessment.id)


radiotherapy = "radiotherapy" in clinics[clinic_id].modalities
tab_names = [MODELS["Answer"], "Resultat"] + (["Bemanning strålbehandling"] if radiotherapy else [])
tabs = st.tabs(tab_names, key="self_assessment_tabs", on_change="rerun")
# Only the open tab is computed and sent (Streamlit's lazy tabs).
if radiotherapy and tabs[2].open:
    with tabs[2]:
        render_staffing()
def _toggled(area: str, key: str) -> None:
    """Remember the area the user opened (or that none is open once it is closed)."""
    st.session_state[OPEN_AREA] = area if st.session_state[key] else None


def render_areas() -> None:
    """Every area as an expander; only the open one's form is built and sent (59 criteria at once took seconds)."""
    names = list(dict.fromkeys(c.area for _, c in rows))
    st.session_state.setdefault(OPEN_AREA, names[0] if names else None)  # the first area open on arrival
    for number, area in enumerate(names):
        result = next(a for a in areas if a.area == area)
        score = "–" if result.percent is None else f"{result.percent:.0f} %"
        key = f"area_{assessment.id}_{number}"
        box = st.expander(f"{plain(area, one_line=True)} · {result.answered} av {result.total} besvarade · {score}",
                          expanded=st.session_state[OPEN_AREA] == area, key=key, on_change=_toggled,
                          args=(area, key))
        if box.open:
            with box:
                render_area(area)


OPEN_AREA = f"self_assessment_open_area_{assessment.id}"
if tabs[0].open:
    with tabs[0]:
        render_areas()
if tabs[1].open:
    with tabs[1]:
        render_results()
