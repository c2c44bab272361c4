"""Dagordningen: a review's numbered §§, their notes and decisions, and the §§ one meeting adds or drops."""
from datetime import datetime
from pathlib import Path

from sqlmodel import Session

from core import history
from core.errors import InvalidInput
from core.limits import text_limit
from core.models import AgendaItem
from core.permissions import Actor
from core.resources import TEMPLATES
from core.services._common import claim_version, get_or_fail
from core.services._queries import agenda_rows
from core.services._rules import editable_review, visible_review
from core.validation import checked_arguments
from core.yaml_input import read_yaml

AGENDA_TEMPLATE = TEMPLATES / "dagordning.yaml"


def template() -> list[dict]:
    """Return the agenda template's items (title, kind, perhaps a standard decision or note)."""
    return read_yaml(Path(AGENDA_TEMPLATE).read_text(encoding="utf-8")).data["items"]


def standard_texts(title: str) -> tuple[str | None, str | None]:
    """Return the standard note and decision the template gives a § of this title (a new review starts with them)."""
    item = next((i for i in template() if i["title"] == title), {})
    return item.get("note"), item.get("decision")


def items(session: Session, *, actor: Actor, review_id: int) -> list[AgendaItem]:
    """Return the review's agenda in § order."""
    visible_review(session, actor, review_id)
    return agenda_rows(session, review_id)


def add_item(session: Session, *, actor: Actor, review_id: int, title: str, now: datetime) -> AgendaItem:
    """Add a § to this meeting's agenda, before the closing §; the template stays as it is."""
    history.track(session, actor=actor, now=now)
    editable_review(session, actor, review_id)
    title = (title or "").strip()
    if not title:
        raise InvalidInput(["Rubrik: skriv vad punkten gäller."])
    if len(title) > text_limit(AgendaItem, "title"):
        raise InvalidInput([f"Rubrik: högst {text_limit(AgendaItem, 'title')} tecken."])
    closing = agenda_rows(session, review_id)[-1]  # every review gets the template's agenda
    number = closing.number
    closing.number += 1
    session.add(closing)
    item = AgendaItem(review_id=review_id, number=number, title=title, kind="other")
    session.add(item)
    session.flush()
    return item


def is_removable(item: AgendaItem, items: list[AgendaItem]) -> bool:
    """Tell whether a § may leave this meeting's agenda: a plain one (no meeting step of its own), not the last."""
    return item.kind == "other" and item.id != items[-1].id


def remove_item(session: Session, *, actor: Actor, item_id: int, now: datetime) -> None:
    """Take a plain § off this meeting's agenda and number the rest again; one with notes of the meeting's own stays."""
    history.track(session, actor=actor, now=now)
    item = get_or_fail(session, AgendaItem, item_id)
    review = editable_review(session, actor, item.review_id)
    items = agenda_rows(session, item.review_id)
    if not is_removable(item, items):
        raise InvalidInput([f"§ {item.number}: punkten behövs i mötet och kan inte tas bort."])
    if (item.notes or item.decisions) and (item.notes, item.decisions) != standard_texts(item.title):
        raise InvalidInput([f"§ {item.number}: punkten har anteckningar eller beslut och kan inte tas bort."])
    session.delete(item)
    session.flush()  # the number is free before the later §§ move up
    for later in (i for i in items if i.number > item.number):
        later.number -= 1
        session.add(later)
    review.current_item = min(review.current_item, len(items) - 2)
    session.add(review)


@checked_arguments()
def save_notes(session: Session, *, actor: Actor, item_id: int, notes: str, decisions: str, now: datetime,
               expected_version: int) -> None:
    """Keep a §'s notes and decisions; refused if someone else saved them since the form was opened."""
    history.track(session, actor=actor, now=now)
    item = get_or_fail(session, AgendaItem, item_id)
    editable_review(session, actor, item.review_id)
    claim_version(session, AgendaItem, item_id, expected_version, what=f"anteckningarna för § {item.number}")
    item.notes, item.decisions = (notes or "").strip() or None, (decisions or "").strip() or None
    session.add(item)
