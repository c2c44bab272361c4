"""The minutes' content document: everything the printed protokoll says, gathered from the live rows.

It is built while the meeting is open (for the draft), and once more when the minutes are sent for
justering: then it is frozen in a MinutesVersion and never built again for that version. The document is
typed (core/documents/content.py) and stored as JSON, so its SHA-256 covers exactly what is printed. Its
tables come from the same builders as the meeting's and the bokslut page's (core/documents/figures.py).
Blocks that show the record (the bokslut, a finding, a gap) are marked, so that after a reopen the next
version takes them, and the header facts, from the version it replaces (core/documents/revision.py).
"""
from datetime import date

from sqlmodel import Session, col, select

from core import glossary
from core.documents import figures, revision
from core.documents.content import (
    ChartPoint,
    Decision,
    MinutesContent,
    Section,
    Signer,
    Subheading,
    Text,
    read,
)
from core.enums import ActionStatus, MeetingRole, Severity, SignatureRole, SummaryPart
from core.formatting import date_text, datetime_text
from core.glossary import FIELDS, LABELS, MODELS, PAGES
from core.models import (
    AnnualReport,
    AssessmentTemplate,
    Clinic,
    Criterion,
    Finding,
    FindingDecision,
    Indicator,
    MinutesVersion,
    Organisation,
    Review,
    User,
    stored_id,
)
from core.permissions import Actor, Permission, require
from core.services import (
    actions,
    annual_reports,
    protection_figures,
    safety_events,
    self_assessments,
)
from core.services._common import get_or_fail
from core.services._queries import (
    agenda_rows,
    attendance_rows,
    decided_actions,
    follow_up_rows,
    missing_roles_of,
    signature_rows,
)
from core.services.meeting_notice import meeting_title

Block = Text | Subheading | Decision | figures.Table

CHART_INDICATORS = 9  # three rows of three: what one A4 page shows legibly
CHART_YEARS = 6
CAPACITY = {SignatureRole.CHAIR.value: glossary.term(SignatureRole.CHAIR),
            SignatureRole.SECRETARY.value: "Vid protokollet",
            SignatureRole.ADJUSTER.value: glossary.term(SignatureRole.ADJUSTER)}
NO_DECISION = "Mötet fattade inget beslut."
PART_MISSING = "saknas i bokslutet (SSMFS 2018:5 3 kap. 13 § kräver den)."


def decision_lines(typed: str | None) -> list[Decision]:
    """Turn what was typed in a §'s Beslut field into decisions, each worded "Beslutades att …"."""
    result = []
    for line in (typed or "").splitlines():
        line = line.strip().lstrip("-•").strip()
        if not line:
            continue
        if not line.casefold().startswith("beslutades"):
            lower = line[:1].lower() + line[1:] if line[1:2].islower() else line
            line = f"Beslutades att {lower.removeprefix('att ')}"
        result.append(Decision(text=line if line.endswith((".", "!", "?")) else line + "."))
    return result


def _names(session: Session) -> dict[int, str]:
    """Return user id → name."""
    rows = session.exec(select(User.id, User.name)).all()
    return {user_id: name for user_id, name in rows if user_id is not None}  # a primary key is never NULL


def _name_of(names: dict[int, str], user_id: int | None, missing: str) -> str:
    """Return a user's name, or `missing` when no user is set."""
    return names.get(user_id, missing) if user_id is not None else missing


def _basis(session: Session, review: Review, assessment) -> list[str]:
    """The underlag of the meeting, each with its version."""
    report = session.get(AnnualReport, review.annual_report_id) if review.annual_report_id else None
    lines = [f"Strålskyddsbokslut {review.year - 1}" + (
        (f", version {report.version_label}" if report.version_label else "")
        + (f", färdigställt {date_text(report.completed_on)}" if report.completed_on else "")
        + f", inläst {datetime_text(report.imported_at)}" if report else " (ej inläst)")]
    if assessment:
        template = get_or_fail(session, AssessmentTemplate, assessment.template_id)
        lines.append(f"Egenkontroll {review.year} enligt {template.name}, version {template.version}")
    else:
        lines.append(f"Egenkontroll {review.year} (ej registrerad)")
    earlier = session.exec(select(Review).where(Review.clinic_id == review.clinic_id, Review.year < review.year)
                           .order_by(col(Review.year).desc())).first()
    if earlier:
        lines.append(f"Åtgärdslista från genomgången {earlier.year} (protokoll nr {earlier.protocol_number}, "
                     f"version {earlier.minutes_version})")
    return lines


def _replaced(session: Session, review: Review) -> MinutesVersion | None:
    """Return the approved version this one replaces, if any."""
    if review.minutes_version <= 1:
        return None
    return session.exec(select(MinutesVersion).where(MinutesVersion.review_id == review.id,
                                                     MinutesVersion.version == review.minutes_version - 1)).first()


def _replaces(review: Review, old: MinutesVersion | None) -> str | None:
    """Say which approved version this one replaces, when, by whom and why."""
    if review.minutes_version <= 1:
        return None
    if old is None:
        return f"Denna version ersätter version {review.minutes_version - 1}."
    return (f"Denna version ersätter version {old.version}, justerad {datetime_text(old.approved_at)}. "
            f"{old.reopened_by_name} återöppnade protokollet {datetime_text(old.reopened_at)} med motiveringen: "
            f"{old.reopen_reason}")


def _signers(session: Session, review: Review) -> list[Signer]:
    """Who signs the minutes of the current version: ordförande, protokollförare (vid protokollet), justerare."""
    names = _names(session)
    return [Signer(role=s.role, capacity=CAPACITY[s.role], name=names.get(s.user_id, "–"))
            for s in signature_rows(session, review)]


def _opening(session: Session, review: Review, names: dict[int, str]) -> list[Block]:
    """Who chaired, who kept the minutes, and who was there."""
    blocks: list[Block] = [
        Text(text=f"{glossary.term(SignatureRole.CHAIR)}: {_name_of(names, review.chair_id, 'inte vald')}. "
                  f"{glossary.term(SignatureRole.SECRETARY)}: {_name_of(names, review.secretary_id, 'inte vald')}."),
        figures.attendance(attendance_rows(session, stored_id(review)))]
    missing = missing_roles_of(session, stored_id(review))
    if missing:
        blocks.append(Text(text="Ingen närvarande för: " + ", ".join(glossary.term(r, MeetingRole) for r in missing)
                           + "."))
    return blocks


def _record(mark: str, blocks: list[Block]) -> list[Block]:
    """Mark blocks as showing the record as the meeting saw it (a reopen takes them from the version replaced)."""
    return [b.model_copy(update={"record": mark}) for b in blocks]


def _adjusters(signed: list[Signer]) -> list[Block]:
    """The justerare the meeting chose."""
    chosen = [s.name for s in signed if s.role == SignatureRole.ADJUSTER]
    if not chosen:
        return [Text(text="Justerare är inte valda.")]
    return [Decision(text=f"Beslutades att välja {' och '.join(chosen)} att jämte ordföranden justera protokollet.")]


def _follow_up(session: Session, review: Review) -> list[Block]:
    """Last year's actions with the status recorded at this meeting; late ones marked, postponements decided."""
    rows = follow_up_rows(session, stored_id(review))
    if not rows:
        return [Text(text="Det fanns inga tidigare beslutade åtgärder att följa upp.")]
    decided: list[Block] = []
    for follow_up, action, year in rows:
        number = f"{year}:{action.number}"
        if follow_up.status == ActionStatus.CANCELLED and action.cancel_reason:
            decided.append(Decision(text=f"Beslutades att avskriva åtgärd {number} ({action.title}) med skälet: "
                                         f"{action.cancel_reason}"))
        if follow_up.new_due_date:
            decided.append(Decision(text=f"Beslutades att skjuta upp åtgärd {number} ({action.title}) till "
                                         f"{date_text(follow_up.new_due_date)}."))
    return [figures.follow_ups(rows, review.meeting_date or date.max), *decided]


def _annual_report(session: Session, actor: Actor, review: Review) -> list[Block]:
    """The bokslut for the clinic: the three parts of the Sammanfattning, goals, every indicator."""
    if review.annual_report_id is None:
        return [Text(text=f"Strålskyddsbokslutet för {review.year - 1} är inte inläst.")]
    view = annual_reports.report_view(session, actor=actor, year=review.year - 1, clinic_id=review.clinic_id)
    blocks: list[Block] = [Subheading(text=MODELS["ReportSummary"])]
    for part in SummaryPart:
        parts = [s.text for s in view.summaries if s.part == part]
        blocks.append(Text(text=f"{glossary.term(part, SummaryPart)}: " + (" ".join(parts) or PART_MISSING)))
    return [*blocks, Subheading(text=MODELS["Goal"]), figures.or_text(figures.goals(view.goals), "Inga mål."),
            Subheading(text=LABELS["indicators"]),
            figures.or_text(figures.indicators(view.indicators, review.year - 1), "Inga indikatorer."),
            *(Text(text=t) for t in figures.linked_definitions(view.indicators))]


def _protection(session: Session, actor: Actor, review: Review) -> list[Block]:
    """Training per staff group against last year, personal doses and the DRL status, when the bokslut has them."""
    year, clinic_id = review.year - 1, review.clinic_id
    blocks: list[Block] = []
    shares = protection_figures.training(session, actor=actor, year=year, clinic_id=clinic_id)
    if shares:
        blocks += [Subheading(text=f"{MODELS['TrainingRecord']} {year}"), figures.training(shares, year)]
    doses = protection_figures.dosimetry(session, actor=actor, year=year, clinic_id=clinic_id)
    if doses:
        levels = protection_figures.investigation_by_clinic(session, actor=actor, rows=doses)
        blocks += [Subheading(text=f"{MODELS['DosimetryRecord']} {year}"), figures.doses(doses, levels),
                   figures.dose_basis()]
    drl = protection_figures.drl_status(session, actor=actor, year=year, clinic_id=clinic_id)
    if drl:
        today = review.meeting_date or date(review.year, 12, 31)
        blocks += [Subheading(text=MODELS["DrlStatus"]), figures.drl(drl, today), figures.drl_basis(drl)]
    return blocks


def _events(session: Session, actor: Actor, review: Review) -> list[Block]:
    """The year's events reported to SSM and internal deviations, as the bokslut year saw them."""
    year = review.year - 1
    happened = reversed(safety_events.events(session, actor=actor, clinic_id=review.clinic_id, year=year))
    day = review.meeting_date or date(review.year, 12, 31)  # a report is judged late as the meeting saw it
    return [Subheading(text=f"{PAGES['events']} {year}"), figures.or_text(figures.events(list(happened), day),
                                                                          "Inga registrerade.")]


def bokslut_section(session: Session, *, actor: Actor, review: Review) -> list[Block]:
    """The bokslut's § as the minutes print it and the meeting shows it: parts, goals, indicators, figures, events."""
    require(actor, Permission.VIEW_CLINIC, review.clinic_id)
    return [*_annual_report(session, actor, review), *_protection(session, actor, review),
            *_events(session, actor, review)]


def bokslut_as_minutes(session: Session, *, actor: Actor, review: Review) -> tuple[list[Block], list[ChartPoint]]:
    """The bokslut's § and chart as the minutes will print them: after a reopen, version N's, never live rows."""
    blocks = _record("annual_report", bokslut_section(session, actor=actor, review=review))
    chart = key_indicator_trend(session, actor=actor, review=review)
    replaced = _replaced(session, review)
    if replaced is None:
        return blocks, chart
    earlier = read(replaced.content)
    return revision.as_replaced(blocks, "annual_report", earlier), list(earlier.chart)


def key_indicator_trend(session: Session, *, actor: Actor, review: Review) -> list[ChartPoint]:
    """The chart printed under the bokslut's § (none before the bokslut is loaded)."""
    require(actor, Permission.VIEW_CLINIC, review.clinic_id)
    return [] if review.annual_report_id is None else _trend(session, review)


def _trend(session: Session, review: Review) -> list[ChartPoint]:
    """The clinic's key indicators (those with a target) over the last years, capped to one page of charts."""
    columns = (Indicator.code, Indicator.name, Indicator.unit, AnnualReport.year, Indicator.value)
    rows = session.exec(select(*columns)  # type: ignore[call-overload]  # sqlmodel types select() for ≤ 4 columns
                        .join(AnnualReport, AnnualReport.id == Indicator.annual_report_id)
                        .where(Indicator.clinic_id == review.clinic_id, Indicator.target != None,  # noqa: E711
                               AnnualReport.year < review.year, AnnualReport.year >= review.year - CHART_YEARS)
                        .order_by(Indicator.code, AnnualReport.year)).all()
    codes = list(dict.fromkeys(code for code, *_ in rows))[:CHART_INDICATORS]
    return [ChartPoint(name=figures.indicator_name(name, unit), year=year, value=value)
            for code, name, unit, year, value in rows if code in codes]


def _gap_decision(number: dict[int, int], no_action: dict, criterion_id: int, where: str) -> Block:
    """What the meeting decided on one gap or finding."""
    if criterion_id in number:
        return Decision(text=f"Beslutades att åtgärda bristen genom åtgärd {number[criterion_id]} (se {where}).")
    if criterion_id in no_action:
        return Decision(text=f"Beslutades att ingen åtgärd vidtas, med motiveringen: {no_action[criterion_id]}")
    return Text(text=NO_DECISION)


def _self_assessment(session: Session, actor: Actor, review: Review, decided: list, where: str) -> list[Block]:
    """The self-assessment summary, staffing, and every gap with its criterion text and decision."""
    blocks: list[Block] = [Text(text=self_assessments.summary(session, actor=actor, clinic_id=review.clinic_id,
                                                              year=review.year), record="self_assessment")]
    gaps = self_assessments.gaps(session, actor=actor, clinic_id=review.clinic_id, year=review.year)
    by_criterion: dict[int, int] = {}
    for a in decided:
        if a.criterion_id:
            by_criterion.setdefault(a.criterion_id, a.number)
    no_action = {d.criterion_id: d.no_action_reason for d in session.exec(
        select(FindingDecision).where(FindingDecision.review_id == review.id, FindingDecision.criterion_id != None))}  # noqa: E711
    for criterion, answer in gaps:
        blocks += _record(f"criterion:{criterion.code}", [
            Subheading(text=f"{criterion.code} (nivå {answer.level}) – {criterion.area}"),
            Text(text=answer.criterion_text)])
        blocks.append(_gap_decision(by_criterion, no_action, stored_id(criterion), where))
    return blocks


def _findings(session: Session, actor: Actor, review: Review, decided: list, clinic: Clinic) -> list[Block]:
    """Each finding with its decision, then the decided actions, numbered, each naming what it answers."""
    blocks: list[Block] = []
    for item in actions.findings_for_review(session, actor=actor, review_id=stored_id(review)):
        f = item.finding
        owner = "hela organisationen" if f.clinic_id is None else clinic.code
        blocks += _record(f"finding:{f.code}", [
            Subheading(text=f"{f.code} · {owner} · allvarlighet {glossary.term(f.severity, Severity).lower()}"),
            Text(text=f.description)])
        if item.actions:
            blocks.append(Decision(text="Beslutades att åtgärda bristen genom åtgärd "
                                        + ", ".join(str(a.number) for a in item.actions) + "."))
        elif item.no_action:
            blocks.append(Decision(text=f"Beslutades att ingen åtgärd vidtas, med motiveringen: "
                                        f"{item.no_action.no_action_reason}"))
        else:
            blocks.append(Text(text=NO_DECISION))
    if not blocks:
        blocks.append(Text(text="Inga brister för kliniken i bokslutet eller från kliniska revisioner."))
    codes = dict(session.exec(select(Finding.id, Finding.code)).all())
    criteria = dict(session.exec(select(Criterion.id, Criterion.code)).all())

    def answers(a) -> str:
        """What a decided action answers: a finding, a criterion, what the meeting wrote, or (before #21) nothing."""
        if a.finding_id in codes:
            return f"{MODELS['Finding']} {codes[a.finding_id]}"
        if a.criterion_id in criteria:
            return f"{MODELS['Criterion']} {criteria[a.criterion_id]}"
        return a.answers_to or "–"
    blocks.append(Subheading(text="Beslut om åtgärder"))
    if not decided:
        blocks.append(Decision(text="Beslutades att inga nya åtgärder behövs."))
        return blocks
    numbers = f"1–{len(decided)}" if len(decided) > 1 else "1"
    return [*blocks,
            Decision(text=f"Beslutades att genomföra åtgärd {numbers} enligt tabellen, med ansvarig och tidpunkt."),
            figures.decided_actions(decided, answers),
            Text(text="Verksamhetschefen ansvarar för att beslutade åtgärder genomförs. De följs upp vid nästa "
                      "genomgång.")]


def _next_review(review: Review) -> list[Block]:
    """When the next review is held."""
    if review.next_review_date is None:
        return [Text(text="Datum för nästa genomgång är inte bestämt.")]
    return [Decision(text=f"Beslutades att nästa genomgång hålls {date_text(review.next_review_date)}; då följs "
                          "beslutade åtgärder upp.")]


def notes_blocks(notes: str | None, *, after_content: bool) -> list[Block]:
    """A §'s notes; under their own small heading when the § prints something before them (a table, a list)."""
    if not notes:
        return []
    return [Subheading(text=FIELDS["notes"]), Text(text=notes)] if after_content else [Text(text=notes)]


def build_content(session: Session, *, actor: Actor, review: Review) -> MinutesContent:
    """Gather everything the minutes print as one typed document; a reopened version starts from the one replaced."""
    replaced = _replaced(session, review)
    content = _from_live_rows(session, actor, review, _replaces(review, replaced))
    if replaced is None:
        return content
    return revision.revise(content, read(replaced.content), reason=replaced.reopen_reason)


def _from_live_rows(session: Session, actor: Actor, review: Review, replaces: str | None) -> MinutesContent:
    """Gather everything the minutes print from the live rows."""
    clinic = get_or_fail(session, Clinic, review.clinic_id)
    organisation = get_or_fail(session, Organisation, clinic.organisation_id)
    names = _names(session)
    assessment = self_assessments.find(session, actor=actor, clinic_id=review.clinic_id, year=review.year)
    decided = decided_actions(session, stored_id(review))
    signed = _signers(session, review)
    items = agenda_rows(session, stored_id(review))
    findings_at = next((f"§ {i.number}" for i in items if i.kind == "findings"), "beslut om åtgärder")
    by_kind = {
        "opening": lambda: _opening(session, review, names), "adjusters": lambda: _adjusters(signed),
        "follow_up": lambda: _follow_up(session, review),
        "annual_report": lambda: _record("annual_report", bokslut_section(session, actor=actor, review=review)),
        "self_assessment": lambda: _self_assessment(session, actor, review, decided, findings_at),
        "findings": lambda: _findings(session, actor, review, decided, clinic),
        "next_review": lambda: _next_review(review)}
    sections = []
    for item in items:
        blocks = by_kind.get(item.kind, list)()
        blocks += notes_blocks(item.notes, after_content=bool(blocks))
        sections.append(Section(heading=f"§ {item.number} {item.title}", kind=item.kind,
                                blocks=[*blocks, *decision_lines(item.decisions)]))
    # What the agenda has no § for is still part of the record, after the last §.
    for kind, title in (("follow_up", "Uppföljning av tidigare beslutade åtgärder"),
                        ("annual_report", "Strålskyddsbokslutet"), ("self_assessment", PAGES["self_assessment"]),
                        ("findings", "Brister och beslut om åtgärder")):
        if not any(i.kind == kind for i in items):
            sections.append(Section(heading=f"§ {len(sections) + 1} {title}", kind=kind, blocks=by_kind[kind]()))
    return MinutesContent(
        title=meeting_title(review, clinic), number=review.protocol_number or "",
        organisation=organisation.name, licence_holder=organisation.licence_holder,
        licence_number=organisation.licence_number,
        clinic=f"{clinic.code} – {clinic.name}",
        when=(date_text(review.meeting_date) or "datum ej angivet")
        + (f" kl. {review.start_time}–{review.end_time or ''}" if review.start_time else ""),
        place=", ".join(p for p in (review.location, review.video_link) if p) or "–",
        basis=_basis(session, review, assessment), version=review.minutes_version,
        replaces=replaces, sections=sections,
        chart=key_indicator_trend(session, actor=actor, review=review), signers=signed)
