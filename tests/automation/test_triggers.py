"""Slots on fixed clocks, DST included (shared/spec/automation-time.md), as exact lists of UTC instants."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boo_cli.automation.triggers import (
    CronTrigger,
    IntervalTrigger,
    OnceTrigger,
    due_slots,
    parse_duration,
    parse_every,
)
from boo_cli.errors import Invalid
from boo_cli.services.dates import parse_when


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def slots(trigger, start: str, count: int) -> list[str]:
    out, cursor = [], utc(start)
    for _ in range(count):
        cursor = trigger.next_after(cursor)
        out.append(cursor.strftime("%Y-%m-%d %H:%M"))
    return out


# Europe/Berlin: spring forward 2026-03-29 02:00 CET -> 03:00 CEST;
# fall back 2026-10-25 03:00 CEST -> 02:00 CET.
# America/New_York: spring forward 2026-03-08 02:00 EST -> 03:00 EDT;
# fall back 2026-11-01 02:00 EDT -> 01:00 EST.


def test_berlin_fixed_time_in_the_spring_gap_runs_once_right_after_the_jump():
    trigger = CronTrigger(expr="30 2 * * *", tz="Europe/Berlin")
    assert slots(trigger, "2026-03-27 12:00", 4) == [
        "2026-03-28 01:30",  # 02:30 CET
        "2026-03-29 01:00",  # 02:30 does not exist: 03:00 CEST, once
        "2026-03-30 00:30",  # 02:30 CEST
        "2026-03-31 00:30",
    ]


def test_berlin_fixed_time_in_the_repeated_hour_runs_once_in_the_first_copy():
    trigger = CronTrigger(expr="30 2 * * *", tz="Europe/Berlin")
    assert slots(trigger, "2026-10-24 12:00", 3) == [
        "2026-10-25 00:30",  # 02:30 CEST, the first copy only
        "2026-10-26 01:30",  # 02:30 CET
        "2026-10-27 01:30",
    ]


def test_berlin_hourly_job_runs_every_real_hour_through_the_fall_back():
    trigger = CronTrigger(expr="0 * * * *", tz="Europe/Berlin")
    assert slots(trigger, "2026-10-24 22:30", 6) == [
        "2026-10-24 23:00",  # 01:00 CEST
        "2026-10-25 00:00",  # 02:00 CEST
        "2026-10-25 01:00",  # 02:00 CET, the second copy
        "2026-10-25 02:00",  # 03:00 CET
        "2026-10-25 03:00",
        "2026-10-25 04:00",
    ]


def test_berlin_quarter_hourly_job_keeps_its_interval_through_both_copies():
    trigger = CronTrigger(expr="*/15 * * * *", tz="Europe/Berlin")
    got = [utc(s.replace(" ", "T")) for s in slots(trigger, "2026-10-24 23:50", 10)]
    assert all(b - a == timedelta(minutes=15) for a, b in pairwise(got))


def test_new_york_fixed_time_in_the_spring_gap_and_the_repeated_hour():
    trigger = CronTrigger(expr="30 1 * * *", tz="America/New_York")
    # 01:30 exists on the spring day (the gap is 02:00-03:00) and happens twice on the fall day.
    assert slots(trigger, "2026-10-31 12:00", 3) == [
        "2026-11-01 05:30",  # 01:30 EDT, the first copy only
        "2026-11-02 06:30",  # 01:30 EST
        "2026-11-03 06:30",
    ]
    gap = CronTrigger(expr="30 2 * * *", tz="America/New_York")
    assert slots(gap, "2026-03-07 12:00", 3) == [
        "2026-03-08 07:00",  # 02:30 does not exist: 03:00 EDT, once
        "2026-03-09 06:30",
        "2026-03-10 06:30",
    ]


def test_new_york_hourly_job_runs_in_both_copies_of_the_repeated_hour():
    trigger = CronTrigger(expr="0 * * * *", tz="America/New_York")
    assert slots(trigger, "2026-11-01 03:30", 4) == [
        "2026-11-01 04:00",  # 00:00 EDT
        "2026-11-01 05:00",  # 01:00 EDT
        "2026-11-01 06:00",  # 01:00 EST
        "2026-11-01 07:00",  # 02:00 EST
    ]


def test_interval_lasts_its_length_in_real_time_across_dst():
    trigger = IntervalTrigger(every_seconds=7200, anchor=utc("2026-10-24 22:00"), tz="Europe/Berlin")
    assert slots(trigger, "2026-10-24 22:00", 4) == [
        "2026-10-25 00:00",
        "2026-10-25 02:00",
        "2026-10-25 04:00",
        "2026-10-25 06:00",
    ]


def test_a_one_off_runs_once_and_then_never():
    trigger = OnceTrigger(at=utc("2026-05-01 07:00"))
    assert trigger.next_after(utc("2026-04-30 00:00")) == utc("2026-05-01 07:00")
    assert trigger.next_after(utc("2026-05-01 07:00")) is None


def test_one_off_local_times_refuse_the_gap_and_take_the_first_fold():
    now = datetime(2026, 3, 1, tzinfo=UTC)
    with pytest.raises(Invalid, match="does not exist in Europe/Berlin"):
        parse_when("2026-03-29 02:30", zone="Europe/Berlin", now=now, field="--at", fold=0)
    first = parse_when("2026-10-25 02:30", zone="Europe/Berlin", now=now, field="--at", fold=0)
    second = parse_when("2026-10-25 02:30", zone="Europe/Berlin", now=now, field="--at", fold=1)
    assert (first, second) == (utc("2026-10-25 00:30"), utc("2026-10-25 01:30"))
    offset = parse_when("2026-03-29T02:30+01:00", zone="Europe/Berlin", now=now, field="--at")
    assert offset == utc("2026-03-29 01:30")


@pytest.mark.parametrize(
    ("expr", "words"),
    [
        ("61 * * * *", "minute"),
        ("* 25 * * *", "hour"),
        ("* * * * * *", "6 fields"),
        ("0 9 * * FUNDAY", "day"),
    ],
)
def test_bad_cron_says_where(expr, words):
    with pytest.raises(Invalid, match=words):
        CronTrigger(expr=expr)


@pytest.mark.parametrize(
    ("text", "seconds"), [("15m", 900), ("2h", 7200), ("1d", 86400), ("90s", 90), ("1w", 604800)]
)
def test_intervals(text, seconds):
    assert parse_every(text) == seconds


@pytest.mark.parametrize("text", ["0m", "soon", "30s", "-5m", "3651d", "99999999999999999999999h"])
def test_bad_intervals(text):
    with pytest.raises(Invalid, match="--every"):
        parse_every(text)


@pytest.mark.parametrize(("text", "seconds"), [("30s", 30), ("45", 45), ("5m", 300), ("1h", 3600)])
def test_timeouts_may_be_shorter_than_a_minute(text, seconds):
    assert parse_duration(text, field="--timeout") == seconds


@pytest.mark.parametrize("text", ["0", "0s", "soon", "-1m"])
def test_bad_timeouts(text):
    with pytest.raises(Invalid, match="--timeout"):
        parse_duration(text, field="--timeout")


def test_missed_policies():
    every_hour = dict(every_seconds=3600, anchor=utc("2026-01-01 00:00"))
    since, now = utc("2026-01-01 01:00"), utc("2026-01-01 05:30")  # slots 01:00..05:00 are due
    latest = due_slots(IntervalTrigger(**every_hour, missed="latest"), since=since, now=now)
    assert latest == ([utc("2026-01-01 05:00")], True)
    everything = due_slots(IntervalTrigger(**every_hour, missed="all"), since=since, now=now)
    assert everything == ([utc(f"2026-01-01 0{h}:00") for h in range(1, 6)], False)
    assert due_slots(IntervalTrigger(**every_hour, missed="skip"), since=since, now=now) == ([], True)
    on_time = due_slots(
        IntervalTrigger(**every_hour, missed="skip"), since=since, now=utc("2026-01-01 05:01")
    )
    assert on_time[0] == [utc("2026-01-01 05:00")]
    capped, left_out = due_slots(
        CronTrigger(expr="* * * * *", missed="all"),
        since=utc("2026-01-01 00:00"),
        now=utc("2026-01-02 00:00"),
    )
    assert (len(capped), left_out, capped[-1]) == (100, True, utc("2026-01-02 00:00"))


ZONES = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "UTC"]
EXPRESSIONS = ["30 2 * * *", "0 * * * *", "*/15 * * * *", "0 9 * * MON", "15 1,2,3 * * *", "0 0 1 * *"]


@settings(max_examples=150, deadline=None, derandomize=True)
@given(
    expr=st.sampled_from(EXPRESSIONS),
    zone=st.sampled_from(ZONES),
    start=st.datetimes(min_value=datetime(2026, 3, 25), max_value=datetime(2026, 4, 2))
    | st.datetimes(min_value=datetime(2026, 10, 21), max_value=datetime(2026, 11, 4)),
)
def test_slots_always_move_forward_and_never_repeat(expr, zone, start):
    trigger = CronTrigger(expr=expr, tz=zone)
    cursor = start.replace(tzinfo=UTC)
    seen = []
    for _ in range(30):
        following = trigger.next_after(cursor)
        assert following > cursor
        seen.append(following)
        cursor = following
    assert len(set(seen)) == len(seen)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(zone=st.sampled_from(ZONES), hour=st.integers(0, 23), minute=st.integers(0, 59))
def test_a_fixed_time_daily_job_runs_once_per_local_day_dst_days_included(zone, hour, minute):
    trigger = CronTrigger(expr=f"{minute} {hour} * * *", tz=zone)
    tz = ZoneInfo(zone)
    for start in ("2026-03-20 00:00", "2026-10-20 00:00"):
        cursor = utc(start)
        days = []
        for _ in range(20):
            cursor = trigger.next_after(cursor)
            days.append(cursor.astimezone(tz).date())
        assert len(days) == len(set(days))
        assert all((b - a).days == 1 for a, b in pairwise(days))
