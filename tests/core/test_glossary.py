"""Every model, value, role and page has its one Swedish term."""
import inspect
from enum import StrEnum

from sqlmodel import SQLModel

from core import enums, glossary
from core.permissions import GRANTS, PERMISSION_WORDS, Permission


def test_every_table_model_has_a_swedish_term():
    names = {m.class_.__name__ for m in SQLModel._sa_registry.mappers}
    assert names - glossary.MODELS.keys() == set()


def test_every_enum_value_has_a_swedish_term():
    for _, kind in inspect.getmembers(enums, lambda o: inspect.isclass(o) and issubclass(o, StrEnum)):
        if kind is StrEnum:
            continue
        assert kind in glossary.VALUES, kind.__name__
        assert set(glossary.VALUES[kind]) == {m.value for m in kind}, kind.__name__
        assert all(glossary.VALUES[kind].values())


def test_every_page_has_a_title():
    from pages._shared.nav import ALL_PAGES
    assert all(p.key in glossary.PAGES and p.group in glossary.GROUPS for p in ALL_PAGES)


def test_every_role_and_permission_is_described():
    assert set(GRANTS) == set(enums.Role)
    assert set(PERMISSION_WORDS) == set(Permission)


def test_terms_parse_back_case_insensitively():
    assert glossary.parse(enums.GoalAssessment, "  delvis UPPFYLLT ") == enums.GoalAssessment.PARTLY_MET
    assert glossary.parse(enums.Severity, "Kritisk") is None
    assert glossary.term(enums.ActionStatus.CANCELLED) == "Avskriven"
