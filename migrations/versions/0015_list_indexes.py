"""list indexes: each list's first page reads its rows off an index instead of sorting every row

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06

Measured at 100,000 rows, these lists sorted every row of the user's before showing the first 30:
`resources history` (the spec's index finds a user's downloads but not in time order), `audit list`,
`automate logs` (every task's and one task's) and `milestone list --overdue`; `consult list` read
every scheduled booking to find the longest. Each index holds the
rows in the order its list shows them (read backwards for newest first), so a page reads about as
many index entries as it shows. The spec's indexes stay as they are.
"""

from __future__ import annotations

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_resource_downloads_user_recent": ("resource_downloads", ["user_id", "downloaded_at", "id"]),
    "ix_business_audits_profile_newest": (
        "business_audits",
        ["business_profile_id", "audit_date", "completed_at", "created_at", "id"],
    ),
    "ix_task_executions_newest": ("task_executions", ["started_at", "attempt", "id"]),
    "ix_task_executions_task_newest": (
        "task_executions",
        ["automation_task_id", "started_at", "attempt", "id"],
    ),
    "ix_strategy_milestones_target_created": ("strategy_milestones", ["target_date", "created_at", "id"]),
    "ix_consultations_user_status_duration": ("consultations", ["user_id", "status", "duration_minutes"]),
}


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, (table, _columns) in INDEXES.items():
        op.drop_index(name, table_name=table)
