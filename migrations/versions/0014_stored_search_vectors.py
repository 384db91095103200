"""stored search vectors: PostgreSQL ranks search hits without re-parsing their text

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04

Search matched through the spec's GIN expression indexes but ranked with ts_rank over the same
expression, so PostgreSQL re-parsed the text of every hit: a common word (20% of 100,000 rows)
cost more than an ILIKE scan. Both searchable tables get `search_vector`, a tsvector column
generated from exactly the indexed expression and stored; ranking reads it. Matching still goes
through the spec's indexes, which stay as the spec names them (the query repeats their expression).

SQLite has no tsvector: its FTS5 tables (revision 0002) already hold the index, and rank comes from
the FTS query itself, so nothing changes there.
"""

from __future__ import annotations

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

VECTORS = {
    "business_profiles": "to_tsvector('english', business_name || ' ' || COALESCE(industry, ''))",
    "growth_strategies": "to_tsvector('english', strategy_name || ' ' || COALESCE(description, ''))",
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, expression in VECTORS.items():
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({expression}) STORED"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in VECTORS:
        op.execute(f"ALTER TABLE {table} DROP COLUMN search_vector")
