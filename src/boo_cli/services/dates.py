"""Dates and spans as people type them, read in the user's own time zone."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from boo_cli.errors import Invalid
from boo_cli.models.types import Span

_UNITS = {
    "d": "days", "day": "days", "days": "days",
    "w": "weeks", "wk": "weeks", "wks": "weeks", "week": "weeks", "weeks": "weeks",
    "m": "months", "mo": "months", "mon": "months", "mons": "months", "month": "months", "months": "months",
    "q": "quarters", "quarter": "quarters", "quarters": "quarters",
    "y": "years", "yr": "years", "yrs": "years", "year": "years", "years": "years",
}  # fmt: skip
_PART = re.compile(r"(\d+)\s*([a-z]+)")
SPAN_EXAMPLES = "90d, 12w, 3 months, 1y 2m, P3M"
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def now_utc() -> datetime:
    return datetime.now(UTC)


def today_in(zone: str | None) -> date:
    """Today's date where the user is."""
    return datetime.now(ZoneInfo(zone or "UTC")).date()


def parse_span(text: str | None, *, field: str) -> Span | None:
    """A calendar span: 90d, 12w, 3 months, 1y 2m, 2 quarters, or ISO 8601 (P3M). Never zero."""
    if text is None or not text.strip():
        return None
    raw = text.strip()
    if raw.upper().startswith("P"):
        try:
            span = Span.from_iso(raw)
        except ValueError:
            span = None
    else:
        span = _words_to_span(raw.lower().replace(",", " ").replace(" and ", " "))
    if span is None:
        raise Invalid(f"{raw!r} is not a span of time (try {SPAN_EXAMPLES})", field=field)
    if span.is_zero():
        raise Invalid("a span of time must be longer than zero", field=field)
    return span


def _words_to_span(text: str) -> Span | None:
    parts = _PART.findall(text)
    if not parts or _PART.sub("", text).strip():
        return None
    total = {"days": 0, "weeks": 0, "months": 0, "quarters": 0, "years": 0}
    for number, unit in parts:
        if unit not in _UNITS:
            return None
        total[_UNITS[unit]] += int(number)
    months = total["years"] * 12 + total["quarters"] * 3 + total["months"]
    days = total["weeks"] * 7 + total["days"]
    if months > 1200 or days > 36500:
        return None
    return Span(months=months, days=days)


def describe_span(span: Span | None) -> str:
    """3 months, 1 year 2 months, 90 days: a span as people say it."""
    if span is None:
        return ""
    years, months = divmod(span.months, 12)
    weeks, days = divmod(span.days, 7) if span.days % 7 == 0 else (0, span.days)
    parts = [(years, "year"), (months, "month"), (weeks, "week"), (days, "day")]
    words = [f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in parts if n]
    return " ".join(words) or "0 days"


def parse_day(text: str | None, *, today: date, field: str) -> date | None:
    """A calendar day: 2026-03-31, today, tomorrow, +10d, +2w, +3m, +1y, or a weekday name (the next one)."""
    if text is None or not text.strip():
        return None
    raw = text.strip().lower()
    if raw in {"today", "tomorrow", "yesterday"}:
        return today + timedelta(days={"today": 0, "tomorrow": 1, "yesterday": -1}[raw])
    if raw.startswith("+"):
        span = _words_to_span(raw[1:])
        if span is None or span.is_zero():
            raise Invalid(f"{text!r} is not a date (try 2026-03-31, +10d, +2w, friday)", field=field)
        return span.add_to(today)
    name = raw.removeprefix("next ").strip()
    matches = [i for i, day in enumerate(_WEEKDAYS) if len(name) >= 3 and day.startswith(name)]
    if len(matches) == 1:
        ahead = (matches[0] - today.weekday() - 1) % 7 + 1
        return today + timedelta(days=ahead)
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise Invalid(f"{text!r} is not a date (try 2026-03-31, +10d, +2w, friday)", field=field) from None
