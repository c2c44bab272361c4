"""Deciding at the meeting: an action (what, owner, due date, priority) or "ingen åtgärd", and corrections."""
from dataclasses import dataclass

import streamlit as st

from core import clock, glossary
from core.enums import AttendanceStatus, MeetingRole, Priority
from core.formatting import date_text
from core.glossary import FIELDS
from core.glossary import LABELS as L
from core.limits import max_length
from core.models import Action, Attendance
from core.services import actions
from pages._shared.meeting.context import OTHER_PERSON, Meeting
from pages._shared.ui import edit_snapshot, forget_edit, form_round, offer_reload, plain, save

TITLE, NAME, ANSWERS = max_length(Action, "title"), max_length(Attendance, "name"), max_length(Action, "answers_to")


def decision_or_form(m: Meeting, action, no_action_reason: str | None, key: str, current: int, pending: list[int],
                     finding=None, criterion_id: int | None = None) -> None:
    """Show what was decided on a finding or gap, or the two decisions side by side."""
    if action is not None:
        st.success(f"Beslutad åtgärd {action.number}: {plain(action.title)} ({plain(action.owner_name)}, "
                   f"klart senast {date_text(action.due_date)})")
    elif no_action_reason is not None:
        st.info(f"Ingen åtgärd: {plain(no_action_reason)}")
    elif m.may_decide:
        following = next((i for i in pending if i > current), next((i for i in pending if i != current), None))
        _decide_on(m, finding, criterion_id, advance=lambda: st.session_state.update(
            {key: following} if following is not None else {}))
    else:
        st.caption("Inget beslut ännu.")


@dataclass(frozen=True)
class Owner:
    """Whom an action can be given to: a user of the clinic, someone invited (name and role), or someone typed in."""

    key: str
    label: str
    user_id: int | None = None
    name: str = ""
    role: str = ""


def owners(m: Meeting) -> dict[str, Owner]:
    """Those at the meeting first, with the role they have there, then the clinic's other people, then "another"."""
    found: dict[str, Owner] = {}
    for row in m.attendees:
        if row.status == AttendanceStatus.ABSENT or not row.name.strip():
            continue
        role = glossary.term(row.meeting_role, MeetingRole)
        user_id = row.user_id if row.user_id in m.people and not row.stand_in_for else None
        key = f"u{user_id}" if user_id else f"a{row.id}"
        found.setdefault(key, Owner(key, f"{row.name} ({role})", user_id, row.name, role))
    for user_id, name in m.people.items():
        found.setdefault(f"u{user_id}", Owner(f"u{user_id}", name, user_id, name))
    found[OTHER_PERSON] = Owner(OTHER_PERSON, "Annan person (namn och roll)")
    return found


def _owner_choice(m: Meeting, key: str, current: str | None = None) -> Owner | None:
    """Pick the owner (the one suggested is preselected); "another person" shows name and role fields."""
    choices = owners(m)
    keys = list(choices)
    chosen = st.selectbox(f"{FIELDS['owner_name']} *", keys, index=keys.index(current) if current in choices else None,
                          key=key, placeholder="Välj ansvarig", format_func=lambda k: choices[k].label)
    return choices.get(chosen) if chosen else None


def _current_owner(m: Meeting, action: Action) -> str:
    """The choice that names a decided action's owner: its user, the invited person, or "another person"."""
    if action.owner_id:
        return f"u{action.owner_id}"
    return next((o.key for o in owners(m).values() if not o.user_id and o.name == action.owner_name
                 and o.role == action.owner_role), OTHER_PERSON)


def _typed_owner(chosen: Owner | None, prefix: str, name: str = "", role: str = "") -> tuple[str, str]:
    """Name and role: typed in fields when the owner is "another person", else those of the one chosen."""
    if chosen is None or chosen.key != OTHER_PERSON:
        return (chosen.name, chosen.role) if chosen else ("", "")
    left, right = st.columns(2)
    return (left.text_input("Ansvarigs namn *", max_chars=NAME, value=name, key=f"{prefix}_owner_name"),
            right.text_input(f"{FIELDS['owner_role']} *", max_chars=NAME, value=role, key=f"{prefix}_owner_role"))


def suggested_owner(m: Meeting) -> str | None:
    """Whom a new action is offered to: the chair, the verksamhetschef who answers for the actions being done."""
    return f"u{m.review.chair_id}" if m.review.chair_id in m.people else None


def action_form(m: Meeting, key: str, finding=None, criterion_id: int | None = None, advance=None) -> None:
    """Decide an action: what, owner (one of the clinic's people, or a typed name and role), due date, priority."""
    priorities = glossary.options(Priority)
    prefix = f"{key}_{form_round(key)}"
    # Outside the form, so that choosing "another person" shows the name and role fields at once.
    owner = _owner_choice(m, f"{prefix}_owner", suggested_owner(m))
    with st.form(prefix, border=False):
        title = st.text_input(f"{FIELDS['title']} *", max_chars=TITLE,
                              value=(finding.suggested_action or "") if finding else "", key=f"{prefix}_title")
        answers_to = None if finding or criterion_id else st.text_input(
            f"{FIELDS['answers_to']} *", max_chars=ANSWERS, key=f"{prefix}_answers",
            placeholder="t.ex. Övriga frågor: rutin för gravida arbetstagare")
        due_col, priority_col = st.columns([1.3, 1])
        due = due_col.date_input(f"{FIELDS['due_date']} *", value=actions.default_due_date(m.meeting_day),
                                 format="YYYY-MM-DD", min_value=m.meeting_day, key=f"{prefix}_due")
        priority = priority_col.selectbox(
            FIELDS["priority"], list(priorities), format_func=priorities.get, key=f"{prefix}_priority",
            index=list(priorities).index(actions.default_priority(finding.severity if finding else None)))
        owner_name, owner_role = _typed_owner(owner, prefix)
        if st.form_submit_button(L["decide_action"], type="primary"):
            data = {"title": title, "owner_id": owner.user_id if owner else None,
                    "owner_name": owner_name, "owner_role": owner_role,
                    "due_date": due, "priority": priority, "finding_id": finding.id if finding else None,
                    "criterion_id": criterion_id, "answers_to": answers_to}

            def _decide(s):
                decided_now = actions.decide_action(s, actor=m.actor, review_id=m.review.id, data=data,
                                                    now=clock.now())
                if advance:
                    advance()
                return decided_now
            save(_decide, lambda a: f"Åtgärd {a.number} är beslutad.", empty_form=key)


def _decide_on(m: Meeting, finding=None, criterion_id: int | None = None, advance=None) -> None:
    """The two decisions for an undecided finding or gap, side by side, each with its errors beside it."""
    key = f"finding_{finding.id}" if finding else f"gap_{criterion_id}"
    act, none = st.columns([2.1, 1], gap="medium")
    with act:
        st.markdown(f"**{L['decide_action']}**")
        action_form(m, f"action_{key}", finding, criterion_id=criterion_id, advance=advance)
    with none:
        st.markdown("**Ingen åtgärd**")
        with st.form(f"none_{key}", border=False):
            reason = st.text_area(f"{FIELDS['no_action_reason']} *", height=120)
            if st.form_submit_button("Besluta ingen åtgärd"):
                def _none(s):
                    actions.decide_no_action(s, actor=m.actor, review_id=m.review.id,
                                             finding_id=finding.id if finding else None, criterion_id=criterion_id,
                                             reason=reason, now=clock.now())
                    if advance:
                        advance()
                save(_none, "Beslutet är sparat.")


def correct_form(m: Meeting) -> None:
    """Correct a decided action (what, owner, due date, priority) before the minutes go to justering."""
    with st.expander("Rätta en beslutad åtgärd"):
        by_id = {a.id: a for a in m.decided}
        chosen = by_id[st.selectbox(FIELDS["title"], list(by_id),
                                    format_func=lambda i: f"{by_id[i].number}. {by_id[i].title}",
                                    key=f"correct_pick_{m.review.id}")]
        priorities = glossary.options(Priority)
        version, shown = edit_snapshot("correct_action", chosen.id, chosen.version, chosen)  # the action as opened
        owner = _owner_choice(m, f"correct_owner_{chosen.id}_{version}", _current_owner(m, shown))
        with st.form(f"correct_{chosen.id}_{version}"):
            title = st.text_input(f"{FIELDS['title']} *", max_chars=TITLE, value=shown.title)
            free = shown.finding_id is None and shown.criterion_id is None
            answers_to = st.text_input(f"{FIELDS['answers_to']} *", max_chars=ANSWERS,
                                       value=shown.answers_to or "") if free else None
            owner_name, owner_role = _typed_owner(owner, f"correct_{chosen.id}_{version}",
                                                  "" if shown.owner_id else shown.owner_name, shown.owner_role or "")
            left, right = st.columns(2)
            due = left.date_input(f"{FIELDS['due_date']} *", value=shown.due_date, format="YYYY-MM-DD")
            priority = right.selectbox(FIELDS["priority"], list(priorities), format_func=priorities.get,
                                       index=list(priorities).index(shown.priority))
            if st.form_submit_button("Spara rättelsen"):
                data = {"title": title, "description": shown.description,
                        "owner_id": owner.user_id if owner else None,
                        "owner_name": owner_name, "owner_role": owner_role, "due_date": due, "priority": priority,
                        "answers_to": answers_to}
                save(lambda s: _correct(s, m, chosen.id, data, version), f"Åtgärd {chosen.number} är rättad.")
        offer_reload("correct_action", (chosen.id, version, chosen.version), key=f"reload_correct_{chosen.id}")


def _correct(s, m: Meeting, action_id: int, data: dict, version: int) -> None:
    """Correct a decided action, refused if someone else changed it since the form was opened."""
    actions.correct_action(s, actor=m.actor, action_id=action_id, data=data, expected_version=version,
                           now=clock.now())
    forget_edit("correct_action", action_id)
