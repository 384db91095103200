"""business_audits (spec §5)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

import boo_cli.models.profiles  # noqa: F401 - the table its foreign keys point at
from boo_cli.models.columns import created_at_field, id_field, json_field, owner_field
from boo_cli.models.types import Score

SCORE_COLUMNS = ("overall_score", "operations_score", "marketing_score", "finance_score", "technology_score")


def _score_checks() -> tuple[sa.CheckConstraint, ...]:
    return tuple(
        sa.CheckConstraint(f"{name} >= 0 AND {name} <= 10", name=f"{name}_range") for name in SCORE_COLUMNS
    )


class BusinessAudit(SQLModel, table=True):
    __tablename__ = "business_audits"
    __table_args__ = (
        sa.Index("idx_business_audits_profile", "business_profile_id", "audit_date"),
        *_score_checks(),
    )

    id: uuid.UUID = id_field()
    business_profile_id: uuid.UUID = owner_field("business_profiles.id")
    audit_date: date = Field(sa_type=sa.Date, nullable=False)
    overall_score: Decimal | None = Field(default=None, sa_type=Score())
    operations_score: Decimal | None = Field(default=None, sa_type=Score())
    marketing_score: Decimal | None = Field(default=None, sa_type=Score())
    finance_score: Decimal | None = Field(default=None, sa_type=Score())
    technology_score: Decimal | None = Field(default=None, sa_type=Score())
    recommendations: list[Any] | None = json_field()
    created_at: datetime | None = created_at_field()
