"""What every § of the meeting needs to know: who runs it, the review, the agenda and what is decided so far."""
from dataclasses import dataclass, field
from datetime import date

from core.models import Action, AgendaItem, Attendance, Clinic, Review
from core.permissions import Actor

OTHER_PERSON = "other"  # the owner choice for someone who is neither invited nor among the clinic's people


@dataclass
class Meeting:
    """One review's meeting as the current user sees it on this run of the page."""

    actor: Actor
    review: Review
    clinic: Clinic
    year: int
    items: list[AgendaItem]
    index: int
    meeting_day: date  # the record speaks of the meeting's day, whenever it is typed in
    may_run: bool  # may lead the meeting: notes, attendance, follow-up
    may_decide: bool  # may decide actions
    decided: list[Action] = field(default_factory=list)
    people: dict[int, str] = field(default_factory=dict)  # the clinic's people, for owners
    attendees: list[Attendance] = field(default_factory=list)  # the invitation list, owners with their role

    @property
    def item(self) -> AgendaItem:
        """The § shown now."""
        return self.items[self.index]

    @property
    def clinic_id(self) -> int:
        """The clinic whose review it is."""
        return self.clinic.id

    @property
    def is_last(self) -> bool:
        """Whether the § shown is the closing one."""
        return self.index == len(self.items) - 1
