"""consultations: the client's name and email, and a title

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03

A consultation said only its type, so every booking read "Strategy consultation" in a calendar.
client_name (VARCHAR 255), client_email (VARCHAR 255, checked as account emails are) and title
(VARCHAR 255) are all nullable: existing rows have none of them and keep working everywhere.
`boo consult list --search TEXT` matches client and title with ILIKE within the user's own rows, which the
(user_id, scheduled_at) index already narrows; a substring search gains nothing from a B-tree index.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("consultations") as batch:
        batch.add_column(sa.Column("client_name", sa.String(255), nullable=True))
        batch.add_column(sa.Column("client_email", sa.String(255), nullable=True))
        batch.add_column(sa.Column("title", sa.String(255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("consultations") as batch:
        batch.drop_column("title")
        batch.drop_column("client_email")
        batch.drop_column("client_name")
