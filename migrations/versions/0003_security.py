"""security: row-level security on PostgreSQL, updated_at kept current by triggers on both backends

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26

Row-level security: every table gets a policy that, once boo names the acting user for a transaction
(set_config('boo.user_id', …, true), see db.py), shows and accepts only that user's rows. FORCE makes
it apply to the tables' owner too (superusers still bypass it; see docs/security.md).
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

ACTOR = "boo_current_user_id()"
MINE = f"SELECT id FROM business_profiles WHERE user_id = {ACTOR}"
OWNERSHIP = {
    "users": f"id = {ACTOR}",
    "business_profiles": f"user_id = {ACTOR}",
    "consultations": f"user_id = {ACTOR}",
    "resource_downloads": f"user_id = {ACTOR}",
    "newsletter_subscriptions": f"user_id = {ACTOR}",
    "audit_trail": f"user_id = {ACTOR}",
    "consultation_notes": f"consultation_id IN (SELECT id FROM consultations WHERE user_id = {ACTOR})",
    "business_audits": f"business_profile_id IN ({MINE})",
    "growth_strategies": f"business_profile_id IN ({MINE})",
    "automation_tasks": f"business_profile_id IN ({MINE})",
    "strategy_milestones": (
        f"growth_strategy_id IN (SELECT id FROM growth_strategies WHERE business_profile_id IN ({MINE}))"
    ),
    "task_executions": (
        f"automation_task_id IN (SELECT id FROM automation_tasks WHERE business_profile_id IN ({MINE}))"
    ),
}
WITH_UPDATED_AT = (
    "users",
    "business_profiles",
    "consultation_notes",
    "growth_strategies",
    "automation_tasks",
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _upgrade_postgresql()
    else:
        _upgrade_sqlite()


def _upgrade_postgresql() -> None:
    op.execute(
        "CREATE FUNCTION boo_current_user_id() RETURNS uuid LANGUAGE sql STABLE AS "
        "$$ SELECT NULLIF(current_setting('boo.user_id', true), '')::uuid $$"
    )
    for table, owned in OWNERSHIP.items():
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY boo_owner ON {table} USING ({ACTOR} IS NULL OR {owned})")
    op.execute(
        "CREATE FUNCTION boo_touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at THEN NEW.updated_at := now(); END IF; "
        "RETURN NEW; END $$"
    )
    for table in WITH_UPDATED_AT:
        op.execute(
            f"CREATE TRIGGER {table}_touch_updated_at BEFORE UPDATE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION boo_touch_updated_at()"
        )


def _upgrade_sqlite() -> None:
    for table in WITH_UPDATED_AT:
        op.execute(
            f"CREATE TRIGGER {table}_touch_updated_at AFTER UPDATE ON {table} FOR EACH ROW "
            "WHEN NEW.updated_at IS OLD.updated_at BEGIN "
            f"UPDATE {table} SET updated_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE rowid = NEW.rowid; "
            "END"
        )


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in WITH_UPDATED_AT:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_touch_updated_at" + (f" ON {table}" if postgres else ""))
    if not postgres:
        return
    op.execute("DROP FUNCTION IF EXISTS boo_touch_updated_at()")
    for table in OWNERSHIP:
        op.execute(f"DROP POLICY IF EXISTS boo_owner ON {table}")
        op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    op.execute("DROP FUNCTION IF EXISTS boo_current_user_id()")
