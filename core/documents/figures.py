"""One builder per figure: the tables that the meeting (Möte), the bokslut page and the minutes all show.

Each builder turns rows the services return into a `Table` (Swedish header and cells, widths for paper),
so screen and paper say the same words. A page may ask for the owner column (`owner`) when it shows the
whole organisation; the minutes are always for one clinic and never do.
"""
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

from core import glossary
from core.annual_report import linked
from core.documents.content import Table, Text
from core.enums import (
    ActionStatus,
    AttendanceStatus,
    Direction,
    GoalAssessment,
    MeetingRole,
    Priority,
    SafetyEventKind,
    SafetyEventStatus,
    StaffGroup,
)
from core.formatting import date_text, measured_text, number_text, percent_text
from core.glossary import FIELDS, LABELS, MODELS
from core.regulation.dose_limits import DoseFlag, dose_flags, dose_limits
from core.services import safety_events
from core.services.protection_figures import DRL_SOURCE, drl_flags

Owner = Callable[[int | None], str] | None  # names whose row it is (a clinic code, or the whole organisation)
OWNER_WIDTH = 20
Levels = dict[int | None, dict[str, float | None]] | None  # clinic id → its investigation levels per dose
WITHIN_LIMITS = "Inom gränserna"
WITHIN_DRL = "Under DRL"
CHECK = "Kontroll"  # the column saying what a figure shows against its limit (flagged on screen in colour)
UNFLAGGED = frozenset({WITHIN_LIMITS, WITHIN_DRL, "", "–"})
NO_TARGET = "Inget mål"
TABLE_FIGURE = "Tabellens siffra"


def _table(header: list[str], rows: Iterable[list[str]], widths: list[int], owner: Owner = None,
           owners: Sequence[int | None] = ()) -> Table:
    """A table, with the owner column first when asked for."""
    rows = list(rows)
    if owner is None:
        return Table(rows=[header, *rows], widths=widths)
    return Table(rows=[[LABELS["applies_to"], *header], *([owner(o), *r] for o, r in zip(owners, rows))],
                 widths=[OWNER_WIDTH, *widths])


def or_text(table: Table, empty: str) -> Table | Text:
    """The table, or a sentence when it has no rows."""
    return table if table.body else Text(text=empty)


def indicator_name(name: str, unit: str | None) -> str:
    """Name an indicator with its unit."""
    return f"{name} ({unit})" if unit else name


def verdict(met: bool | None) -> str:
    """Say whether an indicator meets its target, or that it has none."""
    return NO_TARGET if met is None else glossary.term(GoalAssessment.MET if met else GoalAssessment.NOT_MET)


def goals(rows: Sequence[Any], owner: Owner = None, detailed: bool = False) -> Table:
    """The bokslut's goals with target, outcome and assessment (detailed: with the goal's id and comment)."""
    table = _table([MODELS["Goal"], "Målvärde", FIELDS["outcome"], LABELS["goal_assessment"]],
                   ([g.text, g.target or "", g.outcome or "", glossary.term(g.assessment, GoalAssessment)]
                    for g in rows), [76, 30, 30, 34], owner, [g.clinic_id for g in rows])
    if not detailed:
        return table
    return _widened(table, ["Mål-ID", *(g.code for g in rows)],
                    [FIELDS["status_comment"], *(g.comment or "" for g in rows)])


def change_text(change: float | None) -> str:
    """The change from last year with its sign."""
    return "–" if change is None else ("+" if change > 0 else "") + number_text(change)


def table_note(row: Any) -> str:
    """The figure a table of the bokslut gives for the same thing as an indicator, with its definition ("" if none)."""
    link = linked.link_of(row.indicator.code, row.indicator.unit)
    if link is None or row.table is None:
        return ""
    return link.note(row.table, link.contradicts(row.indicator.value, row.table.value))


def linked_definitions(rows: Sequence[Any]) -> list[str]:
    """What each indicator with a table's figure beside it counts, and what the table counts."""
    links = {linked.link_of(r.indicator.code, r.indicator.unit) for r in rows if table_note(r)}
    return [linked.definition(link) for link in sorted((k for k in links if k), key=lambda k: k.code)]


def _named(row: Any, detailed: bool) -> str:
    """An indicator's name and unit; in the minutes, the table's figure for the same thing on a second line."""
    name, note = indicator_name(row.indicator.name, row.indicator.unit), table_note(row)
    return f"{name}\n{note}" if note and not detailed else name


def indicators(rows: Sequence[Any], year: int, owner: Owner = None, detailed: bool = False) -> Table:
    """Each indicator (with its unit) against its target, last year (`year - 1`) before the verdict.

    An indicator that a table of the bokslut also measures shows the table's figure with its definition (one
    figure, one source): under the name, or on the bokslut page (detailed) in a column of its own. Detailed
    also shows its area, direction and the change from last year.
    """
    table = _table(
        [MODELS["Indicator"], "Värde", MODELS["Goal"], str(year - 1), LABELS["against_target"]],
        ([_named(r, detailed), number_text(r.indicator.value),
          number_text(r.indicator.target) or "–", number_text(r.previous) or "–", verdict(r.met)] for r in rows),
        [74, 22, 22, 22, 30], owner, [r.indicator.clinic_id for r in rows])
    if not detailed:
        return table
    notes = [table_note(r) for r in rows]
    return _widened(table, None, [FIELDS["area"], *(r.indicator.area or "" for r in rows)],
                    ["Riktning", *(glossary.term(r.indicator.direction, Direction) for r in rows)],
                    ["Förändring", *(change_text(r.change) for r in rows)],
                    *([[TABLE_FIGURE, *notes]] if any(notes) else []))


def _widened(table: Table, first: list[str] | None, *last: list[str]) -> Table:
    """The table with a column before the others and columns after them (each given header first)."""
    columns = [list(c) for c in last]
    rows = [([first[i]] if first else []) + row + [c[i] for c in columns] for i, row in enumerate(table.rows)]
    widths = ([20] if first else []) + table.widths + [20] * len(columns)
    return Table(rows=rows, widths=widths)


def training(shares: Sequence[Any], year: int, owner: Owner = None) -> Table:
    """Each staff group's share with completed radiation-protection training, against the year before."""
    groups = glossary.options(StaffGroup)
    return _table(
        [LABELS["staff_group"], LABELS["staff_count"], LABELS["trained_count"], "Andel utbildade", str(year - 1)],
        ([groups[s.record.staff_group], number_text(s.record.staff_count), number_text(s.record.trained_count),
          percent_text(s.share) or "–", percent_text(s.previous) or "–"] for s in shares),
        [46, 26, 26, 34, 26], owner, [s.record.clinic_id for s in shares])


def doses(rows: Sequence[Any], levels: Levels = None, owner: Owner = None) -> Table:
    """The staff groups' highest personal doses, category A, and what the doses show against the limits."""
    groups = glossary.options(StaffGroup)
    return _table(
        [LABELS["staff_group"], "Kategori A", "Högsta Hp(10) (mSv)", "Högsta Hp(3) ögonlins (mSv)",
         "Högsta extremitetsdos (mSv)", CHECK],
        ([groups[d.staff_group], number_text(d.category_a_count) or "–", measured_text(d.max_hp10) or "–",
          measured_text(d.max_hp3) or "–", measured_text(d.max_extremity) or "–",
          dose_check_text(dose_flags(d, (levels or {}).get(d.clinic_id)))] for d in rows),
        [31, 19, 19, 22, 33, 50], owner, [d.clinic_id for d in rows])


def dose_check_text(flags: Sequence[DoseFlag]) -> str:
    """Say briefly what a staff group's doses show: limits exceeded first, or that they are within them."""
    return "; ".join(f.short for f in sorted(flags, key=lambda f: not f.is_limit)) or WITHIN_LIMITS


def dose_basis() -> Text:
    """What the doses are checked against, with the sources (printed under the table)."""
    rules = dose_limits()
    limits = ", ".join(f"{rule.what} {measured_text(rule.value)} mSv" for rule in rules.limits.values())
    source = next(iter(rules.limits.values())).source
    return Text(text=f"Dosgränser för arbetstagare per kalenderår: {limits} ({source}). "
                     f"Gränser för kategori A: {number_text(rules.threshold('max_hp10'))} mSv effektiv dos, "
                     f"{number_text(rules.threshold('max_hp3'))} mSv ögats lins, "
                     f"{number_text(rules.threshold('max_extremity'))} mSv extremiteter ({rules.category_a.source}).")


def drl(rows: Sequence[Any], today: date, owner: Owner = None) -> Table:
    """Each examination type's local standard level per equipment against SSM's DRL, with what it shows."""
    return _table(
        ["Undersökningstyp", "Utrustning", "Lokal standardnivå", "Nationell DRL", "Senast bestämd", CHECK],
        ([f"{d.examination} ({d.quantity})" if d.quantity else d.examination, d.equipment or "–",
          f"{measured_text(d.local_level)} {d.unit or ''}".strip() or "–",
          f"{measured_text(d.national_drl)} {d.unit or ''}".strip() or "–",
          date_text(d.determined_on) or "–", "; ".join(drl_flags(d, today)) or WITHIN_DRL] for d in rows),
        [42, 24, 32, 24, 22, 30], owner, [d.clinic_id for d in rows])


def drl_basis(rows: Sequence[Any]) -> Text:
    """Where the national levels come from and what the clinic must do (printed under the table)."""
    sources = sorted({d.national_source for d in rows if d.national_source})
    return Text(text=f"Nationell DRL enligt SSMFS 2018:5 bilaga 1 ({', '.join(sources) or 'ingen rad matchar'}). "
                     f"Standardnivån ska bestämmas minst vart tredje år och snarast för ny utrustning; en nivå över "
                     f"DRL ska utredas ({DRL_SOURCE}).")


def events(rows: Sequence[Any], day: date) -> Table:
    """Events reported to SSM and internal deviations, oldest first, whom each concerns, late reports marked on day.

    Frozen minutes carry their own table, so older ones keep the five columns they were approved with.
    """
    return _table(
        [FIELDS["occurred_on"], FIELDS["kind"], FIELDS["concerns"], FIELDS["description"], FIELDS["ssm_reference"],
         LABELS["written_report"], FIELDS["status"]],
        ([date_text(e.occurred_on), glossary.term(SafetyEventKind(e.kind)), safety_events.concerns_text(e),
          e.description, e.ssm_reference or "", safety_events.written_report(e, day),
          glossary.term(SafetyEventStatus(e.status))] for e in rows),
        [22, 28, 24, 56, 24, 32, 24])


def attendance(rows: Sequence[Any]) -> Table:
    """Who was invited, in what role, and whether they came (or who stood in)."""
    return _table([FIELDS["role"], FIELDS["name"], MODELS["Attendance"], FIELDS["stand_in_for"]],
                  ([glossary.term(a.meeting_role, MeetingRole), a.name or "–",
                    glossary.term(a.status, AttendanceStatus),
                    a.stand_in_for or ""] for a in rows),
                  [50, 55, 30, 35])


def follow_up_status(status: str | None, overdue: bool) -> str:
    """The status recorded at the meeting, with "försenad" when the action was late."""
    text = glossary.term(status, ActionStatus) if status else "Ej uppföljd"
    return f"{text} – {glossary.OVERDUE}" if overdue else text


def follow_ups(rows: Sequence[tuple[Any, Any, int]], meeting_day: date) -> Table:
    """Earlier actions with the status recorded at this meeting, late ones marked, new due dates beside."""
    body = []
    for follow_up, action, year in rows:
        due = follow_up.original_due_date or action.due_date
        # Not Action.is_overdue_on: the minutes judge the status recorded at the meeting against the due date
        # the meeting followed up, which a postponement has since moved on the action itself.
        late = (follow_up.status or action.status) not in ActionStatus.closed_values() and due < meeting_day
        comment = follow_up.comment or ""
        if follow_up.status == ActionStatus.CANCELLED and action.cancel_reason:
            comment = f"{comment} Skäl: {action.cancel_reason}".strip()
        when = date_text(due) + (f"\nNytt: {date_text(follow_up.new_due_date)}" if follow_up.new_due_date else "")
        body.append([f"{year}:{action.number}", action.title, action.owner_name, when,
                     follow_up_status(follow_up.status, late), comment])
    return _table([LABELS["number"], FIELDS["title"], FIELDS["owner_name"], FIELDS["due_date"],
                   LABELS["status_at_meeting"], FIELDS["status_comment"]], body, [16, 46, 28, 24, 26, 30])


def decided_actions(rows: Sequence[Any], answers: Callable[[Any], str]) -> Table:
    """The actions decided at the meeting, numbered, each with owner, due date, priority and what it answers."""
    return _table(
        [LABELS["number"], FIELDS["title"], FIELDS["owner_name"], FIELDS["due_date"], "Prio", FIELDS["answers_to"]],
        ([str(a.number), a.title + (f"\n{a.description}" if a.description else ""),
          a.owner_name + (f", {a.owner_role}" if a.owner_role else ""), date_text(a.due_date),
          glossary.term(a.priority, Priority), answers(a)] for a in rows),
        [9, 56, 32, 22, 15, 36])
