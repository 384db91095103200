"""automation_tasks and task_executions (spec §8-9)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

import boo_cli.models.profiles  # noqa: F401 - the table its foreign keys point at
from boo_cli.models.columns import (
    created_at_field,
    enum_field,
    flag_field,
    id_field,
    instant_field,
    json_field,
    owner_field,
    text_field,
    updated_at_field,
)
from boo_cli.models.enums import ExecutionStatus


class AutomationTask(SQLModel, table=True):
    __tablename__ = "automation_tasks"
    __table_args__ = (
        sa.Index("idx_automation_tasks_profile_active", "business_profile_id", "is_active"),
        # Added (0007): run-due finds due tasks through this index, so its cost follows the due tasks.
        sa.Index("ix_automation_tasks_due", "is_active", "next_run_at"),
        sa.UniqueConstraint("business_profile_id", "task_name", name="uq_automation_tasks_profile_name"),
    )

    id: uuid.UUID = id_field()
    business_profile_id: uuid.UUID = owner_field("business_profiles.id")
    task_name: str = text_field(255, nullable=False)
    task_type: str | None = text_field(100)
    description: str | None = text_field()
    trigger_config: dict[str, Any] | None = json_field()
    action_config: dict[str, Any] | None = json_field()
    is_active: bool | None = flag_field(True)
    last_run_at: datetime | None = instant_field()
    next_run_at: datetime | None = instant_field()
    created_at: datetime | None = created_at_field()
    updated_at: datetime | None = updated_at_field()


class TaskExecution(SQLModel, table=True):
    __tablename__ = "task_executions"
    __table_args__ = (
        sa.Index("idx_task_executions_task_status", "automation_task_id", "status"),
        # Added (0007): one claim per (task, slot, attempt): overlapping run-due processes cannot both
        # run a slot; a rescue of an abandoned run or a retry is the next attempt of the same slot.
        sa.UniqueConstraint(
            "automation_task_id", "scheduled_for", "attempt", name="uq_task_executions_task_slot_attempt"
        ),
        sa.Index("ix_task_executions_status_started", "status", "started_at"),
    )

    id: uuid.UUID = id_field()
    automation_task_id: uuid.UUID = owner_field("automation_tasks.id")
    started_at: datetime = instant_field(nullable=False)
    completed_at: datetime | None = instant_field()
    status: ExecutionStatus | None = enum_field(ExecutionStatus)
    error_message: str | None = text_field()
    execution_log: dict[str, Any] | None = json_field()
    created_at: datetime | None = created_at_field()
    # Added (0007): the UTC slot this run belongs to (a manual run's own start), and which try it is.
    scheduled_for: datetime | None = instant_field()
    attempt: int = Field(
        default=1, sa_type=sa.Integer, nullable=False, sa_column_kwargs={"server_default": "1"}
    )
