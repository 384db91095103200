"""The spec's constraints and defaults hold for rows written with raw SQL, on both backends."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from boo_cli.models.types import Interval, Span, UTCDateTime


def insert(conn, table: str, **values):
    """INSERT with typed binds, so UUIDs and times are written the way each backend stores them."""
    binds = []
    for name, value in values.items():
        if isinstance(value, uuid.UUID):
            binds.append(sa.bindparam(name, value, type_=sa.Uuid))
        elif isinstance(value, datetime):
            binds.append(sa.bindparam(name, value, type_=UTCDateTime))
    columns = ", ".join(values)
    placeholders = ", ".join(f":{name}" for name in values)
    statement = sa.text(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})").bindparams(*binds)
    plain = {
        k: str(v) if isinstance(v, Decimal | date) and not isinstance(v, datetime) else v
        for k, v in values.items()
    }
    conn.execute(statement, {k: v for k, v in plain.items() if not isinstance(v, uuid.UUID | datetime)})


def new_user(conn, email: str = "owner@example.com") -> uuid.UUID:
    user_id = uuid.uuid4()
    insert(conn, "users", id=user_id, email=email, password_hash="h", first_name="Ada", last_name="Lovelace")
    return user_id


def new_profile(conn, user_id: uuid.UUID, name: str = "Ada Consulting") -> uuid.UUID:
    profile_id = uuid.uuid4()
    insert(conn, "business_profiles", id=profile_id, user_id=user_id, business_name=name)
    return profile_id


def one(conn, sql: str, **params):
    statement = sa.text(sql)
    for name, value in params.items():
        if isinstance(value, uuid.UUID):
            statement = statement.bindparams(sa.bindparam(name, value, type_=sa.Uuid))
    return conn.execute(statement, params).one()


def test_a_user_without_an_email_is_rejected(engine):
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        insert(conn, "users", id=uuid.uuid4(), password_hash="h", first_name="A", last_name="B")


@pytest.mark.parametrize("missing", ["password_hash", "first_name", "last_name"])
def test_each_not_null_user_column_is_enforced(engine, missing):
    values = {
        "id": uuid.uuid4(),
        "email": "x@example.com",
        "password_hash": "h",
        "first_name": "A",
        "last_name": "B",
    }
    del values[missing]
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        insert(conn, "users", **values)


def test_a_second_user_with_the_same_email_is_rejected(engine):
    with engine.begin() as conn:
        new_user(conn, "same@example.com")
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        new_user(conn, "same@example.com")


def test_a_profile_for_a_missing_user_is_rejected(engine):
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        new_profile(conn, uuid.uuid4())


def test_an_unknown_enum_value_is_rejected(engine):
    with engine.begin() as conn:
        user_id = new_user(conn)
    with pytest.raises((sa.exc.IntegrityError, sa.exc.DataError)), engine.begin() as conn:
        insert(
            conn,
            "business_profiles",
            id=uuid.uuid4(),
            user_id=user_id,
            business_name="X",
            business_stage="bogus",
        )


@pytest.mark.parametrize(
    "column", ["overall_score", "operations_score", "marketing_score", "finance_score", "technology_score"]
)
def test_scores_hold_ten_and_refuse_more_or_less_than_the_range(engine, column):
    with engine.begin() as conn:
        profile_id = new_profile(conn, new_user(conn))
        insert(
            conn,
            "business_audits",
            id=uuid.uuid4(),
            business_profile_id=profile_id,
            audit_date=date(2026, 1, 5),
            **{column: Decimal("10.00")},
        )
    for bad in (Decimal("10.01"), Decimal("-0.01")):
        with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
            insert(
                conn,
                "business_audits",
                id=uuid.uuid4(),
                business_profile_id=profile_id,
                audit_date=date(2026, 1, 5),
                **{column: bad},
            )


def test_spec_defaults_appear_when_raw_inserts_omit_the_columns(engine):
    with engine.begin() as conn:
        user_id = new_user(conn)
        profile_id = new_profile(conn, user_id)
        consultation_id, task_id = uuid.uuid4(), uuid.uuid4()
        insert(
            conn,
            "consultations",
            id=consultation_id,
            user_id=user_id,
            scheduled_at=datetime(2026, 3, 1, 9, tzinfo=UTC),
        )
        insert(conn, "consultation_notes", id=uuid.uuid4(), consultation_id=consultation_id)
        insert(conn, "automation_tasks", id=task_id, business_profile_id=profile_id, task_name="t")
        insert(
            conn,
            "task_executions",
            id=uuid.uuid4(),
            automation_task_id=task_id,
            started_at=datetime(2026, 3, 1, tzinfo=UTC),
        )
        insert(conn, "resource_downloads", id=uuid.uuid4(), user_id=user_id, resource_name="r")
        insert(conn, "newsletter_subscriptions", id=uuid.uuid4(), user_id=user_id, email="n@example.com")
        insert(conn, "growth_strategies", id=uuid.uuid4(), business_profile_id=profile_id, strategy_name="s")
        insert(
            conn,
            "business_audits",
            id=uuid.uuid4(),
            business_profile_id=profile_id,
            audit_date=date(2026, 1, 5),
        )
    with engine.connect() as conn:
        user = one(conn, "SELECT timezone, is_active, email_verified, created_at, updated_at FROM users")
        assert user.timezone == "UTC"
        assert bool(user.is_active) is True
        assert bool(user.email_verified) is False
        assert user.created_at is not None and user.updated_at is not None
        assert one(conn, "SELECT duration_minutes FROM consultations").duration_minutes == 60
        assert (
            bool(one(conn, "SELECT follow_up_required FROM consultation_notes").follow_up_required) is False
        )
        assert bool(one(conn, "SELECT is_active FROM automation_tasks").is_active) is True
        assert one(conn, "SELECT frequency FROM newsletter_subscriptions").frequency == "weekly"
        assert bool(one(conn, "SELECT is_active FROM newsletter_subscriptions").is_active) is True
        assert one(conn, "SELECT downloaded_at FROM resource_downloads").downloaded_at is not None
        for table in (
            "business_profiles",
            "consultations",
            "consultation_notes",
            "automation_tasks",
            "task_executions",
            "newsletter_subscriptions",
            "growth_strategies",
            "business_audits",
        ):
            assert one(conn, f"SELECT created_at FROM {table}").created_at is not None, table


def test_deleting_a_user_takes_their_data_with_them(engine):
    with engine.begin() as conn:
        user_id = new_user(conn)
        profile_id = new_profile(conn, user_id)
        strategy_id = uuid.uuid4()
        insert(conn, "growth_strategies", id=strategy_id, business_profile_id=profile_id, strategy_name="s")
        insert(
            conn, "strategy_milestones", id=uuid.uuid4(), growth_strategy_id=strategy_id, milestone_name="m"
        )
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM users"))
    with engine.connect() as conn:
        for table in ("business_profiles", "growth_strategies", "strategy_milestones"):
            assert conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar() == 0, table


def test_updated_at_moves_on_a_raw_update(engine):
    with engine.begin() as conn:
        user_id = new_user(conn)
        conn.execute(
            sa.text(
                "UPDATE users SET updated_at = created_at - INTERVAL '1 day'"
                if engine.dialect.name == "postgresql"
                else "UPDATE users SET updated_at = '2000-01-01 00:00:00.000'"
            )
        )
    with engine.begin() as conn:
        before = one(conn, "SELECT updated_at FROM users WHERE id = :id", id=user_id).updated_at
        conn.execute(sa.text("UPDATE users SET first_name = 'Grace'"))
    with engine.connect() as conn:
        after = one(conn, "SELECT updated_at FROM users WHERE id = :id", id=user_id).updated_at
    assert str(after) > str(before)


@pytest.mark.parametrize(
    "span",
    [
        Span(months=3),
        Span(days=90),
        Span(months=14),
        Span(days=1, seconds=3600),
        Span(months=1, days=2, seconds=5),
    ],
)
def test_intervals_round_trip_exactly(engine, span):
    table = sa.table("growth_strategies", sa.column("id", sa.Uuid), sa.column("target_timeline", Interval()))
    with engine.begin() as conn:
        profile_id = new_profile(conn, new_user(conn))
        strategy_id = uuid.uuid4()
        insert(conn, "growth_strategies", id=strategy_id, business_profile_id=profile_id, strategy_name="s")
        conn.execute(table.update().values(target_timeline=span))
    with engine.connect() as conn:
        assert conn.execute(sa.select(table.c.target_timeline)).scalar() == span


def test_money_and_times_round_trip_exactly(session):
    from boo_cli.models import BusinessProfile, User

    user = User(email="m@example.com", password_hash="h", first_name="M", last_name="N")
    session.add(user)
    session.flush()
    profile = BusinessProfile(user_id=user.id, business_name="Big", annual_revenue=Decimal("9999999999.99"))
    session.add(profile)
    session.commit()
    session.expire_all()
    loaded = session.get(BusinessProfile, profile.id)
    assert loaded.annual_revenue == Decimal("9999999999.99")
    assert loaded.created_at.tzinfo is not None
    assert loaded.created_at.utcoffset().total_seconds() == 0
