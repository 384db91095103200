"""The spec's ENUM value sets, defined once (values are what the database stores)."""

from __future__ import annotations

import enum


class BusinessStage(enum.StrEnum):
    IDEA = "idea"
    STARTUP = "startup"
    GROWING = "growing"
    ESTABLISHED = "established"


class ConsultationType(enum.StrEnum):
    STRATEGY = "strategy"
    AUDIT = "audit"
    FOLLOW_UP = "follow_up"


class ConsultationStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class Priority(enum.StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class StrategyStatus(enum.StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    COMPLETED = "completed"
    PAUSED = "paused"


class MilestoneStatus(enum.StrEnum):
    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"


class ExecutionStatus(enum.StrEnum):
    RUNNING = "running"
    SUCCESS = "success"
    FAILED = "failed"


class NewsletterFrequency(enum.StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"


class ChangeAction(enum.StrEnum):
    INSERT = "insert"
    UPDATE = "update"
    DELETE = "delete"


# PostgreSQL type name for each enum; migrations create and drop exactly these.
PG_ENUM_NAMES: dict[type[enum.Enum], str] = {
    BusinessStage: "business_stage",
    ConsultationType: "consultation_type",
    ConsultationStatus: "consultation_status",
    Priority: "strategy_priority",
    StrategyStatus: "strategy_status",
    MilestoneStatus: "milestone_status",
    ExecutionStatus: "execution_status",
    NewsletterFrequency: "newsletter_frequency",
    ChangeAction: "change_action",
}
