"""strategy due dates for strategies made before 0004: fill growth_strategies.due_date

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03

Revision 0004 added due_date but left it empty on existing rows, so `strategy list --overdue` and
`--sort due` missed every older strategy with a timeline. This fills it by the service's own rule
(services/strategies.py): the local date, in the owner's time zone, of created_at, plus
target_timeline (months first, clamped to the month's end, then days). Rows that already have a due
date, or no timeline, are left as they are; updated_at is not touched (it is a backfill, not an edit).

Downgrade changes nothing: the filled dates are valid data under 0008 too. (Downgrading past 0004 drops
the column, which `boo db downgrade` refuses without --force while it holds data.)
"""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from alembic import op

from boo_cli.models.types import Interval, UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

CHUNK = 1000
TOUCH_TRIGGER = "growth_strategies_touch_updated_at"

strategies = sa.table(
    "growth_strategies",
    sa.column("id", sa.Uuid()),
    sa.column("business_profile_id", sa.Uuid()),
    sa.column("created_at", UTCDateTime()),
    sa.column("target_timeline", Interval()),
    sa.column("due_date", sa.Date()),
)
profiles = sa.table("business_profiles", sa.column("id", sa.Uuid()), sa.column("user_id", sa.Uuid()))
users = sa.table("users", sa.column("id", sa.Uuid()), sa.column("timezone", sa.String()))


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _due_dates(connection) -> list[dict]:
    rows = connection.execute(
        sa.select(strategies.c.id, strategies.c.created_at, strategies.c.target_timeline, users.c.timezone)
        .join(profiles, profiles.c.id == strategies.c.business_profile_id)
        .join(users, users.c.id == profiles.c.user_id)
        .where(
            strategies.c.due_date.is_(None),
            strategies.c.target_timeline.is_not(None),
            strategies.c.created_at.is_not(None),
        )
    )
    return [
        {"strategy_id": sid, "due": timeline.add_to(created.astimezone(_zone(zone)).date())}
        for sid, created, timeline, zone in rows
        if timeline is not None and not timeline.is_zero()
    ]


def upgrade() -> None:
    connection = op.get_bind()
    filled = _due_dates(connection)
    if not filled:
        return
    update = (
        sa.update(strategies)
        .where(strategies.c.id == sa.bindparam("strategy_id"))
        .values(due_date=sa.bindparam("due"))
    )
    with _updated_at_left_alone(connection):
        for start in range(0, len(filled), CHUNK):
            connection.execute(update, filled[start : start + CHUNK])


class _updated_at_left_alone:
    """Keep revision 0003's touch trigger from stamping updated_at on every filled row."""

    def __init__(self, connection) -> None:
        self.connection = connection
        self.sqlite_trigger: str | None = None

    def __enter__(self):
        if self.connection.dialect.name == "postgresql":
            self.connection.exec_driver_sql(f"ALTER TABLE growth_strategies DISABLE TRIGGER {TOUCH_TRIGGER}")
        else:
            self.sqlite_trigger = self.connection.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (TOUCH_TRIGGER,)
            ).scalar()
            if self.sqlite_trigger:
                self.connection.exec_driver_sql(f"DROP TRIGGER {TOUCH_TRIGGER}")
        return self

    def __exit__(self, *exc) -> None:
        if self.connection.dialect.name == "postgresql":
            self.connection.exec_driver_sql(f"ALTER TABLE growth_strategies ENABLE TRIGGER {TOUCH_TRIGGER}")
        elif self.sqlite_trigger:
            self.connection.exec_driver_sql(self.sqlite_trigger)


def downgrade() -> None:
    pass  # the filled dates stay: see the module's docstring
