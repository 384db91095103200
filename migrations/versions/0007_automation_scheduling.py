"""automation: slots, claims and the due-task index

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26

- task_executions.scheduled_for (the UTC slot) and attempt, unique together per task: the claim that
  makes each slot run once even when several run-due processes overlap;
- ix_automation_tasks_due (is_active, next_run_at): run-due reads only the due tasks;
- ix_task_executions_status_started: finding runs left 'running' by a killed runner;
- uq_automation_tasks_profile_name: tasks are named, so a name means one task per business.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from boo_cli.models.types import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("task_executions") as batch:
        batch.add_column(sa.Column("scheduled_for", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("attempt", sa.Integer(), server_default="1", nullable=False))
        batch.create_unique_constraint(
            "uq_task_executions_task_slot_attempt", ["automation_task_id", "scheduled_for", "attempt"]
        )
    op.create_index("ix_task_executions_status_started", "task_executions", ["status", "started_at"])
    op.create_index("ix_automation_tasks_due", "automation_tasks", ["is_active", "next_run_at"])
    with op.batch_alter_table("automation_tasks") as batch:
        batch.create_unique_constraint(
            "uq_automation_tasks_profile_name", ["business_profile_id", "task_name"]
        )


def downgrade() -> None:
    with op.batch_alter_table("automation_tasks") as batch:
        batch.drop_constraint("uq_automation_tasks_profile_name", type_="unique")
    op.drop_index("ix_automation_tasks_due", table_name="automation_tasks")
    op.drop_index("ix_task_executions_status_started", table_name="task_executions")
    with op.batch_alter_table("task_executions") as batch:
        batch.drop_constraint("uq_task_executions_task_slot_attempt", type_="unique")
        batch.drop_column("attempt")
        batch.drop_column("scheduled_for")
