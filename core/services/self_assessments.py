"""Egenkontroll: criteria sets, a clinic's yearly self-assessment, its answers and results."""
import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, col, select

from core import history
from core.annual_report.reader import parse_number
from core.enums import FindingSource, HistoryOperation, Severity
from core.errors import InvalidInput, NotFound
from core.files import safe_filename
from core.formatting import percent_text
from core.models import (
    Answer,
    AssessmentTemplate,
    Clinic,
    Criterion,
    Document,
    Finding,
    SelfAssessment,
    stored_id,
)
from core.permissions import Actor, Permission, require
from core.resources import TEMPLATES
from core.self_assessment.criteria import applies, parse_criteria
from core.self_assessment.staffing import CODE_WORDS, GROUPS, StaffingInput, compare, fte_text
from core.services._common import claim_version, get_or_fail
from core.services._queries import active_template, decided_finding_ids
from core.services._rules import claim_year_open
from core.validation import checked_arguments

SHIPPED_CRITERIA = TEMPLATES / "egenkontroll"

LEVELS = {0: "Saknas", 1: "Påbörjat", 2: "Delvis uppfyllt", 3: "Huvudsakligen uppfyllt", 4: "Helt uppfyllt"}
NOT_APPLICABLE = "Ej tillämpligt"
GAP_BELOW = 3  # QUANUM: 3–4 conform, 0–2 do not


def _version_number(version: str) -> int:
    """Order shipped versions by number ("10" after "9"); a version that is not a number sorts first."""
    return int(version) if version.isdigit() else 0


def shipped_criteria() -> dict[str, Path]:
    """The criteria files that come with the portal (templates/egenkontroll), by version, oldest first."""
    found = {}
    for path in SHIPPED_CRITERIA.glob("kriterier-v*.yaml"):
        parsed, _ = parse_criteria(path.read_text(encoding="utf-8"))
        if parsed:
            found[parsed.version] = path
    return dict(sorted(found.items(), key=lambda item: _version_number(item[0])))


def unloaded_shipped_criteria(session: Session, *, actor: Actor) -> list[str]:
    """The shipped versions newer than any loaded one (an installation loads them itself; the last loaded is used).

    An older shipped version is no longer offered once a newer one is loaded: loading it would make it the set
    that new self-assessments use.
    """
    require(actor, Permission.MANAGE_TEMPLATES)
    loaded = set(session.exec(select(AssessmentTemplate.version)))
    newest = max((_version_number(v) for v in loaded), default=0)
    return [v for v in shipped_criteria() if v not in loaded and _version_number(v) > newest]


def load_shipped_criteria(session: Session, *, actor: Actor, version: str, now: datetime) -> AssessmentTemplate:
    """Load one of the criteria versions that come with the portal."""
    path = shipped_criteria().get(version)
    if path is None:
        raise InvalidInput([f"Version {version} av kriterierna följer inte med portalen."])
    return load_criteria_set(session, actor=actor, text=path.read_text(encoding="utf-8"), now=now)


def load_criteria_set(session: Session, *, actor: Actor, text: str, now: datetime) -> AssessmentTemplate:
    """Load a new version of a criteria set; the older versions stay for the answers that used them."""
    require(actor, Permission.MANAGE_TEMPLATES)
    history.track(session, actor=actor, now=now)
    parsed, problems = parse_criteria(text)
    if parsed is None:  # a set is returned exactly when it has no problems
        raise InvalidInput(problems)
    if session.exec(select(AssessmentTemplate).where(AssessmentTemplate.name == parsed.name,
                                                     AssessmentTemplate.version == parsed.version)).first():
        raise InvalidInput([f"Rad {parsed.version_line}: {parsed.name} version {parsed.version} är redan inläst; "
                            "höj versionen."])
    for older in session.exec(select(AssessmentTemplate).where(AssessmentTemplate.name == parsed.name)):
        older.active = False
        session.add(older)
    template = AssessmentTemplate(name=parsed.name, version=parsed.version, source=text, loaded_at=now)
    session.add(template)
    session.flush()
    session.add_all(Criterion(template_id=stored_id(template), code=c.code, area=c.area, text=c.text,
                              evidence_hint=c.evidence_hint, reference=c.reference, reference_verified=c.verified,
                              quote=c.quote, note=c.note, modalities=c.modalities, position=c.position)
                    for c in parsed.criteria)
    history.record(session, template, operation=HistoryOperation.CREATE,
                   new={"namn": parsed.name, "version": parsed.version, "kriterier": len(parsed.criteria)})
    return template


def find(session: Session, *, actor: Actor, clinic_id: int, year: int) -> SelfAssessment | None:
    """Return the clinic's self-assessment of a year, if started."""
    require(actor, Permission.VIEW_CLINIC, clinic_id)
    return session.exec(select(SelfAssessment).where(SelfAssessment.clinic_id == clinic_id,
                                                     SelfAssessment.year == year)).first()


def start(session: Session, *, actor: Actor, clinic_id: int, year: int, copy_last_year: bool,
          now: datetime) -> SelfAssessment:
    """Start a year's self-assessment, empty or with last year's answers marked 'ej omprövad'."""
    require(actor, Permission.EDIT_SELF_ASSESSMENT, clinic_id)
    history.track(session, actor=actor, now=now)
    claim_year_open(session, clinic_id=clinic_id, year=year, what=f"Egenkontrollen {year}")
    template = active_template(session)
    if template is None:
        raise NotFound("Ingen egenkontrollmall är inläst. Strålsäkerhetsstrategen läser in den under Mallar.")
    if find(session, actor=actor, clinic_id=clinic_id, year=year):
        raise InvalidInput([f"År: egenkontrollen för {year} är redan påbörjad."])
    previous = find(session, actor=actor, clinic_id=clinic_id, year=year - 1) if copy_last_year else None
    if copy_last_year and previous is None:
        raise InvalidInput([f"Kopiera: det finns ingen egenkontroll för {year - 1} att kopiera."])
    clinic = get_or_fail(session, Clinic, clinic_id)
    assessment = SelfAssessment(clinic_id=clinic_id, year=year, template_id=stored_id(template), created_at=now,
                                created_by_id=actor.user_id, copied_from_id=previous.id if previous else None)
    session.add(assessment)
    session.flush()
    earlier = _answers_by_code(session, stored_id(previous)) if previous else {}
    for criterion in session.exec(select(Criterion).where(Criterion.template_id == template.id)
                                  .order_by(col(Criterion.position))):
        if applies(criterion.modalities, clinic.modalities):
            session.add(_new_answer(stored_id(assessment), criterion, earlier.get(criterion.code)))
    return assessment


def _answers_by_code(session: Session, assessment_id: int) -> dict[str, Answer]:
    """Return an assessment's answers keyed by criterion code."""
    rows = session.exec(select(Answer, Criterion.code).join(Criterion, col(Criterion.id) == Answer.criterion_id)
                        .where(Answer.self_assessment_id == assessment_id)).all()
    return {code: answer for answer, code in rows}


def _new_answer(assessment_id: int, criterion: Criterion, copied: Answer | None) -> Answer:
    """An empty answer, or a copy of last year's marked as not yet reconsidered."""
    answer = Answer(self_assessment_id=assessment_id, criterion_id=stored_id(criterion), criterion_text=criterion.text)
    if copied:
        answer.level, answer.not_applicable = copied.level, copied.not_applicable
        answer.not_applicable_reason, answer.evidence = copied.not_applicable_reason, copied.evidence
        answer.comment, answer.reconsidered = copied.comment, False
    return answer


def _claim_open(session: Session, assessment: SelfAssessment) -> None:
    """Refuse a change once the year's minutes, which print the self-assessment, are sent for justering."""
    claim_year_open(session, clinic_id=assessment.clinic_id, year=assessment.year,
                    what=f"Egenkontrollen {assessment.year}")


def _check_answer(code: str, level: int | None, not_applicable: bool, reason: str | None) -> None:
    """Refuse an answer without a level 0–4, or Ej tillämpligt without a reason."""
    if not_applicable and not (reason or "").strip():
        raise InvalidInput([f"{code}: ange skälet till Ej tillämpligt i kommentaren."])
    if not not_applicable and (level is None or level not in LEVELS):
        raise InvalidInput([f"{code}: välj nivå 0–4 (fick {level})."])


@checked_arguments()
def save_answer(session: Session, *, actor: Actor, answer_id: int, level: int | None, not_applicable: bool,
                reason: str | None, evidence: str | None, comment: str | None, now: datetime,
                expected_version: int) -> Answer:
    """Record one assessment (level 0–4, or Ej tillämpligt with a reason) as reconsidered; refused on a stale form."""
    history.track(session, actor=actor, now=now)
    answer = get_or_fail(session, Answer, answer_id)
    assessment = get_or_fail(session, SelfAssessment, answer.self_assessment_id)
    require(actor, Permission.EDIT_SELF_ASSESSMENT, assessment.clinic_id)
    _claim_open(session, assessment)
    code = get_or_fail(session, Criterion, answer.criterion_id).code
    _check_answer(code, level, not_applicable, reason)
    claim_version(session, Answer, answer_id, expected_version, what=f"svaret på {code}")
    answer.level, answer.not_applicable = (None, True) if not_applicable else (level, False)
    answer.not_applicable_reason = (reason or "").strip() or None if not_applicable else None
    answer.evidence, answer.comment = (evidence or "").strip() or None, (comment or "").strip() or None
    answer.reconsidered, answer.answered_by_id, answer.answered_at = True, actor.user_id, now
    session.add(answer)
    return answer


@dataclass
class AreaResult:
    """An area's score: % of the maximum over answered, applicable criteria."""

    area: str
    answered: int = 0
    total: int = 0
    points: int = 0
    possible: int = 0
    gaps: list[tuple[Criterion, Answer]] = field(default_factory=list)

    @property
    def percent(self) -> float | None:
        """Return the score in percent, or None when nothing scorable is answered."""
        return round(100 * self.points / self.possible, 1) if self.possible else None


def answers(session: Session, *, actor: Actor, assessment_id: int) -> list[tuple[Answer, Criterion]]:
    """Return the answers with their criteria, in the criteria set's order."""
    _visible(session, actor, assessment_id)
    return _answers(session, assessment_id)


def _answers(session: Session, assessment_id: int) -> list[tuple[Answer, Criterion]]:
    """Return the answers with their criteria (the caller has checked the actor)."""
    return list(session.exec(select(Answer, Criterion).join(Criterion, col(Criterion.id) == Answer.criterion_id)
                             .where(Answer.self_assessment_id == assessment_id)
                             .order_by(col(Criterion.position))).all())


def results(session: Session, *, actor: Actor, assessment_id: int) -> list[AreaResult]:
    """Score every area (E/T and unanswered left out) and list the gaps (level below 3)."""
    _visible(session, actor, assessment_id)
    return _results(session, assessment_id)


def _visible(session: Session, actor: Actor, assessment_id: int) -> SelfAssessment:
    """Return an assessment the actor may see."""
    assessment = get_or_fail(session, SelfAssessment, assessment_id)
    require(actor, Permission.VIEW_CLINIC, assessment.clinic_id)
    return assessment


def _results(session: Session, assessment_id: int) -> list[AreaResult]:
    """Score every area (the caller has checked the actor)."""
    by_area: dict[str, AreaResult] = {}
    for answer, criterion in _answers(session, assessment_id):
        result = by_area.setdefault(criterion.area, AreaResult(criterion.area))
        result.total += 1
        if answer.not_applicable or answer.level is not None:
            result.answered += 1
        if answer.level is not None and not answer.not_applicable:
            result.points, result.possible = result.points + answer.level, result.possible + 4
            if answer.level < GAP_BELOW:
                result.gaps.append((criterion, answer))
    return list(by_area.values())


def total_percent(areas: list[AreaResult]) -> float | None:
    """Return the overall score in percent."""
    possible = sum(a.possible for a in areas)
    return round(100 * sum(a.points for a in areas) / possible, 1) if possible else None


def summary(session: Session, *, actor: Actor, clinic_id: int, year: int) -> str:
    """Summarise a clinic's self-assessment of a year in one Swedish paragraph (for the meeting and minutes)."""
    assessment = find(session, actor=actor, clinic_id=clinic_id, year=year)
    if assessment is None:
        return f"Ingen egenkontroll är registrerad för {year}."
    areas = _results(session, stored_id(assessment))
    total = total_percent(areas)
    answered, count = sum(a.answered for a in areas), sum(a.total for a in areas)
    gaps = [f"{c.code} ({a.level})" for area in areas for c, a in area.gaps]
    scores = "; ".join(f"{a.area} {percent_text(a.percent, 0)}" for a in areas if a.percent is not None)
    short = [f"{r.group} saknar {fte_text(r.shortfall)}" for r in staffing_shortfalls(assessment)]
    return (f"Egenkontroll {year}: {answered} av {count} kriterier besvarade, total poäng "
            f"{percent_text(total, 0) or '–'}. Poäng per område: {scores or '–'}. "
            f"Brister (nivå under 3): {', '.join(gaps) or 'inga'}."
            + (f" Bemanning strålbehandling under riktmärket i STUK ST 2.1, Tabell 1 (ett finskt riktmärke, "
               f"inte ett svenskt krav), i heltidstjänster: {'; '.join(short)}." if short else ""))


def gaps(session: Session, *, actor: Actor, clinic_id: int, year: int) -> list[tuple[Criterion, Answer]]:
    """Return the criteria the clinic scored below 3 in a year."""
    assessment = find(session, actor=actor, clinic_id=clinic_id, year=year)
    if assessment is None:
        return []
    return [gap for area in _results(session, stored_id(assessment)) for gap in area.gaps]


def criteria_sets(session: Session, *, actor: Actor) -> list[tuple[AssessmentTemplate, int]]:
    """Return every criteria set with its number of criteria, newest first."""
    require(actor, Permission.MANAGE_TEMPLATES)
    counts = dict(session.exec(select(Criterion.template_id, func.count())
                               .group_by(col(Criterion.template_id))).all())
    sets = session.exec(select(AssessmentTemplate).order_by(col(AssessmentTemplate.loaded_at).desc())).all()
    return [(t, counts.get(stored_id(t), 0)) for t in sets]


def save_staffing(session: Session, *, actor: Actor, assessment_id: int, inputs: dict, actual: dict,
                  expected_version: int, now: datetime) -> SelfAssessment:
    """Keep the radiotherapy staffing figures with the year's self-assessment; refused on a stale form."""
    history.track(session, actor=actor, now=now)
    assessment = get_or_fail(session, SelfAssessment, assessment_id)
    require(actor, Permission.EDIT_SELF_ASSESSMENT, assessment.clinic_id)
    _claim_open(session, assessment)
    staff, problems = {}, []
    for key, text in actual.items():
        try:
            value = parse_number(text)[0] if str(text or "").strip() else None
        except ValueError:
            problems.append(f"{GROUPS[key]}: \"{text}\" är inte ett tal (t.ex. 2,5).")
            continue
        if value is not None and value < 0:
            problems.append(f"{GROUPS[key]}: kan inte vara negativt.")
        staff[key] = value
    if problems:
        raise InvalidInput(problems)
    claim_version(session, SelfAssessment, assessment_id, expected_version,
                  what=f"bemanningen i egenkontrollen {assessment.year}")
    assessment.staffing = {"inputs": inputs, "actual": staff}
    session.add(assessment)
    _staffing_findings(session, assessment, now)
    return assessment


def staffing_code(year: int, group: str) -> str:
    """The code of the finding a staffing shortfall becomes, e.g. BEM-2026-FYSIKER."""
    return f"BEM-{year}-{CODE_WORDS.get(group, '')}"


def _staffing_findings(session: Session, assessment: SelfAssessment, now: datetime) -> None:
    """Make each shortfall a finding the meeting must decide on; drop an undecided one that is no longer short."""
    key_of = {label: key for key, label in GROUPS.items()}
    short = {key_of[row.group]: row for row in staffing_shortfalls(assessment)}
    prefix = staffing_code(assessment.year, "")
    existing = {f.code: f for f in session.exec(select(Finding).where(
        Finding.clinic_id == assessment.clinic_id, col(Finding.annual_report_id).is_(None),
        col(Finding.code).startswith(prefix), Finding.source == FindingSource.SELF_ASSESSMENT.value))}
    for key, row in short.items():
        code = staffing_code(assessment.year, key)
        text = (f"Bemanning strålbehandling {assessment.year}: {row.group} {fte_text(row.actual)} heltidstjänster "
                f"mot riktmärket {fte_text(row.required)}; saknas {fte_text(row.shortfall)}. Riktmärket är STUK ST "
                "2.1 Tabell 1, ett finskt riktmärke, inte ett svenskt krav.")
        finding = existing.pop(code, None) or Finding(clinic_id=assessment.clinic_id, code=code, created_at=now,
                                                      severity=Severity.MEDIUM.value, description=text,
                                                      source=FindingSource.SELF_ASSESSMENT.value,
                                                      area="Organisation, ansvar och resurser")
        finding.description, finding.reference = text, "STUK ST 2.1 Tabell 1"
        session.add(finding)
    decided = decided_finding_ids(session, [stored_id(f) for f in existing.values()])
    for finding in existing.values():  # no longer short: gone, unless a review has decided on it
        if finding.id not in decided:
            session.delete(finding)
    session.flush()


def staffing_shortfalls(assessment: SelfAssessment) -> list:
    """Return the groups below Tabell 1's requirement, from the stored figures."""
    if not assessment.staffing:
        return []
    rows = compare(StaffingInput(**assessment.staffing["inputs"]), assessment.staffing["actual"])
    return [row for row in rows if row.shortfall > 0]


def attach_evidence(session: Session, *, actor: Actor, answer_id: int, data: bytes, filename: str,
                    media_type: str, now: datetime) -> Document:
    """Keep a file as evidence for one answer, with its SHA-256, under a safe base name."""
    history.track(session, actor=actor, now=now)
    filename = safe_filename(filename)
    answer = get_or_fail(session, Answer, answer_id)
    assessment = get_or_fail(session, SelfAssessment, answer.self_assessment_id)
    require(actor, Permission.EDIT_SELF_ASSESSMENT, assessment.clinic_id)
    _claim_open(session, assessment)
    if not data:
        raise InvalidInput([f"Fil: {filename} är tom."])
    document = Document(answer_id=answer.id, kind="evidence", filename=filename, media_type=media_type or
                        "application/octet-stream", size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                        content=data, uploaded_at=now, uploaded_by_id=actor.user_id)
    session.add(document)
    session.flush()
    history.record(session, document, operation=HistoryOperation.CREATE, clinic_id=assessment.clinic_id,
                   new={"underlag": filename, "sha256": document.sha256})
    return document


def evidence_files(session: Session, *, actor: Actor, assessment_id: int) -> dict[int, list[Document]]:
    """Return the evidence files of an assessment, by answer id."""
    assessment = get_or_fail(session, SelfAssessment, assessment_id)
    require(actor, Permission.VIEW_CLINIC, assessment.clinic_id)
    ids = select(Answer.id).where(Answer.self_assessment_id == assessment_id)
    files: dict[int, list[Document]] = {}
    query = select(Document).where(col(Document.answer_id).in_(ids)).order_by(col(Document.id))
    for document in session.exec(query):
        if document.answer_id is not None:  # always: the query picks files of answers
            files.setdefault(document.answer_id, []).append(document)
    return files
