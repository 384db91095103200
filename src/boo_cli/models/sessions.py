"""user_sessions (added, revision 0016): logins. Its own module, so that the commands of a database
with one user, who never log in, do not build this table's class."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import SQLModel

import boo_cli.models.accounts  # noqa: F401 - the table its foreign key points at
from boo_cli.models.columns import created_at_field, id_field, instant_field, owner_field, text_field


class UserSession(SQLModel, table=True):
    """A login on one machine. Added (0016).

    The machine keeps a random token (256 bits) in its keyring or an owner-only file; the database
    keeps only the token's SHA-256, so a copy of the database logs no one in, and a copy of the
    machine's file is only as good as the row it names: revoking the row (logout --all, a new
    password) or letting it expire ends it."""

    __tablename__ = "user_sessions"
    __table_args__ = (
        sa.UniqueConstraint("token_hash", name="uq_user_sessions_token_hash"),
        sa.Index("ix_user_sessions_user_id", "user_id"),
    )

    id: uuid.UUID = id_field()
    user_id: uuid.UUID = owner_field("users.id")
    token_hash: str = text_field(64, nullable=False)
    host: str | None = text_field(255)
    created_at: datetime | None = created_at_field()
    last_used_at: datetime | None = instant_field()
    expires_at: datetime = instant_field(nullable=False)
