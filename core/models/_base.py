"""Shared column helpers of the domain model: enum width, JSON lists, long text, unique codes."""
from typing import Any, Protocol

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint, text
from sqlmodel import Field

ENUM_LEN = 32


class Stored(Protocol):
    """A row with a database id: None only until its first flush."""

    id: int | None


def stored_id(row: Stored) -> int:
    """Return the id of a row read from or flushed to the database, where it always has one."""
    if row.id is None:
        raise ValueError(f"{type(row).__name__} has no id until it is flushed")
    return row.id


def _json_list() -> Any:
    """Return a JSON column for a list of strings."""
    return Field(default_factory=list, sa_column=Column(JSON, nullable=False))


def _text(nullable: bool = True) -> Any:
    """Return an unbounded text column."""
    return Field(default=None if nullable else "", sa_column=Column(Text, nullable=nullable))


def _unique_codes(table: str) -> tuple:
    """Return the rules that a code is used once per bokslut and clinic, and once organisation-wide."""
    return _once_per_clinic(table, "code", "code")


def _once_per_clinic(table: str, column: str, name: str) -> tuple:
    """Return the rules that a value of the column is used once per bokslut and clinic, and once organisation-wide.

    clinic_id is NULL on organisation-wide rows, and NULLs never collide in a unique constraint, so those
    rows get a partial unique index of their own.
    """
    organisation_wide = text("clinic_id IS NULL")
    return (UniqueConstraint("annual_report_id", "clinic_id", column, name=f"uq_{table}_report_clinic_{name}"),
            Index(f"uq_{table}_report_{name}_organisation", "annual_report_id", column, unique=True,
                  sqlite_where=organisation_wide, postgresql_where=organisation_wide))
