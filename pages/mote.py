"""Möte: the review meeting on a projector, one § at a time, large text, few clicks."""
from datetime import timedelta

import pandas as pd
import streamlit as st

from core import clock, glossary, mail
from core.enums import (
    ActionStatus,
    AttendanceStatus,
    GoalAssessment,
    MeetingRole,
    Priority,
    ReviewStatus,
    Severity,
)
from core.errors import UserError
from core.formatting import date_text, number_text
from core.glossary import PAGES
from core.limits import max_length
from core.models import Action, Attendance
from core.permissions import Permission, can
from core.services import actions, annual_reports, minutes, reviews, self_assessments
from pages._shared.auth import guard
from pages._shared.db import session, settings
from pages._shared.pickers import clinic_year_header
from pages._shared.ui import (
    edit_snapshot,
    forget_edit,
    form_round,
    plain,
    save,
    show_flash,
)

LARGE = """<style>
[data-testid="stMainBlockContainer"] p, [data-testid="stMainBlockContainer"] li,
[data-testid="stMainBlockContainer"] label p { font-size: 1.25rem; }
[data-testid="stMainBlockContainer"] h2 { font-size: 2.2rem; }
[class*="st-key-goto_"] button { justify-content: flex-start; text-align: left; height: auto; padding: 0.3rem 0.6rem; }
[class*="st-key-goto_"] button p { font-size: 1rem !important; white-space: normal; text-align: left; }
</style>"""

# One source for text limits: the columns themselves (core/limits.py).
TITLE, NAME = max_length(Action, "title"), max_length(Attendance, "name")

actor = guard("meeting")
st.html(LARGE)
today = clock.today()
clinics, clinic_id, year = clinic_year_header(actor, PAGES["meeting"], today)
show_flash()
with session() as s:
    review = reviews.find_review(s, actor=actor, clinic_id=clinic_id, year=year) if clinic_id else None
if review is None:
    st.info("Det finns ingen genomgång att hålla här."
            + (" Skapa den under Genomgång." if clinic_id and can(actor, Permission.PREPARE_REVIEW, clinic_id) else ""))
    st.page_link("pages/genomgang.py", label="Till Genomgång", icon=":material/event_note:")
    st.stop()
clinic = clinics[clinic_id]
may_run = can(actor, Permission.PREPARE_REVIEW, clinic_id)
may_decide = can(actor, Permission.DECIDE_ACTIONS, clinic_id)
if review.status in (ReviewStatus.APPROVAL, ReviewStatus.APPROVED):
    state = "justerat" if review.status == ReviewStatus.APPROVED else "under justering"
    st.info(f"Mötet är avslutat: protokollet är {state}. Se Genomgång för justering och protokoll.")
    st.stop()
if review.status != ReviewStatus.MEETING:
    st.subheader(f"{plain(clinic.name, one_line=True)} · genomgång {year}")
    if may_run and st.button("Starta mötet", type="primary"):
        save(lambda s: reviews.set_status(s, actor=actor, review_id=review.id, status=ReviewStatus.MEETING,
                                          now=clock.now()), "Mötet har startat.")
    st.stop()

with session() as s:
    items = reviews.agenda(s, actor=actor, review_id=review.id)
    people = {u.id: u.name for u in reviews.clinic_people(s, actor=actor, clinic_id=clinic_id)}
index = min(review.current_item, len(items) - 1)  # kept in the review: a reload or a second screen follows
item = items[index]


def _go_to(target: int) -> None:
    """Move the meeting to another § (button callback: runs before the page is drawn)."""
    with session() as s:
        reviews.move_to_item(s, actor=actor, review_id=review.id, index=max(0, min(len(items) - 1, target)))


def _go(step: int) -> None:
    """Move one § back or forward."""
    _go_to(index + step)


progress, main = st.columns([1, 3.2], gap="large")
with progress:
    st.progress((index + 1) / len(items), text=f"§ {item.number} av {len(items)}")
    for i, other in enumerate(items):
        st.button(f"§ {other.number} {plain(other.title, one_line=True)}", key=f"goto_{other.id}", on_click=_go_to,
                  args=(i,),
                  type="primary" if i == index else "tertiary", width="stretch", disabled=not may_run)


def render_opening() -> None:
    """Attendance: present, absent or stand-in for each invited person; warn about missing roles."""
    with session() as s:
        rows = reviews.attendance(s, actor=actor, review_id=review.id)
        missing = reviews.missing_roles(s, actor=actor, review_id=review.id)
    if missing:
        st.warning("Ingen närvarande för: " + ", ".join(glossary.term(r, MeetingRole) for r in missing))
    statuses = glossary.options(AttendanceStatus)
    opened = {r.id: edit_snapshot("attendance", r.id, r.version, (r.name, r.status, r.stand_in_for)) for r in rows}
    with st.form(f"attendance_{review.id}"):
        answers = {}
        for row in rows:
            version, shown = opened[row.id]
            left, middle, right = st.columns([2, 2.4, 1.6])
            name = left.text_input(glossary.term(row.meeting_role, MeetingRole), max_chars=NAME, value=shown[0],
                                   key=f"n_{row.id}_{version}")
            status = middle.radio("Närvaro", list(statuses), format_func=statuses.get, horizontal=True,
                                  index=list(statuses).index(shown[1]), key=f"s_{row.id}_{version}",
                                  label_visibility="collapsed")
            stand_in = right.text_input("Ersätter", max_chars=NAME, value=shown[2] or "", key=f"e_{row.id}_{version}",
                                        label_visibility="collapsed", placeholder="ersätter vem?")
            answers[row.id] = (name, status, stand_in)
        if st.form_submit_button("Spara närvaro", type="primary"):
            save(lambda s: _save_attendance(s, answers, opened), "Närvaron är sparad.")
    stale = any(opened[r.id][0] != r.version for r in rows)
    if stale and st.button("Ladda om de senaste uppgifterna", key=f"reload_attendance_{review.id}"):
        for row in rows:
            forget_edit("attendance", row.id)
        st.rerun()


def _save_attendance(s, answers: dict, opened: dict) -> None:
    """Save the attendance rows the user changed, each refused if someone else saved it since the form opened."""
    for row_id, (name, status, stand_in) in answers.items():
        version, shown = opened[row_id]
        if (name, status, stand_in or None) != shown:
            reviews.update_attendee(s, actor=actor, attendance_id=row_id, name=name, status=status,
                                    stand_in_for=stand_in, now=clock.now(), expected_version=version)
    for row_id in answers:
        forget_edit("attendance", row_id)


def render_adjusters() -> None:
    """Choose the justerare (the chair approves as chair)."""
    with session() as s:
        chosen = [x.user_id for x in minutes.signatures(s, actor=actor, review_id=review.id) if x.role == "adjuster"]
        present = {a.user_id: a.name for a in reviews.attendance(s, actor=actor, review_id=review.id)
                   if a.user_id and a.status in reviews.ATTENDED}
    candidates = [i for i in present if i not in (review.chair_id, review.secretary_id)]
    if not candidates:
        st.info("Justerare väljs bland de närvarande (utom ordförande och protokollförare). Anteckna närvaron "
                "under § 1 först.")
        return
    people.update(present)
    with st.form(f"adjusters_{review.id}"):
        picked = st.pills("Justerare (en eller två)", candidates, selection_mode="multi",
                          format_func=lambda i: plain(people.get(i), one_line=True),
                          default=[i for i in chosen if i in candidates]) or []
        if st.form_submit_button("Spara justerare", type="primary"):
            save(lambda s: minutes.choose_adjusters(s, actor=actor, review_id=review.id, user_ids=picked,
                                                    now=clock.now()), "Justerarna är valda.")


def render_follow_up() -> None:
    """Earlier actions, one at a time: record status and comment."""
    with session() as s:
        rows = actions.follow_ups(s, actor=actor, review_id=review.id)
    if not rows:
        st.success("Det finns inga tidigare åtgärder att följa upp.")
        return
    key = f"follow_up_{review.id}"
    current = min(st.session_state.get(key, 0), len(rows) - 1)
    follow_up, action, decided = rows[current]
    recorded = sum(1 for f, _, _ in rows if f.status)
    st.caption(f"Åtgärd {current + 1} av {len(rows)} · {recorded} uppföljda")
    st.subheader(plain(action.title, one_line=True))
    st.markdown(f"Beslutad {decided} · ansvarig **{plain(action.owner_name)}** · "
                f"klart senast **{date_text(action.due_date)}**"
                f" · nu: **{glossary.term(action.status, ActionStatus)}**"
                + (" · :red-badge[Försenad]" if actions.is_overdue(action, today) else ""))
    if action.status_comment:
        st.markdown(f"Senaste kommentar: *{plain(action.status_comment, one_line=True)}*")
    statuses = glossary.options(ActionStatus)
    with st.form(f"fu_{follow_up.id}"):
        status = st.radio("Status vid mötet", list(statuses), format_func=statuses.get, horizontal=True,
                          index=list(statuses).index(follow_up.status or action.status))
        comment = st.text_input("Kommentar", value=follow_up.comment or "")
        left, right = st.columns(2)
        reason = left.text_input("Skäl (om avskriven)", value=action.cancel_reason or "")
        postpone = right.date_input("Ny tidpunkt (om mötet skjuter upp åtgärden)", value=follow_up.new_due_date,
                                    format="YYYY-MM-DD")
        if st.form_submit_button("Spara och visa nästa", type="primary"):
            def _record(s) -> None:
                actions.record_follow_up(s, actor=actor, follow_up_id=follow_up.id, status=status, comment=comment,
                                         cancel_reason=reason, new_due_date=postpone, today=today, now=clock.now())
                st.session_state[key] = (current + 1) % len(rows)  # only once saved: a refusal stays here
            save(_record, "Uppföljningen är sparad.")
    left, right = st.columns(2)
    left.button("← Föregående åtgärd", on_click=lambda: st.session_state.update({key: max(0, current - 1)}))
    right.button("Nästa åtgärd →", on_click=lambda: st.session_state.update({key: (current + 1) % len(rows)}))


def render_annual_report() -> None:
    """The clinic's goals and indicators from the bokslut, compactly."""
    if review.annual_report_id is None:
        st.warning(f"Strålskyddsbokslutet för {year - 1} är inte inläst.")
        return
    with session() as s:
        view = annual_reports.report_view(s, actor=actor, year=year - 1, clinic_id=clinic_id)
    st.markdown("**Mål**")
    st.dataframe(pd.DataFrame([{"Mål": g.text, "Utfall": g.outcome or "", "Bedömning":
                                glossary.term(g.assessment, GoalAssessment)} for g in view.goals]),
                 hide_index=True, width="stretch")
    st.markdown("**Indikatorer**")
    st.dataframe(pd.DataFrame([{"Indikator": r.indicator.name, "Värde": number_text(r.indicator.value),
                                "Mål": number_text(r.indicator.target), "Mot målet": "–" if r.met is None else
                                ("Uppfyllt" if r.met else "Ej uppfyllt"), f"{year - 2}": number_text(r.previous)}
                               for r in view.indicators]), hide_index=True, width="stretch")


def render_self_assessment() -> None:
    """The year's self-assessment: its summary, and each gap as a finding to decide an action on."""
    with session() as s:
        st.markdown(plain(self_assessments.summary(s, actor=actor, clinic_id=clinic_id, year=year)))
        gaps = self_assessments.gaps(s, actor=actor, clinic_id=clinic_id, year=year)
        decided = {a.criterion_id: a for a in actions.review_actions(s, actor=actor, review_id=review.id) if a.criterion_id}
        none = actions.gap_decisions(s, actor=actor, review_id=review.id)
    for criterion, answer in gaps:
        with st.container(border=True):
            st.markdown(f"**{plain(criterion.code)}** nivå {answer.level}")
            st.text(answer.criterion_text)
            if criterion.id in decided:
                action = decided[criterion.id]
                st.success(f"Beslutad åtgärd: {action.number}. {plain(action.title)} ({plain(action.owner_name)})")
            elif criterion.id in none:
                st.info(f"Ingen åtgärd: {plain(none[criterion.id])}")
            elif may_decide:
                _decide_on(criterion_id=criterion.id)


def _action_form(key: str, finding=None, criterion_id: int | None = None) -> None:
    """Decide an action: what, owner (user or typed name and role), due date, priority."""
    priorities = glossary.options(Priority)
    prefix = f"{key}_{form_round(key)}"
    with st.form(prefix):
        title = st.text_input("Åtgärd *", max_chars=TITLE, value=(finding.suggested_action or "") if finding else "",
                              key=f"{prefix}_title")
        description = st.text_area("Beskrivning", height=68, key=f"{prefix}_description")
        left, middle, right = st.columns(3)
        owner_id = left.selectbox("Ansvarig", [None, *people], format_func=lambda i: people.get(i, "Skriv namn →"),
                                  key=f"{prefix}_owner")
        owner_name = middle.text_input("…eller namn", max_chars=NAME, key=f"{prefix}_owner_name")
        owner_role = right.text_input("Roll (om namnet skrivs)", max_chars=NAME, key=f"{prefix}_owner_role")
        due = left.date_input("Klart senast *", value=today + timedelta(days=180), format="YYYY-MM-DD",
                              key=f"{prefix}_due")
        priority = middle.selectbox("Prioritet", list(priorities), format_func=priorities.get, index=1,
                                    key=f"{prefix}_priority")
        if st.form_submit_button("Besluta åtgärd", type="primary"):
            data = {"title": title, "description": description, "owner_id": owner_id, "owner_name": owner_name,
                    "owner_role": owner_role, "due_date": due, "priority": priority,
                    "finding_id": finding.id if finding else None, "criterion_id": criterion_id}
            save(lambda s: actions.decide_action(s, actor=actor, review_id=review.id, data=data, now=clock.now()),
                 lambda a: f"Åtgärd {a.number} är beslutad.", empty_form=key)


def _correct_form(decided) -> None:
    """Correct a decided action (what, owner, due date, priority) before the minutes go to justering."""
    with st.expander("Rätta en beslutad åtgärd"):
        by_id = {a.id: a for a in decided}
        chosen = by_id[st.selectbox("Åtgärd", list(by_id), format_func=lambda i: f"{by_id[i].number}. {by_id[i].title}",
                                    key=f"correct_pick_{review.id}")]
        priorities = glossary.options(Priority)
        version, shown = edit_snapshot("correct_action", chosen.id, chosen.version, chosen)  # the action as opened
        with st.form(f"correct_{chosen.id}_{version}"):
            title = st.text_input("Åtgärd *", max_chars=TITLE, value=shown.title)
            left, middle, right = st.columns(3)
            ids = [None, *people]
            owner_id = left.selectbox("Ansvarig", ids, format_func=lambda i: people.get(i, "Skriv namn →"),
                                      index=ids.index(shown.owner_id) if shown.owner_id in ids else 0)
            owner_name = middle.text_input("…eller namn", max_chars=NAME, value="" if shown.owner_id else shown.owner_name)
            owner_role = right.text_input("Roll (om namnet skrivs)", max_chars=NAME, value=shown.owner_role or "")
            due = left.date_input("Klart senast *", value=shown.due_date, format="YYYY-MM-DD")
            priority = middle.selectbox("Prioritet", list(priorities), format_func=priorities.get,
                                        index=list(priorities).index(shown.priority))
            if st.form_submit_button("Spara rättelsen"):
                data = {"title": title, "description": shown.description, "owner_id": owner_id,
                        "owner_name": owner_name, "owner_role": owner_role, "due_date": due, "priority": priority}
                save(lambda s: _correct(s, chosen.id, data, version), f"Åtgärd {chosen.number} är rättad.")
        stale = version != chosen.version
        if stale and st.button("Ladda om de senaste uppgifterna", key=f"reload_correct_{chosen.id}"):
            forget_edit("correct_action", chosen.id)
            st.rerun()


def _correct(s, action_id: int, data: dict, version: int) -> None:
    """Correct a decided action, refused if someone else changed it since the form was opened."""
    actions.correct_action(s, actor=actor, action_id=action_id, data=data, expected_version=version, now=clock.now())
    forget_edit("correct_action", action_id)


def render_findings() -> None:
    """Each finding: decide an action or 'ingen åtgärd' with a reason; and other actions."""
    with session() as s:
        found = actions.findings_for_review(s, actor=actor, review_id=review.id)
    if not found:
        st.info("Bokslutet har inga brister för kliniken.")
    for entry in found:
        f = entry.finding
        with st.container(border=True):
            owner = "hela organisationen" if f.clinic_id is None else clinic.code
            st.markdown(f"**{plain(f.code)}** · {plain(owner)} · "
                        f"Allvarlighet **{glossary.term(f.severity, Severity).lower()}**")
            st.markdown(plain(f.description))
            if entry.actions:
                st.success("Beslutad åtgärd: " + "; ".join(f"{a.number}. {plain(a.title)} ({plain(a.owner_name)}, "
                                                            f"{date_text(a.due_date)})" for a in entry.actions))
            elif entry.no_action:
                st.info(f"Ingen åtgärd: {plain(entry.no_action.no_action_reason)}")
            elif may_decide:
                _decide_on(f)
    if may_decide:
        with st.expander("Besluta en annan åtgärd"):
            _action_form(f"other_action_{review.id}")


def _decide_on(finding=None, criterion_id: int | None = None) -> None:
    """Offer the two decisions for an undecided finding or self-assessment gap."""
    key = f"finding_{finding.id}" if finding else f"gap_{criterion_id}"
    act, none = st.tabs(["Besluta åtgärd", "Ingen åtgärd"])
    with act:
        _action_form(f"action_{key}", finding, criterion_id=criterion_id)
    with none:
        with st.form(f"none_{key}"):
            reason = st.text_input("Motivering *")
            if st.form_submit_button("Ingen åtgärd"):
                save(lambda s: actions.decide_no_action(
                    s, actor=actor, review_id=review.id, finding_id=finding.id if finding else None,
                    criterion_id=criterion_id, reason=reason, now=clock.now()), "Beslutet är sparat.")


def render_next_review() -> None:
    """The date of the next review."""
    with st.form(f"next_{review.id}"):
        chosen = st.date_input("Nästa genomgång", value=review.next_review_date, format="YYYY-MM-DD")
        if st.form_submit_button("Spara datum", type="primary"):
            save(lambda s: reviews.set_next_review(s, actor=actor, review_id=review.id, next_date=chosen,
                                                   now=clock.now()), "Datum för nästa genomgång är sparat.")


def render_notes() -> None:
    """Notes and decisions of the current §; a save is refused if someone else saved them meanwhile."""
    version, shown = edit_snapshot("notes", item.id, item.version, (item.notes, item.decisions))

    def _save(s) -> None:
        reviews.save_notes(s, actor=actor, item_id=item.id, notes=notes, decisions=decisions, now=clock.now(),
                           expected_version=version)
        forget_edit("notes", item.id)
    with st.form(f"notes_{item.id}_{version}"):
        notes = st.text_area("Anteckningar", value=shown[0] or "", height=90)
        decisions = st.text_area("Beslut (protokollet skriver ”Beslutades att …”; en rad per beslut)",
                                 value=shown[1] or "", height=70, placeholder="godkänna dagordningen")
        if st.form_submit_button("Spara anteckningar"):
            save(_save, f"Anteckningarna för § {item.number} är sparade.")
    if version != item.version and st.button("Ladda om de senaste uppgifterna", key=f"reload_notes_{item.id}"):
        forget_edit("notes", item.id)
        st.rerun()


def _send_for_approval(s) -> str:
    """Freeze the minutes for justering; tell the approvers by e-mail when a server is configured."""
    minutes.send_for_approval(s, actor=actor, review_id=review.id, now=clock.now())
    if not mail.configured(settings()):
        return ""
    s.flush()
    try:  # a mail server that fails must not undo the justering step; Genomgång offers to send again
        return f" {len(minutes.notify_approvers(s, actor=actor, review_id=review.id, settings=settings()))} " \
               "personer har fått e-post om att justera."
    except UserError as exc:
        return f" E-post kunde inte skickas: {exc}"


RENDER = {"opening": render_opening, "adjusters": render_adjusters, "follow_up": render_follow_up,
          "annual_report": render_annual_report, "self_assessment": render_self_assessment,
          "findings": render_findings, "next_review": render_next_review}

with main:
    st.header(f"§ {item.number} {plain(item.title, one_line=True)}")
    if may_run:
        RENDER.get(item.kind, lambda: None)()
        render_notes()
    back, forward = st.columns(2)
    # Only whoever runs the meeting moves it; the others follow on their own screens.
    back.button("← Föregående", on_click=_go, args=(-1,), disabled=index == 0 or not may_run, width="stretch")
    forward.button("Nästa →", on_click=_go, args=(1,), disabled=index == len(items) - 1 or not may_run,
                   width="stretch", type="primary")
    with session() as s:
        decided = actions.review_actions(s, actor=actor, review_id=review.id)
    st.markdown(f"**Beslutade åtgärder ({len(decided)})**")
    for a in decided:
        st.markdown(f"{a.number}. {plain(a.title, one_line=True)} – {plain(a.owner_name)}, "
                    f"klart senast {date_text(a.due_date)}")
    if decided and may_decide:
        _correct_form(decided)
    if may_run and index == len(items) - 1 and st.button("Avsluta mötet och skicka protokollet till justering",
                                                         type="primary"):
        save(_send_for_approval, lambda told: f"Mötet är avslutat. Protokollet är skickat till justering.{told}")
