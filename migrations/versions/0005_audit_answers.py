"""audits: answers, bank version and progress of an audit in the making

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26

business_audits gains the raw answers (JSON: question id -> 1..5, "na" or null for skipped), the
question bank version they were given against, the sections the audit covers, and a status
(in_progress or completed, VARCHAR + CHECK) with its completion time. Rows that exist already are
finished audits, hence the server default. A partial unique index allows one unfinished audit per
business.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from boo_cli.models.types import JSONDocument, UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

UNFINISHED = "status = 'in_progress'"


def upgrade() -> None:
    with op.batch_alter_table("business_audits") as batch:
        batch.add_column(sa.Column("answers", JSONDocument(), nullable=True))
        batch.add_column(sa.Column("bank_version", sa.String(20), nullable=True))
        batch.add_column(sa.Column("sections", JSONDocument(), nullable=True))
        batch.add_column(sa.Column("status", sa.String(20), server_default="completed", nullable=False))
        batch.add_column(sa.Column("completed_at", UTCDateTime(), nullable=True))
        batch.create_check_constraint(
            op.f("ck_business_audits_status_values"), "status IN ('in_progress', 'completed')"
        )
    op.create_index(
        "ux_business_audits_one_unfinished",
        "business_audits",
        ["business_profile_id"],
        unique=True,
        sqlite_where=sa.text(UNFINISHED),
        postgresql_where=sa.text(UNFINISHED),
    )


def downgrade() -> None:
    op.drop_index("ux_business_audits_one_unfinished", table_name="business_audits")
    with op.batch_alter_table("business_audits") as batch:
        batch.drop_constraint(op.f("ck_business_audits_status_values"), type_="check")
        batch.drop_column("completed_at")
        batch.drop_column("status")
        batch.drop_column("sections")
        batch.drop_column("bank_version")
        batch.drop_column("answers")
