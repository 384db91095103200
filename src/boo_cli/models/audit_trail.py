"""audit_trail: who changed which row of which table, when, and from what to what (spec: Security,
point 3).

Added table. Since revision 0017 each entry holds the changed columns' values before and after;
a secret or private column (a password hash, a private note, a login's hash, a task's action with
its tokens) is named as changed without its value (services/audit_trail.py). An entry goes with the
user who made it (ON DELETE CASCADE), so erasing an account erases its history.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

import boo_cli.models.accounts  # noqa: F401 - the table its foreign keys point at
from boo_cli.models.columns import created_at_field, enum_field, id_field, json_field, text_field
from boo_cli.models.enums import ChangeAction


class AuditTrailEntry(SQLModel, table=True):
    __tablename__ = "audit_trail"
    __table_args__ = (
        sa.Index("ix_audit_trail_user_changed", "user_id", "changed_at"),
        sa.Index("ix_audit_trail_row", "table_name", "row_id"),
    )

    id: uuid.UUID = id_field()
    user_id: uuid.UUID | None = Field(
        default=None, sa_type=sa.Uuid, foreign_key="users.id", ondelete="CASCADE", nullable=True
    )
    table_name: str = text_field(63, nullable=False)
    row_id: uuid.UUID = Field(sa_type=sa.Uuid, nullable=False)
    action: ChangeAction = enum_field(ChangeAction)
    changed_columns: list[Any] | None = json_field()
    changed_at: datetime | None = created_at_field()
    old_values: dict[str, Any] | None = json_field()  # before: the changed columns (update, delete)
    new_values: dict[str, Any] | None = json_field()  # after: the changed columns (insert, update)
