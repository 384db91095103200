"""Migrations build exactly what the models declare, and undo it, on both backends."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from boo_cli import db
from boo_cli.errors import DatabaseError
from boo_cli.services import database

SPEC_TABLES = {
    "users",
    "business_profiles",
    "consultations",
    "consultation_notes",
    "business_audits",
    "growth_strategies",
    "strategy_milestones",
    "automation_tasks",
    "task_executions",
    "resource_downloads",
    "newsletter_subscriptions",
}

SPEC_INDEXES = {
    "idx_consultations_user_scheduled": ("consultations", ["user_id", "scheduled_at"]),
    "idx_consultations_status": ("consultations", ["status"]),
    "idx_business_audits_profile": ("business_audits", ["business_profile_id", "audit_date"]),
    "idx_growth_strategies_profile_status": ("growth_strategies", ["business_profile_id", "status"]),
    "idx_automation_tasks_profile_active": ("automation_tasks", ["business_profile_id", "is_active"]),
    "idx_task_executions_task_status": ("task_executions", ["automation_task_id", "status"]),
}

PG_ENUMS = {
    "business_stage",
    "consultation_type",
    "consultation_status",
    "strategy_priority",
    "strategy_status",
    "milestone_status",
    "execution_status",
    "newsletter_frequency",
    "change_action",
}


def _tables(url: str) -> set[str]:
    with db.get_engine(url).connect() as conn:
        return set(sa.inspect(conn).get_table_names())


def _pg_enum_types(url: str) -> set[str]:
    with db.get_engine(url).connect() as conn:
        rows = conn.execute(sa.text("SELECT typname FROM pg_type WHERE typtype = 'e'"))
        return {row[0] for row in rows}


def test_upgrade_builds_every_spec_table_with_no_drift_from_the_models(empty_url):
    state = database.upgrade(empty_url)
    assert state.current == state.head == db.head_revision()
    assert _tables(empty_url) >= SPEC_TABLES
    result = database.check(empty_url)
    assert result.differences == []
    assert result.ok


SPEC_COLUMNS = {
    "users": """
        id email password_hash first_name last_name phone timezone is_active email_verified
        created_at updated_at
    """,
    "business_profiles": """
        id user_id business_name industry business_stage annual_revenue target_revenue
        business_model main_challenges created_at updated_at
    """,
    "consultations": """
        id user_id scheduled_at duration_minutes type status meeting_link cancelled_at
        completed_at created_at
    """,
    "consultation_notes": """
        id consultation_id summary key_insights action_items follow_up_required internal_notes
        created_at updated_at
    """,
    "business_audits": """
        id business_profile_id audit_date overall_score operations_score marketing_score
        finance_score technology_score recommendations created_at
    """,
    "growth_strategies": """
        id business_profile_id strategy_name description target_timeline priority status
        expected_impact resources_required created_at updated_at
    """,
    "strategy_milestones": """
        id growth_strategy_id milestone_name description target_date completed_date status
        created_at
    """,
    "automation_tasks": """
        id business_profile_id task_name task_type description trigger_config action_config
        is_active last_run_at next_run_at created_at updated_at
    """,
    "task_executions": """
        id automation_task_id started_at completed_at status error_message execution_log
        created_at
    """,
    "resource_downloads": """
        id user_id resource_name resource_type file_path downloaded_at
    """,
    "newsletter_subscriptions": """
        id user_id email frequency topics is_active unsubscribed_at created_at
    """,
}


def test_every_spec_column_is_built_and_matches_the_models(empty_url):
    from boo_cli.models import metadata

    assert sum(len(cols.split()) for cols in SPEC_COLUMNS.values()) == 104  # the spec's own count
    database.upgrade(empty_url)
    with db.get_engine(empty_url).connect() as conn:
        inspector = sa.inspect(conn)
        for table, columns in SPEC_COLUMNS.items():
            built = {c["name"] for c in inspector.get_columns(table)}
            assert set(columns.split()) <= built, table  # none dropped, none renamed
            # Full-text objects (PostgreSQL's stored search_vector) belong to the migrations alone.
            modelled = {name for name in built if not database.is_full_text_object(name)}
            assert modelled == {c.name for c in metadata.tables[table].columns}, table


def test_spec_composite_indexes_have_the_spec_names_and_columns(empty_url):
    database.upgrade(empty_url)
    with db.get_engine(empty_url).connect() as conn:
        inspector = sa.inspect(conn)
        for name, (table, columns) in SPEC_INDEXES.items():
            found = {i["name"]: i["column_names"] for i in inspector.get_indexes(table)}
            assert found.get(name) == columns, name


def test_full_text_indexes_exist_in_the_backends_own_form(empty_url, backend):
    database.upgrade(empty_url)
    with db.get_engine(empty_url).connect() as conn:
        if backend == "postgres":
            rows = dict(
                conn.execute(
                    sa.text(
                        "SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN "
                        "('idx_business_profiles_search', 'idx_growth_strategies_search')"
                    )
                ).all()
            )
            assert "USING gin (to_tsvector('english'::regconfig" in rows["idx_business_profiles_search"]
            assert "COALESCE(industry" in rows["idx_business_profiles_search"]
            assert "COALESCE(description" in rows["idx_growth_strategies_search"]
        else:
            rows = conn.execute(
                sa.text("SELECT name, sql FROM sqlite_master WHERE name LIKE '%_fts' AND type = 'table'")
            ).all()
            found = dict(rows)
            assert "USING fts5" in found["business_profiles_fts"]
            assert "USING fts5" in found["growth_strategies_fts"]


def test_up_down_up_leaves_nothing_behind_at_base(empty_url, backend):
    database.upgrade(empty_url)
    state = database.downgrade(empty_url, "base")
    assert state.current is None
    assert _tables(empty_url) == set()
    if backend == "postgres":
        assert _pg_enum_types(empty_url) & PG_ENUMS == set()
    database.upgrade(empty_url)
    assert _tables(empty_url) >= SPEC_TABLES
    assert database.check(empty_url).ok


def test_every_revision_goes_up_and_down_one_step_at_a_time(empty_url):
    revisions = db.known_revisions()
    for revision in revisions:
        assert database.upgrade(empty_url, revision).current == revision
    for previous in reversed(("base", *revisions[:-1])):
        state = database.downgrade(empty_url, previous)
        assert state.current == (None if previous == "base" else previous)
    assert _tables(empty_url) == set()


def test_downgrade_keeps_rows_of_tables_that_stay(empty_url):
    database.upgrade(empty_url)
    with db.get_engine(empty_url).begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO users (id, email, password_hash, first_name, last_name) "
                "VALUES (:id, 'kept@example.com', 'x', 'Kept', 'Row')"
            ),
            {"id": "0" * 32 if empty_url.startswith("sqlite") else "00000000-0000-0000-0000-000000000000"},
        )
    database.downgrade(empty_url, "0001")
    database.upgrade(empty_url)
    with db.get_engine(empty_url).connect() as conn:
        assert conn.execute(sa.text("SELECT email FROM users")).scalars().all() == ["kept@example.com"]


def test_head_known_without_alembic_matches_alembics_own_head():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(db.migrations_dir()))
    assert ScriptDirectory.from_config(config).get_current_head() == db.head_revision()


def test_a_session_brings_an_old_database_up_to_date_and_says_so_once(empty_url):
    database.upgrade(empty_url, "0001")
    said: list[str] = []
    with db.session_scope(empty_url, notify=said.append):
        pass
    with db.session_scope(empty_url, notify=said.append):
        pass
    assert database.current(empty_url).current == db.head_revision()
    assert len(said) == 1
    assert "from 0001 to" in said[0]


def test_a_database_newer_than_this_boo_is_refused(url):
    with db.get_engine(url).begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0999'"))
    with pytest.raises(DatabaseError, match="newer than this boo knows"), db.session_scope(url):
        pass
    with pytest.raises(DatabaseError, match="newer"):
        database.upgrade(url)


def test_unknown_target_revision_is_a_usage_error(url):
    from boo_cli.errors import Invalid

    with pytest.raises(Invalid, match="unknown revision"):
        database.downgrade(url, "nope")
