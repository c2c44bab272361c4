"""Each rule is defined once: status groups on their enums, overdue as one hybrid, no status spelled as a literal."""
import ast
from datetime import date

import pytest
from sqlmodel import select

from core import enums, history
from core.enums import ActionStatus, ReviewStatus, SafetyEventStatus
from core.models import Action, Review, SafetyEvent
from core.services import reviews, safety_events
from core.services._rules import claim_editable
from tests.conftest import PROJECT_DIR
from tests.factories import NOW, make_clinic, make_org

# Value sets whose values must be spelled through their enum, never as a string.
STATUS_ENUMS = (enums.ActionStatus, enums.ReviewStatus, enums.AttendanceStatus, enums.SafetyEventStatus,
                enums.SafetyEventKind, enums.SignatureRole, enums.HistoryOperation)
# The enums define the values; the glossary gives each value its Swedish term, keyed by the value.
DEFINING = {"core/enums.py", "core/glossary.py"}
KNOWN_COPIES: set[str] = set()  # none left
# A string used as a key (a label, a page, a row's field) is a name, not a value, even when spelled alike.
KEY_TAKERS = {"get", "pop", "setdefault", "guard", "PageDef"}


def _product_files():
    """Yield (relative path, parsed module) of every product module but the migrations."""
    for path in sorted([*(PROJECT_DIR / "core").rglob("*.py"), *(PROJECT_DIR / "pages").rglob("*.py"),
                        PROJECT_DIR / "app.py"]):
        relative = path.relative_to(PROJECT_DIR).as_posix()
        if "migrations" not in path.parts:
            yield relative, ast.parse(path.read_text(encoding="utf-8"))


def _exempt(tree: ast.AST) -> set[int]:
    """Return the ids of the docstrings, the strings used as keys and the names in __all__ of a module."""
    exempt = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (isinstance(body, list) and body and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)):
            exempt.add(id(body[0].value))
        if isinstance(node, ast.Subscript):
            exempt.add(id(node.slice))
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in node.targets):
            exempt |= {id(name) for name in ast.walk(node.value)}  # function names
        if isinstance(node, ast.Call) and node.args:
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            if name in KEY_TAKERS:
                exempt.add(id(node.args[0]))
    return exempt


def test_no_status_is_spelled_as_a_string_outside_its_enum():
    values = {member.value: f"{kind.__name__}.{member.name}" for kind in STATUS_ENUMS for member in kind}
    offenders = []
    for relative, tree in _product_files():
        if relative in DEFINING:
            continue
        exempt = _exempt(tree)
        offenders += [f"{relative}:{node.lineno} \"{node.value}\" (use {values[node.value]})" for node in ast.walk(tree)
                      if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in values
                      and id(node) not in exempt]
    assert not offenders, "\n".join(offenders)


def _members_named(node: ast.AST, kind: str) -> int:
    """Count the elements of a tuple, list or set that name a member of the enum (X.MEMBER or X.MEMBER.value)."""
    count = 0
    for element in getattr(node, "elts", []):
        while isinstance(element, ast.Attribute) and element.attr == "value":
            element = element.value
        if isinstance(element, ast.Attribute) and isinstance(element.value, ast.Name) and element.value.id == kind:
            count += 1
    return count


def test_status_groups_are_defined_only_on_their_enums():
    """A group like (DONE, CANCELLED) written out again is a second definition of the rule."""
    offenders = []
    for relative, tree in _product_files():
        if relative in DEFINING | KNOWN_COPIES:
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
                offenders += [f"{relative}:{node.lineno} {kind.__name__}" for kind in STATUS_ENUMS
                              if _members_named(node, kind.__name__) >= 2]
    assert not offenders, "\n".join(offenders)


def test_the_status_groups_cover_each_status_once():
    assert sorted(ActionStatus.open_values() + ActionStatus.closed_values()) == sorted(s.value for s in ActionStatus)
    assert set(ReviewStatus.editable_values()).isdisjoint({ReviewStatus.APPROVAL, ReviewStatus.APPROVED})


DAY = date(2026, 3, 10)


@pytest.mark.parametrize("status", list(ActionStatus))
@pytest.mark.parametrize("due", [date(2026, 3, 9), DAY, date(2026, 3, 11)])
def test_overdue_is_the_same_rule_in_python_and_in_sql(session, status, due):
    org = make_org(session)
    clinic = make_clinic(session, org)
    review = Review(clinic_id=clinic.id, year=2025, created_at=NOW)
    with history.unrecorded(session):
        session.add(review)
        session.flush()
        action = Action(clinic_id=clinic.id, review_id=review.id, number=1, title="T", owner_name="O", due_date=due,
                        status=status.value, created_at=NOW, updated_at=NOW)
        session.add(action)
    in_sql = session.exec(select(Action.id).where(Action.is_overdue_on(DAY))).all() == [action.id]
    assert action.is_overdue_on(DAY) == in_sql == (due < DAY and status in ActionStatus.open_values())


@pytest.mark.parametrize("status", list(SafetyEventStatus))
@pytest.mark.parametrize("due", [None, date(2026, 3, 9), DAY, date(2026, 3, 11)])
@pytest.mark.parametrize("sent", [None, date(2026, 3, 1)])
def test_a_late_report_to_ssm_is_the_same_rule_in_python_and_in_sql(session, status, due, sent):
    clinic = make_clinic(session, make_org(session))
    event = SafetyEvent(clinic_id=clinic.id, kind="reported_to_ssm", occurred_on=date(2025, 12, 9), description="D",
                        report_due=due, report_sent_on=sent, status=status.value, created_at=NOW)
    with history.unrecorded(session):
        session.add(event)
    in_sql = session.exec(select(SafetyEvent.id).where(SafetyEvent.is_report_overdue_on(DAY))).all() == [event.id]
    expected = due is not None and due < DAY and sent is None and status != SafetyEventStatus.CLOSED
    assert bool(event.is_report_overdue_on(DAY)) == in_sql == expected


def test_the_report_deadline_is_three_months_after_an_event_reported_to_ssm_about_whom_3_10_names():
    day = date(2025, 11, 30)
    for whom in ("patient", "carer", "research_subject"):
        assert safety_events.report_deadline("reported_to_ssm", whom, day) == date(2026, 2, 28)
    for whom in ("worker", "public", "other"):
        assert safety_events.report_deadline("reported_to_ssm", whom, day) is None
    assert safety_events.report_deadline("internal", "patient", day) is None
    # an event registered before whom it concerns was asked keeps the deadline it had
    assert safety_events.report_deadline("reported_to_ssm", None, day) == date(2026, 2, 28)


@pytest.mark.parametrize("status", list(ReviewStatus))
def test_a_review_is_editable_exactly_in_the_statuses_a_change_may_claim(session, status):
    review = Review(clinic_id=make_clinic(session, make_org(session)).id, year=2025, created_at=NOW, status=status)
    with history.unrecorded(session):
        session.add(review)
    try:
        claim_editable(session, review.id, review.version)
        claimed = True
    except Exception:  # noqa: BLE001  refused: under justering or approved
        claimed = False
    assert reviews.is_editable(review) == claimed == (status in ReviewStatus.editable_values())
