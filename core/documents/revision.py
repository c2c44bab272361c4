"""A reopened version of the minutes: what it takes from the version it replaces, and what changed since.

Version N+1 records the same meeting as version N. So it says what version N said about everything the
meeting looked at but did not make, and takes from the live rows only what the meeting made and may
correct by hand after the reopen. Section by section:

From version N (frozen)  the header facts: title, protocol number, organisation, licence holder and licence
                         number, clinic (code and name), the underlag and the key-indicator chart; and
                         every block marked `record`: the whole bokslut § as it was loaded then (the
                         Sammanfattning, goals, indicators, training, doses, DRL, events), the
                         self-assessment summary, each gap's heading and criterion text, each finding's
                         heading and description.
From the live rows       time and place, chair and protokollförare, attendance, justerare, the follow-up,
                         every § heading, every note and decision typed in a §, the decision on each gap
                         and finding, the decided actions, the next review, the signers; and which §§,
                         gaps and findings there are. A marked block version N does not have (a finding
                         added since) comes from the live rows, and the § Ändringar names it.

Version N+1 ends with a § "Ändringar mot version N": the reopen's reason, then every difference from
version N in what is printed (§ by §, row by row in tables), or that there is none. Version N frozen
before blocks were marked (format < 3) has its marks inferred from the layout the builder has always used.
"""
import difflib
import re
from collections import Counter, defaultdict

from core.documents.content import Block, MinutesContent, Section, Subheading, Table, Text
from core.glossary import FIELDS, LABELS

FROZEN_FIELDS = ("title", "number", "organisation", "licence_holder", "licence_number", "clinic", "basis", "chart")
LIVE_HEADER = (("when", LABELS["time"]), ("place", FIELDS["location"]))
CHANGES = "changes"
EVENTS_HEADING = "Händelser och avvikelser "  # PAGES["events"], as the bokslut § has always printed it
NUMBER = re.compile(r"^§ \d+ ")
LONGEST = 240


def revise(live: MinutesContent, earlier: MinutesContent, *, reason: str | None) -> MinutesContent:
    """Return the live document with version N's frozen parts, ending with the § of changes against version N."""
    marked = earlier if earlier.format >= 3 else infer_marks(earlier)
    revised = live.model_copy(update={**{f: getattr(earlier, f) for f in FROZEN_FIELDS},
                                      "sections": take_frozen(live.sections, marked)})
    changes = Section(heading=f"§ {len(revised.sections) + 1} Ändringar mot version {earlier.version}", kind=CHANGES,
                      blocks=changes_blocks(earlier, revised, reason=reason))
    return revised.model_copy(update={"sections": [*revised.sections, changes]})


def as_replaced(blocks: list[Block], kind: str, earlier: MinutesContent) -> list[Block]:
    """A §'s live blocks with their marked runs as the version replaced printed them (the screen after a reopen)."""
    marked = earlier if earlier.format >= 3 else infer_marks(earlier)
    return list(take_frozen([Section(heading="", kind=kind, blocks=blocks)], marked)[0].blocks)


def _runs(blocks: list[Block]) -> list[tuple[str | None, list[Block]]]:
    """Split a §'s blocks into runs of the same `record` mark."""
    runs: list[tuple[str | None, list[Block]]] = []
    for block in blocks:
        if runs and runs[-1][0] == block.record:
            runs[-1][1].append(block)
        else:
            runs.append((block.record, [block]))
    return runs


def take_frozen(sections: list[Section], earlier: MinutesContent) -> list[Section]:
    """Replace every marked run of the live §§ by the run with the same mark in version N (the n-th by the n-th)."""
    frozen: dict[str, list[list[Block]]] = defaultdict(list)
    for section in earlier.sections:
        for mark, run in _runs(section.blocks):
            if mark is not None:
                frozen[mark].append(run)
    seen: Counter[str] = Counter()
    result = []
    for section in sections:
        blocks: list[Block] = []
        for mark, run in _runs(section.blocks):
            if mark is not None:
                if seen[mark] < len(frozen[mark]):
                    run = frozen[mark][seen[mark]]
                seen[mark] += 1
            blocks += run
        result.append(section.model_copy(update={"blocks": blocks}))
    return result


def _marked(blocks: list[Block], marks: dict[int, str]) -> list[Block]:
    """Return the blocks with the given marks set (by position)."""
    return [b.model_copy(update={"record": marks[i]}) if i in marks else b for i, b in enumerate(blocks)]


def _inferred(section: Section) -> dict[int, str]:
    """Where the builder put the record in a § of a document frozen before blocks were marked."""
    blocks, marks = section.blocks, {}
    if section.kind == "annual_report":
        # The bokslut's record ends with the events: their heading, then their table or "Inga registrerade."
        last = max((i for i, b in enumerate(blocks) if isinstance(b, Subheading)
                    and b.text.startswith(EVENTS_HEADING)), default=None)
        marks = {i: "annual_report" for i in range(last + 2)} if last is not None and last + 1 < len(blocks) else {}
    elif section.kind == "self_assessment" and blocks and isinstance(blocks[0], Text):
        marks = {0: "self_assessment"}
    for i, block in enumerate(blocks[:-1]):
        if section.kind in ("self_assessment", "findings") and isinstance(block, Subheading) \
                and isinstance(blocks[i + 1], Text) and (key := _item_key(section.kind, block.text)):
            marks[i] = marks[i + 1] = key
    return marks


def _item_key(kind: str, heading: str) -> str | None:
    """The mark of a gap ("A1 (nivå 1) – area") or a finding ("B-3 · RTG · allvarlighet hög") by its code."""
    if kind == "self_assessment" and " (nivå " in heading:
        return "criterion:" + heading.split(" (nivå ")[0]
    if kind == "findings" and " · allvarlighet " in heading:
        return "finding:" + heading.split(" · ")[0]
    return None


def infer_marks(content: MinutesContent) -> MinutesContent:
    """Mark the record in a document frozen before blocks were marked (in memory; never stored)."""
    return content.model_copy(update={"sections": [
        s.model_copy(update={"blocks": _marked(s.blocks, _inferred(s))}) for s in content.sections]})


def _short(text: str) -> str:
    """One line, at most LONGEST characters."""
    text = " ".join(text.split())
    return text if len(text) <= LONGEST else text[:LONGEST - 1] + "…"


def _atoms(section: Section) -> list[tuple]:
    """What a § prints, one comparable piece per sentence, heading or table row (with the table's header)."""
    atoms: list[tuple] = []
    for block in section.blocks:
        if isinstance(block, Table):
            atoms += [("row", tuple(block.header), tuple(row)) for row in block.body]
        else:
            atoms.append((block.kind, block.text))
    return atoms


def _said(atom: tuple) -> str:
    """An atom as a reader sees it."""
    if atom[0] == "row":
        return "raden " + " · ".join(_short(c) for c in atom[2] if c.strip())
    return f"”{_short(atom[1])}”"


def _changed(old: tuple, new: tuple) -> str:
    """Say how one atom became another: a table row cell by cell, a sentence whole."""
    if old[0] == new[0] == "row" and old[1] == new[1]:
        same = [c for c, d in zip(new[2], old[2]) if c == d and c.strip()][:2]
        cells = [f"{h}: {_short(d) or '–'} → {_short(c) or '–'}" for h, c, d in zip(new[1], new[2], old[2]) if c != d]
        return f"Ändrat: {' · '.join(same) or 'raden'} – " + "; ".join(cells)
    return f"Ändrat: {_said(new)} (tidigare {_said(old)})"


def _section_changes(old: list[tuple], new: list[tuple]) -> list[str]:
    """The differences between what a § said in version N and says now, in reading order."""
    lines = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        paired = min(i2 - i1, j2 - j1) if op == "replace" else 0
        lines += [_changed(old[i1 + k], new[j1 + k]) for k in range(paired)]
        lines += [f"Borttaget: {_said(a)}" for a in old[i1 + paired:i2] if op != "equal"]
        lines += [f"Tillagt: {_said(a)}" for a in new[j1 + paired:j2] if op != "equal"]
    return lines


def _by_kind(sections: list[Section]) -> dict[tuple[str, int], Section]:
    """The §§ by kind and order within the kind (numbers and titles may change, kinds do not)."""
    seen: Counter[str] = Counter()
    result = {}
    for section in sections:
        if section.kind != CHANGES:
            result[section.kind, seen[section.kind]] = section
            seen[section.kind] += 1
    return result


def change_rows(earlier: MinutesContent, current: MinutesContent) -> list[list[str]]:
    """Every printed difference from version N: [where, what]."""
    rows = [[label, f"Ändrat: {getattr(current, f)} (tidigare {getattr(earlier, f)})"]
            for f, label in LIVE_HEADER if getattr(earlier, f) != getattr(current, f)]
    old, new = _by_kind(earlier.sections), _by_kind(current.sections)
    for key, section in new.items():
        if key not in old:
            rows.append([section.heading, "Ny §"])
            continue
        before = old[key]
        if NUMBER.sub("", before.heading) != NUMBER.sub("", section.heading):
            rows.append([section.heading, f"Ny rubrik (tidigare ”{before.heading}”)"])
        rows += [[section.heading, line] for line in _section_changes(_atoms(before), _atoms(section))]
    rows += [[section.heading, "§ borttagen"] for key, section in old.items() if key not in new]
    return rows


def changes_blocks(earlier: MinutesContent, current: MinutesContent, *, reason: str | None) -> list[Block]:
    """The § Ändringar: why the minutes were reopened, then what differs from version N, or that nothing does."""
    rows = change_rows(earlier, current)
    blocks: list[Block] = [Text(text=f"Protokollet återöppnades med motiveringen: {reason or '–'}")]
    if not rows:
        return [*blocks, Text(text=f"Inga ändringar i sak mot version {earlier.version}.")]
    return [*blocks, Text(text=f"Följande skiljer sig från version {earlier.version}:"),
            Table(rows=[["Avsnitt", "Ändring"], *rows], widths=[50, 126])]
