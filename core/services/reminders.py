"""Påminnelser: each owner gets one e-mail listing actions due in 30, 7 or 1 days or overdue; never twice.

Each e-mail's reminders are claimed in the database (a unique row, committed) before it is sent and marked
sent afterwards, so two runs at once never send one twice, and a run that fails gives back what it did not send.
An e-mail the server refuses (or an address stored unchecked) stops nobody else: the others and the samordnare's
summary, which names it, are sent; it is given back, tried again next run, and the run ends with a refusal naming it.
"""
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, delete, or_, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, col, select

from core.config import Settings
from core.enums import ActionStatus, Role
from core.errors import UserError
from core.formatting import date_text
from core.limits import table_of
from core.mail import Undeliverable, connection, message, require_configured
from core.models import Action, Reminder, User, UserClinic, stored_id
from core.permissions import Actor, Permission, require
from core.services._queries import clinic_codes

SUMMARY = "summary-"  # a coordinator's summary is recorded apart from the same person's own reminders
ABANDONED_AFTER = timedelta(minutes=30)  # a claim never marked sent by then was left by a run that crashed
STAGES = ((-1, "overdue", "försenad"), (1, "1", "klart senast i morgon"), (7, "7", "klart inom en vecka"),
          (30, "30", "klart inom 30 dagar"))


def stage(action: Action, today: date) -> tuple[str, str] | None:
    """Return the reminder stage an open action has reached today (code, Swedish words), if any."""
    days = (action.due_date - today).days
    for limit, code, words in STAGES:
        if days <= limit if limit >= 0 else days < 0:
            return code, words
    return None


@dataclass
class Outgoing:
    """One e-mail to send: to whom, which actions (with their stage), and what it says."""

    user: User
    lines: list[tuple[Action, str, str]]
    summary: bool = False
    undelivered: list[str] = field(default_factory=list)  # a summary's owners whose own reminder was refused

    def body(self, settings: Settings, codes: dict[int, str]) -> str:
        """Write the e-mail in Swedish."""
        opening = ("Sammanfattning för kliniker där du är strålsäkerhetssamordnare: dessa åtgärder har påminnelser "
                   "i dag." if self.summary else "Du är ansvarig för följande åtgärder:")
        rows = [f"- {codes.get(a.clinic_id, '')} {a.title} – klart senast {date_text(a.due_date)} ({words})"
                + (f", ansvarig {a.owner_name}" if self.summary else "") for a, _, words in self.lines]
        failed = (f"\n\nPåminnelsen kunde inte skickas till {', '.join(self.undelivered)}; den skickas igen nästa gång "
                  "påminnelserna körs." if self.undelivered else "")
        return (f"Hej {self.user.name}!\n\n{opening}\n\n" + "\n".join(rows) + failed
                + f"\n\nUppdatera status under Åtgärder: {settings.base_url}/atgarder\n\nStrålsäkerhetsportalen")


def due_reminders(session: Session, *, actor: Actor, today: date, now: datetime) -> list[Outgoing]:
    """Return the e-mails due today: one per owner with new reminders, and a summary per samordnare."""
    require(actor, Permission.ADMINISTER_DATABASE)
    sent = set(session.exec(select(Reminder.user_id, Reminder.action_id, Reminder.stage).where(
        or_(col(Reminder.sent_at).is_not(None), col(Reminder.claimed_at) >= now - ABANDONED_AFTER))).all())
    open_actions = session.exec(select(Action).where(col(Action.status).in_(ActionStatus.open_values()),
                                                     col(Action.owner_id).is_not(None))
                                .order_by(col(Action.due_date))).all()
    users = {stored_id(u): u for u in session.exec(select(User).where(User.active == True))}  # noqa: E712
    per_owner: dict[int, list] = defaultdict(list)
    for action in open_actions:
        reached = stage(action, today)
        owner = action.owner_id
        if reached and owner is not None and owner in users and (owner, action.id, reached[0]) not in sent:
            per_owner[owner].append((action, *reached))
    outgoing = [Outgoing(users[uid], lines) for uid, lines in per_owner.items()]
    return outgoing + _summaries(session, users, [line for lines in per_owner.values() for line in lines], sent)


def _summaries(session: Session, users: dict[int, User], lines: list, sent: set) -> list[Outgoing]:
    """One summary per clinic coordinator of the reminders going out for their clinics."""
    members = session.exec(select(UserClinic.user_id, UserClinic.clinic_id)).all()
    result = []
    for user in users.values():
        if Role(user.role) != Role.SAMORDNARE:
            continue
        mine = {c for u, c in members if u == user.id}
        picked = [line for line in lines
                  if line[0].clinic_id in mine and (user.id, line[0].id, SUMMARY + line[1]) not in sent]
        if picked:
            result.append(Outgoing(user, picked, summary=True))
    return result


def send_reminders(engine: Engine, *, actor: Actor, settings: Settings, today: date, now: datetime,
                   dry_run: bool = False) -> list[Outgoing]:
    """Send (or with dry_run only list) today's reminders; return those this run sent (each exactly once)."""
    require(actor, Permission.ADMINISTER_DATABASE)
    with Session(engine, expire_on_commit=False) as session:
        outgoing = [o for o in due_reminders(session, actor=actor, today=today, now=now) if o.user.email]
        codes = clinic_codes(session)
    if dry_run or not outgoing:
        return outgoing
    require_configured(settings)
    sent: list[Outgoing] = []
    try:
        with connection(settings) as deliver:
            problems = _send_all(engine, deliver, outgoing, settings, codes, now, sent)
    except UserError as exc:
        raise UserError(f"Påminnelserna avbröts: {len(sent)} e-brev skickades innan felet, de övriga skickas nästa "
                        f"gång påminnelserna körs. {exc}") from None
    if problems:
        raise UserError(f"{len(sent)} e-brev skickades, men {len(problems)} kunde inte skickas: "
                        + "; ".join(problems) + ". De skickas igen nästa gång påminnelserna körs.")
    return sent


def _send_all(engine: Engine, deliver: Callable, outgoing: list[Outgoing], settings: Settings,
              codes: dict[int, str], now: datetime, sent: list[Outgoing]) -> list[str]:
    """Send each e-mail, adding it to sent; one the server refuses stops nobody else. Return why each was refused."""
    refused: dict[int, str] = {}  # owner → name, for the summaries
    problems: list[str] = []
    for o in outgoing:  # the owners' e-mails come first, so each summary can name those refused
        if o.summary:
            o.undelivered = sorted({refused[a.owner_id] for a, _, _ in o.lines if a.owner_id in refused})
        try:
            mine = _send_one(engine, deliver, o, settings, codes, now)
        except Undeliverable as exc:
            problems.append(str(exc))
            refused.update({} if o.summary else {stored_id(o.user): o.user.name})
            continue
        if mine:
            sent.append(mine)
    return problems


def _send_one(engine: Engine, deliver: Callable, o: Outgoing, settings: Settings, codes: dict[int, str],
              now: datetime) -> Outgoing | None:
    """Claim one e-mail's reminders, send those this run won and mark them sent; give the claim back on failure."""
    mine = _claim(engine, o, now)
    if mine is None:
        return None
    subject = ("Sammanfattning av påminnelser" if o.summary else "Påminnelse om åtgärder") + " – Strålsäkerhetsportalen"
    try:
        deliver(message(settings, to=o.user.email, body=mine.body(settings, codes), subject=subject))
    except UserError:
        _release(engine, mine, now)
        raise
    _mark_sent(engine, mine, now)
    return mine


def _keys(o: Outgoing) -> list[tuple[int, int, str]]:
    """Return the reminder rows an e-mail stands for, (user, action, stage), in the same order in every run."""
    prefix = SUMMARY if o.summary else ""
    return sorted((stored_id(o.user), stored_id(action), prefix + code) for action, code, _ in o.lines)


def _claim(engine: Engine, o: Outgoing, now: datetime) -> Outgoing | None:
    """Claim the e-mail's reminders in a transaction of their own; return the e-mail with the lines this run won."""
    with engine.begin() as conn:
        won = {action_id for user_id, action_id, stage in _keys(o) if _claim_row(conn, user_id, action_id, stage, now)}
    lines = [line for line in o.lines if line[0].id in won]
    return replace(o, lines=lines) if lines else None


def _reminder_is(user_id: int, action_id: int, stage: str) -> list[ColumnElement[bool]]:
    """Return the conditions that pick one reminder row: (user, action, stage)."""
    return [col(Reminder.user_id) == user_id, col(Reminder.action_id) == action_id, col(Reminder.stage) == stage]


def _claim_row(conn: Connection, user_id: int, action_id: int, stage: str, now: datetime) -> bool:
    """Insert the reminder's claim, or take over one a crashed run abandoned; tell whether this run holds it."""
    table = table_of(Reminder)
    insert = (postgresql_insert if conn.dialect.name == "postgresql" else sqlite_insert)(table)
    inserted = conn.execute(insert.values(user_id=user_id, action_id=action_id, stage=stage, claimed_at=now)
                            .on_conflict_do_nothing().returning(table.c.id)).first()
    if inserted is not None:
        return True
    taken_over = conn.execute(update(Reminder).where(
        *_reminder_is(user_id, action_id, stage), col(Reminder.sent_at).is_(None),
        col(Reminder.claimed_at) < now - ABANDONED_AFTER).values(claimed_at=now))
    return taken_over.rowcount == 1


def _release(engine: Engine, o: Outgoing, now: datetime) -> None:
    """Give back this run's claims of an e-mail that was not sent, so the next run sends it."""
    with engine.begin() as conn:
        for user_id, action_id, stage in _keys(o):
            conn.execute(delete(Reminder).where(*_reminder_is(user_id, action_id, stage),
                                                col(Reminder.sent_at).is_(None), col(Reminder.claimed_at) == now))


def _mark_sent(engine: Engine, o: Outgoing, now: datetime) -> None:
    """Record the e-mail's reminders as sent, at once, so no later run sends them again."""
    with engine.begin() as conn:
        for user_id, action_id, stage in _keys(o):
            conn.execute(update(Reminder).where(*_reminder_is(user_id, action_id, stage)).values(sent_at=now))
