"""The minutes' content document: everything the printed protokoll says, gathered from the live rows.

It is built while the meeting is open (for the draft), and once more when the minutes are sent for
justering: then it is frozen in a MinutesVersion and never built again for that version. The document is
plain JSON (Swedish text and tables), so its SHA-256 covers exactly what is printed.
"""
from datetime import date

from sqlmodel import Session, col, select

from core import glossary
from core.enums import (
    ActionStatus,
    AttendanceStatus,
    GoalAssessment,
    MeetingRole,
    Priority,
    SafetyEventKind,
    SafetyEventStatus,
    Severity,
    SignatureRole,
    StaffGroup,
    SummaryPart,
)
from core.formatting import date_text, datetime_text, number_text, percent_text
from core.glossary import FIELDS, LABELS, MODELS, OVERDUE, PAGES
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
)
from core.permissions import Actor
from core.services import (
    actions,
    annual_reports,
    protection_figures,
    safety_events,
    self_assessments,
)
from core.services._queries import (
    agenda_rows,
    attendance_rows,
    decided_actions,
    follow_up_rows,
    missing_roles_of,
    signature_rows,
)
from core.services.meeting_notice import meeting_title

CHART_INDICATORS = 9  # three rows of three: what one A4 page shows legibly
CHART_YEARS = 6
CLOSED = (ActionStatus.DONE.value, ActionStatus.CANCELLED.value)
CAPACITY = {SignatureRole.CHAIR.value: glossary.term(SignatureRole.CHAIR),
            SignatureRole.SECRETARY.value: LABELS["at_the_minutes"],
            SignatureRole.ADJUSTER.value: glossary.term(SignatureRole.ADJUSTER)}


def text(value: str) -> dict:
    """A paragraph."""
    return {"kind": "text", "text": value}


def subheading(value: str) -> dict:
    """A small heading inside a §."""
    return {"kind": "subheading", "text": value}


def table(rows: list[list[str]], widths: list[int]) -> dict:
    """A table whose first row is the header."""
    return {"kind": "table", "rows": rows, "widths": widths}


def decision(value: str) -> dict:
    """A decision of the meeting, worded "Beslutades att …"."""
    return {"kind": "decision", "text": value}


def decision_lines(typed: str | None) -> list[dict]:
    """Turn what was typed in a §'s Beslut field into decisions, each worded "Beslutades att …"."""
    result = []
    for line in (typed or "").splitlines():
        line = line.strip().lstrip("-•").strip()
        if not line:
            continue
        if not line.casefold().startswith("beslutades"):
            lower = line[:1].lower() + line[1:] if line[1:2].islower() else line
            line = f"Beslutades att {lower.removeprefix('att ')}"
        result.append(decision(line if line.endswith((".", "!", "?")) else line + "."))
    return result


def _names(session: Session) -> dict[int, str]:
    """Return user id → name."""
    return dict(session.exec(select(User.id, User.name)).all())


def _basis(session: Session, review: Review, assessment) -> list[str]:
    """The underlag of the meeting, each with its version."""
    report = session.get(AnnualReport, review.annual_report_id) if review.annual_report_id else None
    lines = [f"Strålskyddsbokslut {review.year - 1}" + (
        (f", version {report.version_label}" if report.version_label else "")
        + (f", färdigställt {date_text(report.completed_on)}" if report.completed_on else "")
        + f", inläst {datetime_text(report.imported_at)}" if report else " (ej inläst)")]
    if assessment:
        template = session.get(AssessmentTemplate, assessment.template_id)
        lines.append(f"Egenkontroll {review.year} enligt {template.name}, version {template.version}")
    else:
        lines.append(f"Egenkontroll {review.year} (ej registrerad)")
    earlier = session.exec(select(Review).where(Review.clinic_id == review.clinic_id, Review.year < review.year)
                           .order_by(col(Review.year).desc())).first()
    if earlier:
        lines.append(f"Åtgärdslista från genomgången {earlier.year} (protokoll nr {earlier.protocol_number}, "
                     f"version {earlier.minutes_version})")
    return lines


def _replaces(session: Session, review: Review) -> str | None:
    """Say which approved version this one replaces, when, by whom and why."""
    if review.minutes_version <= 1:
        return None
    old = session.exec(select(MinutesVersion).where(MinutesVersion.review_id == review.id,
                                                    MinutesVersion.version == review.minutes_version - 1)).first()
    if old is None:
        return f"Denna version ersätter version {review.minutes_version - 1}."
    return (f"Denna version ersätter version {old.version}, justerad {datetime_text(old.approved_at)}. "
            f"{old.reopened_by_name} återöppnade protokollet {datetime_text(old.reopened_at)} med motiveringen: "
            f"{old.reopen_reason}")


def _signers(session: Session, review: Review) -> list[dict]:
    """Who signs the minutes of the current version: ordförande, protokollförare (vid protokollet), justerare."""
    names = _names(session)
    return [{"role": s.role, "capacity": CAPACITY[s.role], "name": names.get(s.user_id, "–")}
            for s in signature_rows(session, review)]


def _opening(session: Session, review: Review, names: dict[int, str]) -> list[dict]:
    """Who chaired, who kept the minutes, and who was there."""
    rows = [[FIELDS["role"], FIELDS["name"], MODELS["Attendance"], FIELDS["stand_in_for"]]] + [
        [glossary.term(a.meeting_role, MeetingRole), a.name or "–", glossary.term(a.status, AttendanceStatus),
         a.stand_in_for or ""] for a in attendance_rows(session, review.id)]
    blocks = [text(f"{glossary.term(SignatureRole.CHAIR)}: {names.get(review.chair_id, 'inte vald')}. "
                   f"{glossary.term(SignatureRole.SECRETARY)}: {names.get(review.secretary_id, 'inte vald')}."),
              table(rows, [50, 55, 30, 35])]
    missing = missing_roles_of(session, review.id)
    if missing:
        blocks.append(text("Ingen närvarande för: " + ", ".join(glossary.term(r, MeetingRole) for r in missing) + "."))
    return blocks


def _adjusters(signed: list[dict]) -> list[dict]:
    """The justerare the meeting chose."""
    chosen = [s["name"] for s in signed if s["role"] == SignatureRole.ADJUSTER]
    if not chosen:
        return [text("Justerare är inte valda.")]
    return [decision(f"Beslutades att välja {' och '.join(chosen)} att jämte ordföranden justera protokollet.")]


def _follow_up(session: Session, review: Review) -> list[dict]:
    """Last year's actions with the status recorded at this meeting; late ones marked, postponements decided."""
    meeting_day = review.meeting_date or date.max
    rows = [[LABELS["number"], FIELDS["title"], FIELDS["owner_name"], FIELDS["due_date"], LABELS["status_at_meeting"],
             FIELDS["status_comment"]]]
    decided = []
    for follow_up, action, year in follow_up_rows(session, review.id):
        number = f"{year}:{action.number}"
        due = follow_up.original_due_date or action.due_date
        status = glossary.term(follow_up.status, ActionStatus) if follow_up.status else "Ej uppföljd"
        if (follow_up.status or action.status) not in CLOSED and due < meeting_day:
            status += f" – {OVERDUE}"
        comment = follow_up.comment or ""
        if follow_up.status == ActionStatus.CANCELLED and action.cancel_reason:
            comment = f"{comment} Skäl: {action.cancel_reason}".strip()
            decided.append(decision(f"Beslutades att avskriva åtgärd {number} ({action.title}) med skälet: "
                                    f"{action.cancel_reason}"))
        when = date_text(due)
        if follow_up.new_due_date:
            when += f"\nNytt: {date_text(follow_up.new_due_date)}"
            decided.append(decision(f"Beslutades att skjuta upp åtgärd {number} ({action.title}) till "
                                    f"{date_text(follow_up.new_due_date)}."))
        rows.append([number, action.title, action.owner_name, when, status, comment])
    if len(rows) == 1:
        return [text("Det fanns inga tidigare beslutade åtgärder att följa upp.")]
    return [table(rows, [16, 46, 28, 24, 26, 30]), *decided]


def _indicator_name(indicator: Indicator) -> str:
    """Name an indicator with its unit."""
    return f"{indicator.name} ({indicator.unit})" if indicator.unit else indicator.name


def _annual_report(session: Session, actor: Actor, review: Review) -> tuple[list[dict], list[dict]]:
    """The bokslut for the clinic: the three parts of the Sammanfattning, goals, every indicator; chart data."""
    if review.annual_report_id is None:
        return [text(f"Strålskyddsbokslutet för {review.year - 1} är inte inläst.")], []
    view = annual_reports.report_view(session, actor=actor, year=review.year - 1, clinic_id=review.clinic_id)
    blocks = [subheading(MODELS["ReportSummary"])]
    for part in SummaryPart:
        parts = [s.text for s in view.summaries if s.part == part]
        blocks.append(text(f"{glossary.term(part, SummaryPart)}: " + (" ".join(parts) or "–")))
    goals = [[MODELS["Goal"], LABELS["target"], LABELS["outcome"], LABELS["goal_assessment"]]] + [
        [g.text, g.target or "", g.outcome or "", glossary.term(g.assessment, GoalAssessment)] for g in view.goals]
    blocks += [subheading(MODELS["Goal"]), table(goals, [76, 30, 30, 34]) if len(goals) > 1 else text("Inga mål.")]
    indicators = [[MODELS["Indicator"], LABELS["value"], MODELS["Goal"], str(review.year - 2), LABELS["against_target"]]] + [
        [_indicator_name(r.indicator), number_text(r.indicator.value), number_text(r.indicator.target) or "–",
         number_text(r.previous) or "–", "Inget mål" if r.met is None else glossary.term(GoalAssessment.MET if r.met else GoalAssessment.NOT_MET)]
        for r in view.indicators]
    blocks += [subheading(LABELS["indicators"]),
               table(indicators, [74, 22, 22, 22, 30]) if len(indicators) > 1 else text("Inga indikatorer.")]
    return blocks, _trend(session, review)


def _protection(session: Session, actor: Actor, review: Review) -> list[dict]:
    """Training per staff group against last year, personal doses and the DRL status, when the bokslut has them."""
    year, clinic_id, blocks = review.year - 1, review.clinic_id, []
    groups = glossary.options(StaffGroup)
    shares = protection_figures.training(session, actor=actor, year=year, clinic_id=clinic_id)
    if shares:
        rows = [[LABELS["staff_group"], LABELS["staff_count"], LABELS["trained_count"], LABELS["share_trained"],
                 str(year - 1)]] + [[groups[s.record.staff_group], number_text(s.record.staff_count),
                                     number_text(s.record.trained_count), percent_text(s.share) or "–", percent_text(s.previous) or "–"]
                                    for s in shares]
        blocks += [subheading(f"{MODELS['TrainingRecord']} {year}"), table(rows, [46, 26, 26, 34, 26])]
    doses = protection_figures.dosimetry(session, actor=actor, year=year, clinic_id=clinic_id)
    if doses:
        rows = [[LABELS["staff_group"], LABELS["category_a"], LABELS["max_hp10"], LABELS["max_hp3"],
                 LABELS["max_extremity"]]] + [[groups[d.staff_group], number_text(d.category_a_count) or "–",
                                               number_text(d.max_hp10) or "–", number_text(d.max_hp3) or "–",
                                               number_text(d.max_extremity) or "–"] for d in doses]
        blocks += [subheading(f"{MODELS['DosimetryRecord']} {year}"), table(rows, [46, 24, 32, 36, 36])]
    drl = protection_figures.drl_status(session, actor=actor, year=year, clinic_id=clinic_id)
    if drl:
        today = review.meeting_date or date(review.year, 12, 31)
        rows = [[LABELS["examination"], LABELS["local_level"], LABELS["national_drl"], LABELS["determined_on"]]] + [
            [d.examination, f"{number_text(d.local_level)} {d.unit or ''}".strip() or "–",
             f"{number_text(d.national_drl)} {d.unit or ''}".strip() or "–",
             date_text(d.determined_on) + (" (äldre än tre år)" if protection_figures.drl_is_old(d, today) else "")]
            for d in drl]
        blocks += [subheading(MODELS["DrlStatus"]), table(rows, [60, 36, 36, 42])]
    return blocks


def _events(session: Session, actor: Actor, review: Review) -> list[dict]:
    """The year's events reported to SSM and internal deviations, as the bokslut year saw them."""
    year = review.year - 1
    rows = [[FIELDS["occurred_on"], FIELDS["kind"], FIELDS["description"], FIELDS["ssm_reference"],
             FIELDS["status"]]] + [
        [date_text(e.occurred_on), glossary.term(SafetyEventKind(e.kind)), e.description, e.ssm_reference or "",
         glossary.term(SafetyEventStatus(e.status))]
        for e in reversed(safety_events.events(session, actor=actor, clinic_id=review.clinic_id, year=year))]
    heading = subheading(f"{PAGES['events']} {year}")
    return [heading, table(rows, [24, 34, 66, 26, 26]) if len(rows) > 1 else text("Inga registrerade.")]


def _trend(session: Session, review: Review) -> list[dict]:
    """The clinic's key indicators (those with a target) over the last years, capped to one page of charts."""
    rows = session.exec(select(Indicator.code, Indicator.name, Indicator.unit, AnnualReport.year, Indicator.value)
                        .join(AnnualReport, AnnualReport.id == Indicator.annual_report_id)
                        .where(Indicator.clinic_id == review.clinic_id, Indicator.target != None,  # noqa: E711
                               AnnualReport.year < review.year, AnnualReport.year >= review.year - CHART_YEARS)
                        .order_by(Indicator.code, AnnualReport.year)).all()
    codes = list(dict.fromkeys(code for code, *_ in rows))[:CHART_INDICATORS]
    return [{"name": f"{name} ({unit})" if unit else name, "year": year, "value": value}
            for code, name, unit, year, value in rows if code in codes]


def _gap_decision(number: dict[int, int], no_action: dict, criterion_id: int, where: str) -> dict:
    """What the meeting decided on one gap or finding."""
    if criterion_id in number:
        return decision(f"Beslutades att åtgärda bristen genom åtgärd {number[criterion_id]} (se {where}).")
    if criterion_id in no_action:
        return decision(f"Beslutades att ingen åtgärd vidtas, med motiveringen: {no_action[criterion_id]}")
    return text("Mötet fattade inget beslut.")


def _self_assessment(session: Session, actor: Actor, review: Review, decided: list, where: str) -> list[dict]:
    """The self-assessment summary, staffing, and every gap with its criterion text and decision."""
    blocks = [text(self_assessments.summary(session, actor=actor, clinic_id=review.clinic_id, year=review.year))]
    gaps = self_assessments.gaps(session, actor=actor, clinic_id=review.clinic_id, year=review.year)
    by_criterion = {}
    for a in decided:
        if a.criterion_id:
            by_criterion.setdefault(a.criterion_id, a.number)
    no_action = {d.criterion_id: d.no_action_reason for d in session.exec(
        select(FindingDecision).where(FindingDecision.review_id == review.id, FindingDecision.criterion_id != None))}  # noqa: E711
    for criterion, answer in gaps:
        blocks.append(subheading(f"{criterion.code} (nivå {answer.level}) – {criterion.area}"))
        blocks.append(text(answer.criterion_text))
        blocks.append(_gap_decision(by_criterion, no_action, criterion.id, where))
    return blocks


def _findings(session: Session, actor: Actor, review: Review, decided: list, clinic: Clinic) -> list[dict]:
    """Each finding with its decision, then the decided actions, numbered, each naming what it answers."""
    blocks = []
    for item in actions.findings_for_review(session, actor=actor, review_id=review.id):
        f = item.finding
        owner = "hela organisationen" if f.clinic_id is None else clinic.code
        blocks.append(subheading(f"{f.code} · {owner} · allvarlighet {glossary.term(f.severity, Severity).lower()}"))
        blocks.append(text(f.description))
        if item.actions:
            blocks.append(decision("Beslutades att åtgärda bristen genom åtgärd "
                                   + ", ".join(str(a.number) for a in item.actions) + "."))
        elif item.no_action:
            blocks.append(decision(f"Beslutades att ingen åtgärd vidtas, med motiveringen: "
                                   f"{item.no_action.no_action_reason}"))
        else:
            blocks.append(text("Mötet fattade inget beslut."))
    if not blocks:
        blocks.append(text("Inga brister för kliniken i bokslutet eller från kliniska revisioner."))
    codes = dict(session.exec(select(Finding.id, Finding.code)).all())
    criteria = dict(session.exec(select(Criterion.id, Criterion.code)).all())
    rows = [[LABELS["number"], FIELDS["title"], FIELDS["owner_name"], FIELDS["due_date"], LABELS["priority_short"],
             LABELS["answers_to"]]] + [
        [str(a.number), a.title + (f"\n{a.description}" if a.description else ""),
         a.owner_name + (f", {a.owner_role}" if a.owner_role else ""), date_text(a.due_date),
         glossary.term(a.priority, Priority),
         f"{MODELS['Finding']} {codes[a.finding_id]}" if a.finding_id in codes else
         f"{MODELS['Criterion']} {criteria[a.criterion_id]}" if a.criterion_id in criteria else "–"] for a in decided]
    blocks.append(subheading(LABELS["action_decisions"]))
    if len(rows) == 1:
        blocks.append(decision("Beslutades att inga nya åtgärder behövs."))
        return blocks
    numbers = f"1–{len(decided)}" if len(decided) > 1 else "1"
    blocks += [decision(f"Beslutades att genomföra åtgärd {numbers} enligt tabellen, med ansvarig och tidpunkt."),
               table(rows, [9, 56, 32, 22, 15, 36]),
               text("Verksamhetschefen ansvarar för att beslutade åtgärder genomförs. De följs upp vid nästa "
                    "genomgång.")]
    return blocks


def _next_review(review: Review) -> list[dict]:
    """When the next review is held."""
    if review.next_review_date is None:
        return [text("Datum för nästa genomgång är inte bestämt.")]
    return [decision(f"Beslutades att nästa genomgång hålls {date_text(review.next_review_date)}; då följs "
                     "beslutade åtgärder upp.")]


def build_content(session: Session, *, actor: Actor, review: Review) -> dict:
    """Gather everything the minutes print, from the live rows, as one JSON document."""
    clinic = session.get(Clinic, review.clinic_id)
    organisation = session.get(Organisation, clinic.organisation_id)
    names = _names(session)
    assessment = self_assessments.find(session, actor=actor, clinic_id=clinic.id, year=review.year)
    decided = decided_actions(session, review.id)
    signed = _signers(session, review)
    report_blocks, trend = _annual_report(session, actor, review)
    items = agenda_rows(session, review.id)
    findings_at = next((f"§ {i.number}" for i in items if i.kind == "findings"), "beslut om åtgärder")
    by_kind = {
        "opening": lambda: _opening(session, review, names), "adjusters": lambda: _adjusters(signed),
        "follow_up": lambda: _follow_up(session, review),
        "annual_report": lambda: report_blocks + _protection(session, actor, review) + _events(session, actor, review),
        "self_assessment": lambda: _self_assessment(session, actor, review, decided, findings_at),
        "findings": lambda: _findings(session, actor, review, decided, clinic),
        "next_review": lambda: _next_review(review)}
    sections = []
    for item in items:
        blocks = by_kind.get(item.kind, list)()
        blocks += [text(item.notes)] if item.notes else []
        sections.append({"heading": f"§ {item.number} {item.title}", "kind": item.kind,
                         "blocks": blocks + decision_lines(item.decisions)})
    # What the agenda has no § for is still part of the record, after the last §.
    for kind, title in (("follow_up", LABELS["follow_up_section"]),
                        ("annual_report", LABELS["annual_report_section"]), ("self_assessment", PAGES["self_assessment"]),
                        ("findings", LABELS["findings_section"])):
        if not any(i.kind == kind for i in items):
            sections.append({"heading": f"§ {len(sections) + 1} {title}", "kind": kind, "blocks": by_kind[kind]()})
    return {
        "title": meeting_title(review, clinic), "number": review.protocol_number or "",
        "organisation": organisation.name, "licence_holder": organisation.licence_holder,
        "licence_number": organisation.licence_number,
        "clinic": f"{clinic.code} – {clinic.name}",
        "when": (date_text(review.meeting_date) or "datum ej angivet")
        + (f" kl. {review.start_time}–{review.end_time or ''}" if review.start_time else ""),
        "place": ", ".join(p for p in (review.location, review.video_link) if p) or "–",
        "basis": _basis(session, review, assessment), "version": review.minutes_version,
        "replaces": _replaces(session, review), "sections": sections, "chart": trend, "signers": signed,
    }
