"""The calendar writer puts lines together itself (for speed at 100,000 events), so it must write
exactly what icalendar's own component model writes, for every hostile name, title and link."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from boo_cli.models import Consultation
from boo_cli.models.enums import ConsultationStatus, ConsultationType
from boo_cli.reports.consultation import PRODID, _attendee, event_uid, ics_chunks, to_ics
from boo_cli.services.consultations import event_title, kind_label, starts_and_ends

CORPUS_FILE = Path(__file__).resolve().parents[1] / "testdata" / "hostile-text.json"
CORPUS = [value for group in json.loads(CORPUS_FILE.read_text())["cases"].values() for value in group]
NOW = datetime(2026, 3, 27, 9, 0, tzinfo=UTC)


def by_icalendar(consultations, now) -> str:
    """The calendar as icalendar's Calendar and Event objects write it."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "boo consultations")
    for c in consultations:
        start, end = starts_and_ends(c)
        event = Event()
        event.add("uid", event_uid(c))
        event.add("dtstamp", now)
        event.add("dtstart", start)
        event.add("dtend", end)
        event.add("sequence", c.sequence or 0)
        event.add("summary", event_title(c))
        if (attendee := _attendee(c)) is not None:
            event.add("attendee", attendee)
        event.add("status", "CANCELLED" if c.status is ConsultationStatus.CANCELLED else "CONFIRMED")
        if c.created_at is not None:
            event.add("created", c.created_at)
        description = [f"{kind_label(c)} consultation, {c.duration_minutes} minutes."]
        if c.meeting_link:
            event.add("url", c.meeting_link)
            event.add("location", c.meeting_link)
            description.append(f"Join: {c.meeting_link}")
        event.add("description", "\n".join(description))
        calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")


def consultation(n: int, text: str | None) -> Consultation:
    return Consultation(
        id=uuid.UUID(int=n),
        user_id=uuid.UUID(int=1),
        scheduled_at=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=n, minutes=7),
        duration_minutes=30 + n % 90,
        type=list(ConsultationType)[n % len(ConsultationType)],
        status=ConsultationStatus.CANCELLED if n % 3 == 0 else ConsultationStatus.SCHEDULED,
        sequence=n % 4,
        client_name=text if n % 2 else None,
        client_email="client@example.com" if n % 4 else None,
        title=text if n % 5 == 0 else None,
        meeting_link=f"https://meet.example.com/{'x' * (n % 80)}?a=1,b;2" if n % 3 else None,
        created_at=None if n % 7 == 0 else datetime(2025, 12, 1, tzinfo=UTC),
    )


def test_the_calendar_is_what_icalendar_writes_for_every_hostile_text():
    consultations = [consultation(n, text) for n, text in enumerate([None, "Ann", *CORPUS, "é" * 60])]
    assert to_ics(consultations, now=NOW) == by_icalendar(consultations, NOW)


def test_an_empty_calendar_is_still_a_calendar():
    assert to_ics([], now=NOW) == by_icalendar([], NOW)


def test_events_are_written_one_at_a_time():
    source = (consultation(n, "Ann") for n in range(3))
    chunks = ics_chunks(source, now=NOW)
    assert next(chunks).startswith("BEGIN:VCALENDAR")
    assert next(chunks).startswith("BEGIN:VEVENT") and next(source).id == uuid.UUID(int=1)  # read lazily


def test_a_line_break_in_a_value_boo_does_not_escape_stops_the_export():
    import pytest

    from boo_cli.errors import BooError

    broken = consultation(1, "Ann")
    broken.meeting_link = "https://meet.example.com/x\r\nATTENDEE:mailto:eve@example.com"
    with pytest.raises(BooError, match="line break"):
        to_ics([consultation(2, "Bob"), broken], now=NOW)


def test_ascii_lines_fold_exactly_where_icalendar_folds_them():
    """The slicing fold for ASCII lines against icalendar's own, with escapes (\\ and ^) placed on
    and around every fold boundary, and at lengths around each multiple of 74."""
    import random

    from icalendar.parser import Contentline

    from boo_cli.reports.consultation import _folded

    rng = random.Random(5545)
    lines = ["x" * n for n in range(60, 300)]
    for _ in range(2000):
        size = rng.choice([73, 74, 75, 76, 147, 148, 149, 150, 222, 223, 224, rng.randrange(1, 400)])
        lines.append("".join(rng.choice("ab;,\\^ :") for _ in range(size)))
    for edge in (73, 74, 75, 147, 148):
        for mark in ("\\", "^", "\\\\", "^^", "\\^"):
            lines.append("y" * (edge - len(mark)) + mark + "zzzz" * 30)
    for line in lines:
        assert _folded(line) == Contentline(line).to_ical().decode("utf-8"), line


def test_text_is_escaped_exactly_as_icalendar_escapes_it():
    import random

    from icalendar import vText

    from boo_cli.reports.consultation import _text, _utc

    rng = random.Random(11)
    values = [*CORPUS, *("".join(rng.choice('a\\N;,\r\n ^"é') for _ in range(30)) for _ in range(500))]
    for value in values:
        assert _text(value) == vText(value).to_ical().decode("utf-8"), value
    for when in (NOW, NOW.replace(year=1900, month=1, day=2), datetime(2999, 12, 31, 23, 59, 59, tzinfo=UTC)):
        assert _utc(when) == when.strftime("%Y%m%dT%H%M%SZ")


def test_the_attendee_line_is_the_one_icalendar_writes():
    import random

    from icalendar import vCalAddress

    from boo_cli.reports.consultation import _attendee_line

    rng = random.Random(6868)
    names = [
        *CORPUS,
        None,
        "",
        *("".join(rng.choice("a ^\"'\u2019,;:\r\n") for _ in range(12)) for _ in range(500)),
    ]
    for name in names:
        c = Consultation(client_name=name, client_email="ann@example.com")
        address = _attendee(c)
        expected = f"ATTENDEE;{address.params.to_ical().decode()}:" + vCalAddress(address).to_ical().decode()
        assert _attendee_line(name, "ann@example.com") == expected, repr(name)
