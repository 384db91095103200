"""Migrations keep data: 0009 fills the due dates 0004 left empty, and a downgrade that would drop a
column or table holding data is refused (saying what and how many rows) unless forced."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from boo_cli import db
from boo_cli.errors import Conflict
from boo_cli.services import database, profiles, strategies

created = sa.table(
    "growth_strategies",
    sa.column("id", sa.Uuid()),
    sa.column("created_at", sa.String()),
    sa.column("due_date", sa.Date()),
)


def _strategies(url: str) -> dict[str, tuple]:
    """name -> (due_date, updated_at, timeline, description), read with plain SQL."""
    with db.get_engine(url).connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT strategy_name, due_date, updated_at, description FROM growth_strategies "
                "ORDER BY strategy_name"
            )
        ).all()
    return {name: (str(due) if due else None, str(updated), text) for name, due, updated, text in rows}


@pytest.fixture
def plans(url, session, owner):
    """Four strategies of a Berlin user: three with a timeline, one without."""
    profile = profiles.add_profile(session, owner, name="Olive Oils")
    made = {
        name: strategies.add_strategy(
            session, owner, profile, name=name, today=date(2026, 1, 1), timeline=timeline, description=name
        )
        for name, timeline in {
            "month": "1 month",
            "quarter": "3 months",
            "weeks": "2w",
            "open": None,
        }.items()
    }
    session.commit()
    # Made before 0004 filled due_date: created 23:30 UTC on 31 Jan is 1 Feb in Berlin.
    instants = {
        "month": datetime(2026, 1, 31, 23, 30, tzinfo=UTC),
        "quarter": datetime(2025, 11, 30, 10, 0, tzinfo=UTC),
        "weeks": datetime(2026, 3, 1, 9, 0, tzinfo=UTC),
        "open": datetime(2026, 3, 1, 9, 0, tzinfo=UTC),
    }
    from boo_cli.models import AuditTrailEntry, GrowthStrategy

    with db.get_engine(url).begin() as conn:
        # The history's values came with 0017; kept, they would (rightly) stop every downgrade here.
        conn.execute(sa.update(AuditTrailEntry.__table__).values(old_values=sa.null(), new_values=sa.null()))
        for name, instant in instants.items():
            conn.execute(
                sa.update(GrowthStrategy.__table__)
                .where(GrowthStrategy.__table__.c.id == made[name].id)
                .values(created_at=instant, due_date=None)
            )
    return made


def test_0009_fills_due_dates_by_the_services_rule_and_leaves_updated_at(url, plans):
    before = _strategies(url)
    assert {name: row[0] for name, row in before.items()} == dict.fromkeys(before)
    database.upgrade(url, "0008")  # 0009's downgrade keeps data; this just steps back over it
    assert database.downgrade(url, "0008").current == "0008"
    assert database.upgrade(url).current == db.head_revision()
    after = _strategies(url)
    assert {name: row[0] for name, row in after.items()} == {
        "month": "2026-03-01",  # 1 Feb (Berlin) + 1 month
        "quarter": "2026-02-28",  # 30 Nov + 3 months, clamped to February's end
        "weeks": "2026-03-15",
        "open": None,
    }
    assert {n: r[1] for n, r in after.items()} == {n: r[1] for n, r in before.items()}


def test_a_filled_due_date_agrees_with_what_the_service_gives_on_edit(url, plans, session, owner):
    database.downgrade(url, "0008")
    database.upgrade(url)
    filled = _strategies(url)["month"][0]
    session.expire_all()  # the rows changed under the session (plain SQL, migrations)
    business = profiles.get_profile(session, owner, "Olive Oils")
    strategy = strategies.get_strategy(session, owner, "month", business)
    strategies.edit_strategy(session, owner, strategy, timeline="1 month")
    session.commit()
    assert _strategies(url)["month"][0] == filled


def test_up_write_down_one_step_up_again_keeps_every_row(url, plans):
    database.downgrade(url, "0008")
    database.upgrade(url)
    before = _strategies(url)
    assert database.downgrade(url, "-1").current == db.known_revisions()[-2]
    assert database.upgrade(url).current == db.head_revision()
    assert _strategies(url) == before


def test_a_downgrade_that_drops_a_column_with_data_is_refused_and_says_what(url, plans):
    database.downgrade(url, "0008")
    database.upgrade(url)
    before = _strategies(url)
    with pytest.raises(Conflict) as refused:
        database.downgrade(url, "0003")
    message = str(refused.value)
    assert "growth_strategies.due_date (3 rows)" in message and "--force" in message
    assert database.current(url).current == db.head_revision()  # nothing changed
    assert _strategies(url) == before


def test_a_forced_downgrade_goes_and_upgrading_fills_the_dates_again(url, plans):
    database.downgrade(url, "0008")
    database.upgrade(url)
    before = _strategies(url)
    assert database.downgrade(url, "0003", force=True).current == "0003"
    database.upgrade(url)
    assert {n: r[:1] + r[2:] for n, r in _strategies(url).items()} == {
        n: r[:1] + r[2:] for n, r in before.items()
    }


def test_downgrading_to_base_names_the_tables_that_hold_rows(url, owner):
    with pytest.raises(Conflict, match=r"table users \(1 row\)"):
        database.downgrade(url, "base")
    assert database.current(url).up_to_date


def test_every_guarded_column_is_named_with_its_table(url, plans, session, owner):
    database.downgrade(url, "0008")
    database.upgrade(url)
    losses = database.data_lost_by_downgrade(url, "base")
    tables = {loss.table for loss in losses}
    assert {"users", "business_profiles", "growth_strategies"} <= tables
    assert all(loss.column is None for loss in losses)
    to_0001 = {str(loss) for loss in database.data_lost_by_downgrade(url, "0001")}
    assert "growth_strategies.due_date (3 rows)" in to_0001


def test_the_cli_refuses_without_force_and_goes_with_it(cli, url, plans):
    database.downgrade(url, "0008")
    database.upgrade(url)
    refused = cli("db", "downgrade", "0003", "--yes")
    assert refused.exit_code == 1
    assert "growth_strategies.due_date (3 rows)" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    assert database.current(url).up_to_date
    forced = cli("db", "downgrade", "0003", "--yes", "--force")
    assert forced.exit_code == 0, forced.stderr
    assert database.current(url).current == "0003"
