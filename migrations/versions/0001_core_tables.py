"""core tables: the spec's 11 tables, their indexes and the audit trail

Revision ID: 0001
Revises:
Create Date: 2026-11-26

Tables are created parents first and dropped children first, so every foreign key has its target.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from boo_cli.models.types import Decimal2, Interval, JSONDocument, UTCDateTime, utcnow

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ENUMS = {
    "business_stage": ("idea", "startup", "growing", "established"),
    "consultation_type": ("strategy", "audit", "follow_up"),
    "consultation_status": ("scheduled", "completed", "cancelled"),
    "strategy_priority": ("low", "medium", "high"),
    "strategy_status": ("draft", "active", "completed", "paused"),
    "milestone_status": ("pending", "in_progress", "completed"),
    "execution_status": ("running", "success", "failed"),
    "newsletter_frequency": ("daily", "weekly", "monthly"),
    "change_action": ("insert", "update", "delete"),
}
SCORES = ("overall_score", "operations_score", "marketing_score", "finance_score", "technology_score")


def _enum(name: str) -> sa.Enum:
    return sa.Enum(*ENUMS[name], name=name, create_constraint=True)


def _id() -> sa.Column:
    return sa.Column("id", sa.Uuid(), nullable=False)


def _owner(column: str, table: str, ondelete: str = "CASCADE") -> list:
    return [
        sa.Column(column, sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint([column], [f"{table}.id"], ondelete=ondelete),
    ]


def _stamp(name: str) -> sa.Column:
    return sa.Column(name, UTCDateTime(), server_default=utcnow(), nullable=True)


def _instant(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, UTCDateTime(), nullable=nullable)


def _flag(name: str, default: bool) -> sa.Column:
    return sa.Column(name, sa.Boolean(), server_default=sa.true() if default else sa.false(), nullable=True)


def upgrade() -> None:
    op.create_table(
        "users",
        _id(),
        sa.Column("email", sa.String(255), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("first_name", sa.String(100), nullable=False),
        sa.Column("last_name", sa.String(100), nullable=False),
        sa.Column("phone", sa.String(20), nullable=True),
        sa.Column("timezone", sa.String(50), server_default="UTC", nullable=True),
        _flag("is_active", True),
        _flag("email_verified", False),
        _stamp("created_at"),
        _stamp("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("email", name="uq_users_email"),
    )
    op.create_table(
        "business_profiles",
        _id(),
        *_owner("user_id", "users"),
        sa.Column("business_name", sa.String(255), nullable=False),
        sa.Column("industry", sa.String(100), nullable=True),
        sa.Column("business_stage", _enum("business_stage"), nullable=True),
        sa.Column("annual_revenue", Decimal2(12), nullable=True),
        sa.Column("target_revenue", Decimal2(12), nullable=True),
        sa.Column("business_model", sa.Text(), nullable=True),
        sa.Column("main_challenges", JSONDocument, nullable=True),
        _stamp("created_at"),
        _stamp("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_business_profiles"),
    )
    op.create_index("ix_business_profiles_user_id", "business_profiles", ["user_id"])

    op.create_table(
        "consultations",
        _id(),
        *_owner("user_id", "users"),
        _instant("scheduled_at", nullable=False),
        sa.Column("duration_minutes", sa.Integer(), server_default=sa.text("60"), nullable=True),
        sa.Column("type", _enum("consultation_type"), nullable=True),
        sa.Column("status", _enum("consultation_status"), nullable=True),
        sa.Column("meeting_link", sa.String(500), nullable=True),
        _instant("cancelled_at"),
        _instant("completed_at"),
        _stamp("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_consultations"),
    )
    op.create_index("idx_consultations_user_scheduled", "consultations", ["user_id", "scheduled_at"])
    op.create_index("idx_consultations_status", "consultations", ["status"])

    op.create_table(
        "consultation_notes",
        _id(),
        *_owner("consultation_id", "consultations"),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("key_insights", JSONDocument, nullable=True),
        sa.Column("action_items", JSONDocument, nullable=True),
        _flag("follow_up_required", False),
        sa.Column("internal_notes", sa.Text(), nullable=True),
        _stamp("created_at"),
        _stamp("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_consultation_notes"),
    )
    op.create_index("ix_consultation_notes_consultation_id", "consultation_notes", ["consultation_id"])

    op.create_table(
        "business_audits",
        _id(),
        *_owner("business_profile_id", "business_profiles"),
        sa.Column("audit_date", sa.Date(), nullable=False),
        *(sa.Column(name, Decimal2(4), nullable=True) for name in SCORES),
        sa.Column("recommendations", JSONDocument, nullable=True),
        _stamp("created_at"),
        *(sa.CheckConstraint(f"{name} >= 0 AND {name} <= 10", name=f"{name}_range") for name in SCORES),
        sa.PrimaryKeyConstraint("id", name="pk_business_audits"),
    )
    op.create_index("idx_business_audits_profile", "business_audits", ["business_profile_id", "audit_date"])

    op.create_table(
        "growth_strategies",
        _id(),
        *_owner("business_profile_id", "business_profiles"),
        sa.Column("strategy_name", sa.String(255), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("target_timeline", Interval(), nullable=True),
        sa.Column("priority", _enum("strategy_priority"), nullable=True),
        sa.Column("status", _enum("strategy_status"), nullable=True),
        sa.Column("expected_impact", sa.Text(), nullable=True),
        sa.Column("resources_required", JSONDocument, nullable=True),
        _stamp("created_at"),
        _stamp("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_growth_strategies"),
    )
    op.create_index(
        "idx_growth_strategies_profile_status", "growth_strategies", ["business_profile_id", "status"]
    )

    op.create_table(
        "strategy_milestones",
        _id(),
        *_owner("growth_strategy_id", "growth_strategies"),
        sa.Column("milestone_name", sa.String(255), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("target_date", sa.Date(), nullable=True),
        sa.Column("completed_date", sa.Date(), nullable=True),
        sa.Column("status", _enum("milestone_status"), nullable=True),
        _stamp("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_strategy_milestones"),
    )
    op.create_index("ix_strategy_milestones_strategy_id", "strategy_milestones", ["growth_strategy_id"])

    op.create_table(
        "automation_tasks",
        _id(),
        *_owner("business_profile_id", "business_profiles"),
        sa.Column("task_name", sa.String(255), nullable=False),
        sa.Column("task_type", sa.String(100), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("trigger_config", JSONDocument, nullable=True),
        sa.Column("action_config", JSONDocument, nullable=True),
        _flag("is_active", True),
        _instant("last_run_at"),
        _instant("next_run_at"),
        _stamp("created_at"),
        _stamp("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_automation_tasks"),
    )
    op.create_index(
        "idx_automation_tasks_profile_active", "automation_tasks", ["business_profile_id", "is_active"]
    )

    op.create_table(
        "task_executions",
        _id(),
        *_owner("automation_task_id", "automation_tasks"),
        _instant("started_at", nullable=False),
        _instant("completed_at"),
        sa.Column("status", _enum("execution_status"), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("execution_log", JSONDocument, nullable=True),
        _stamp("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_task_executions"),
    )
    op.create_index("idx_task_executions_task_status", "task_executions", ["automation_task_id", "status"])

    op.create_table(
        "resource_downloads",
        _id(),
        *_owner("user_id", "users"),
        sa.Column("resource_name", sa.String(255), nullable=False),
        sa.Column("resource_type", sa.String(50), nullable=True),
        sa.Column("file_path", sa.String(500), nullable=True),
        _stamp("downloaded_at"),
        sa.PrimaryKeyConstraint("id", name="pk_resource_downloads"),
    )
    op.create_index("ix_resource_downloads_user_id", "resource_downloads", ["user_id"])

    op.create_table(
        "newsletter_subscriptions",
        _id(),
        *_owner("user_id", "users"),
        sa.Column("email", sa.String(255), nullable=False),
        sa.Column("frequency", _enum("newsletter_frequency"), server_default="weekly", nullable=True),
        sa.Column("topics", JSONDocument, nullable=True),
        _flag("is_active", True),
        _instant("unsubscribed_at"),
        _stamp("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_newsletter_subscriptions"),
    )
    op.create_index("ix_newsletter_subscriptions_user_id", "newsletter_subscriptions", ["user_id"])

    op.create_table(
        "audit_trail",
        _id(),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="SET NULL"),
        sa.Column("table_name", sa.String(63), nullable=False),
        sa.Column("row_id", sa.Uuid(), nullable=False),
        sa.Column("action", _enum("change_action"), nullable=True),
        sa.Column("changed_columns", JSONDocument, nullable=True),
        _stamp("changed_at"),
        sa.PrimaryKeyConstraint("id", name="pk_audit_trail"),
    )
    op.create_index("ix_audit_trail_user_changed", "audit_trail", ["user_id", "changed_at"])
    op.create_index("ix_audit_trail_row", "audit_trail", ["table_name", "row_id"])


TABLES_CHILDREN_FIRST = (
    "audit_trail",
    "newsletter_subscriptions",
    "resource_downloads",
    "task_executions",
    "automation_tasks",
    "strategy_milestones",
    "growth_strategies",
    "business_audits",
    "consultation_notes",
    "consultations",
    "business_profiles",
    "users",
)


def downgrade() -> None:
    for table in TABLES_CHILDREN_FIRST:
        op.drop_table(table)
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for name in ENUMS:
            sa.Enum(name=name).drop(bind, checkfirst=True)
