"""automation hosts: which host runs whose shell tasks, by user id

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03

Shell tasks run commands as the OS user running run-due, so a host runs them only for the users it
trusts. That choice was an email list in each host's config file, which an account could match by
changing its email; and in team mode every host claimed every shell task, so a host that refused
one recorded it failed although another host would have run it.

automation_hosts has one row per BOO_HOME that runs run-due (its id is kept in that home's state
folder; name and last_seen_at tell `boo automate status` which hosts are alive).
automation_host_shell_users holds, by user id, the users whose shell tasks each host runs: run-due
claims a shell task only when its owner has a row for the claiming host. Both tables are published
copies of each host's own state (every run-due rewrites its rows), so they carry no row-level
security policy and no audit trail: they are machine data, not a user's.

The upgrade also sets task_type from the action's kind wherever the two disagree (rows written
before task_type was kept), since run-due now selects shell tasks by task_type. The downgrade drops
the two tables; task_type keeps its corrected values, which the older code reads the same way.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from boo_cli.models.types import UTCDateTime, utcnow

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "automation_hosts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("last_seen_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), server_default=utcnow(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_automation_hosts"),
    )
    op.create_table(
        "automation_host_shell_users",
        sa.Column("host_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTCDateTime(), server_default=utcnow(), nullable=True),
        sa.ForeignKeyConstraint(["host_id"], ["automation_hosts.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("host_id", "user_id", name="pk_automation_host_shell_users"),
    )
    op.create_index("ix_automation_host_shell_users_user", "automation_host_shell_users", ["user_id"])
    kind = (
        "action_config ->> 'kind'"
        if op.get_bind().dialect.name == "postgresql"
        else "json_extract(action_config, '$.kind')"
    )
    op.execute(
        f"UPDATE automation_tasks SET task_type = {kind} "
        f"WHERE {kind} IS NOT NULL AND (task_type IS NULL OR task_type <> {kind})"
    )


def downgrade() -> None:
    op.drop_index("ix_automation_host_shell_users_user", table_name="automation_host_shell_users")
    op.drop_table("automation_host_shell_users")
    op.drop_table("automation_hosts")
