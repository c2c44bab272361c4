"""Validate form input through non-table models and report problems in Swedish, by field."""
from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from core.errors import InvalidInput
from core.glossary import FIELDS

M = TypeVar("M", bound=BaseModel)


def _problem(error: Mapping[str, Any], names: Mapping[str, str]) -> str:
    """Turn one pydantic error into 'Fält: vad som är fel', with the field named as on the form."""
    name = str(error["loc"][0]) if error["loc"] else ""
    label = names.get(name) or FIELDS.get(name, name) or "Formuläret"
    ctx_error = (error.get("ctx") or {}).get("error")
    if ctx_error is not None:
        return f"{label}: {ctx_error}"
    if not error["loc"] and error["type"] not in ("missing",):
        return error["msg"]  # a rule across fields says its own field
    if error["type"] == "missing":
        return f"{label}: måste fyllas i."
    return f"{label}: ogiltigt värde."


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
        raise InvalidInput([_problem(e, names or {}) for e in errors]) from None
