"""Checks every service applies to user input before anything is written."""

from __future__ import annotations

import enum
from typing import Any, TypeVar

from sqlmodel import SQLModel

from boo_cli.errors import Invalid

E = TypeVar("E", bound=enum.Enum)


def column_length(model: type[SQLModel], column: str) -> int | None:
    """The VARCHAR length the schema gives a column (None for TEXT)."""
    return getattr(model.__table__.c[column].type, "length", None)


def text(
    value: str | None, model: type[SQLModel], column: str, *, field: str, required: bool = False
) -> str | None:
    """Trimmed text that fits its column; empty means absent (an error when required)."""
    cleaned = value.strip() if value is not None else None
    if not cleaned:
        if required:
            raise Invalid("must not be empty", field=field)
        return None
    if "\x00" in cleaned:
        raise Invalid("must not contain NUL characters", field=field)
    limit = column_length(model, column)
    if limit is not None and len(cleaned) > limit:
        raise Invalid(f"is {len(cleaned)} characters long; the most is {limit}", field=field)
    return cleaned


def choice(value: str | E | None, enum_cls: type[E], *, field: str) -> E | None:
    """An enum member from its value, case-insensitively ('follow-up' and 'follow_up' alike)."""
    if value is None or isinstance(value, enum_cls):
        return value
    key = str(value).strip().lower().replace("-", "_").replace(" ", "_")
    for member in enum_cls:
        if member.value == key:
            return member
    allowed = ", ".join(m.value for m in enum_cls)
    raise Invalid(f"{value!r} is not one of: {allowed}", field=field)


def items(values: list[str] | None, *, field: str, max_length: int = 500) -> list[str] | None:
    """A JSON array of non-empty, trimmed strings."""
    if values is None:
        return None
    cleaned = [v.strip() for v in values if v and v.strip()]
    for value in cleaned:
        if len(value) > max_length:
            raise Invalid(f"an entry is {len(value)} characters long; the most is {max_length}", field=field)
        if "\x00" in value:
            raise Invalid("must not contain NUL characters", field=field)
    return cleaned


def changes(updates: dict[str, Any]) -> dict[str, Any]:
    """Only the fields the user actually gave."""
    return {k: v for k, v in updates.items() if v is not None}
