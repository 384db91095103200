"""growth_strategies and strategy_milestones (spec §6-7)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

import boo_cli.models.profiles  # noqa: F401 - the table its foreign keys point at
from boo_cli.models.columns import (
    created_at_field,
    enum_field,
    id_field,
    json_field,
    owner_field,
    text_field,
    updated_at_field,
)
from boo_cli.models.enums import MilestoneStatus, Priority, StrategyStatus
from boo_cli.models.types import Interval, Span


class GrowthStrategy(SQLModel, table=True):
    __tablename__ = "growth_strategies"
    __table_args__ = (
        sa.Index("idx_growth_strategies_profile_status", "business_profile_id", "status"),
        sa.Index("ix_growth_strategies_profile_due", "business_profile_id", "due_date"),
        sa.Index("ix_growth_strategies_profile_created", "business_profile_id", "created_at"),
    )

    id: uuid.UUID = id_field()
    business_profile_id: uuid.UUID = owner_field("business_profiles.id")
    strategy_name: str = text_field(255, nullable=False)
    description: str | None = text_field()
    target_timeline: Span | None = Field(default=None, sa_type=Interval)
    priority: Priority | None = enum_field(Priority)
    status: StrategyStatus | None = enum_field(StrategyStatus)
    expected_impact: str | None = text_field()
    resources_required: Any | None = json_field()
    created_at: datetime | None = created_at_field()
    updated_at: datetime | None = updated_at_field()
    # Added (revision 0004): created_at's local date + target_timeline, for indexed --overdue/--sort due.
    due_date: date | None = Field(default=None, sa_type=sa.Date)


class StrategyMilestone(SQLModel, table=True):
    __tablename__ = "strategy_milestones"
    __table_args__ = (
        sa.Index("ix_strategy_milestones_strategy_id", "growth_strategy_id"),
        sa.Index("ix_strategy_milestones_target", "growth_strategy_id", "target_date"),
        # `milestone list --overdue`: every strategy's milestones by date (0015).
        sa.Index("ix_strategy_milestones_target_created", "target_date", "created_at", "id"),
    )

    id: uuid.UUID = id_field()
    growth_strategy_id: uuid.UUID = owner_field("growth_strategies.id")
    milestone_name: str = text_field(255, nullable=False)
    description: str | None = text_field()
    target_date: date | None = Field(default=None, sa_type=sa.Date)
    completed_date: date | None = Field(default=None, sa_type=sa.Date)
    status: MilestoneStatus | None = enum_field(MilestoneStatus)
    created_at: datetime | None = created_at_field()
