"""recent downloads: `resources history` pages through an index instead of sorting every download

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06

The spec's ix_resource_downloads_user_id finds a user's downloads but not in time order, so each page
of `boo resources history` sorted all of them. This index holds them in the order the list shows
(newest first, the id breaking ties), and the spec's index stays as it is.
"""

from __future__ import annotations

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_resource_downloads_user_recent", "resource_downloads", ["user_id", "downloaded_at", "id"]
    )


def downgrade() -> None:
    op.drop_index("ix_resource_downloads_user_recent", table_name="resource_downloads")
