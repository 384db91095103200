"""The audit trail: one row per inserted, updated or deleted record, written in the same flush.

Only column names are kept, never values, so the trail holds no personal data or secrets.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

import sqlalchemy as sa
from sqlmodel import Session, select

from boo_cli.models import AuditTrailEntry, User
from boo_cli.models.enums import ChangeAction


def record_changes(session: Session, _flush_context, _instances) -> None:
    """before_flush hook: add an audit_trail row for each change to a tracked table."""
    actor = session.info.get("actor_id")
    deleted_users = {obj.id for obj in session.deleted if isinstance(obj, User)}
    author = None if actor in deleted_users else actor
    entries = [
        *_entries(session.new, ChangeAction.INSERT, author),
        *_entries((o for o in session.dirty if session.is_modified(o)), ChangeAction.UPDATE, author),
        *_entries(session.deleted, ChangeAction.DELETE, author),
    ]
    session.add_all(entries)


def _entries(objects: Iterable[object], action: ChangeAction, author: uuid.UUID | None):
    for obj in objects:
        if isinstance(obj, AuditTrailEntry) or not hasattr(obj, "__tablename__"):
            continue
        state = sa.inspect(obj)
        columns = None
        if action is ChangeAction.UPDATE:
            columns = sorted(
                attr.key for attr in state.attrs if attr.history.has_changes() and attr.key != "updated_at"
            )
            if not columns:
                continue
        yield AuditTrailEntry(
            user_id=author,
            table_name=obj.__tablename__,
            row_id=obj.id,
            action=action,
            changed_columns=columns,
        )


def changes_by(session: Session, user_id: uuid.UUID, *, limit: int = 50) -> list[AuditTrailEntry]:
    """The newest changes made by one user, newest first."""
    query = (
        select(AuditTrailEntry)
        .where(AuditTrailEntry.user_id == user_id)
        .order_by(AuditTrailEntry.changed_at.desc())
        .limit(limit)
    )
    return list(session.exec(query))
