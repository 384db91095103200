"""The change history (table audit_trail): one entry per row boo inserts, updates or deletes, written
in the same flush as the change, with who made it and each changed column's value before and after.

One mechanism for every change made through a session (db.py installs record_changes as the
session's before_flush hook); no service records anything itself. A column that holds a secret or
a private note is named as changed without its value (REDACTED). Writes that bypass the session's
objects on purpose are run-due's bookkeeping of task runs and a login's "last used" note (see
docs/schema.md): a task a minute would add half a million entries a year.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from boo_cli.models import AuditTrailEntry, User
from boo_cli.models.enums import ChangeAction
from boo_cli.plain import to_jsonable
from boo_cli.services.paging import Page, Paged, fetch

# Columns whose values never enter the history: it says they changed, not what they hold.
REDACTED: dict[str, frozenset[str]] = {
    "users": frozenset({"password_hash"}),
    "consultation_notes": frozenset({"internal_notes"}),
    "user_sessions": frozenset({"token_hash"}),
    "automation_tasks": frozenset({"action_config"}),  # tokens, headers, commands with secrets
}
# Bookkeeping columns whose change alone is no change a person made.
_IGNORED = frozenset({"updated_at"})


def record_changes(session: Session, _flush_context, _instances) -> None:
    """before_flush hook: add an audit_trail entry for each change to a tracked table."""
    actor = session.info.get("actor_id")
    entries = [
        *_entries(session.new, ChangeAction.INSERT, actor),
        *_entries((o for o in session.dirty if session.is_modified(o)), ChangeAction.UPDATE, actor),
        *_entries(session.deleted, ChangeAction.DELETE, actor),
    ]
    session.add_all(entries)


def _entries(objects: Iterable[object], action: ChangeAction, actor: uuid.UUID | None):
    for obj in objects:
        if isinstance(obj, AuditTrailEntry) or not hasattr(obj, "__tablename__"):
            continue
        if isinstance(obj, User) and action is ChangeAction.DELETE and actor in (None, obj.id):
            continue  # an account erasing itself leaves nothing of it behind, in the history neither
        table = obj.__tablename__
        secret = REDACTED.get(table, frozenset())
        state = sa.inspect(obj)
        old: dict[str, Any] = {}
        new: dict[str, Any] = {}
        columns = []
        for attr in state.mapper.column_attrs:
            key = attr.key
            if key in _IGNORED:
                continue
            if action is ChangeAction.UPDATE:
                history = state.attrs[key].load_history()  # loads the old value if it was not read
                if not history.has_changes():
                    continue
                before = history.deleted[0] if history.deleted else None
                after = history.added[0] if history.added else None
                if before == after:
                    continue
            elif action is ChangeAction.INSERT:
                before, after = None, getattr(obj, key)
                if after is None:
                    continue
            else:
                before, after = state.attrs[key].loaded_value, None
                if before is None or before is sa.orm.base.NO_VALUE:
                    continue
            columns.append(key)
            if key in secret:
                continue
            if action is not ChangeAction.INSERT:
                old[key] = to_jsonable(before)
            if action is not ChangeAction.DELETE:
                new[key] = to_jsonable(after)
        if action is ChangeAction.UPDATE and not columns:
            continue
        yield AuditTrailEntry(
            user_id=_author(obj, actor),
            table_name=table,
            row_id=obj.id,
            action=action,
            changed_columns=sorted(columns),
            old_values=old or sa.null(),  # SQL NULL, not JSON null: no values is no data
            new_values=new or sa.null(),
        )


def _author(obj: object, actor: uuid.UUID | None) -> uuid.UUID | None:
    """Who made the change: the acting user; before anyone acts (`boo init` making the first account
    and business), the user the row belongs to."""
    if isinstance(obj, User):
        return actor or obj.id
    return actor or getattr(obj, "user_id", None)


# --- reading the history ----------------------------------------------------------------------


TABLES = (
    "users",
    "business_profiles",
    "business_audits",
    "growth_strategies",
    "strategy_milestones",
    "consultations",
    "consultation_notes",
    "automation_tasks",
    "resource_downloads",
    "newsletter_subscriptions",
    "user_sessions",
)


@dataclass(frozen=True)
class Change:
    column: str
    before: Any
    after: Any
    redacted: bool  # changed, value not kept (a secret, or an entry older than the values)


def changes_of(entry: AuditTrailEntry) -> list[Change]:
    """An entry's columns with their values before and after, in column order."""
    old, new = entry.old_values or {}, entry.new_values or {}
    secret = REDACTED.get(entry.table_name, frozenset())
    # No values at all: an entry from before revision 0017 (or of secret columns only), so no
    # column's value was kept, not "it was empty".
    unkept = entry.old_values is None and entry.new_values is None
    return [
        Change(column, old.get(column), new.get(column), unkept or column in secret)
        for column in entry.changed_columns or []
    ]


def history(
    session: Session,
    user: User,
    page: Page,
    *,
    table: str | None = None,
    record: str | None = None,
    since: datetime | None = None,
) -> Paged[AuditTrailEntry]:
    """A page of the changes the user made, newest first (ix_audit_trail_user_changed serves it)."""
    query = select(AuditTrailEntry).where(AuditTrailEntry.user_id == user.id)
    if table is not None:
        query = query.where(AuditTrailEntry.table_name == table)
    if record is not None:
        query = query.where(_row_clause(record))
    if since is not None:
        query = query.where(AuditTrailEntry.changed_at >= since)
    query = query.order_by(AuditTrailEntry.changed_at.desc(), AuditTrailEntry.id.desc())
    return fetch(session, query, page)


def get_entry(session: Session, user: User, ref: str) -> AuditTrailEntry:
    """One of the user's history entries, by its full id or a unique id prefix (4+ characters)."""
    from boo_cli.services.lookup import id_clause, only_match

    hint = "'boo history' lists changes with their ids."
    clause = id_clause(AuditTrailEntry.id, ref, noun="change", field="ID", hint=hint)
    query = select(AuditTrailEntry).where(AuditTrailEntry.user_id == user.id, clause).limit(11)
    return only_match(
        list(session.exec(query)),
        ref,
        noun="change",
        plural="changes",
        label=lambda e: f"{str(e.id)[:8]} ({e.table_name})",
        hint=hint,
    )


def _row_clause(ref: str):
    from boo_cli.services.lookup import id_clause

    return id_clause(AuditTrailEntry.row_id, ref, noun="record", field="--record")
