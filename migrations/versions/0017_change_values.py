"""change values: the change history keeps what each changed column was before and after

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06

audit_trail said which columns changed but not from what to what, so "who changed my target revenue,
and from what" had no answer. Each entry now holds the changed columns' values before (old_values)
and after (new_values); secret and private columns are named without their values
(services/audit_trail.py). Entries made before this revision keep their column names only.

Values are personal data, so an entry now goes with its author: the foreign key to users becomes
ON DELETE CASCADE (it was SET NULL, which kept an erased user's changes with no author).
The downgrade drops the values and sets the key back.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from boo_cli.models.types import JSONDocument

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

FK = "fk_audit_trail_user_id_users"


def upgrade() -> None:
    with op.batch_alter_table("audit_trail") as batch:
        batch.add_column(sa.Column("old_values", JSONDocument, nullable=True))
        batch.add_column(sa.Column("new_values", JSONDocument, nullable=True))
        batch.drop_constraint(FK, type_="foreignkey")
        batch.create_foreign_key(FK, "users", ["user_id"], ["id"], ondelete="CASCADE")


def downgrade() -> None:
    with op.batch_alter_table("audit_trail") as batch:
        batch.drop_constraint(FK, type_="foreignkey")
        batch.create_foreign_key(FK, "users", ["user_id"], ["id"], ondelete="SET NULL")
        batch.drop_column("new_values")
        batch.drop_column("old_values")
