"""newsletter: when the last digest went out, and one subscription per user and address

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from boo_cli.models.types import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("newsletter_subscriptions") as batch:
        batch.add_column(sa.Column("last_sent_at", UTCDateTime(), nullable=True))
        batch.create_unique_constraint("uq_newsletter_subscriptions_user_email", ["user_id", "email"])


def downgrade() -> None:
    with op.batch_alter_table("newsletter_subscriptions") as batch:
        batch.drop_constraint("uq_newsletter_subscriptions_user_email", type_="unique")
        batch.drop_column("last_sent_at")
