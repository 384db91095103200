"""automation_tasks and task_executions (spec §8-9), and the tables run-due keeps beside them."""

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
        # `automate logs` (every task's, one task's) newest first, read backwards (0015).
        sa.Index("ix_task_executions_newest", "started_at", "attempt", "id"),
        sa.Index("ix_task_executions_task_newest", "automation_task_id", "started_at", "attempt", "id"),
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
    # Added (0013): who holds a running run, so that the next run-due rescues it only when its runner
    # is gone. The runner's host name, pid and process mark (boot id and start time, so a reused pid
    # is not taken for it); lease_expires_at: the run's start plus its timeout and a grace, after
    # which another host may take it for abandoned.
    runner_host: str | None = text_field(255)
    runner_pid: int | None = Field(default=None, sa_type=sa.Integer, nullable=True)
    runner_process: str | None = text_field(100)
    lease_expires_at: datetime | None = instant_field()


class TaskRetry(SQLModel, table=True):
    """A retry waiting for its back-off: the next attempt of a slot whose run failed.

    Added (0013). Written in the same transaction that records the failed run, and turned into that
    attempt's execution row by the claim that deletes it, so a retry survives a crash of its runner
    and still runs once. The unique key is the execution's: one row per (task, slot, attempt)."""

    __tablename__ = "task_retries"
    __table_args__ = (
        sa.UniqueConstraint(
            "automation_task_id", "scheduled_for", "attempt", name="uq_task_retries_task_slot_attempt"
        ),
        sa.Index("ix_task_retries_not_before", "not_before"),
    )

    id: uuid.UUID = id_field()
    automation_task_id: uuid.UUID = owner_field("automation_tasks.id")
    scheduled_for: datetime = instant_field(nullable=False)
    attempt: int = Field(sa_type=sa.Integer, nullable=False)
    not_before: datetime = instant_field(nullable=False)
    trigger: str = text_field(20, nullable=False)
    reason: str | None = text_field()
    previous_execution_id: uuid.UUID | None = Field(default=None, sa_type=sa.Uuid, nullable=True)
    created_at: datetime | None = created_at_field()


class AutomationHost(SQLModel, table=True):
    """A BOO_HOME whose cron calls run-due against this database (team mode: one per host).

    Added (0012). Its id is kept in that BOO_HOME's state folder; every run-due there refreshes
    last_seen_at and its row of shell users, so the rows are a published copy of each host's own
    choice, which stays in its state folder."""

    __tablename__ = "automation_hosts"

    id: uuid.UUID = Field(primary_key=True, sa_type=sa.Uuid)
    name: str = text_field(255, nullable=False)
    last_seen_at: datetime | None = instant_field()
    created_at: datetime | None = created_at_field()


class HostShellUser(SQLModel, table=True):
    """A user whose shell tasks a host runs (by id: an email can be changed by its account).

    Added (0012). run-due claims a shell task only when its owner has a row for this host, so a
    task no host may run waits, unclaimed, instead of being recorded failed."""

    __tablename__ = "automation_host_shell_users"
    __table_args__ = (sa.Index("ix_automation_host_shell_users_user", "user_id"),)

    host_id: uuid.UUID = Field(
        primary_key=True, sa_type=sa.Uuid, foreign_key="automation_hosts.id", ondelete="CASCADE"
    )
    user_id: uuid.UUID = Field(primary_key=True, sa_type=sa.Uuid, foreign_key="users.id", ondelete="CASCADE")
    created_at: datetime | None = created_at_field()
