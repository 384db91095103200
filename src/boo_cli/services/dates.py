"""Dates and spans as people type them, read in the user's own time zone."""

from __future__ import annotations

import re
from contextlib import suppress
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar
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
D = TypeVar("D", date, datetime)
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
        except (ValueError, OverflowError):
            span = None
    else:
        span = _words_to_span(raw.lower().replace(",", " ").replace(" and ", " "), bounded=False)
    if span is None:
        raise Invalid(f"{raw!r} is not a span of time (try {SPAN_EXAMPLES})", field=field)
    if span.is_zero():
        raise Invalid("a span of time must be longer than zero", field=field)
    if span.months > MAX_SPAN_MONTHS or span.days + span.seconds // 86400 > MAX_SPAN_DAYS:
        raise Invalid(f"{raw!r} is too long; the longest span is 100 years", field=field)
    return span


MAX_SPAN_MONTHS, MAX_SPAN_DAYS = 1200, 36500  # a century: beyond it, dates overflow soon enough


def _words_to_span(text: str, *, bounded: bool = True) -> Span | None:
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
    if bounded and (months > MAX_SPAN_MONTHS or days > MAX_SPAN_DAYS):
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
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise Invalid(f"{text!r} is not a date (try 2026-03-31, +10d, +2w, friday)", field=field) from None
    return check_year(day, text.strip(), field=field)


def check_year(value: D, raw: str, *, field: str) -> D:
    """value, if its year is one boo takes: far-off years are typos, and near the limits of Python's
    dates turning a day into an instant or adding a span would overflow."""
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise Invalid(f"{raw!r} is out of range; give a year from {MIN_YEAR} to {MAX_YEAR}", field=field)
    return value


# --- wall-clock instants ----------------------------------------------------------------------

WHEN_EXAMPLES = "'2026-03-31 14:00', 'tomorrow 9:30', 'friday 2pm', '+2d 10:00', '2026-03-31T14:00+02:00'"
MIN_YEAR, MAX_YEAR = 1900, 2999
_CLOCK = re.compile(r"^(?P<hour>\d{1,2})(?::(?P<minute>\d{2}))?\s*(?P<half>am|pm)?$", re.IGNORECASE)


def parse_when(
    text: str | None, *, zone: str, now: datetime, fold: int | None = None, field: str = "--at"
) -> datetime:
    """The UTC instant a person means by text, read as wall-clock time in zone.

    Forms: ISO 8601 ('2026-03-29 14:00', '2026-03-29T14:00'), with an offset that then wins over the
    zone ('…T14:00+02:00', '…T12:00Z'), or a day as parse_day reads it followed by a time ('tomorrow
    14:00', 'friday 9:30', '+2d 10am'); a time alone means today. Gaps are refused and repeated
    times need fold (see localize).
    """
    raw = (text or "").strip()
    if not raw:
        raise Invalid("give a date and time, e.g. " + WHEN_EXAMPLES, field=field)
    tz = ZoneInfo(zone)
    if _is_date_only(raw):
        raise Invalid(f"{raw!r} has no time of day; add one, e.g. '{raw} 14:00'", field=field)
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        parsed = _friendly(raw, today=now.astimezone(tz).date(), field=field)
    check_year(parsed, raw, field=field)
    if parsed.tzinfo is not None:
        return parsed.astimezone(UTC)  # an explicit offset names one instant: no gap, no fold
    return localize(parsed, tz, fold=fold, field=field)


def _is_date_only(raw: str) -> bool:
    # fromisoformat reads a bare date ('2026-03-29', '20260329') as midnight; a booking needs a time.
    try:
        date.fromisoformat(raw)
    except ValueError:
        return False
    return True


def _friendly(raw: str, *, today: date, field: str) -> datetime:
    joined = re.sub(r"\s+(am|pm)$", r"\1", raw, flags=re.IGNORECASE)  # '2 pm' reads as '2pm'
    day_text, _, clock_text = joined.rpartition(" ")
    day_text = day_text.strip()
    if day_text.lower().endswith(" at"):
        day_text = day_text[:-3].strip()
    clock = _CLOCK.match(clock_text.strip())
    if clock is None or not (clock["minute"] or clock["half"]):
        # A bare number ('friday 14') could be a day or an hour: ask for a clear time instead.
        raise Invalid(f"{raw!r} is not a date and time (try {WHEN_EXAMPLES})", field=field)
    hour, minute = int(clock["hour"]), int(clock["minute"] or 0)
    if clock["half"]:
        if not 1 <= hour <= 12:
            raise Invalid(f"{raw!r}: {hour}{clock['half']} is not a time of day", field=field)
        hour = hour % 12 + (12 if clock["half"].lower() == "pm" else 0)
    if hour > 23 or minute > 59:
        raise Invalid(f"{raw!r}: {clock_text} is not a time of day", field=field)
    try:
        day = parse_day(day_text, today=today, field=field) if day_text else today
    except Invalid:
        raise Invalid(f"{raw!r} is not a date and time (try {WHEN_EXAMPLES})", field=field) from None
    return datetime(day.year, day.month, day.day, hour, minute)


def localize(naive: datetime, tz: ZoneInfo, *, fold: int | None, field: str = "--at") -> datetime:
    """A wall-clock time in tz as a UTC instant.

    zoneinfo never refuses a time, so both readings (fold 0 and 1) are taken: equal offsets mean an
    ordinary time; otherwise a reading that does not survive a round trip through UTC is in the
    spring-forward gap (refused), and one that does is in the repeated fall-back hour (needs fold).
    """
    first, second = naive.replace(tzinfo=tz, fold=0), naive.replace(tzinfo=tz, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first.astimezone(UTC)
    label = f"{naive:%Y-%m-%d %H:%M}"
    if first.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
        start, end = _change(first, second, tz)
        raise Invalid(
            f"{label} does not exist in {tz.key}: that night the clocks jump from {start:%H:%M} to "
            f"{end:%H:%M} ({first.tzname()} to {second.tzname()}); pick a time outside the gap",
            field=field,
        )
    if fold is None:
        start, end = _change(first, second, tz)
        raise Invalid(
            f"{label} happens twice in {tz.key} (the clocks go back from {start:%H:%M} to {end:%H:%M}): "
            f"--fold 0 for the first ({first.tzname()}, {first.astimezone(UTC):%H:%M} UTC) or --fold 1 "
            f"for the second ({second.tzname()}, {second.astimezone(UTC):%H:%M} UTC), or give an offset",
            field=field,
        )
    return (second if fold else first).astimezone(UTC)


def _change(first: datetime, second: datetime, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The wall-clock times on either side of the offset change near a gap or fold: (02:00, 03:00) for
    Berlin's spring gap, (02:00, 01:00) for New York's autumn fold. Found by bisecting the instants
    between the two readings to the minute (zone changes fall on whole minutes)."""
    old = first.utcoffset()
    low = min(first.astimezone(UTC), second.astimezone(UTC))
    high = max(first.astimezone(UTC), second.astimezone(UTC))
    while high - low > timedelta(minutes=1):
        middle = low + (high - low) / 2
        if middle.astimezone(tz).utcoffset() == low.astimezone(tz).utcoffset():
            low = middle
        else:
            high = middle
    change = high.replace(second=0, microsecond=0)
    new = change.astimezone(tz).utcoffset()
    naive = change.replace(tzinfo=None)
    return naive + old, naive + new


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
    tz = ZoneInfo(zone or "UTC")
    today = today_in(zone)
    if raw.startswith("-"):
        span = _words_to_span(raw[1:].lower())
        if span is None or span.is_zero():
            raise Invalid(f"{raw!r} is not a time span back (try -7d, -2w)", field="--since")
        day = _months_back(today, span.months) - timedelta(days=span.days)
    else:
        with suppress(ValueError):  # not ISO 8601: a friendly form, read below
            check_year(datetime.fromisoformat(raw), raw, field="--since")
        try:
            return parse_when(raw, zone=tz.key, now=now_utc(), fold=0, field="--since")
        except Invalid:
            day = parse_day(raw, today=today, field="--since")
    return localize(datetime(day.year, day.month, day.day), tz, fold=0, field="--since")


def _months_back(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    following = date(year + month // 12, month % 12 + 1, 1)
    return day.replace(year=year, month=month, day=min(day.day, (following - timedelta(days=1)).day))
