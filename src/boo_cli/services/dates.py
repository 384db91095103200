"""Dates and spans as people type them, read in the user's own time zone."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from boo_cli.errors import Invalid
from boo_cli.models.types import Span

_UNITS = {
    "d": "days",
    "day": "days",
    "days": "days",
    "w": "weeks",
    "wk": "weeks",
    "wks": "weeks",
    "week": "weeks",
    "weeks": "weeks",
    "m": "months",
    "mo": "months",
    "mon": "months",
    "mons": "months",
    "month": "months",
    "months": "months",
    "q": "quarters",
    "quarter": "quarters",
    "quarters": "quarters",
    "y": "years",
    "yr": "years",
    "yrs": "years",
    "year": "years",
    "years": "years",
}
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


# --- wall-clock instants ----------------------------------------------------------------------

_CLOCK = re.compile(r"^(?P<day>.*?)[ T]?(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?$")


def parse_instant(
    text: str | None, *, zone: str, today: date, field: str, fold: int | None = None
) -> datetime | None:
    """A moment people type, as a UTC datetime: ISO 8601 with or without an offset, or a day (as
    parse_day reads it) followed by a time: '2026-03-29 02:30', 'tomorrow 14:00', 'friday 9:30',
    '+2d 10:00', '2026-03-29T14:00+02:00'.

    Without an offset the time is read in `zone`. A time that the zone skips (the spring-forward gap)
    is refused, naming the gap. A time that happens twice (the fall-back hour) is refused unless
    `fold` says which: 0 the first, 1 the second (None means the caller must decide).
    """
    if text is None or not text.strip():
        return None
    raw = text.strip()
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        parsed = None
    if parsed is not None and parsed.tzinfo is not None:
        return parsed.astimezone(UTC)
    if parsed is None:
        match = _CLOCK.match(raw)
        if not match:
            raise Invalid(
                f"{raw!r} is not a time (try '2026-03-29 14:00', 'tomorrow 9:30', 'friday 14:00')",
                field=field,
            )
        day = parse_day(match["day"].strip() or "today", today=today, field=field)
        hour, minute, second = int(match["hour"]), int(match["minute"]), int(match["second"] or 0)
        if hour > 23 or minute > 59 or second > 59:
            raise Invalid(f"{raw!r} is not a time of day", field=field)
        parsed = datetime(day.year, day.month, day.day, hour, minute, second)
    return localize(parsed, zone, field=field, fold=fold)


def localize(naive: datetime, zone: str, *, field: str, fold: int | None = None) -> datetime:
    """A wall-clock time in zone as a UTC instant, refusing times the zone skips or repeats."""
    tz = ZoneInfo(zone)
    first = naive.replace(tzinfo=tz, fold=0)
    second = naive.replace(tzinfo=tz, fold=1)
    if first.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
        before = (first.astimezone(UTC) - timedelta(hours=3)).astimezone(tz)
        raise Invalid(
            f"{naive:%Y-%m-%d %H:%M} does not exist in {zone}: the clocks jump forward then "
            f"(from {before.tzname()} to {second.tzname()}); pick another time or give an offset",
            field=field,
        )
    if first.utcoffset() != second.utcoffset():
        if fold is None:
            raise Invalid(
                f"{naive:%Y-%m-%d %H:%M} happens twice in {zone} (clocks go back): first "
                f"{first.astimezone(UTC):%H:%M} UTC, then {second.astimezone(UTC):%H:%M} UTC; "
                "choose with --fold 0 or --fold 1, or give an offset",
                field=field,
            )
        return (second if fold else first).astimezone(UTC)
    return first.astimezone(UTC)


def describe_seconds(seconds: int) -> str:
    """90 → '1 minute 30 seconds'; 7200 → '2 hours'."""
    parts = []
    for unit, size in (("week", 604800), ("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count} {unit}{'s' if count != 1 else ''}")
    return " ".join(parts) or "0 seconds"


def parse_since(text: str | None, *, zone: str | None) -> datetime | None:
    """A lower bound in time: an instant, a day (its start, in zone), or -7d / -2w / -1m back from now."""
    if text is None or not text.strip():
        return None
    raw = text.strip()
    today = today_in(zone)
    if raw.startswith("-"):
        span = _words_to_span(raw[1:].lower())
        if span is None or span.is_zero():
            raise Invalid(f"{raw!r} is not a time span back (try -7d, -2w)", field="--since")
        years_back = span.months // 12
        day = today.replace(year=today.year - years_back) if years_back else today
        day = _months_back(day, span.months % 12) - timedelta(days=span.days)
        return localize(datetime(day.year, day.month, day.day), zone or "UTC", field="--since", fold=0)
    try:
        return parse_instant(raw, zone=zone or "UTC", today=today, field="--since", fold=0)
    except Invalid:
        day = parse_day(raw, today=today, field="--since")
        return localize(datetime(day.year, day.month, day.day), zone or "UTC", field="--since", fold=0)


def _months_back(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    following = date(year + month // 12, month % 12 + 1, 1)
    return day.replace(year=year, month=month, day=min(day.day, (following - timedelta(days=1)).day))
