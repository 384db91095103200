"""Consultations as data and documents: JSON records, an iCalendar file, a Markdown session summary.

Every output path goes through note_record, which leaves the private notes out unless include_internal
is given: the one place that decides it, so no command can forget it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
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


def to_ics(consultations: list[Consultation], *, now: datetime) -> str:
    """One VEVENT per consultation. Times are UTC (no VTIMEZONE needed); a cancelled consultation stays
    in the file as STATUS:CANCELLED with a higher SEQUENCE, which is how calendars learn to drop it.
    Notes and cancellation reasons are never written here: a calendar file travels further than boo."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "boo consultations")
    for consultation in consultations:
        start, end = starts_and_ends(consultation)
        cancelled = consultation.status is ConsultationStatus.CANCELLED
        event = Event()
        event.add("uid", event_uid(consultation))
        event.add("dtstamp", now)
        event.add("dtstart", start)
        event.add("dtend", end)
        event.add("sequence", consultation.sequence or 0)
        event.add("summary", event_title(consultation))
        attendee = _attendee(consultation)
        if attendee is not None:
            event.add("attendee", attendee)
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        if consultation.created_at is not None:
            event.add("created", consultation.created_at)
        description = [f"{kind_label(consultation)} consultation, {consultation.duration_minutes} minutes."]
        if consultation.meeting_link:
            event.add("url", consultation.meeting_link)
            event.add("location", consultation.meeting_link)
            description.append(f"Join: {consultation.meeting_link}")
        event.add("description", "\n".join(description))
        calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")


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
