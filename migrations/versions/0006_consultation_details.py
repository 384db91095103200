"""consultations: cancellation reason and calendar sequence

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26

cancel_reason keeps what the user said when cancelling. sequence is the iCalendar SEQUENCE of the
consultation's event: it grows on each reschedule or cancellation, so a calendar app that imported an
older export replaces its copy instead of keeping both. Existing rows start at 0, as a never-changed
event does.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("consultations") as batch:
        batch.add_column(sa.Column("cancel_reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("sequence", sa.Integer(), server_default=sa.text("0"), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("consultations") as batch:
        batch.drop_column("sequence")
        batch.drop_column("cancel_reason")
