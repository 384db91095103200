"""user sessions: a login is a revocable, expiring token, not a user id on the machine

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06

A login used to be the user's id kept on the machine: anyone who could write that file, or who knew
an id (ids appear in exports and calendars), was that user, with no expiry and no way to end it from
elsewhere. A login is now a random token the machine keeps; user_sessions holds its SHA-256 with the
host it was made on, when it was made and last used, and when it expires. Ending a login deletes its
row. Old logins (bare ids) are not carried over: after this revision each machine logs in once more.

user_sessions is a user's data like the rest, so it gets the same row-level security policy.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from boo_cli.models.types import UTCDateTime, utcnow

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "user_sessions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("host", sa.String(255), nullable=True),
        sa.Column("created_at", UTCDateTime(), server_default=utcnow(), nullable=True),
        sa.Column("last_used_at", UTCDateTime(), nullable=True),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_user_sessions"),
        sa.UniqueConstraint("token_hash", name="uq_user_sessions_token_hash"),
    )
    op.create_index("ix_user_sessions_user_id", "user_sessions", ["user_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE user_sessions ENABLE ROW LEVEL SECURITY")
        op.execute("ALTER TABLE user_sessions FORCE ROW LEVEL SECURITY")
        op.execute(
            "CREATE POLICY boo_owner ON user_sessions "
            "USING (boo_current_user_id() IS NULL OR user_id = boo_current_user_id())"
        )


def downgrade() -> None:
    op.drop_index("ix_user_sessions_user_id", table_name="user_sessions")
    op.drop_table("user_sessions")
