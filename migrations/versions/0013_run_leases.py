"""run leases and stored retries: crash recovery that never runs a task twice

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03

A run left 'running' by a runner that died was found only by its age, so the next run-due could
retry a slot whose command still ran as an orphan, and a retry waiting for its back-off lived only
in the runner's memory. task_executions now records who holds a running run (runner_host,
runner_pid, runner_process: the boot id and start time that tell the process from a later one with
the same pid) and until when (lease_expires_at); run-due rescues a run only when that process is
gone, or, from another host, when the lease has long expired. task_retries holds each retry until
its back-off has passed; the claim that runs it deletes it in the same transaction.

task_retries is a user's data like task_executions, so it gets the same row-level security policy.
The downgrade drops the new columns and table (`boo db downgrade` asks for --force while they hold
data: a waiting retry would be lost).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from boo_cli.models.types import UTCDateTime, utcnow

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

OWNED = (
    "automation_task_id IN (SELECT id FROM automation_tasks WHERE business_profile_id IN "
    "(SELECT id FROM business_profiles WHERE user_id = boo_current_user_id()))"
)


def upgrade() -> None:
    with op.batch_alter_table("task_executions") as batch:
        batch.add_column(sa.Column("runner_host", sa.String(255), nullable=True))
        batch.add_column(sa.Column("runner_pid", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("runner_process", sa.String(100), nullable=True))
        batch.add_column(sa.Column("lease_expires_at", UTCDateTime(), nullable=True))
    op.create_table(
        "task_retries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("automation_task_id", sa.Uuid(), nullable=False),
        sa.Column("scheduled_for", UTCDateTime(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("not_before", UTCDateTime(), nullable=False),
        sa.Column("trigger", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("previous_execution_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", UTCDateTime(), server_default=utcnow(), nullable=True),
        sa.ForeignKeyConstraint(["automation_task_id"], ["automation_tasks.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_task_retries"),
        sa.UniqueConstraint(
            "automation_task_id", "scheduled_for", "attempt", name="uq_task_retries_task_slot_attempt"
        ),
    )
    op.create_index("ix_task_retries_not_before", "task_retries", ["not_before"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE task_retries ENABLE ROW LEVEL SECURITY")
        op.execute("ALTER TABLE task_retries FORCE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY boo_owner ON task_retries USING (boo_current_user_id() IS NULL OR {OWNED})"
        )


def downgrade() -> None:
    op.drop_index("ix_task_retries_not_before", table_name="task_retries")
    op.drop_table("task_retries")
    with op.batch_alter_table("task_executions") as batch:
        batch.drop_column("lease_expires_at")
        batch.drop_column("runner_process")
        batch.drop_column("runner_pid")
        batch.drop_column("runner_host")
