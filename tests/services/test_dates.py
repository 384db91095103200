"""Spans and days as people type them."""

from __future__ import annotations

from datetime import date

import pytest

from boo_cli.errors import Invalid
from boo_cli.models.types import Span
from boo_cli.services.dates import describe_span, parse_day, parse_span

WEDNESDAY = date(2026, 1, 14)


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("90d", Span(days=90)),
        ("90 days", Span(days=90)),
        ("12w", Span(days=84)),
        ("12 weeks", Span(days=84)),
        ("3 months", Span(months=3)),
        ("3m", Span(months=3)),
        ("1y 2m", Span(months=14)),
        ("1 year, 2 months and 3 days", Span(months=14, days=3)),
        ("2 quarters", Span(months=6)),
        ("P3M", Span(months=3)),
        ("p1y2m10d", Span(months=14, days=10)),
        ("P2W", Span(days=14)),
        ("  6 MONTHS ", Span(months=6)),
    ],
)
def test_timelines_are_read_into_calendar_spans(text, span):
    assert parse_span(text, field="--timeline") == span


@pytest.mark.parametrize(
    "text", ["soon", "3", "3 fortnights", "-3m", "0d", "P", "PT", "P0D", "m3", "99999 years"]
)
def test_unreadable_or_empty_timelines_are_refused_with_examples(text):
    with pytest.raises(Invalid) as caught:
        parse_span(text, field="--timeline")
    assert "--timeline" in str(caught.value)


def test_zero_says_so():
    with pytest.raises(Invalid, match="longer than zero"):
        parse_span("0 days", field="--timeline")


def test_spans_are_described_as_people_say_them():
    assert describe_span(Span(months=3)) == "3 months"
    assert describe_span(Span(months=14, days=14)) == "1 year 2 months 2 weeks"
    assert describe_span(Span(days=1)) == "1 day"


def test_months_are_added_as_months_not_thirty_days():
    assert Span(months=1).add_to(date(2026, 1, 31)) == date(2026, 2, 28)
    assert Span(months=3).add_to(date(2026, 11, 30)) == date(2027, 2, 28)
    assert Span(months=12).add_to(date(2028, 2, 29)) == date(2029, 2, 28)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2026-03-31", date(2026, 3, 31)),
        ("today", WEDNESDAY),
        ("tomorrow", date(2026, 1, 15)),
        ("+10d", date(2026, 1, 24)),
        ("+2w", date(2026, 1, 28)),
        ("+1m", date(2026, 2, 14)),
        ("+1y", date(2027, 1, 14)),
        ("friday", date(2026, 1, 16)),
        ("Fri", date(2026, 1, 16)),
        ("wednesday", date(2026, 1, 21)),  # the next one, never today
        ("next monday", date(2026, 1, 19)),
    ],
)
def test_days_are_read_relative_to_today(text, day):
    assert parse_day(text, today=WEDNESDAY, field="--target") == day


@pytest.mark.parametrize("text", ["someday", "2026-13-01", "+", "+0d", "+xd", "t", "2026/03/31"])
def test_unreadable_days_are_refused(text):
    with pytest.raises(Invalid, match="--target"):
        parse_day(text, today=WEDNESDAY, field="--target")


@pytest.mark.parametrize(
    "text",
    [
        "P9999Y",
        "P99999999999999999999Y",
        "1201m",
        "99999999999999999999d",
        "P1201M",
        "PT99999999999999999999H",
    ],
)
def test_spans_longer_than_a_century_are_refused(text):
    with pytest.raises(Invalid, match="too long; the longest span is 100 years"):
        parse_span(text, field="--timeline")


@pytest.mark.parametrize("text", ["0001-01-01", "9999-12-31", "1899-12-31", "3000-01-01"])
def test_days_outside_1900_to_2999_are_refused(text):
    with pytest.raises(Invalid, match="out of range; give a year from 1900 to 2999"):
        parse_day(text, today=date(2026, 3, 1), field="--target")


def test_since_an_instant_out_of_range_says_so():
    from boo_cli.services.dates import parse_since

    for text in ("0001-01-01", "9999-12-31T23:59-05:00", "0001-01-01T00:00+14:00"):
        with pytest.raises(Invalid, match="out of range"):
            parse_since(text, zone="Europe/Berlin")
