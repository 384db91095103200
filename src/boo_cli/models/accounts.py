"""users (spec §1)."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import SQLModel

from boo_cli.models.columns import created_at_field, flag_field, id_field, text_field, updated_at_field


class User(SQLModel, table=True):
    __tablename__ = "users"
    __table_args__ = (sa.UniqueConstraint("email", name="uq_users_email"),)

    id: uuid.UUID = id_field()
    email: str = text_field(255, nullable=False)
    password_hash: str = text_field(255, nullable=False)
    first_name: str = text_field(100, nullable=False)
    last_name: str = text_field(100, nullable=False)
    phone: str | None = text_field(20)
    timezone: str | None = text_field(50, default="UTC", server_default="UTC")
    is_active: bool | None = flag_field(True)
    email_verified: bool | None = flag_field(False)
    created_at: datetime | None = created_at_field()
    updated_at: datetime | None = updated_at_field()

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()
