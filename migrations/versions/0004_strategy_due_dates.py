"""strategy due dates: growth_strategies.due_date, and indexes for listing by date

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26

due_date is created_at's local date plus target_timeline, kept by the service whenever either
changes. It is stored because the two backends cannot add an interval to a date alike in SQL
(SQLite has no interval type), and `boo strategy list --overdue` and `--sort due` must use an index.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("growth_strategies") as batch:
        batch.add_column(sa.Column("due_date", sa.Date(), nullable=True))
    op.create_index(
        "ix_growth_strategies_profile_due", "growth_strategies", ["business_profile_id", "due_date"]
    )
    op.create_index(
        "ix_growth_strategies_profile_created", "growth_strategies", ["business_profile_id", "created_at"]
    )
    op.create_index(
        "ix_strategy_milestones_target", "strategy_milestones", ["growth_strategy_id", "target_date"]
    )


def downgrade() -> None:
    op.drop_index("ix_strategy_milestones_target", table_name="strategy_milestones")
    op.drop_index("ix_growth_strategies_profile_created", table_name="growth_strategies")
    op.drop_index("ix_growth_strategies_profile_due", table_name="growth_strategies")
    with op.batch_alter_table("growth_strategies") as batch:
        batch.drop_column("due_date")
