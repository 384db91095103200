"""When a task runs. Every slot is a UTC instant (shared/spec/automation-time.md):

- cron: five fields in the task's zone, through cronsim (Debian cron's rules, DST included);
- interval: previous slot + interval, computed in UTC so that 2 h lasts 2 h across DST;
- once: one instant.

A trigger is stored as versioned JSON (trigger_config) and read back through these pydantic models.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator

from boo_cli.errors import Invalid

ALL_CAP = 100  # the most slots the `all` policy runs for one backlog
ON_TIME = timedelta(minutes=2)  # a slot this recent is not "missed" (cron calls run-due every minute)
Missed = Literal["skip", "latest", "all"]


class _Trigger(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    version: Literal[1] = 1
    tz: str = "UTC"
    missed: Missed = "latest"

    @field_validator("tz")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from boo_cli.services.accounts import normalize_timezone

        return normalize_timezone(value, field="--tz")


class CronTrigger(_Trigger):
    kind: Literal["cron"] = "cron"
    expr: str

    @field_validator("expr")
    @classmethod
    def _valid(cls, value: str) -> str:
        check_cron(value)
        return " ".join(value.split())

    def next_after(self, instant: datetime) -> datetime | None:
        from cronsim import CronSim

        local = instant.astimezone(ZoneInfo(self.tz))
        return next(CronSim(self.expr, local)).astimezone(UTC)

    def latest_slots(self, since: datetime, now: datetime, limit: int) -> list[datetime]:
        from cronsim import CronSim

        start = (now + timedelta(seconds=1)).replace(microsecond=0).astimezone(ZoneInfo(self.tz))
        slots = []
        for slot in CronSim(self.expr, start, reverse=True):
            slot = slot.astimezone(UTC)
            if slot < since or len(slots) == limit:
                break
            slots.append(slot)
        return slots[::-1]

    def describe(self) -> str:
        from cronsim import CronSim

        text = CronSim(self.expr, datetime.now(ZoneInfo(self.tz))).explain()
        return f"{text[0].lower()}{text[1:]} ({self.tz})"


class IntervalTrigger(_Trigger):
    kind: Literal["interval"] = "interval"
    every_seconds: int = Field(gt=0)
    anchor: datetime  # slots are anchor + k * every, for k >= 1

    def _k(self, instant: datetime) -> float:
        return (instant - self.anchor).total_seconds() / self.every_seconds

    def _slot(self, k: int) -> datetime:
        return self.anchor + timedelta(seconds=k * self.every_seconds)

    def next_after(self, instant: datetime) -> datetime | None:
        return self._slot(max(math.floor(self._k(instant)) + 1, 1))

    def latest_slots(self, since: datetime, now: datetime, limit: int) -> list[datetime]:
        last = math.floor(self._k(now))
        first = max(math.ceil(self._k(since)), 1, last - limit + 1)
        return [self._slot(k) for k in range(first, last + 1)]

    def describe(self) -> str:
        from boo_cli.services.dates import describe_seconds

        return f"every {describe_seconds(self.every_seconds)}"


class OnceTrigger(_Trigger):
    kind: Literal["once"] = "once"
    at: datetime

    def next_after(self, instant: datetime) -> datetime | None:
        return self.at if self.at > instant else None

    def latest_slots(self, since: datetime, now: datetime, limit: int) -> list[datetime]:
        return [self.at] if since <= self.at <= now else []

    def describe(self) -> str:
        local = self.at.astimezone(ZoneInfo(self.tz))
        return f"once, at {local:%Y-%m-%d %H:%M} {local.tzname()} ({self.tz})"


Trigger = Annotated[CronTrigger | IntervalTrigger | OnceTrigger, Field(discriminator="kind")]
_ADAPTER = TypeAdapter(Trigger)


def load_trigger(config: dict) -> CronTrigger | IntervalTrigger | OnceTrigger:
    return _ADAPTER.validate_python(config)


def check_cron(expr: str) -> None:
    """A five-field cron expression, or Invalid saying which field is wrong."""
    from cronsim import CronSim, CronSimError

    fields = expr.split()
    if len(fields) != 5:
        raise Invalid(
            f"{expr!r} has {len(fields)} fields; cron needs 5: minute hour day-of-month month day-of-week",
            field="--cron",
        )
    try:
        CronSim(expr, datetime(2026, 1, 1, tzinfo=UTC))
    except CronSimError as exc:
        names = ["minute", "hour", "day-of-month", "month", "day-of-week"]
        word = str(exc).removeprefix("Bad ").strip().lower()
        where = next(
            (f"field {n + 1} ({name}: {fields[n]!r})" for n, name in enumerate(names) if word in name), ""
        )
        raise Invalid(
            f"{expr!r} is not a valid cron expression: {exc}{' in ' + where if where else ''}", field="--cron"
        ) from exc


_EVERY = re.compile(r"^\s*(\d+)\s*([a-z]+)\s*$")
_EVERY_UNITS = {
    "s": 1,
    "sec": 1,
    "m": 60,
    "min": 60,
    "h": 3600,
    "hr": 3600,
    "d": 86400,
    "day": 86400,
    "w": 604800,
    "wk": 604800,
}


def parse_duration(text: str, *, field: str) -> int:
    """A length of time in seconds from 90s, 15m, 2h, 1d, 1w, or a bare number of seconds. Never zero."""
    raw = text.strip().lower()
    if raw.isdigit():
        seconds = int(raw)
    else:
        match = _EVERY.match(raw)
        unit = match and _EVERY_UNITS.get(match[2].rstrip("s") if len(match[2]) > 1 else match[2])
        if not match or unit is None:
            raise Invalid(f"{text!r} is not a length of time (try 90s, 15m, 2h, 1d)", field=field)
        seconds = int(match[1]) * unit
    if seconds <= 0:
        raise Invalid("a length of time must be longer than zero", field=field)
    if seconds > MAX_DURATION:  # beyond it adding it to a date overflows (and it is surely a typo)
        raise Invalid(f"{text!r} is too long; the longest is {MAX_DURATION // 86400} days", field=field)
    return seconds


MAX_DURATION = 3650 * 86400


def parse_every(text: str) -> int:
    """An interval for --every: a length of time of at least a minute (run-due's own rhythm)."""
    seconds = parse_duration(text, field="--every")
    if seconds < 60:
        raise Invalid("the shortest interval is 1m: run-due is called once a minute", field="--every")
    return seconds


def due_slots(
    trigger: CronTrigger | IntervalTrigger | OnceTrigger, *, since: datetime, now: datetime
) -> tuple[list[datetime], bool]:
    """The slots to run now for a task whose next slot is `since`, by its missed policy, and whether
    the policy left older due slots out (latest: all but the newest; all: beyond the newest 100;
    skip: every slot that is no longer on time)."""
    limit = ALL_CAP if trigger.missed == "all" else 1
    slots = trigger.latest_slots(since, now, limit + 1)
    kept = slots[-limit:]
    left_out = len(slots) > len(kept)
    if trigger.missed == "skip" and kept and now - kept[-1] > ON_TIME:
        return [], True
    return kept, left_out
