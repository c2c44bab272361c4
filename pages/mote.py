"""Möte: the review meeting on a projector (1280×720), one § at a time, few clicks, the decisions always in view."""
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
    SafetyEventKind,
    SafetyEventStatus,
    Severity,
    SignatureRole,
)
from core.errors import UserError
from core.formatting import date_text, number_text
from core.glossary import FIELDS, MODELS, PAGES
from core.glossary import LABELS as L
from core.limits import max_length
from core.models import Action, Attendance
from core.permissions import Permission, can
from core.services import (
    actions,
    agenda,
    annual_reports,
    attendance,
    minutes,
    reviews,
    safety_events,
    self_assessments,
)
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

# Readable from the back of the room, yet a § fits 1280×720: § list and running decisions on the left,
# never a word broken in two, the current § opened at its top (SCROLL_TOP runs once per §).
STYLE = """<style>
[data-testid="stMainBlockContainer"] p, [data-testid="stMainBlockContainer"] li,
[data-testid="stMainBlockContainer"] label p { font-size: 1.1rem; overflow-wrap: normal; word-break: normal; }
[data-testid="stMainBlockContainer"] h1 { font-size: 2rem; }
[data-testid="stMainBlockContainer"] h2 { font-size: 1.9rem; padding-top: 0.2rem; }
[class*="st-key-goto_"] button, [class*="st-key-goto_"] button * { justify-content: flex-start; text-align: left; }
[class*="st-key-goto_"] button { min-height: 0; padding: 0.15rem 0.5rem; }
[class*="st-key-goto_"] button p { font-size: 0.9rem !important; line-height: 1.25; white-space: normal; }
.st-key-decided p, .st-key-decided li { font-size: 0.95rem !important; }
[data-testid="stTable"] th, [data-testid="stTable"] td { font-size: 1rem; }
[data-testid="stButtonGroup"] button * { font-size: 0.95rem !important; }
[data-testid="stButtonGroup"] button { padding-left: 0.55rem; padding-right: 0.55rem; }
@media (max-width: 1500px) { [data-testid="stSidebar"] { min-width: 250px !important; max-width: 250px !important; } }
</style>"""
SCROLL_TOP = """<script>/* § {item} */
for (const el of [document.querySelector('[data-testid="stMain"]'), document.scrollingElement]) {{
  if (el) el.scrollTo({{top: 0}});
}}
</script>"""
# One source for text limits: the columns themselves (core/limits.py).
TITLE, NAME = max_length(Action, "title"), max_length(Attendance, "name")
OTHER_PERSON = -1  # the owner choice for someone who is not among the clinic's people
CAME = [s.value for s in AttendanceStatus if s != AttendanceStatus.INVITED]  # what the meeting records

actor = guard("meeting")
st.html(STYLE)
today = clock.today()
clinics, clinic_id, year = clinic_year_header(actor, PAGES["meeting"], today)
show_flash()
with session() as s:
    review = reviews.find_review(s, actor=actor, clinic_id=clinic_id, year=year) if clinic_id else None
if review is None:
    st.info("Det finns ingen genomgång att hålla här."
            + (" Skapa den under Genomgång." if clinic_id and can(actor, Permission.PREPARE_REVIEW, clinic_id) else ""))
    st.page_link("pages/genomgang.py", label=L["go_to_page"].format(page=PAGES["review"]), icon=":material/event_note:")
    st.stop()
clinic = clinics[clinic_id]
may_run = can(actor, Permission.PREPARE_REVIEW, clinic_id)
may_decide = can(actor, Permission.DECIDE_ACTIONS, clinic_id)
if not reviews.is_editable(review):
    state = "justerat" if review.status == ReviewStatus.APPROVED else "under justering"
    st.info(f"Mötet är avslutat: protokollet är {state}. Se Genomgång för justering och protokoll.")
    st.stop()
if review.status != ReviewStatus.MEETING:
    st.subheader(L["clinic_review_year"].format(clinic=plain(clinic.name, one_line=True), year=year))
    if may_run and st.button(L["start_meeting"], type="primary"):
        save(lambda s: reviews.set_status(s, actor=actor, review_id=review.id, status=ReviewStatus.MEETING,
                                          now=clock.now()), "Mötet har startat.")
    elif not may_run:
        st.info("Mötet har inte startat ännu.")
    st.stop()

meeting_day = review.meeting_date or today  # the record speaks of the meeting's day, whenever it is typed in
with session() as s:
    items = agenda.items(s, actor=actor, review_id=review.id)
    people = {u.id: u.name for u in reviews.clinic_people(s, actor=actor, clinic_id=clinic_id)}
    decided = actions.review_actions(s, actor=actor, review_id=review.id)
index = min(review.current_item, len(items) - 1)  # kept in the review: a reload or a second screen follows
item = items[index]


def _go_to(target: int) -> None:
    """Move the meeting to another § (button callback: runs before the page is drawn)."""
    with session() as s:
        reviews.move_to_item(s, actor=actor, review_id=review.id, index=max(0, min(len(items) - 1, target)))


def _go(step: int) -> None:
    """Move one § back or forward."""
    _go_to(index + step)


def render_agenda() -> None:
    """The § list to jump with, and the actions decided so far (in view on every §)."""
    st.progress((index + 1) / len(items), text=f"§ {item.number} av {len(items)}")
    with st.container(gap=None):  # tight, so the running decisions below stay in view
        for i, other in enumerate(items):
            st.button(f"§ {other.number} {plain(other.title, one_line=True)}", key=f"goto_{other.id}",
                      on_click=_go_to, args=(i,), type="primary" if i == index else "tertiary",
                      width="stretch", disabled=not may_run)
    with st.container(key="decided"):
        st.markdown(f"**{L['decided_actions'].format(count=len(decided))}**")
        for a in decided:
            st.caption(f"{a.number}. {plain(a.title, one_line=True)} – {plain(a.owner_name, one_line=True)}, "
                       f"{date_text(a.due_date)}")


def render_navigation(where: str) -> None:
    """Föregående and Nästa; at the top they answer to a presenter's clicker (PageUp, PageDown)."""
    top = where == "top"
    back, forward = st.columns(2)
    back.button(L["previous"], on_click=_go, args=(-1,), disabled=index == 0 or not may_run,
                width="stretch", key=f"back_{where}", shortcut="PageUp" if top else None)
    forward.button(L["next"], on_click=_go, args=(1,), disabled=index == len(items) - 1 or not may_run,
                   width="stretch", type="primary", key=f"next_{where}", shortcut="PageDown" if top else None)


def _who(row: Attendance) -> str:
    """Name and role of an invited person, with whom a stand-in replaces."""
    name = plain(row.name, one_line=True) or "*namn saknas*"
    extra = f", ersätter {plain(row.stand_in_for, one_line=True)}" if row.stand_in_for else ""
    return f"**{name}**  \n{glossary.term(row.meeting_role, MeetingRole)}{extra}"


def render_opening() -> None:
    """Attendance, one row per person: everyone invited shows as present; mark who is not, and save."""
    with session() as s:
        rows = attendance.attendees(s, actor=actor, review_id=review.id)
        missing = attendance.missing_roles(s, actor=actor, review_id=review.id)
    if missing and any(r.status != AttendanceStatus.INVITED for r in rows):  # once attendance is recorded
        st.warning("Ingen närvarande för: " + ", ".join(glossary.term(r, MeetingRole) for r in missing))
    if not may_run:
        st.table(pd.DataFrame([{FIELDS["name"]: r.name, FIELDS["role"]: glossary.term(r.meeting_role, MeetingRole),
                                MODELS["Attendance"]: glossary.term(r.status, AttendanceStatus)} for r in rows]),
                 hide_index=True)
        return
    terms = glossary.options(AttendanceStatus)
    opened = {r.id: edit_snapshot("attendance", r.id, r.version, (r.name, r.status, r.stand_in_for)) for r in rows}
    with st.form(f"attendance_{review.id}", border=False):
        answers = {}
        for row in rows:
            version, shown = opened[row.id]
            who, came, other = st.columns([2, 3.2, 1.6], vertical_alignment="center")
            who.markdown(_who(row))
            status = came.segmented_control(
                L["attendance_for"].format(name=row.name or "personen"), CAME, format_func=terms.get, required=True,
                default=shown[1] if shown[1] in CAME else AttendanceStatus.PRESENT.value,
                key=f"s_{row.id}_{version}", label_visibility="collapsed")
            typed = other.text_input(FIELDS["name"], max_chars=NAME, key=f"e_{row.id}_{version}", label_visibility="collapsed",
                                     placeholder="namn" if not shown[0] else "ersättarens namn")
            answers[row.id] = (status, typed)
        if st.form_submit_button(L["save_attendance"], type="primary"):
            save(lambda s: _save_attendance(s, answers, opened), "Närvaron är sparad.")
    stale = any(opened[r.id][0] != r.version for r in rows)
    if stale and st.button(L["reload_latest"], key=f"reload_attendance_{review.id}"):
        for row in rows:
            forget_edit("attendance", row.id)
        st.rerun()


def _save_attendance(s, answers: dict, opened: dict) -> None:
    """Record every row the form shows differently from how it was opened (invited rows show as present)."""
    for row_id, (status, typed) in answers.items():
        version, (_, was, _) = opened[row_id]
        if status != was or typed:
            attendance.record_attendance(s, actor=actor, attendance_id=row_id, status=status, typed_name=typed,
                                         now=clock.now(), expected_version=version)
    for row_id in answers:
        forget_edit("attendance", row_id)


def render_adjusters() -> None:
    """Choose the justerare among those present (the chair approves as chair)."""
    with session() as s:
        chosen = [x.user_id for x in minutes.signatures(s, actor=actor, review_id=review.id)
                  if x.role == SignatureRole.ADJUSTER]
        present = {a.user_id: a.name for a in attendance.attendees(s, actor=actor, review_id=review.id)
                   if a.user_id and a.status in AttendanceStatus.attended_values()}
    candidates = [i for i in present if i not in (review.chair_id, review.secretary_id)]
    if not may_run:
        st.markdown("Justerare: " + (", ".join(plain(present.get(i) or people.get(i, "")) for i in chosen)
                                     or "inte valda ännu"))
        return
    if not candidates:
        st.info("Justerare väljs bland de närvarande (utom ordförande och protokollförare). Anteckna närvaron "
                "under § 1 först.")
        return
    people.update(present)
    with st.form(f"adjusters_{review.id}", border=False):
        picked = st.pills(L["adjusters_one_or_two"], candidates, selection_mode="multi",
                          format_func=lambda i: plain(people.get(i), one_line=True),
                          default=[i for i in chosen if i in candidates]) or []
        if st.form_submit_button(L["save_adjusters"], type="primary"):
            save(lambda s: minutes.choose_adjusters(s, actor=actor, review_id=review.id, user_ids=picked,
                                                    now=clock.now()), "Justerarna är valda.")


def _one_at_a_time(key: str, count: int, first_open: int) -> int:
    """The index of the entry shown now (the first undecided one until the user moves)."""
    return min(st.session_state.get(key, first_open), count - 1)


def _stepper(key: str, current: int, count: int, noun: str) -> None:
    """Buttons to the previous and next entry."""
    left, right = st.columns(2)
    left.button(L["previous_of"].format(noun=noun), key=f"{key}_back", disabled=current == 0, width="stretch",
                on_click=lambda: st.session_state.update({key: current - 1}))
    right.button(L["next_of"].format(noun=noun), key=f"{key}_next", disabled=current == count - 1, width="stretch",
                 on_click=lambda: st.session_state.update({key: current + 1}))


def render_follow_up() -> None:
    """Earlier actions, one at a time: the status at the meeting, a comment, perhaps a new due date."""
    with session() as s:
        rows = actions.follow_ups(s, actor=actor, review_id=review.id)
    if not rows:
        st.success("Det finns inga tidigare åtgärder att följa upp.")
        return
    if not may_run:
        st.table(pd.DataFrame([{FIELDS["title"]: a.title, FIELDS["owner_name"]: a.owner_name,
                                FIELDS["due_date"]: date_text(a.due_date),
                                L["status_at_meeting"]: glossary.term(f.status, ActionStatus) if f.status else "–"}
                               for f, a, _ in rows]), hide_index=True)
        return
    key = f"follow_up_{review.id}"
    pending = [i for i, (f, _, _) in enumerate(rows) if not f.status]
    current = _one_at_a_time(key, len(rows), pending[0] if pending else 0)
    follow_up, action, decided_in = rows[current]
    st.caption(f"Åtgärd {current + 1} av {len(rows)} · {len(rows) - len(pending)} uppföljda")
    st.subheader(plain(action.title, one_line=True))
    st.markdown(f"Beslutad {decided_in} · ansvarig **{plain(action.owner_name)}** · "
                f"klart senast **{date_text(action.due_date)}** · nu: **{glossary.term(action.status, ActionStatus)}**"
                + (" · :red-badge[Försenad]" if action.is_overdue_on(meeting_day) else ""))
    if action.status_comment:
        st.markdown(f"Senaste kommentar: *{plain(action.status_comment, one_line=True)}*")
    statuses = glossary.options(ActionStatus)
    with st.form(f"fu_{follow_up.id}", border=False):
        status = st.segmented_control(L["status_at_meeting"], list(statuses), format_func=statuses.get, required=True,
                                      default=follow_up.status or action.status)
        comment, reason, postpone = st.columns([2, 1.4, 1.2])
        comment = comment.text_input(FIELDS["status_comment"], value=follow_up.comment or "")
        reason = reason.text_input(L["reason_if_cancelled"], value=action.cancel_reason or "")
        postpone = postpone.date_input(L["postpone_to"], value=follow_up.new_due_date, format="YYYY-MM-DD",
                                       min_value=meeting_day)
        if st.form_submit_button(L["save_and_next"], type="primary"):
            def _record(s) -> None:
                actions.record_follow_up(s, actor=actor, follow_up_id=follow_up.id, status=status, comment=comment,
                                         cancel_reason=reason, new_due_date=postpone, today=meeting_day,
                                         now=clock.now())
                st.session_state[key] = min(current + 1, len(rows) - 1)  # only once saved: a refusal stays here
            save(_record, "Uppföljningen är sparad.")
    _stepper(key, current, len(rows), MODELS["Action"].lower())


def render_annual_report() -> None:
    """The clinic's goals and indicators from the bokslut, as tables that wrap to the screen."""
    if review.annual_report_id is None:
        st.warning(f"Strålskyddsbokslutet för {year - 1} är inte inläst.")
        render_events()
        return
    with session() as s:
        view = annual_reports.report_view(s, actor=actor, year=year - 1, clinic_id=clinic_id,
                                          parts=("goals", "indicators"))
    st.markdown(f"**{MODELS['Goal']}**")
    st.table(pd.DataFrame([{MODELS["Goal"]: g.text, L["target"]: g.target or "", L["outcome"]: g.outcome or "",
                            L["goal_assessment"]: glossary.term(g.assessment, GoalAssessment)} for g in view.goals]),
             hide_index=True)
    st.markdown(f"**{L['indicators']}**")
    st.table(pd.DataFrame([{  # as in the minutes: the unit with the name, last year before the verdict
        MODELS["Indicator"]: r.indicator.name + (f" ({r.indicator.unit})" if r.indicator.unit else ""),
        L["value"]: number_text(r.indicator.value), MODELS["Goal"]: number_text(r.indicator.target) or "Inget mål",
        f"{year - 2}": number_text(r.previous) or "–",
        L["against_target"]: "–" if r.met is None else glossary.term(
            GoalAssessment.MET if r.met else GoalAssessment.NOT_MET)} for r in view.indicators]),
        hide_index=True)
    render_events()


def render_events() -> None:
    """The bokslut year's events reported to SSM and internal deviations, as the minutes print them."""
    with session() as s:
        happened = safety_events.events(s, actor=actor, clinic_id=clinic_id, year=year - 1)
    st.markdown(f"**{PAGES['events']} {year - 1}**")
    if not happened:
        st.caption("Inga registrerade.")
        return
    st.table(pd.DataFrame([{FIELDS["occurred_on"]: date_text(e.occurred_on),
                            FIELDS["kind"]: glossary.term(SafetyEventKind(e.kind)), FIELDS["description"]: e.description,
                            FIELDS["ssm_reference"]: e.ssm_reference or "",
                            FIELDS["status"]: glossary.term(SafetyEventStatus(e.status))} for e in reversed(happened)]),
             hide_index=True)


def render_self_assessment() -> None:
    """The year's self-assessment: its summary, then each gap, one at a time, to decide on."""
    with session() as s:
        st.markdown(plain(self_assessments.summary(s, actor=actor, clinic_id=clinic_id, year=year)))
        gaps = self_assessments.gaps(s, actor=actor, clinic_id=clinic_id, year=year)
        none = actions.gap_decisions(s, actor=actor, review_id=review.id)
    by_criterion = {a.criterion_id: a for a in decided if a.criterion_id}
    if not gaps:
        return
    key = f"gap_at_{review.id}"
    pending = [i for i, (c, _) in enumerate(gaps) if c.id not in by_criterion and c.id not in none]
    current = _one_at_a_time(key, len(gaps), pending[0] if pending else 0)
    criterion, answer = gaps[current]
    with st.container(border=True):
        st.caption(f"Brist i egenkontrollen {current + 1} av {len(gaps)} · {len(gaps) - len(pending)} beslutade")
        st.markdown(f"**{plain(criterion.code)}** · nivå {answer.level}")
        st.text(answer.criterion_text)
        _decision_or_form(by_criterion.get(criterion.id), none.get(criterion.id), key, current, pending,
                          criterion_id=criterion.id)
    _stepper(key, current, len(gaps), MODELS["Finding"].lower())


def render_findings() -> None:
    """The bokslut's findings, one at a time: decide an action or 'ingen åtgärd'; other actions below."""
    with session() as s:
        found = actions.findings_for_review(s, actor=actor, review_id=review.id)
    if not found:
        st.info("Bokslutet har inga brister för kliniken.")
    else:
        key = f"finding_at_{review.id}"
        pending = [i for i, e in enumerate(found) if not e.actions and not e.no_action]
        current = _one_at_a_time(key, len(found), pending[0] if pending else 0)
        entry = found[current]
        f = entry.finding
        with st.container(border=True):
            owner = "hela organisationen" if f.clinic_id is None else clinic.code
            st.caption(f"Brist {current + 1} av {len(found)} · {len(found) - len(pending)} beslutade")
            st.markdown(f"**{plain(f.code)}** · {plain(owner)} · Allvarlighet "
                        f"**{glossary.term(f.severity, Severity).lower()}**")
            st.markdown(plain(f.description))
            _decision_or_form(entry.actions[0] if entry.actions else None,
                              entry.no_action.no_action_reason if entry.no_action else None, key, current, pending,
                              finding=f)
        _stepper(key, current, len(found), MODELS["Finding"].lower())
    if may_decide:
        with st.expander(L["decide_other_action"]):
            _action_form(f"other_action_{review.id}")


def _decision_or_form(action, no_action_reason: str | None, key: str, current: int, pending: list[int],
                      finding=None, criterion_id: int | None = None) -> None:
    """Show what was decided on a finding or gap, or the two decisions side by side."""
    if action is not None:
        st.success(f"Beslutad åtgärd {action.number}: {plain(action.title)} ({plain(action.owner_name)}, "
                   f"klart senast {date_text(action.due_date)})")
    elif no_action_reason is not None:
        st.info(f"Ingen åtgärd: {plain(no_action_reason)}")
    elif may_decide:
        following = next((i for i in pending if i > current), next((i for i in pending if i != current), None))
        _decide_on(finding, criterion_id, advance=lambda: st.session_state.update(
            {key: following} if following is not None else {}))
    else:
        st.caption("Inget beslut ännu.")


def _owner_choice(key: str, current: int | None = None, typed: bool = False) -> int | None:
    """Pick the owner among the clinic's people, or "another person" (then name and role are typed in the form)."""
    choices = [*people, OTHER_PERSON]
    index = choices.index(current) if current in choices else (len(people) if typed else None)
    return st.selectbox(f"{FIELDS['owner_name']} *", choices, index=index, key=key, placeholder="Välj ansvarig",
                        format_func=lambda i: people.get(i, "Annan person (namn och roll)"))


def _typed_owner(chosen: int | None, prefix: str, name: str = "", role: str = "") -> tuple[str, str]:
    """Name and role fields, shown only when the owner is someone outside the clinic's list."""
    if chosen != OTHER_PERSON:
        return "", ""
    left, right = st.columns(2)
    return (left.text_input(f"{L['owner_person_name']} *", max_chars=NAME, value=name, key=f"{prefix}_owner_name"),
            right.text_input(f"{FIELDS['owner_role']} *", max_chars=NAME, value=role, key=f"{prefix}_owner_role"))


def _action_form(key: str, finding=None, criterion_id: int | None = None, advance=None) -> None:
    """Decide an action: what, owner (one of the clinic's people, or a typed name and role), due date, priority."""
    priorities = glossary.options(Priority)
    prefix = f"{key}_{form_round(key)}"
    # Outside the form, so that choosing "another person" shows the name and role fields at once.
    owner_id = _owner_choice(f"{prefix}_owner")
    with st.form(prefix, border=False):
        title = st.text_input(f"{FIELDS['title']} *", max_chars=TITLE, value=(finding.suggested_action or "") if finding else "",
                              key=f"{prefix}_title")
        due_col, priority_col = st.columns([1.3, 1])
        due = due_col.date_input(f"{FIELDS['due_date']} *", value=actions.default_due_date(meeting_day), format="YYYY-MM-DD",
                                 min_value=meeting_day, key=f"{prefix}_due")
        priority = priority_col.selectbox(FIELDS["priority"], list(priorities), format_func=priorities.get, index=1,
                                          key=f"{prefix}_priority")
        owner_name, owner_role = _typed_owner(owner_id, prefix)
        if st.form_submit_button(L["decide_action"], type="primary"):
            data = {"title": title, "owner_id": None if owner_id == OTHER_PERSON else owner_id,
                    "owner_name": owner_name, "owner_role": owner_role,
                    "due_date": due, "priority": priority, "finding_id": finding.id if finding else None,
                    "criterion_id": criterion_id}

            def _decide(s):
                decided_now = actions.decide_action(s, actor=actor, review_id=review.id, data=data, now=clock.now())
                if advance:
                    advance()
                return decided_now
            save(_decide, lambda a: f"Åtgärd {a.number} är beslutad.", empty_form=key)


def _decide_on(finding=None, criterion_id: int | None = None, advance=None) -> None:
    """The two decisions for an undecided finding or gap, side by side, each with its errors beside it."""
    key = f"finding_{finding.id}" if finding else f"gap_{criterion_id}"
    act, none = st.columns([2.1, 1], gap="medium")
    with act:
        st.markdown(f"**{L['decide_action']}**")
        _action_form(f"action_{key}", finding, criterion_id=criterion_id, advance=advance)
    with none:
        st.markdown(f"**{L['no_action']}**")
        with st.form(f"none_{key}", border=False):
            reason = st.text_area(f"{FIELDS['no_action_reason']} *", height=120)
            if st.form_submit_button(L["decide_no_action"]):
                def _none(s):
                    actions.decide_no_action(s, actor=actor, review_id=review.id,
                                             finding_id=finding.id if finding else None, criterion_id=criterion_id,
                                             reason=reason, now=clock.now())
                    if advance:
                        advance()
                save(_none, "Beslutet är sparat.")


def _correct_form() -> None:
    """Correct a decided action (what, owner, due date, priority) before the minutes go to justering."""
    with st.expander(L["correct_decided_action"]):
        by_id = {a.id: a for a in decided}
        chosen = by_id[st.selectbox(FIELDS["title"], list(by_id), format_func=lambda i: f"{by_id[i].number}. {by_id[i].title}",
                                    key=f"correct_pick_{review.id}")]
        priorities = glossary.options(Priority)
        version, shown = edit_snapshot("correct_action", chosen.id, chosen.version, chosen)  # the action as opened
        owner_id = _owner_choice(f"correct_owner_{chosen.id}_{version}", shown.owner_id, typed=not shown.owner_id)
        with st.form(f"correct_{chosen.id}_{version}"):
            title = st.text_input(f"{FIELDS['title']} *", max_chars=TITLE, value=shown.title)
            owner_name, owner_role = _typed_owner(owner_id, f"correct_{chosen.id}_{version}",
                                                  "" if shown.owner_id else shown.owner_name, shown.owner_role or "")
            left, right = st.columns(2)
            due = left.date_input(f"{FIELDS['due_date']} *", value=shown.due_date, format="YYYY-MM-DD")
            priority = right.selectbox(FIELDS["priority"], list(priorities), format_func=priorities.get,
                                       index=list(priorities).index(shown.priority))
            if st.form_submit_button(L["save_correction"]):
                data = {"title": title, "description": shown.description,
                        "owner_id": None if owner_id == OTHER_PERSON else owner_id,
                        "owner_name": owner_name, "owner_role": owner_role, "due_date": due, "priority": priority}
                save(lambda s: _correct(s, chosen.id, data, version), f"Åtgärd {chosen.number} är rättad.")
        stale = version != chosen.version
        if stale and st.button(L["reload_latest"], key=f"reload_correct_{chosen.id}"):
            forget_edit("correct_action", chosen.id)
            st.rerun()


def _correct(s, action_id: int, data: dict, version: int) -> None:
    """Correct a decided action, refused if someone else changed it since the form was opened."""
    actions.correct_action(s, actor=actor, action_id=action_id, data=data, expected_version=version, now=clock.now())
    forget_edit("correct_action", action_id)


def render_next_review() -> None:
    """The date of the next review."""
    if not may_run:
        st.markdown(f"Nästa genomgång: {date_text(review.next_review_date) or 'inte bestämd'}")
        return
    with st.form(f"next_{review.id}", border=False):
        chosen = st.date_input(FIELDS["next_review_date"], value=review.next_review_date, format="YYYY-MM-DD",
                               min_value=meeting_day)
        if st.form_submit_button(L["save_date"], type="primary"):
            save(lambda s: reviews.set_next_review(s, actor=actor, review_id=review.id, next_date=chosen,
                                                   now=clock.now()), "Datum för nästa genomgång är sparat.")


def render_notes() -> None:
    """Notes and decisions of the current §; a save is refused if someone else saved them meanwhile."""
    version, shown = edit_snapshot("notes", item.id, item.version, (item.notes, item.decisions))
    if not may_run:
        if shown[0] or shown[1]:
            st.text("\n".join(x for x in shown if x))
        return

    def _save(s) -> None:
        agenda.save_notes(s, actor=actor, item_id=item.id, notes=notes, decisions=decisions, now=clock.now(),
                          expected_version=version)
        forget_edit("notes", item.id)
    with st.expander(L["notes_for_item"].format(number=item.number), expanded=bool(shown[0] or shown[1])):
        with st.form(f"notes_{item.id}_{version}", border=False):
            notes = st.text_area(FIELDS["notes"], value=shown[0] or "", height=80)
            decisions = st.text_area(L["decisions_hint"],
                                     value=shown[1] or "", height=68, placeholder="godkänna dagordningen")
            if st.form_submit_button(L["save_notes"]):
                save(_save, f"Anteckningarna för § {item.number} är sparade.")
    if version != item.version and st.button(L["reload_latest"], key=f"reload_notes_{item.id}"):
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

st.html(SCROLL_TOP.format(item=item.id), unsafe_allow_javascript=True)
agenda_column, main = st.columns([1.25, 3.6], gap="medium")
with agenda_column:
    render_agenda()
with main:
    st.header(f"§ {item.number} {plain(item.title, one_line=True)}")
    render_navigation("top")
    if not may_run:
        st.caption("Du följer mötet; den som leder det för anteckningar och beslut.")
    RENDER.get(item.kind, lambda: None)()
    render_notes()
    if decided and may_decide:
        _correct_form()
    if may_run and index == len(items) - 1:
        if st.button(L["end_meeting_send"], type="primary"):
            save(_send_for_approval, lambda told: f"Mötet är avslutat. Protokollet är skickat till justering.{told}")
    else:
        render_navigation("bottom")
