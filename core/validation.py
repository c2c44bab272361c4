"""Validate form input through non-table models, and service arguments by their types; report problems in Swedish.

pydantic's own messages are English, so none of them is shown: a problem is named by its field and told in Swedish
(`_reason`), and a message a model writes itself (PydanticCustomError, a validator's ValueError) is Swedish already.
"""
import functools
import typing
from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Any, ParamSpec, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError, validate_call
from pydantic_core.core_schema import ErrorType

from core import glossary
from core.errors import InvalidInput
from core.glossary import FIELDS

M = TypeVar("M", bound=BaseModel)
FALLBACK = {"data": "Formuläret"}  # an argument that is a whole form
P = ParamSpec("P")
R = TypeVar("R")
PYDANTIC_TYPES = frozenset(typing.get_args(ErrorType))  # pydantic's own error types: their messages are English
FIELD_BY_FIELD = "kan inte läsas; uppgifterna ska anges fält för fält."
REASONS = {  # what a value of the wrong type should have been, by pydantic's error type
    "int_parsing": "ska vara ett heltal.", "int_type": "ska vara ett heltal.", "int_from_float": "ska vara ett heltal.",
    "float_parsing": "ska vara ett tal.", "float_type": "ska vara ett tal.",
    "finite_number": "ska vara ett ändligt tal.",
    "bool_parsing": "ska vara ja eller nej.", "bool_type": "ska vara ja eller nej.",
    "string_type": "ska vara en text.", "bytes_type": "ska vara en fil.",
    "date_parsing": "ska vara ett datum (ÅÅÅÅ-MM-DD).", "date_type": "ska vara ett datum (ÅÅÅÅ-MM-DD).",
    "date_from_datetime_parsing": "ska vara ett datum (ÅÅÅÅ-MM-DD).",
    "datetime_parsing": "ska vara en tidpunkt.", "datetime_type": "ska vara en tidpunkt.",
    "list_type": "ska vara en lista.", "dict_type": FIELD_BY_FIELD, "model_type": FIELD_BY_FIELD,
    "model_attributes_type": FIELD_BY_FIELD,
    "is_instance_of": "har fel slag av värde.", "missing": "måste fyllas i.", "missing_argument": "måste anges.",
    "unexpected_keyword_argument": "finns inte här.",
}


def _reason(error: Mapping[str, Any], kind: type | None = None) -> str:
    """Say in Swedish what is wrong with one value (the allowed terms, for a value of an enum)."""
    if error["type"] == "enum" and isinstance(kind, type) and issubclass(kind, StrEnum) and kind in glossary.VALUES:
        return f"är inte ett av: {', '.join(glossary.options(kind).values())}."
    return REASONS.get(error["type"], "ogiltigt värde.")


def _problem(error: Mapping[str, Any], names: Mapping[str, str], kinds: Mapping[str, Any]) -> str:
    """Turn one pydantic error into 'Fält: vad som är fel', with the field named as on the form."""
    name = str(error["loc"][0]) if error["loc"] else ""
    label = names.get(name) or FIELDS.get(name, name) or "Formuläret"
    ctx_error = (error.get("ctx") or {}).get("error")
    if ctx_error is not None and error["type"] == "value_error":  # a validator's own Swedish ValueError
        return f"{label}: {ctx_error}"
    if not error["loc"] and error["type"] not in PYDANTIC_TYPES:
        return error["msg"]  # a rule across fields says its own field, in Swedish
    if error["type"] == "missing":
        return f"{label}: måste fyllas i."
    if not error["loc"]:
        return f"{label}: {_reason(error)}"
    return f"{label}: {_reason(error, _enum_in(kinds.get(name)))}"


def _enum_in(kind: Any) -> type | None:
    """Return the enum a type hint names (also inside Optional), or None."""
    if isinstance(kind, type) and issubclass(kind, StrEnum):
        return kind
    return next((a for a in typing.get_args(kind) if isinstance(a, type) and issubclass(a, StrEnum)), None)


def validated(model: type[M], data: dict, names: Mapping[str, str] | None = None) -> M:
    """Build model from data, or raise InvalidInput with every problem in Swedish.

    A field is named by its glossary term (FIELDS); `names` gives another glossary term where the form calls
    the field something else (an organisation's `name` is "Organisationens namn").
    """
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        # Report in the order the form shows its fields (a model may say so in FORM_ORDER).
        order = list(getattr(model, "FORM_ORDER", ()))
        errors.sort(key=lambda e: order.index(e["loc"][0]) if e["loc"] and e["loc"][0] in order else len(order))
        kinds = {name: field.annotation for name, field in model.model_fields.items()}
        raise InvalidInput([_problem(e, names or {}, kinds) for e in errors]) from None


def _argument_problem(error: Mapping[str, Any], hints: Mapping[str, Any], names: Mapping[str, str]) -> str:
    """Name a refused argument (by its glossary term) and say what it should have been."""
    name = str(error["loc"][0]) if error["loc"] else ""
    label = names.get(name) or FIELDS.get(name) or glossary.LABELS.get(name) or FALLBACK.get(name, "En uppgift")
    where = "".join(f", {part}" if isinstance(part, str) else f", rad {part + 1}" for part in error["loc"][1:])
    return f"{label}{where}: {_reason(error, _enum_in(hints.get(name)))}"


def checked_arguments(names: Mapping[str, str] | None = None) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Refuse a service's arguments of the wrong type in Swedish (InvalidInput), before the service runs.

    The arguments are checked against the service's type hints by pydantic's validate_call, which also turns a
    plain "called" into ReviewStatus.CALLED and "3" into 3; `names` names an argument the glossary does not.
    """
    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        checking = validate_call(config=ConfigDict(arbitrary_types_allowed=True))(function)
        hints = typing.get_type_hints(function)

        @functools.wraps(function)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return checking(*args, **kwargs)
            except ValidationError as exc:
                if exc.title != function.__name__:  # a model validated inside the service: not about its arguments
                    raise
                raise InvalidInput([_argument_problem(e, hints, names or {}) for e in exc.errors()]) from None
        return wrapper
    return decorate
