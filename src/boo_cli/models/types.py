"""Portable column types, defined once and used by every table.

Each type keeps the spec's meaning on both backends: PostgreSQL gets its native type (UUID, JSONB,
INTERVAL, TIMESTAMPTZ, enums), SQLite a faithful equivalent. See docs/schema.md.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

# --- time -------------------------------------------------------------------------------------


class utcnow(FunctionElement):
    """The current UTC instant as a server-side default, written so both backends store it alike."""

    type = sa.DateTime(timezone=True)
    inherit_cache = True
    name = "utcnow"


@compiles(utcnow, "postgresql")
def _utcnow_pg(element, compiler, **kw):
    return "now()"


@compiles(utcnow, "sqlite")
def _utcnow_sqlite(element, compiler, **kw):
    # Same text layout SQLAlchemy writes for a datetime, so values sort and compare as strings.
    return "(strftime('%Y-%m-%d %H:%M:%f', 'now'))"


@compiles(utcnow)
def _utcnow_default(element, compiler, **kw):
    return "CURRENT_TIMESTAMP"


class UTCDateTime(sa.TypeDecorator):
    """A timezone-aware instant, stored in UTC (TIMESTAMPTZ on PostgreSQL, ISO text on SQLite).

    Naive datetimes are refused: a time without a zone is a bug waiting for a DST night.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime, got {type(value).__name__}")
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; attach a time zone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def now_utc() -> datetime:
    return datetime.now(UTC)


# --- JSON -------------------------------------------------------------------------------------


class JSONDocument(sa.TypeDecorator):
    """JSONB on PostgreSQL, JSON (text) on SQLite."""

    impl = sa.JSON
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import JSONB  # imported only when PostgreSQL is in use

            return dialect.type_descriptor(JSONB())
        return dialect.type_descriptor(sa.JSON())


# --- money and scores -------------------------------------------------------------------------


class Decimal2(sa.TypeDecorator):
    """An exact decimal with two places: NUMERIC(p,2) on both backends, always read as Decimal."""

    impl = sa.Numeric
    cache_ok = True

    def __init__(self, precision: int) -> None:
        super().__init__(precision=precision, scale=2, asdecimal=True)

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            # SQLite has no decimal type; NUMERIC affinity plus quantising on the way in and out keeps
            # two exact places for every value these columns allow (at most 12 significant digits).
            return dialect.type_descriptor(sa.Numeric(self.impl.precision, 2, asdecimal=False))
        return dialect.type_descriptor(self.impl)

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        value = Decimal(value).quantize(Decimal("0.01"))
        return float(value) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return Decimal(str(value)).quantize(Decimal("0.01"))


def Money() -> Decimal2:
    """DECIMAL(12,2), the spec's revenue columns."""
    return Decimal2(12)


def Score() -> Decimal2:
    """DECIMAL(4,2): the spec's DECIMAL(3,2) cannot hold 10.00 (docs/schema.md)."""
    return Decimal2(4)


# --- intervals --------------------------------------------------------------------------------

_ISO_DURATION = re.compile(
    r"^(?P<sign>-)?P(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$"
)


@dataclass(frozen=True, order=True)
class Span:
    """A calendar interval as PostgreSQL keeps it: months, days and seconds, each counted apart.

    A month is not a fixed number of days, so "3 months" from 31 January must land on 30 April;
    a plain timedelta cannot say that, which is why the INTERVAL column does not use one.
    """

    months: int = 0
    days: int = 0
    seconds: int = 0

    def __post_init__(self) -> None:
        if min(self.months, self.days, self.seconds) < 0:
            raise ValueError("a span cannot be negative")

    def is_zero(self) -> bool:
        return not (self.months or self.days or self.seconds)

    def to_iso(self) -> str:
        """ISO 8601 duration, e.g. P1Y2M10DT2H."""
        if self.is_zero():
            return "PT0S"
        years, months = divmod(self.months, 12)
        out = "P"
        out += f"{years}Y" if years else ""
        out += f"{months}M" if months else ""
        out += f"{self.days}D" if self.days else ""
        if self.seconds:
            hours, rest = divmod(self.seconds, 3600)
            minutes, seconds = divmod(rest, 60)
            out += "T"
            out += f"{hours}H" if hours else ""
            out += f"{minutes}M" if minutes else ""
            out += f"{seconds}S" if seconds else ""
        return out

    @classmethod
    def from_iso(cls, text: str) -> Span:
        match = _ISO_DURATION.match(text.strip().upper())
        if not match or text.strip().upper() in {"P", "PT"} or match.group("sign"):
            raise ValueError(f"not an ISO 8601 duration: {text!r}")
        part = {k: v for k, v in match.groupdict().items() if k != "sign"}
        num = {k: float(v) if v else 0 for k, v in part.items()}
        return cls(
            months=int(num["years"] * 12 + num["months"]),
            days=int(num["weeks"] * 7 + num["days"]),
            seconds=int(num["hours"] * 3600 + num["minutes"] * 60 + num["seconds"]),
        )

    def add_to(self, start: date) -> date:
        """The date this span after start: months first (clamped to the month's end), then days."""
        month_index = start.month - 1 + self.months
        year, month = start.year + month_index // 12, month_index % 12 + 1
        day = min(start.day, _days_in_month(year, month))
        moved = start.replace(year=year, month=month, day=day)
        return moved + timedelta(days=self.days, seconds=self.seconds)


def _days_in_month(year: int, month: int) -> int:
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - timedelta(days=1)).day


class Interval(sa.TypeDecorator):
    """INTERVAL on PostgreSQL, ISO 8601 duration text on SQLite; a Span in Python on both."""

    impl = sa.String(64)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import INTERVAL

            return dialect.type_descriptor(INTERVAL())
        return dialect.type_descriptor(sa.String(64))

    def bind_expression(self, bindvalue):
        # The ISO text is cast on the server, so PostgreSQL keeps months as months.
        return sa.cast(bindvalue, self)

    def column_expression(self, column):
        expression = _interval_as_text(column)
        expression.type = self  # so results still pass through process_result_value
        return expression

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, str):
            value = Span.from_iso(value)
        if not isinstance(value, Span):
            raise TypeError(f"expected a Span, got {type(value).__name__}")
        return value.to_iso()

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return Span.from_iso(value)


class _interval_as_text(FunctionElement):
    inherit_cache = True
    type = sa.String()
    name = "interval_as_text"


@compiles(_interval_as_text, "postgresql")
def _interval_as_text_pg(element, compiler, **kw):
    # months/days/seconds are read apart, so the result does not depend on the IntervalStyle setting.
    (col,) = element.clauses
    c = compiler.process(col, **kw)
    return (
        f"CASE WHEN {c} IS NULL THEN NULL ELSE 'P' || "
        f"(extract(year from {c})::int * 12 + extract(month from {c})::int)::text || 'M' || "
        f"extract(day from {c})::int::text || 'DT' || "
        f"(extract(hour from {c})::int * 3600 + extract(minute from {c})::int * 60"
        f" + floor(extract(second from {c}))::int)::text || 'S' END"
    )


@compiles(_interval_as_text)
def _interval_as_text_default(element, compiler, **kw):
    (col,) = element.clauses
    return compiler.process(col, **kw)


# --- enums ------------------------------------------------------------------------------------


def enum_column_type(enum_cls: type[enum.Enum], name: str) -> sa.Enum:
    """A native PostgreSQL enum type, and a VARCHAR with a CHECK constraint on SQLite."""
    return sa.Enum(
        enum_cls,
        name=name,
        values_callable=lambda members: [m.value for m in members],
        native_enum=True,
        create_constraint=True,
        validate_strings=True,
    )
