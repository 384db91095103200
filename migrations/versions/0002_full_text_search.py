"""full-text search: the spec's GIN indexes on PostgreSQL, FTS5 tables kept by triggers on SQLite

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# table -> (index name, text columns, the spec's expression)
SEARCHABLE = {
    "business_profiles": (
        "idx_business_profiles_search",
        ("business_name", "industry"),
        "to_tsvector('english', business_name || ' ' || COALESCE(industry, ''))",
    ),
    "growth_strategies": (
        "idx_growth_strategies_search",
        ("strategy_name", "description"),
        "to_tsvector('english', strategy_name || ' ' || COALESCE(description, ''))",
    ),
}


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table, (index, _columns, expression) in SEARCHABLE.items():
            op.execute(f"CREATE INDEX {index} ON {table} USING gin({expression})")
        return
    for table, (_index, columns, _expression) in SEARCHABLE.items():
        _create_sqlite_fts(table, columns)


def _create_sqlite_fts(table: str, columns: tuple[str, ...]) -> None:
    fts = f"{table}_fts"
    cols = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    # External content: the text stays in the table, FTS5 keeps only its index, keyed by rowid.
    op.execute(
        f"CREATE VIRTUAL TABLE {fts} USING fts5({cols}, content='{table}', content_rowid='rowid', "
        "tokenize='porter unicode61 remove_diacritics 2')"
    )
    op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
    op.execute(
        f"CREATE TRIGGER {fts}_after_insert AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.rowid, {new}); END"
    )
    op.execute(
        f"CREATE TRIGGER {fts}_after_delete AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.rowid, {old}); END"
    )
    op.execute(
        f"CREATE TRIGGER {fts}_after_update AFTER UPDATE OF {cols} ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.rowid, {old}); "
        f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.rowid, {new}); END"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for index, _columns, _expression in SEARCHABLE.values():
            op.execute(f"DROP INDEX IF EXISTS {index}")
        return
    for table in SEARCHABLE:
        fts = f"{table}_fts"
        for suffix in ("after_insert", "after_delete", "after_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
        op.execute(f"DROP TABLE IF EXISTS {fts}")
