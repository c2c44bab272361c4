"""Assemble the printed minutes of a review from the database, in Swedish, and render the PDF."""
from sqlmodel import Session, select

from core import charts, glossary
from core.documents.minutes_pdf import MinutesDocument, Signer, minutes_pdf
from core.enums import (
    ActionStatus,
    AttendanceStatus,
    GoalAssessment,
    MeetingRole,
    Priority,
    Severity,
    SignatureRole,
)
from core.formatting import date_text, datetime_text, number_text
from core.models import AnnualReport, Clinic, Finding, Indicator, Review, User
from core.permissions import Actor
from core.services import actions, annual_reports, minutes, reviews, self_assessments
from core.services.invitations import meeting_title


def _names(session: Session) -> dict[int, str]:
    """Return user id → name."""
    return dict(session.exec(select(User.id, User.name)).all())


def _follow_up(session: Session, review: Review) -> list[list[str]]:
    """The follow-up table with the status recorded at this meeting (frozen with the minutes)."""
    rows = [["Nr", "Åtgärd", "Ansvarig", "Klart senast", "Status vid mötet", "Kommentar"]]
    for follow_up, action, year in actions.follow_ups(session, review.id):
        status = glossary.term(follow_up.status, ActionStatus) if follow_up.status else "Ej uppföljd"
        comment = follow_up.comment or ""
        if follow_up.status == ActionStatus.CANCELLED and action.cancel_reason:
            comment = f"{comment} Skäl: {action.cancel_reason}".strip()
        rows.append([f"{year}:{action.number}", action.title, action.owner_name, date_text(action.due_date),
                     status, comment])
    return rows


def _report_tables(session: Session, actor: Actor, review: Review) -> tuple[list, list, list, list]:
    """Goals, key indicators (with last year), findings (with the decision), and the chart data."""
    goals = [["Mål", "Målvärde", "Utfall", "Bedömning"]]
    indicators = [["Indikator", "Värde", "Mål", str(review.year - 2), "Mot målet"]]
    findings = [["Brist-ID", "Beskrivning", "Allvarl.", "Beslut"]]
    if review.annual_report_id is None:
        return goals, indicators, findings, []
    view = annual_reports.report_view(session, actor=actor, year=review.year - 1, clinic_id=review.clinic_id)
    goals += [[g.text, g.target or "", g.outcome or "", glossary.term(g.assessment, GoalAssessment)] for g in view.goals]
    key = [r for r in view.indicators if r.indicator.target is not None and r.indicator.clinic_id]
    indicators += [[f"{r.indicator.name} ({r.indicator.unit or ''})".replace(" ()", ""), number_text(r.indicator.value),
                    number_text(r.indicator.target), number_text(r.previous),
                    "–" if r.met is None else ("Uppfyllt" if r.met else "Ej uppfyllt")] for r in key]
    for item in actions.findings_for_review(session, actor=actor, review_id=review.id):
        decision = ("Åtgärd " + ", ".join(str(a.number) for a in item.actions) if item.actions
                    else "Ingen åtgärd" if item.no_action else "–")
        findings.append([item.finding.code, item.finding.description, glossary.term(item.finding.severity, Severity),
                         decision])
    trend = session.exec(select(Indicator.name, AnnualReport.year, Indicator.value)
                         .join(AnnualReport, AnnualReport.id == Indicator.annual_report_id)
                         .where(Indicator.clinic_id == review.clinic_id, Indicator.target != None,  # noqa: E711
                                AnnualReport.year < review.year).order_by(Indicator.code, AnnualReport.year)).all()
    return goals, indicators, findings, [{"name": n, "year": y, "value": v} for n, y, v in trend]


def _signers(session: Session, review: Review, names: dict[int, str]) -> list[Signer]:
    """Ordförande, protokollförare and justerare, with the time of approval once given."""
    signed = minutes.signatures(session, review)
    result = [Signer(glossary.term(s.role, SignatureRole), names.get(s.user_id, "–"), datetime_text(s.signed_at))
              for s in signed if s.role == SignatureRole.CHAIR]
    result.append(Signer("Vid protokollet (protokollförare)", names.get(review.secretary_id, "–"), None))
    result += [Signer("Justerare", names.get(s.user_id, "–"), datetime_text(s.signed_at))
               for s in signed if s.role == SignatureRole.ADJUSTER]
    return result


def _actions(session: Session, review: Review) -> tuple[list[list[str]], list[list[str]]]:
    """Decided actions, and findings decided to need no action."""
    codes = dict(session.exec(select(Finding.id, Finding.code)).all())
    decided = [["Nr", "Åtgärd", "Ansvarig", "Klart senast", "Prio", "Brist"]]
    decided += [[str(a.number), a.title + (f"\n{a.description}" if a.description else ""),
                 a.owner_name + (f", {a.owner_role}" if a.owner_role else ""), date_text(a.due_date),
                 glossary.term(a.priority, Priority), codes.get(a.finding_id, "")]
                for a in actions.review_actions(session, review.id)]
    content = minutes.minutes_content(session, review.id)
    none = [["Brist", "Motivering"]] + [[codes.get(d["finding_id"], ""), d["no_action_reason"]]
                                        for d in content["no_action"]]
    return decided, none


def _item_text(session: Session, review: Review, item, names: dict[int, str]) -> str:
    """A §'s notes, with what the minutes must state for it: the justerare, the next review."""
    facts = ""
    if item.kind == "adjusters":
        chosen = [names.get(s.user_id, "–") for s in minutes.signatures(session, review) if s.role == "adjuster"]
        facts = f"Till justerare valdes {' och '.join(chosen)}." if chosen else "Justerare är inte valda."
    elif item.kind == "next_review":
        facts = f"Nästa genomgång: {date_text(review.next_review_date) or 'inte bestämt'}."
    return "\n".join(t for t in (facts, item.notes or "") if t)


def build_document(session: Session, *, actor: Actor, review_id: int, with_chart: bool = True) -> MinutesDocument:
    """Gather the minutes of a review."""
    review = reviews.get_review(session, actor=actor, review_id=review_id)
    clinic = session.get(Clinic, review.clinic_id)
    names = _names(session)
    goals, indicators, findings, trend = _report_tables(session, actor, review)
    decided, no_action = _actions(session, review)
    content = minutes.minutes_content(session, review.id)
    attendance = [["Roll", "Namn", "Närvaro", "Ersätter"]] + [
        [glossary.term(a.meeting_role, MeetingRole), a.name or "–", glossary.term(a.status, AttendanceStatus),
         a.stand_in_for or ""] for a in reviews.attendance(session, review.id)]
    return MinutesDocument(
        title=meeting_title(review, clinic), number=review.protocol_number or "", clinic=f"{clinic.code} – {clinic.name}",
        when=(date_text(review.meeting_date) or "datum ej angivet")
        + (f" kl. {review.start_time}–{review.end_time or ''}" if review.start_time else ""),
        place=", ".join(p for p in (review.location, review.video_link) if p) or "–",
        basis=f"Strålskyddsbokslut {review.year - 1}" + ("" if review.annual_report_id else " (ej inläst)"),
        version=review.minutes_version, checksum=minutes.content_hash(content),
        draft=review.status != "approved", attendance=attendance,
        agenda=[(f"§ {i.number} {i.title}", _item_text(session, review, i, names), i.decisions or "")
                for i in reviews.agenda(session, review.id)],
        follow_up=_follow_up(session, review), goals=goals, indicators=indicators, findings=findings,
        self_assessment=self_assessments.summary(session, actor=actor, clinic_id=clinic.id, year=review.year),
        actions=decided, no_action=no_action,
        next_review=date_text(review.next_review_date) or "Inte bestämt.", signers=_signers(session, review, names),
        chart_png=charts.png(charts.key_indicators_chart(trend)) if with_chart and trend else None)


def review_minutes_pdf(session: Session, *, actor: Actor, review_id: int, with_chart: bool = True) -> bytes:
    """Return the minutes of a review as a PDF."""
    return minutes_pdf(build_document(session, actor=actor, review_id=review_id, with_chart=with_chart))
