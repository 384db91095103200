"""resource_downloads and newsletter_subscriptions (spec §10-11)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import SQLModel

import boo_cli.models.accounts  # noqa: F401 - the table its foreign keys point at
from boo_cli.models.columns import (
    created_at_field,
    enum_field,
    flag_field,
    id_field,
    instant_field,
    json_field,
    owner_field,
    text_field,
)
from boo_cli.models.enums import NewsletterFrequency


class ResourceDownload(SQLModel, table=True):
    __tablename__ = "resource_downloads"
    __table_args__ = (
        sa.Index("ix_resource_downloads_user_id", "user_id"),
        # `resources history` pages newest first through this one (revision 0015).
        sa.Index("ix_resource_downloads_user_recent", "user_id", "downloaded_at", "id"),
    )

    id: uuid.UUID = id_field()
    user_id: uuid.UUID = owner_field("users.id")
    resource_name: str = text_field(255, nullable=False)
    resource_type: str | None = text_field(50)
    file_path: str | None = text_field(500)
    downloaded_at: datetime | None = created_at_field()


class NewsletterSubscription(SQLModel, table=True):
    __tablename__ = "newsletter_subscriptions"
    __table_args__ = (
        sa.Index("ix_newsletter_subscriptions_user_id", "user_id"),
        # Added (0008): one subscription per user and address; unsubscribing keeps the row.
        sa.UniqueConstraint("user_id", "email", name="uq_newsletter_subscriptions_user_email"),
    )

    id: uuid.UUID = id_field()
    user_id: uuid.UUID = owner_field("users.id")
    email: str = text_field(255, nullable=False)
    frequency: NewsletterFrequency | None = enum_field(
        NewsletterFrequency, default=NewsletterFrequency.WEEKLY, server_default="weekly"
    )
    topics: list[Any] | None = json_field()
    is_active: bool | None = flag_field(True)
    unsubscribed_at: datetime | None = instant_field()
    created_at: datetime | None = created_at_field()
    # Added (0008): when the last digest went out, so one goes at most once per period.
    last_sent_at: datetime | None = instant_field()
