"""Consultations as data and documents: JSON records, an iCalendar file, a Markdown session summary.

Every output path goes through note_record, which leaves the private notes out unless include_internal
is given: the one place that decides it, so no command can forget it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from boo_cli.models import Consultation, ConsultationNote
from boo_cli.models.enums import ConsultationStatus
from boo_cli.reports.rendering import render
from boo_cli.services.consultations import event_title, kind_label, local_label, starts_and_ends

PRODID = "-//boo//boo consult//EN"
UID_DOMAIN = "boo"


def note_record(note: ConsultationNote | None, *, include_internal: bool) -> dict[str, Any] | None:
    if note is None:
        return None
    record: dict[str, Any] = {
        "id": str(note.id),
        "summary": note.summary,
        "key_insights": list(note.key_insights or []),
        "action_items": list(note.action_items or []),
        "follow_up_required": bool(note.follow_up_required),
        "created_at": note.created_at.isoformat() if note.created_at else None,
        "updated_at": note.updated_at.isoformat() if note.updated_at else None,
    }
    if include_internal:
        record["internal_notes"] = note.internal_notes
    return record


def consultation_record(
    consultation: Consultation, note: ConsultationNote | None, *, zone: str, include_internal: bool
) -> dict[str, Any]:
    """A consultation for --json: instants in UTC with their offset, plus the start in the viewer's zone."""
    start, end = starts_and_ends(consultation)
    return {
        "id": str(consultation.id),
        "scheduled_at": start.isoformat(),
        "ends_at": end.isoformat(),
        "local_start": start.astimezone(ZoneInfo(zone)).isoformat(),
        "zone": zone,
        "duration_minutes": consultation.duration_minutes,
        "type": consultation.type.value if consultation.type else None,
        "status": consultation.status.value if consultation.status else None,
        "meeting_link": consultation.meeting_link,
        "client_name": consultation.client_name,
        "client_email": consultation.client_email,
        "title": consultation.title,
        "event_title": event_title(consultation),
        "created_at": consultation.created_at.isoformat() if consultation.created_at else None,
        "completed_at": consultation.completed_at.isoformat() if consultation.completed_at else None,
        "cancelled_at": consultation.cancelled_at.isoformat() if consultation.cancelled_at else None,
        "cancel_reason": consultation.cancel_reason,
        "sequence": consultation.sequence or 0,
        "note": note_record(note, include_internal=include_internal),
    }


# --- iCalendar --------------------------------------------------------------------------------


def event_uid(consultation: Consultation) -> str:
    """Stable for the life of the consultation, so calendars update the event rather than add one."""
    return f"{consultation.id}@{UID_DOMAIN}"


def to_ics(consultations: Iterable[Consultation], *, now: datetime) -> str:
    """The calendar of consultations as one string (see ics_chunks)."""
    return "".join(ics_chunks(consultations, now=now))


def ics_chunks(consultations: Iterable[Consultation], *, now: datetime) -> Iterator[str]:
    """The calendar piece by piece: its head, one VEVENT per consultation, its end, so a calendar of
    100,000 consultations is written as it is read. Times are UTC (no VTIMEZONE needed); a cancelled
    consultation stays in the file as STATUS:CANCELLED with a higher SEQUENCE, which is how calendars
    learn to drop it. Notes and cancellation reasons are never written here: a calendar file travels
    further than boo.

    Each value is encoded by icalendar's own types (text escaping, parameter quoting, UTC times) and
    each line folded by its foldline; only the lines are put together here, in the order icalendar
    writes them, which skips building a component tree per event (about ten times faster)."""
    from icalendar import vUri

    stamp = _utc(now)
    yield CRLF.join(CALENDAR_HEAD) + CRLF
    for consultation in consultations:
        _refuse_line_breaks(consultation)
        start, end = starts_and_ends(consultation)
        cancelled = consultation.status is ConsultationStatus.CANCELLED
        description = [f"{kind_label(consultation)} consultation, {consultation.duration_minutes} minutes."]
        link = consultation.meeting_link
        if link:
            description.append(f"Join: {link}")
        lines = [
            "BEGIN:VEVENT",
            "SUMMARY:" + _text(event_title(consultation)),
            "DTSTART:" + _utc(start),
            "DTEND:" + _utc(end),
            "DTSTAMP:" + stamp,
            "UID:" + _text(event_uid(consultation)),
            f"SEQUENCE:{int(consultation.sequence or 0)}",
        ]
        if consultation.client_email:
            lines.append(_attendee_line(consultation.client_name, consultation.client_email))
        if consultation.created_at is not None:
            lines.append("CREATED:" + _utc(consultation.created_at))
        lines.append("DESCRIPTION:" + _text("\n".join(description)))
        if link:
            lines.append("LOCATION:" + _text(link))
        lines.append("STATUS:" + ("CANCELLED" if cancelled else "CONFIRMED"))
        if link:
            lines.append("URL:" + vUri(link).to_ical().decode("utf-8"))
        lines.append("END:VEVENT")
        yield "".join(_folded(line) + CRLF for line in lines)
    yield "END:VCALENDAR" + CRLF


CRLF = "\r\n"
CALENDAR_HEAD = (
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    f"PRODID:{PRODID}",
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    "X-WR-CALNAME:boo consultations",
)


def _refuse_line_breaks(consultation: Consultation) -> None:
    """A link and an email go into the file as they are (text is escaped, they are not): one that
    holds a line break, written around boo's checks, would start a calendar line of its own."""
    for value in (consultation.meeting_link, consultation.client_email):
        if value and ("\n" in value or "\r" in value):
            from boo_cli.errors import BooError

            short = str(consultation.id)[:8]
            raise BooError(
                f"the consultation {short} has a line break in its meeting link or client email, "
                "which a calendar file cannot hold",
                hint="boo never stores one: correct the value where it was written "
                f"(boo consult edit {short} --client-email EMAIL mends an email).",
            )


def _folded(line: str) -> str:
    """A content line folded as icalendar folds it (at 75 octets, never inside an escape).

    An ASCII line (nearly all of them: octets are characters) is cut with slices where icalendar's
    foldline would cut it character by character, which was a quarter of a calendar export's time;
    any other line goes through icalendar itself. tests/reports/test_ics_lines.py holds the two to
    the same bytes."""
    if not line.isascii():
        if len(line.encode("utf-8")) < 75:
            return line
        from icalendar.parser import Contentline

        return Contentline(line).to_ical().decode("utf-8")
    if len(line) < 75:
        return line
    pieces, start = [], 0
    while len(line) - start > 74:  # a piece holds at most 74 octets, the fold's space aside
        end = start + 74
        if line[end - 1] in "\\^":  # an escape's first character goes on with what it escapes
            end -= 1
        pieces.append(line[start:end])
        start = end
    pieces.append(line[start:])
    return "\r\n ".join(pieces)


def _text(value: str) -> str:
    """value as an iCalendar TEXT, escaped as icalendar's vText escapes it (the same replacements in
    the same order, without building a vText and its parameters per value: a calendar of 100,000
    events writes 300,000 of them). tests/reports/test_ics_lines.py holds the two to the same bytes."""
    return (
        value.replace("\\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _utc(value: datetime) -> str:
    t = value.astimezone(UTC)
    return f"{t.year:04d}{t.month:02d}{t.day:02d}T{t.hour:02d}{t.minute:02d}{t.second:02d}Z"


_QUOTABLE = re.compile("[,;:\u2019]")  # icalendar's: a parameter value holding one is quoted


def _attendee_line(name: str | None, email: str) -> str:
    """The ATTENDEE line icalendar writes for _attendee(): its CN and ROLE parameters in that order,
    the name escaped by RFC 6868 (^ ^^, a line break ^n, a double quote ^') and quoted when it holds
    , ; : or \u2019, or, being a CN, a space or an apostrophe. Put together here because building
    icalendar's address and parameter objects for each of 100,000 events was over a third of an
    export; tests/reports/test_ics_lines.py holds the two to the same bytes."""
    params = "ROLE=REQ-PARTICIPANT"
    if name:
        value = (
            name.replace("^", "^^")
            .replace("\r\n", "^n")
            .replace("\r", "^n")
            .replace("\n", "^n")
            .replace('"', "^'")
        )
        if " " in name or "'" in name or _QUOTABLE.search(value):
            value = f'"{value}"'
        params = f"CN={value};{params}"
    return f"ATTENDEE;{params}:mailto:{email}"


def _attendee(consultation: Consultation):
    """The client as ATTENDEE (mailto: their email, CN: their name), when boo has their email;
    icalendar quotes the CN parameter, so a name with ; , : or quotes cannot break the line."""
    from icalendar import vCalAddress

    if not consultation.client_email:
        return None
    address = vCalAddress(f"mailto:{consultation.client_email}")
    if consultation.client_name:
        address.params["cn"] = consultation.client_name
    address.params["role"] = "REQ-PARTICIPANT"
    return address


# --- Markdown session summary -----------------------------------------------------------------


@dataclass(frozen=True)
class SessionReport:
    consultation: Consultation
    note: ConsultationNote | None
    zone: str
    today: Any  # date, in the viewer's zone
    include_internal: bool = False


def to_markdown(report: SessionReport) -> str:
    """A session summary to share with the client: when, what kind, summary, insights, action items.
    Private notes appear only with include_internal (for the consultant's own files)."""
    c = report.consultation
    start, end = starts_and_ends(c)
    tz = ZoneInfo(report.zone)
    return render(
        "consultation.md.j2",
        c=c,
        heading=event_title(c),
        day=start.astimezone(tz).date().isoformat(),
        starts=local_label(start, tz),
        ends=end.astimezone(tz).strftime("%H:%M %Z"),
        zone=report.zone,
        status=(c.status or ConsultationStatus.SCHEDULED).value,
        note=note_record(report.note, include_internal=report.include_internal),
        today=report.today,
    )
