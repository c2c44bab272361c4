"""Översikt: every clinic at a glance (strateg, admin), my clinics and my actions, and the year's calendar."""
import altair as alt
import pandas as pd
import streamlit as st

from core import clock, glossary
from core.charts import SWEDISH_NUMBER
from core.enums import ActionStatus, Modality, ReviewStatus, Severity, SignatureRole
from core.formatting import date_text, number_text
from core.glossary import FIELDS, MODELS, OVERDUE, PAGES
from core.glossary import LABELS as L
from core.permissions import visible_clinic_ids
from core.services import (
    actions,
    calendar_year,
    minutes,
    protection_figures,
    safety_events,
)
from core.services.clinical_audits import whole_activity_overdue
from core.services.clinics import list_clinics, the_organisation
from core.services.overview import (
    actions_by_status,
    clinic_statuses,
    meeting_years,
    on_time_share,
    overdue_over_time,
    unanswered_findings,
)
from pages._shared.auth import guard
from pages._shared.db import session, settings
from pages._shared.pickers import sticky_select
from pages._shared.ui import plain, show_chart

STATUS_TERMS = glossary.options(ActionStatus)
STATUS_COLOURS = ["#9aa5b1", "#1f5f8b", "#2e7d4f", "#d5dbe1"]  # ej påbörjad, pågår, klar, avskriven
CHART_CLINICS = 20  # a bar per clinic stays readable up to about this many
BAR_TEXT = "text"  # the on-time chart's bar labels: a column never shown as a column

actor = guard("overview")
today = clock.today()
sees_all = visible_clinic_ids(actor) is None
with session() as s:
    organisation = the_organisation(s, actor=actor)
    years = meeting_years(s, actor=actor, today=today)

title, picker = st.columns([3, 1], vertical_alignment="bottom")
title.title(PAGES["overview"])
year = sticky_select(L["review_year"], years, purpose="meeting_year", default=today.year, container=picker)
with session() as s:
    statuses = clinic_statuses(s, actor=actor, year=year, today=today)
st.caption(f"{plain(organisation.name)} · genomgångar {year} av strålskyddsbokslutet för {year - 1} · "
           f"idag {today.isoformat()}")
with session() as s:
    to_sign = minutes.awaiting_approval(s, actor=actor)
    late_reports = safety_events.overdue_reports(s, actor=actor, today=today)
    drl_rows = protection_figures.drl_attention(s, actor=actor, today=today)
    clinic_codes = {c.id: c.code for c in list_clinics(s, actor=actor)} if late_reports else {}
if late_reports:  # SSMFS 2018:5 3 kap. 10 §: the written report to SSM within three months
    with st.container(border=True):
        st.error(L["overdue_reports"].format(count=len(late_reports)))
        st.markdown("\n".join(f"- {clinic_codes.get(e.clinic_id, '')}: händelsen {date_text(e.occurred_on)} "
                               f"({FIELDS['concerns'].lower()} {safety_events.concerns_text(e).lower()}) · "
                               f"{safety_events.written_report(e, today)} · "
                               f"{plain(e.description, one_line=True)[:90]}" for e in late_reports))
        st.page_link("pages/handelser.py", label=PAGES["events"], icon=":material/report:")
if drl_rows:  # SSMFS 2018:5 6 kap. 1 §: investigate a level above DRL; determine at least every third year
    with st.container(border=True):
        st.warning(f"Diagnostiska standardnivåer att åtgärda ({len(drl_rows)})")
        st.markdown("\n".join(f"- {code}: {plain(row.examination, one_line=True)}"
                               f"{', ' + plain(row.equipment, one_line=True) if row.equipment else ''}: "
                               f"{', '.join(flags)} (senast bestämd {date_text(row.determined_on) or 'aldrig'})"
                               for code, row, flags in drl_rows))
if to_sign:
    with st.container(border=True):
        st.subheader("Att justera")
        for review, clinic, role in to_sign:
            left, right = st.columns([3, 1], vertical_alignment="center")
            left.markdown(f"{L['minutes_number'].format(number=plain(review.protocol_number))} · {plain(clinic.name)}, "
                          f"genomgången {review.year} · "
                          f"du justerar som **{glossary.term(role, SignatureRole).lower()}**")
            if right.button("Läs och justera", key=f"sign_{review.id}", type="primary"):
                st.session_state["pick_clinic"] = st.session_state["_widget_pick_clinic"] = clinic.id
                st.session_state["pick_meeting_year"] = review.year
                st.session_state.pop("_widget_pick_meeting_year", None)
                st.session_state[f"step_{review.id}"] = "Justering"
                st.switch_page("pages/genomgang.py")
if not statuses:
    st.info("Det finns inga kliniker som du kan se ännu.")
    st.stop()

left, middle, right, last, overdue = st.columns(5)
left.metric(FIELDS["clinics"], len(statuses))
middle.metric(L["report_of_year"].format(year=year - 1), L["loaded"] if statuses[0].report_loaded else L["missing"])
right.metric("Justerade protokoll", f"{sum(x.review_status == ReviewStatus.APPROVED for x in statuses)}"
             f" av {len(statuses)}")
last.metric(L["open_actions"], number_text(sum(x.open_actions for x in statuses)))
overdue.metric(L["overdue_count"], number_text(sum(x.overdue_actions for x in statuses)))


AUDIT_INTERVAL = settings().audit_interval_years


def _row(x) -> dict:
    """Describe one clinic in words (never colour alone)."""
    review = glossary.term(x.review_status, ReviewStatus) if x.review_status else "Ej skapad"
    old_audit = whole_activity_overdue(x.last_whole_audit, today, AUDIT_INTERVAL)
    return {
        L["code_short"]: x.clinic.code, FIELDS["clinic_name"]: x.clinic.name,
        FIELDS["modalities"]: ", ".join(glossary.term(m, Modality) for m in x.clinic.modalities),
        L["report_of_year"].format(year=year - 1): L["loaded"] if x.report_loaded else L["missing"],
        f"Genomgång {year}": review,
        L["open_actions"]: x.open_actions, L["overdue_count"]: x.overdue_actions, "Klara åtgärder": x.done_actions,
        f"Egenkontroll {year}": (
            "Ej påbörjad" if not x.self_assessment else "Påbörjad" if x.self_assessment_score is None
            else f"{x.self_assessment_score:.0f} %"),
        "Klinisk revision (hela)": (date_text(x.last_whole_audit) or "Ingen") + (" – för gammal" if old_audit else ""),
        "Försenade rapporter till SSM": x.late_reports,
    }


st.subheader("Klinikerna")
st.dataframe(pd.DataFrame([_row(x) for x in statuses]), hide_index=True, width="stretch",
             column_config={L["code_short"]: st.column_config.TextColumn(width=60),
                            FIELDS["clinic_name"]: st.column_config.TextColumn(width=170),
                            FIELDS["modalities"]: st.column_config.TextColumn(width=150)})


def _open_clinic(page: str, clinic_id: int) -> None:
    """Go to a clinic page with the clinic chosen (a button callback)."""
    st.session_state["pick_clinic"] = clinic_id
    st.session_state["pick_meeting_year"] = year
    st.session_state["actions_clinics"] = [clinic_id]  # the action plan's clinic filter
    st.session_state["go_to"] = page


chooser, *buttons = st.columns([2, 1, 1, 1], vertical_alignment="bottom")
names = {x.clinic.id: f"{x.clinic.code} – {x.clinic.name}" for x in statuses}
chosen = chooser.selectbox("Öppna en klinik", list(names), key="overview_clinic", format_func=names.get)
for column, (label, page) in zip(buttons, [(PAGES["review"], "pages/genomgang.py"),
                                           (PAGES["actions"], "pages/atgarder.py"),
                                           (PAGES["self_assessment"], "pages/egenkontroll.py")]):
    column.button(label, on_click=_open_clinic, args=(page, chosen), width="stretch", key=f"open_{page}")
if st.session_state.get("go_to"):
    st.switch_page(st.session_state.pop("go_to"))


def render_charts() -> None:
    """Actions by status per clinic, the share completed on time per year, and overdue over the last year."""
    with session() as s:
        by_status = actions_by_status(s, actor=actor, top=CHART_CLINICS)
        on_time = on_time_share(s, actor=actor)
        late = overdue_over_time(s, actor=actor, today=today)
    left, right = st.columns(2)
    if by_status:
        clinic, status, count = FIELDS["clinic_name"], FIELDS["status"], "Antal"
        frame = pd.DataFrame([{clinic: r["clinic"], status: STATUS_TERMS[r["status"]], count: r["count"]}
                              for r in by_status])
        title = ("Åtgärder per status" if len(statuses) <= CHART_CLINICS
                 else f"Åtgärder per status: de {CHART_CLINICS} kliniker som har flest öppna")
        show_chart(alt.Chart(frame, title=title).mark_bar().encode(
            x=alt.X(f"{clinic}:N", axis=alt.Axis(labelAngle=0)),
            y=alt.Y(f"{count}:Q", title="Antal åtgärder", axis=alt.Axis(tickMinStep=1, labelExpr=SWEDISH_NUMBER)),
            color=alt.Color(f"{status}:N", legend=alt.Legend(title=status),
                            scale=alt.Scale(domain=list(STATUS_TERMS.values()), range=STATUS_COLOURS)),
            tooltip=[clinic, status, count]), left)
    if on_time:
        year_column, share = FIELDS["year"], "Andel klara i tid (%)"
        frame = pd.DataFrame([{year_column: str(r["year"]), share: r["share"], "Andel": f"{number_text(r['share'])} %",
                               BAR_TEXT: f"{r['on_time']} av {r['actions']}"} for r in on_time])
        base = alt.Chart(frame, title="Klara i tid, per år åtgärderna beslutades").encode(
            x=alt.X(f"{year_column}:O", axis=alt.Axis(labelAngle=0)),
            y=alt.Y(f"{share}:Q", scale=alt.Scale(domain=[0, 100]), axis=alt.Axis(labelExpr=SWEDISH_NUMBER)),
            tooltip=[year_column, alt.Tooltip(f"{BAR_TEXT}:N", title="Klara i tid"), "Andel:N"])
        show_chart(base.mark_bar(size=40) + base.mark_text(dy=-8).encode(text=f"{BAR_TEXT}:N"), right)
    render_overdue_chart(late)


def render_overdue_chart(late: list[dict]) -> None:
    """Overdue actions at each month's end over the last year; a sentence instead when there were none."""
    title = "Försenade åtgärder vid varje månadsskifte"
    if not any(r["overdue"] for r in late):  # a flat line at zero says nothing (and Vega labels it 0.000000)
        st.markdown(f"**{title}**")
        st.caption("Ingen åtgärd var försenad vid något månadsskifte det senaste året.")
        return
    month, overdue = "Månad", L["overdue_count"]
    frame = pd.DataFrame([{month: r["date"].strftime("%Y-%m"), overdue: r["overdue"]} for r in late])
    show_chart(alt.Chart(frame, title=title).mark_line(point=True).encode(
        x=alt.X(f"{month}:O", axis=alt.Axis(labelAngle=0)),
        y=alt.Y(f"{overdue}:Q", axis=alt.Axis(tickMinStep=1, labelExpr=SWEDISH_NUMBER)), tooltip=[month, overdue]))


def render_unanswered() -> None:
    """Findings of last year's bokslut that no action answers yet."""
    with session() as s:
        rows = unanswered_findings(s, actor=actor, report_year=year - 1)
    st.subheader(f"Brister i bokslutet {year - 1} utan beslut ({len(rows)})")
    if rows:
        st.dataframe(pd.DataFrame([{MODELS["Finding"]: f.code, L["applies_to"]: owner,
                                    L["severity"]: glossary.term(f.severity, Severity),
                                    FIELDS["description"]: f.description} for f, owner in rows]),
                     hide_index=True, width="stretch")


def render_my_actions() -> None:
    """The actions I own, due soonest first, overdue marked."""
    with session() as s:
        mine = actions.list_actions(s, actor=actor, today=today, owner_id=actor.user_id,
                                    statuses=list(ActionStatus.open_values()))
    st.subheader(f"Mina åtgärder ({len(mine)})")
    if not mine:
        st.caption("Du är inte ansvarig för någon öppen åtgärd.")
        return
    st.dataframe(pd.DataFrame([{FIELDS["due_date"]: date_text(r.action.due_date), FIELDS["title"]: r.action.title,
                                FIELDS["status"]: STATUS_TERMS[r.action.status]
                                + (f" – {OVERDUE}" if r.overdue else "")}
                               for r in mine]), hide_index=True, width="stretch")


def render_calendar() -> None:
    """Årshjulet for the year, and my own due dates as a calendar file."""
    with session() as s:
        events = calendar_year.year_events(s, actor=actor, year=year, today=today,
                                           audit_interval_years=AUDIT_INTERVAL)
        ics = calendar_year.my_due_dates_ics(s, actor=actor, today=today, now=clock.now())
    st.subheader(f"Årshjul {year}")
    st.dataframe(pd.DataFrame([{L["date"]: date_text(e.day), FIELDS["clinic_name"]: e.clinic, L["what"]: e.what,
                                "Källa": e.source} for e in events]),
                 hide_index=True, width="stretch", height=min(38 + 35 * len(events), 420),
                 column_config={L["what"]: st.column_config.TextColumn(width=420)})
    if ics:  # only for someone who owns open actions with dates
        st.download_button("Mina datum som kalenderfil (.ics)", ics, file_name="mina-datum.ics",
                           mime="text/calendar", icon=":material/event:")


if sees_all:
    render_charts()
    render_unanswered()
render_my_actions()
render_calendar()
