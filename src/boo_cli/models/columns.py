"""Field builders for the columns many tables share (ids, owners, timestamps).

Each call returns a new Field, so every table gets its own Column object.
"""

from __future__ import annotations

import enum
import uuid
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field

from boo_cli.models.enums import PG_ENUM_NAMES
from boo_cli.models.types import JSONDocument, UTCDateTime, enum_column_type, now_utc, utcnow


def id_field() -> Any:
    return Field(default_factory=uuid.uuid4, primary_key=True, sa_type=sa.Uuid)


def owner_field(target: str) -> Any:
    """A NOT NULL foreign key whose rows go when the owner goes (ON DELETE CASCADE)."""
    return Field(
        sa_type=sa.Uuid,
        foreign_key=target,
        ondelete="CASCADE",
        nullable=False,
    )


def created_at_field() -> Any:
    return Field(default_factory=now_utc, sa_type=UTCDateTime, sa_column_kwargs={"server_default": utcnow()})


def updated_at_field() -> Any:
    return Field(
        default_factory=now_utc,
        sa_type=UTCDateTime,
        sa_column_kwargs={"server_default": utcnow(), "onupdate": now_utc},
    )


def instant_field(*, nullable: bool = True) -> Any:
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable)


def text_field(
    length: int | None = None,
    *,
    nullable: bool = True,
    default: Any = None,
    server_default: str | None = None,
) -> Any:
    kwargs = {"server_default": server_default} if server_default is not None else {}
    return Field(
        default=default,
        sa_type=sa.String(length) if length else sa.Text,
        nullable=nullable,
        sa_column_kwargs=kwargs,
    )


def json_field() -> Any:
    return Field(default=None, sa_type=JSONDocument, nullable=True)


def enum_field(enum_cls: type[enum.Enum], *, default: Any = None, server_default: str | None = None) -> Any:
    kwargs = {"server_default": server_default} if server_default is not None else {}
    return Field(
        default=default,
        sa_type=enum_column_type(enum_cls, PG_ENUM_NAMES[enum_cls]),
        nullable=True,
        sa_column_kwargs=kwargs,
    )


def flag_field(default: bool) -> Any:
    return Field(
        default=default,
        sa_type=sa.Boolean,
        sa_column_kwargs={"server_default": sa.true() if default else sa.false()},
    )
