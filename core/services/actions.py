"""Åtgärder (handlingsplanen): decide actions at a review, follow them up, update them between meetings."""
from dataclasses import dataclass
from datetime import date, datetime

from pydantic import BaseModel, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError
from sqlalchemy import case, func
from sqlmodel import Session, col, select

from core import history, limits
from core.clock import add_months
from core.enums import ActionStatus, FindingSource, Priority, Severity
from core.errors import InvalidInput
from core.glossary import FIELDS
from core.models import Action, Criterion, Finding, FindingDecision, FollowUp, Review, User
from core.permissions import Actor, Permission, can, require
from core.services._common import claim_version, get_or_fail
from core.services._queries import decided_actions, follow_up_rows, in_visible_clinics
from core.services._rules import belongs_to_clinic, editable_review, visible_review
from core.validation import validated


def default_due_date(meeting_day: date) -> date:
    """The due date a decided action is offered: six months after the meeting (the month's last day if shorter)."""
    return add_months(meeting_day, 6)


def default_priority(severity: str | None) -> str:
    """The priority a decided action is offered: as urgent as its finding is serious (medium without one)."""
    return {Severity.HIGH.value: Priority.HIGH, Severity.LOW.value: Priority.LOW}.get(severity or "",
                                                                                   Priority.MEDIUM).value


class ActionCreate(BaseModel):
    """A decided action as the meeting states it: what, who, when, how urgent, and what it answers."""

    title: str
    description: str | None = None
    owner_id: int | None = None
    owner_name: str | None = None
    owner_role: str | None = None
    due_date: date | None = Field(default=None, validate_default=True)
    priority: str = Priority.MEDIUM.value
    finding_id: int | None = None
    criterion_id: int | None = None
    answers_to: str | None = None

    @field_validator("title")
    @classmethod
    def _title(cls, v: str) -> str:
        if not (v or "").strip():
            raise ValueError("måste fyllas i (vad ska göras?).")
        return v.strip()

    @field_validator("due_date")
    @classmethod
    def _due(cls, v: date | None) -> date:
        if v is None:
            raise ValueError("måste fyllas i (ÅÅÅÅ-MM-DD).")
        return v

    @field_validator("priority")
    @classmethod
    def _priority(cls, v: str) -> str:
        if v not in {p.value for p in Priority}:
            raise ValueError("välj Hög, Medel eller Låg.")
        return v

    @model_validator(mode="after")
    def _answers_something(self):
        self.answers_to = (self.answers_to or "").strip() or None
        if self.finding_id is None and self.criterion_id is None and self.answers_to is None:
            raise PydanticCustomError("answers_nothing", f"{FIELDS['answers_to']}: skriv vad åtgärden svarar mot "
                                      "(t.ex. en fråga under Övriga frågor); en åtgärd som inte svarar mot något "
                                      "kan inte följas upp i sak.")
        return self


def _owner(session: Session, fields: ActionCreate, clinic_id: int) -> tuple[int | None, str, str | None]:
    """Return the owner as (user id, name, role): one of the clinic's users, or a typed name and role."""
    if fields.owner_id:
        user = get_or_fail(session, User, fields.owner_id)
        if not belongs_to_clinic(session, user, clinic_id):
            raise InvalidInput([f"Ansvarig: {user.name} hör inte till kliniken; välj någon av klinikens "
                                "användare eller skriv namn och roll."])
        return user.id, user.name, fields.owner_role
    name, role = (fields.owner_name or "").strip(), (fields.owner_role or "").strip()
    if not name:
        raise InvalidInput(["Ansvarig: välj en användare eller skriv namn och roll."])
    if not role:
        raise InvalidInput([f"Roll: skriv vilken roll {name} har (t.ex. Första linjens chef)."])
    return None, name, role


def decide_action(session: Session, *, actor: Actor, review_id: int, data: dict, now: datetime) -> Action:
    """Record an action decided at the review, numbered in decision order."""
    history.track(session, actor=actor, now=now)
    review = editable_review(session, actor, review_id)
    require(actor, Permission.DECIDE_ACTIONS, review.clinic_id)
    fields = validated(ActionCreate, data)
    assert fields.due_date is not None  # ActionCreate._due refuses a form without one
    earliest = review.meeting_date or now.date()
    if fields.due_date < earliest:
        raise InvalidInput([f"Klart senast: {fields.due_date.isoformat()} är före mötet ({earliest.isoformat()})."])
    if problems := limits.day_problems(now.date(), happened=False, due_date=fields.due_date):
        raise InvalidInput(problems)
    _check_subject(session, review, fields.finding_id, fields.criterion_id)
    owner_id, owner_name, owner_role = _owner(session, fields, review.clinic_id)
    number = (session.exec(select(func.max(Action.number)).where(Action.review_id == review_id)).one() or 0) + 1
    action = Action(clinic_id=review.clinic_id, review_id=review_id, number=number, title=fields.title,
                    description=(fields.description or "").strip() or None, finding_id=fields.finding_id,
                    criterion_id=fields.criterion_id, answers_to=fields.answers_to,
                    owner_id=owner_id, owner_name=owner_name, owner_role=owner_role, due_date=fields.due_date,
                    priority=fields.priority, created_at=now, updated_at=now)
    session.add(action)
    session.flush()
    return action


def _check_subject(session: Session, review: Review, finding_id: int | None, criterion_id: int | None) -> None:
    """Refuse a decision on a finding of another clinic, or on an unknown finding or criterion."""
    if finding_id is not None:
        finding = get_or_fail(session, Finding, finding_id)
        if finding.clinic_id not in (None, review.clinic_id):
            raise InvalidInput([f"Brist: {finding.code} hör till en annan klinik och kan inte beslutas här."])
    if criterion_id is not None:
        get_or_fail(session, Criterion, criterion_id)


def _decided_already(session: Session, review_id: int, finding_id: int | None, criterion_id: int | None) -> bool:
    """Tell whether the review already decided on the finding or gap (an action or no action)."""
    column_action = Action.finding_id if finding_id is not None else Action.criterion_id
    column_none = FindingDecision.finding_id if finding_id is not None else FindingDecision.criterion_id
    subject = finding_id if finding_id is not None else criterion_id
    return bool(session.exec(select(Action.id).where(Action.review_id == review_id, column_action == subject)).first()
                or session.exec(select(FindingDecision.id).where(FindingDecision.review_id == review_id,
                                                                 column_none == subject)).first())


def decide_no_action(session: Session, *, actor: Actor, review_id: int, reason: str, now: datetime,
                     finding_id: int | None = None, criterion_id: int | None = None) -> FindingDecision:
    """Record that the meeting decided no action on a finding or a self-assessment gap, and why."""
    history.track(session, actor=actor, now=now)
    review = editable_review(session, actor, review_id)
    require(actor, Permission.DECIDE_ACTIONS, review.clinic_id)
    if (finding_id is None) == (criterion_id is None):
        raise InvalidInput(["Beslut: ange antingen en brist eller ett kriterium."])
    if not (reason or "").strip():
        raise InvalidInput(["Motivering: skriv varför ingen åtgärd behövs."])
    _check_subject(session, review, finding_id, criterion_id)
    if _decided_already(session, review_id, finding_id, criterion_id):
        raise InvalidInput(["Beslut: mötet har redan beslutat om detta."])
    decision = FindingDecision(review_id=review_id, finding_id=finding_id, criterion_id=criterion_id,
                               no_action_reason=reason.strip(), decided_at=now, decided_by_id=actor.user_id)
    session.add(decision)
    session.flush()
    return decision


def _may_update(actor: Actor, action: Action, status: str) -> None:
    """Let the owner, or whoever follows up the clinic's actions, change an action; only the latter cancels it."""
    if action.owner_id is None or action.owner_id != actor.user_id or status == ActionStatus.CANCELLED:
        require(actor, Permission.FOLLOW_UP_ACTIONS, action.clinic_id)


def _apply_status(action: Action, status: str, comment: str | None, reason: str | None, today: date) -> None:
    """Set status and comment; cancelling needs a reason, done records the date."""
    if status not in {s.value for s in ActionStatus}:
        raise InvalidInput([f"Status: okänt värde \"{status}\"."])
    if status == ActionStatus.CANCELLED and not (reason or "").strip():
        raise InvalidInput(["Skäl: en avskriven åtgärd behöver ett skäl."])
    action.status = status
    action.status_comment = (comment or "").strip() or action.status_comment
    action.cancel_reason = (reason or "").strip() or None if status == ActionStatus.CANCELLED else None
    action.done_on = (action.done_on or today) if status == ActionStatus.DONE else None


def update_action(session: Session, *, actor: Actor, action_id: int, status: str, comment: str | None = None,
                  cancel_reason: str | None = None, expected_version: int, today: date, now: datetime) -> Action:
    """Update an action's status between meetings (owner or follow-up role); stale forms are refused."""
    history.track(session, actor=actor, now=now)
    action = get_or_fail(session, Action, action_id)
    _may_update(actor, action, status)
    claim_version(session, Action, action_id, expected_version)
    _apply_status(action, status, comment, cancel_reason, today)
    action.updated_at = now
    session.add(action)
    return action


def record_follow_up(session: Session, *, actor: Actor, follow_up_id: int, status: str, comment: str | None,
                     cancel_reason: str | None = None, new_due_date: date | None = None, expected_version: int,
                     today: date, now: datetime) -> FollowUp:
    """Record at the meeting an earlier action's status and comment; the action takes the same status.

    A new due date records the meeting's decision to postpone the action, on the follow-up and the action.
    The form is opened with the action's version: a follow-up recorded, or the action updated, since is refused.
    """
    history.track(session, actor=actor, now=now)
    follow_up = get_or_fail(session, FollowUp, follow_up_id)
    review = editable_review(session, actor, follow_up.review_id)
    action = get_or_fail(session, Action, follow_up.action_id)
    meeting_day = review.meeting_date or today
    if new_due_date is not None and (status in ActionStatus.closed_values() or new_due_date <= meeting_day):
        raise InvalidInput(["Ny tidpunkt: bara en öppen åtgärd kan skjutas upp, och till ett datum efter mötet."])
    claim_version(session, Action, follow_up.action_id, expected_version,
                  what=f"uppföljningen av åtgärden \"{action.title}\"")
    _apply_status(action, status, comment, cancel_reason, today)
    # The due date the meeting followed up against stays on the follow-up, so a second recording can undo it.
    original = follow_up.original_due_date or action.due_date
    action.due_date = new_due_date or original
    follow_up.original_due_date = original if new_due_date else None
    action.updated_at, follow_up.new_due_date = now, new_due_date
    follow_up.status, follow_up.comment = status, (comment or "").strip() or None
    follow_up.recorded_at, follow_up.recorded_by_id = now, actor.user_id
    session.add_all([action, follow_up])
    return follow_up


@dataclass(frozen=True)
class ActionRow:
    """An action with what a list shows beside it."""

    action: Action
    review_year: int
    overdue: bool
    finding_code: str | None


@dataclass(frozen=True)
class ActionFilter:
    """What a list of actions is narrowed to; empty fields narrow nothing."""

    clinic_ids: tuple[int, ...] = ()
    year: int | None = None
    statuses: tuple[str, ...] = ()
    owner_id: int | None = None
    owner_name: str | None = None  # an owner typed by name has no user id
    overdue_only: bool = False
    due_between: tuple[date, date] | None = None


def _visible(query, actor: Actor):
    """Narrow a query over Action to the clinics the actor may see."""
    return in_visible_clinics(query, actor, Action.clinic_id)


def _filtered(query, actor: Actor, chosen: ActionFilter, today: date):
    """Narrow a query over Action (joined with Review) to the actor's clinics and the filter."""
    query = _visible(query, actor)
    if chosen.clinic_ids:
        query = query.where(col(Action.clinic_id).in_(chosen.clinic_ids))
    if chosen.year:
        query = query.where(Review.year == chosen.year)
    if chosen.statuses:
        query = query.where(col(Action.status).in_(chosen.statuses))
    if chosen.owner_id:
        query = query.where(Action.owner_id == chosen.owner_id)
    if chosen.owner_name:
        query = query.where(Action.owner_id == None, Action.owner_name == chosen.owner_name)  # noqa: E711
    if chosen.overdue_only:
        query = query.where(Action.is_overdue_on(today))
    if chosen.due_between:
        query = query.where(Action.due_date >= chosen.due_between[0], Action.due_date <= chosen.due_between[1])
    return query


def list_actions(session: Session, *, actor: Actor, today: date, clinic_ids: list[int] | None = None,
                 year: int | None = None, statuses: list[str] | None = None, owner_id: int | None = None,
                 overdue_only: bool = False, due_between: tuple[date, date] | None = None) -> list[ActionRow]:
    """Return the actions of the actor's clinics, filtered, due date first."""
    chosen = ActionFilter(tuple(clinic_ids or ()), year, tuple(statuses or ()), owner_id, None, overdue_only,
                          due_between)
    return action_page(session, actor=actor, today=today, chosen=chosen)


def action_counts(session: Session, *, actor: Actor, today: date, chosen: ActionFilter) -> tuple[int, int]:
    """Return how many actions the filter holds and how many of them are late, counted in SQL."""
    late = Action.is_overdue_on(today)
    counts = select(func.count(), func.coalesce(func.sum(case((late, 1), else_=0)), 0)).select_from(Action).join(
        Review, col(Review.id) == Action.review_id)
    total, overdue = session.exec(_filtered(counts, actor, chosen, today)).one()
    return total, overdue


def action_page(session: Session, *, actor: Actor, today: date, chosen: ActionFilter, offset: int = 0,
                limit: int | None = None) -> list[ActionRow]:
    """Return a page of the filtered actions, due date first (action_counts counts the whole filter)."""
    query = (select(Action, Review.year, Finding.code).join(Review, col(Review.id) == Action.review_id)
             .join(Finding, col(Finding.id) == Action.finding_id, isouter=True)
             .order_by(col(Action.due_date), col(Action.number), col(Action.id)))
    query = _filtered(query, actor, chosen, today).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return [ActionRow(a, y, a.is_overdue_on(today), code) for a, y, code in session.exec(query).all()]


@dataclass(frozen=True)
class ActionChoices:
    """What the action list's filters offer: decision years, owners and how many actions are done."""

    years: list[int]
    owners: list[tuple[int | None, str]]
    done: int


def action_choices(session: Session, *, actor: Actor) -> ActionChoices:
    """Return the filter choices over the actor's clinics, from SQL aggregates (never the rows)."""
    years = session.exec(_visible(select(Review.year).join(Action, col(Action.review_id) == Review.id).distinct()
                                .order_by(col(Review.year).desc()), actor)).all()
    owners = session.exec(_visible(select(Action.owner_id, Action.owner_name).distinct(), actor)).all()
    done = session.exec(_visible(select(func.count()).select_from(Action)
                               .where(Action.status == ActionStatus.DONE.value), actor)).one()
    return ActionChoices(list(years), sorted({(i, n) for i, n in owners}, key=lambda o: (o[1], o[0] or 0)), done)


def may_update(actor: Actor, action: Action) -> bool:
    """Tell whether the actor may change the action (for showing the form)."""
    return action.owner_id == actor.user_id or can(actor, Permission.FOLLOW_UP_ACTIONS, action.clinic_id)


@dataclass(frozen=True)
class FindingItem:
    """A finding brought to the meeting, and what the meeting decided on it (if anything yet)."""

    finding: Finding
    actions: list[Action]
    no_action: FindingDecision | None


def findings_for_review(session: Session, *, actor: Actor, review_id: int) -> list[FindingItem]:
    """Return the clinic's and the organisation's findings from the bokslut the review is based on."""
    review = get_or_fail(session, Review, review_id)
    require(actor, Permission.VIEW_CLINIC, review.clinic_id)
    from_report = ((col(Finding.annual_report_id) == review.annual_report_id)
                   & ((col(Finding.clinic_id) == review.clinic_id) | col(Finding.clinic_id).is_(None)))
    # Findings of clinical audits and events come to every review until one decides on them.
    earlier = select(Action.finding_id).where(Action.review_id != review_id, Action.finding_id != None)  # noqa: E711
    earlier_none = select(FindingDecision.finding_id).where(FindingDecision.review_id != review_id,
                                                         FindingDecision.finding_id != None)  # noqa: E711
    # A staffing shortfall of the self-assessment is such a finding too (no bokslut, no audit, no event).
    staffing = col(Finding.annual_report_id).is_(None) & (col(Finding.source) == FindingSource.SELF_ASSESSMENT.value)
    from_audits = ((col(Finding.clinical_audit_id).is_not(None) | col(Finding.safety_event_id).is_not(None)
                    | staffing)
                   & (col(Finding.clinic_id) == review.clinic_id)
                   & col(Finding.id).notin_(earlier) & col(Finding.id).notin_(earlier_none))
    condition = (from_report | from_audits) if review.annual_report_id else from_audits
    findings = session.exec(select(Finding).where(condition)
                            .order_by(col(Finding.clinic_id).is_(None), col(Finding.code))).all()
    decided = session.exec(select(Action).where(Action.review_id == review_id, Action.finding_id != None)).all()  # noqa: E711
    no_action = {d.finding_id: d for d in session.exec(select(FindingDecision)
                                                       .where(FindingDecision.review_id == review_id))}
    return [FindingItem(f, [a for a in decided if a.finding_id == f.id], no_action.get(f.id)) for f in findings]


def gap_decisions(session: Session, *, actor: Actor, review_id: int) -> dict[int, str]:
    """Return the self-assessment gaps the review decided need no action: criterion id → reason."""
    review = get_or_fail(session, Review, review_id)
    require(actor, Permission.VIEW_CLINIC, review.clinic_id)
    rows = session.exec(select(FindingDecision.criterion_id, FindingDecision.no_action_reason)
                        .where(FindingDecision.review_id == review_id, col(FindingDecision.criterion_id).is_not(None)))
    return {criterion_id: reason for criterion_id, reason in rows if criterion_id is not None}


def review_actions(session: Session, *, actor: Actor, review_id: int) -> list[Action]:
    """Return the actions decided at a review, in decision order."""
    visible_review(session, actor, review_id)
    return decided_actions(session, review_id)


def follow_ups(session: Session, *, actor: Actor, review_id: int) -> list[tuple[FollowUp, Action, int]]:
    """Return the review's follow-ups with their actions and the year each was decided."""
    visible_review(session, actor, review_id)
    return follow_up_rows(session, review_id)


def correct_action(session: Session, *, actor: Actor, action_id: int, data: dict, expected_version: int,
                   now: datetime) -> Action:
    """Correct what the meeting decided (what, what it answers, owner, due date, priority) before justering."""
    history.track(session, actor=actor, now=now)
    action = get_or_fail(session, Action, action_id)
    review = editable_review(session, actor, action.review_id)
    require(actor, Permission.DECIDE_ACTIONS, review.clinic_id)
    fields = validated(ActionCreate, {"answers_to": action.answers_to, **data, "finding_id": action.finding_id,
                                      "criterion_id": action.criterion_id})
    assert fields.due_date is not None  # ActionCreate._due refuses a form without one
    owner_id, owner_name, owner_role = _owner(session, fields, review.clinic_id)
    claim_version(session, Action, action_id, expected_version)
    action.title, action.description = fields.title, (fields.description or "").strip() or None
    action.owner_id, action.owner_name, action.owner_role = owner_id, owner_name, owner_role
    action.due_date, action.priority, action.updated_at = fields.due_date, fields.priority, now
    action.answers_to = fields.answers_to
    session.add(action)
    return action
