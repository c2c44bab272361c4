"""What the meeting has not yet decided: every finding and gap on the agenda needs a decision before justering.

A finding or a self-assessment gap is decided by an action (with owner, due date and what it answers) or by
"ingen åtgärd" with a reason. A free-text decision that gives someone work ("uppdra åt …") must be an action,
or nobody follows it up. The list names each item with the § it belongs to, so the page can lead there.
"""
import re
from dataclasses import dataclass

from sqlmodel import Session, col, select

from core.models import Action, FindingDecision, Review
from core.permissions import Actor
from core.services import actions, self_assessments
from core.services._queries import agenda_rows
from core.services._rules import visible_review

ASSIGNS_WORK = re.compile(r"\buppdra[rs]?\s+åt\b|\bge[rs]?\b.{0,40}\bi uppdrag\b", re.IGNORECASE)


@dataclass(frozen=True)
class Undecided:
    """One thing the meeting must still decide, and the § (agenda position) where it is decided."""

    item_index: int  # position in the agenda (for moving the meeting there)
    text: str  # Swedish, naming the § and what is missing
    subject: str  # what it is, briefly (the page lists these under the §)


def _brief(text: str, most: int = 90) -> str:
    """A text on one line, cut at a word when long."""
    line = " ".join(text.split())
    return line if len(line) <= most else line[:most].rsplit(" ", 1)[0] + " …"


def _index_of(items: list, kind: str) -> int | None:
    """The agenda position of the first § of a kind (None when the agenda has none)."""
    return next((i for i, item in enumerate(items) if item.kind == kind), None)


def undecided(session: Session, *, actor: Actor, review_id: int) -> list[Undecided]:
    """List every finding and gap without a decision, and every free-text decision that should be an action."""
    review = visible_review(session, actor, review_id)
    items = agenda_rows(session, review_id)
    found: list[Undecided] = []
    findings_at = _index_of(items, "findings")
    where = f"§ {items[findings_at].number}" if findings_at is not None else "dagordningen"
    for brought in actions.findings_for_review(session, actor=actor, review_id=review_id):
        if not brought.actions and brought.no_action is None:
            f = brought.finding
            found.append(Undecided(findings_at or 0, f"{where}: bristen {f.code} saknar beslut (en åtgärd, eller "
                                                     "ingen åtgärd med motivering).",
                                   f"{f.code}: {_brief(f.description)}"))
    found += _undecided_gaps(session, actor, review, items)
    for index, item in enumerate(items):
        for line in (item.decisions or "").splitlines():
            if ASSIGNS_WORK.search(line):
                found.append(Undecided(index, f"§ {item.number}: beslutet ”{_brief(line)}” ger någon ett "
                                              "uppdrag; besluta det som en åtgärd med ansvarig och slutdatum.",
                                       f"Beslutet ”{_brief(line)}” ger ett uppdrag: besluta det som en åtgärd."))
    return found


def _undecided_gaps(session: Session, actor: Actor, review: Review, items: list) -> list[Undecided]:
    """The self-assessment gaps (level below 3) with neither an action nor "ingen åtgärd"."""
    gaps = self_assessments.gaps(session, actor=actor, clinic_id=review.clinic_id, year=review.year)
    if not gaps:
        return []
    decided = set(session.exec(select(Action.criterion_id).where(Action.review_id == review.id,
                                                                 col(Action.criterion_id).is_not(None))))
    decided |= set(session.exec(select(FindingDecision.criterion_id).where(
        FindingDecision.review_id == review.id, col(FindingDecision.criterion_id).is_not(None))))
    at = _index_of(items, "self_assessment")
    where = f"§ {items[at].number}" if at is not None else "dagordningen"
    return [Undecided(at or 0, f"{where}: egenkontrollens brist {criterion.code} (nivå {answer.level}) saknar "
                               "beslut (en åtgärd, eller ingen åtgärd med motivering).",
                      f"{criterion.code} (nivå {answer.level}): {_brief(answer.criterion_text)}")
            for criterion, answer in gaps if criterion.id not in decided]
