"""Påminnelser: each owner gets one e-mail listing actions due in 30, 7 or 1 days or overdue; never twice."""
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from core.config import Settings
from core.enums import Role
from core.formatting import date_text
from core.mail import message, send
from core.models import Action, Clinic, Reminder, User, UserClinic
from core.permissions import Actor, Permission, require
from core.services.actions import OPEN

SUMMARY = "summary-"  # a coordinator's summary is recorded apart from the same person's own reminders
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

    def body(self, settings: Settings, codes: dict[int, str]) -> str:
        """Write the e-mail in Swedish."""
        opening = ("Sammanfattning för kliniker där du är strålsäkerhetssamordnare: dessa åtgärder har påminnelser "
                   "i dag." if self.summary else "Du är ansvarig för följande åtgärder:")
        rows = [f"- {codes.get(a.clinic_id, '')} {a.title} – klart senast {date_text(a.due_date)} ({words})"
                + (f", ansvarig {a.owner_name}" if self.summary else "") for a, _, words in self.lines]
        return (f"Hej {self.user.name}!\n\n{opening}\n\n" + "\n".join(rows)
                + f"\n\nUppdatera status under Åtgärder: {settings.base_url}/atgarder\n\nStrålsäkerhetsportalen")


def due_reminders(session: Session, *, today: date) -> list[Outgoing]:
    """Return the e-mails due today: one per owner with new reminders, and a summary per samordnare."""
    sent = set(session.exec(select(Reminder.user_id, Reminder.action_id, Reminder.stage)).all())
    open_actions = session.exec(select(Action).where(col(Action.status).in_(OPEN), Action.owner_id != None)  # noqa: E711
                                .order_by(Action.due_date)).all()
    users = {u.id: u for u in session.exec(select(User).where(User.active == True))}  # noqa: E712
    per_owner: dict[int, list] = defaultdict(list)
    for action in open_actions:
        reached = stage(action, today)
        if reached and action.owner_id in users and (action.owner_id, action.id, reached[0]) not in sent:
            per_owner[action.owner_id].append((action, *reached))
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


def send_reminders(session: Session, *, actor: Actor, settings: Settings, today: date, now: datetime,
                   dry_run: bool = False) -> list[Outgoing]:
    """Send (or with dry_run only list) today's reminders and record them, so none is sent twice."""
    require(actor, Permission.ADMINISTER_DATABASE)
    outgoing = [o for o in due_reminders(session, today=today) if o.user.email]
    if dry_run or not outgoing:
        return outgoing
    codes = dict(session.exec(select(Clinic.id, Clinic.code)).all())
    send(settings, [message(settings, to=o.user.email, body=o.body(settings, codes),
                            subject=("Sammanfattning av påminnelser" if o.summary else "Påminnelse om åtgärder")
                            + " – Strålsäkerhetsportalen") for o in outgoing])
    for o in outgoing:
        prefix = SUMMARY if o.summary else ""
        session.add_all(Reminder(user_id=o.user.id, action_id=a.id, stage=prefix + code, sent_at=now)
                        for a, code, _ in o.lines)
    return outgoing
