"""business_profiles (spec §2)."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

import boo_cli.models.accounts  # noqa: F401 - the table its foreign keys point at
from boo_cli.models.columns import (
    created_at_field,
    enum_field,
    id_field,
    json_field,
    owner_field,
    text_field,
    updated_at_field,
)
from boo_cli.models.enums import BusinessStage
from boo_cli.models.types import Money


class BusinessProfile(SQLModel, table=True):
    __tablename__ = "business_profiles"
    __table_args__ = (sa.Index("ix_business_profiles_user_id", "user_id"),)

    id: uuid.UUID = id_field()
    user_id: uuid.UUID = owner_field("users.id")
    business_name: str = text_field(255, nullable=False)
    industry: str | None = text_field(100)
    business_stage: BusinessStage | None = enum_field(BusinessStage)
    annual_revenue: Decimal | None = Field(default=None, sa_type=Money())
    target_revenue: Decimal | None = Field(default=None, sa_type=Money())
    business_model: str | None = text_field()
    main_challenges: list[Any] | None = json_field()
    created_at: datetime | None = created_at_field()
    updated_at: datetime | None = updated_at_field()
