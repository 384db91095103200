"""Consultations and their notes: bookings that are right about time zones, one status path, and
private notes that stay private.

Times are typed as wall-clock time in a zone and stored as UTC instants. A time the zone skips (the
spring-forward gap) is refused; a time it repeats (the fall-back hour) needs a choice (fold 0 or 1, or
an explicit offset). Status moves only along TRANSITIONS: scheduled → completed | cancelled. Two
scheduled consultations of one user may not overlap unless the user says so; back to back is fine.
A consultation has at most one note; its internal_notes are the consultant's and never leave boo
unless asked for (the report functions take include_internal).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, select

from boo_cli.db import lock_bookings
from boo_cli.errors import Ambiguous, Conflict, Invalid, NotFound
from boo_cli.models import BusinessProfile, Consultation, ConsultationNote, User
from boo_cli.models.enums import ConsultationStatus, ConsultationType
from boo_cli.services import validation
from boo_cli.services.dates import now_utc, parse_when
from boo_cli.services.lookup import MIN_PREFIX
from boo_cli.services.paging import Page, Paged, fetch, fetch_after

MIN_DURATION, MAX_DURATION, DEFAULT_DURATION = 1, 480, 60
TRANSITIONS: dict[ConsultationStatus, frozenset[ConsultationStatus]] = {
    ConsultationStatus.SCHEDULED: frozenset({ConsultationStatus.COMPLETED, ConsultationStatus.CANCELLED}),
    ConsultationStatus.COMPLETED: frozenset(),
    ConsultationStatus.CANCELLED: frozenset(),
}
INSIGHT_LENGTH = 500
ACTION_LENGTH = 255  # an action item can become a milestone, whose name holds 255 characters

_HEX = re.compile(r"^[0-9a-fA-F-]+$")


# --- scoping ----------------------------------------------------------------------------------


def consultation_scope(user: User) -> list[Any]:
    """Filters that keep consultation queries within the user's own bookings."""
    return [Consultation.user_id == user.id]


def note_scope(user: User) -> list[Any]:
    """Filters that keep note queries within the user's consultations: each note's consultation is
    looked up by its key (EXISTS), never the list of all the user's consultations first (an IN over
    them cost 220 ms at 100,000 to read a page's 30 notes)."""
    owned = sa.exists().where(Consultation.id == ConsultationNote.consultation_id, *consultation_scope(user))
    return [owned]


# --- time -------------------------------------------------------------------------------------


def zone_named(name: str | None, *, field: str = "--tz") -> ZoneInfo:
    """An IANA zone from its name (any case); unknown names are refused."""
    from boo_cli.services.accounts import normalize_timezone

    return ZoneInfo(normalize_timezone(name, field=field))


def local_label(instant: datetime, zone: str | ZoneInfo) -> str:
    """An instant as a person in zone reads it: 2026-03-30 10:00 CEST."""
    tz = zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)
    return instant.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z")


def starts_and_ends(consultation: Consultation) -> tuple[datetime, datetime]:
    minutes = consultation.duration_minutes or DEFAULT_DURATION
    return consultation.scheduled_at, consultation.scheduled_at + timedelta(minutes=minutes)


def kind_label(consultation: Consultation) -> str:
    """Strategy, Audit, Follow-up: the consultation's type as a title word."""
    kind = consultation.type or ConsultationType.STRATEGY
    return kind.value.replace("_", "-").capitalize()


def event_title(consultation: Consultation) -> str:
    """What a calendar and a digest call it: the title, else "<kind> consultation with <client>",
    else "<kind> consultation" (rows from before revision 0011 have neither)."""
    if consultation.title:
        return consultation.title
    if consultation.client_name:
        return f"{kind_label(consultation)} consultation with {consultation.client_name}"
    return f"{kind_label(consultation)} consultation"


def describe(consultation: Consultation, zone: str) -> str:
    """A consultation as messages name it: the strategy consultation on 2026-03-30 10:00 CEST (1a2b3c4d)."""
    kind = (consultation.type or ConsultationType.STRATEGY).value.replace("_", "-")
    when = local_label(consultation.scheduled_at, zone)
    return f"the {kind} consultation on {when} ({str(consultation.id)[:8]})"


# --- checks -----------------------------------------------------------------------------------


def check_duration(minutes: int | str | None, *, field: str = "--duration") -> int:
    if minutes is None or (isinstance(minutes, str) and not minutes.strip()):
        return DEFAULT_DURATION
    try:
        value = int(str(minutes).strip())
    except ValueError:
        raise Invalid(f"{minutes!r} is not a number of minutes", field=field) from None
    if not MIN_DURATION <= value <= MAX_DURATION:
        raise Invalid(f"{value} minutes is out of range; give {MIN_DURATION} to {MAX_DURATION}", field=field)
    return value


def check_link(link: str | None, *, field: str = "--link") -> str | None:
    """An http(s) URL with a host, or nothing."""
    cleaned = validation.text(link, Consultation, "meeting_link", field=field)
    if cleaned is None:
        return None
    try:
        parts = urlsplit(cleaned)
        host = parts.hostname
    except ValueError:  # a malformed port or IPv6 literal
        parts, host = None, None
    if (
        parts is None
        or parts.scheme.lower() not in {"http", "https"}
        or not host
        or any(ch.isspace() for ch in cleaned)
    ):
        raise Invalid(f"{cleaned!r} is not an http(s) link, e.g. https://meet.example.com/abc", field=field)
    return cleaned


def check_client_email(email: str | None, *, field: str = "--client-email") -> str | None:
    """Checked and lower-cased as account emails are; empty means none."""
    from boo_cli.services.accounts import normalize_email

    if email is None or not email.strip():
        return None
    address = normalize_email(email, field=field)
    return validation.text(address, Consultation, "client_email", field=field)


@dataclass(frozen=True)
class Details:
    """Who a consultation is with and what it is called, checked (None: absent)."""

    client_name: str | None
    client_email: str | None
    title: str | None


def check_details(client: str | None, client_email: str | None, title: str | None) -> Details:
    return Details(
        client_name=validation.text(client, Consultation, "client_name", field="--client"),
        client_email=check_client_email(client_email),
        title=validation.text(title, Consultation, "title", field="--title"),
    )


def _clashes(
    session: Session, user: User, start: datetime, minutes: int, *, exclude: uuid.UUID | None = None
) -> list[Consultation]:
    """The user's scheduled consultations that share time with [start, start + minutes)."""
    end = start + timedelta(minutes=minutes)
    scheduled = [*consultation_scope(user), Consultation.status == ConsultationStatus.SCHEDULED]
    if exclude is not None:
        scheduled.append(Consultation.id != exclude)
    # An earlier booking reaches into [start, end) only if it is at most its duration before start.
    # The longest duration bounds that look-back, so the (user_id, scheduled_at) index does the work.
    longest = session.exec(select(sa.func.max(Consultation.duration_minutes)).where(*scheduled)).one()
    reach = timedelta(minutes=max(longest or 0, DEFAULT_DURATION))
    nearby = session.exec(
        select(Consultation)
        .where(*scheduled, Consultation.scheduled_at < end, Consultation.scheduled_at > start - reach)
        .order_by(Consultation.scheduled_at)
    )
    return [c for c in nearby if starts_and_ends(c)[1] > start]


def _check_slot(
    session: Session,
    user: User,
    start: datetime,
    minutes: int,
    *,
    now: datetime,
    allow_overlap: bool,
    past: bool,
    exclude: uuid.UUID | None = None,
) -> None:
    zone = user.timezone or "UTC"
    if start < now and not past:
        raise Invalid(
            f"{local_label(start, zone)} is in the past",
            field="--at",
            hint="Use --past to log a consultation that already happened.",
        )
    if allow_overlap:
        return
    # Check and insert must be one step, or parallel bookings of one hour all find it free.
    lock_bookings(session, user.id)
    clashes = _clashes(session, user, start, minutes, exclude=exclude)
    if clashes:
        first = clashes[0]
        more = f" and {len(clashes) - 1} more" if len(clashes) > 1 else ""
        raise Conflict(
            f"it overlaps {describe(first, zone)}, {first.duration_minutes or DEFAULT_DURATION} min{more}",
            hint="Pick another time, or use --allow-overlap to book it anyway.",
        )


# --- consultations ----------------------------------------------------------------------------


def book(
    session: Session,
    user: User,
    *,
    when: str,
    zone: str | None = None,
    fold: int | None = None,
    duration: int | str | None = None,
    type: str | None = None,
    link: str | None = None,
    client: str | None = None,
    client_email: str | None = None,
    title: str | None = None,
    allow_overlap: bool = False,
    past: bool = False,
    now: datetime | None = None,
) -> Consultation:
    """A new scheduled consultation; when is read in zone (default: the user's) and kept in UTC.
    client, client_email and title are optional (the email is checked as account emails are).

    Refused: a time the zone skips, a repeated time without fold, a duration outside 1-480 minutes, a
    link that is not http(s), a time in the past (unless past), an overlap (unless allow_overlap)."""
    now = now or now_utc()
    tz = zone_named(zone) if zone is not None else ZoneInfo(user.timezone or "UTC")
    minutes = check_duration(duration)
    kind = validation.choice(type, ConsultationType, field="--type") or ConsultationType.STRATEGY
    meeting_link = check_link(link)
    details = check_details(client, client_email, title)
    start = parse_when(when, zone=tz.key, now=now, fold=fold)
    _check_slot(session, user, start, minutes, now=now, allow_overlap=allow_overlap, past=past)
    consultation = Consultation(
        user_id=user.id,
        scheduled_at=start,
        duration_minutes=minutes,
        type=kind,
        status=ConsultationStatus.SCHEDULED,
        meeting_link=meeting_link,
        sequence=0,
        client_name=details.client_name,
        client_email=details.client_email,
        title=details.title,
    )
    session.add(consultation)
    session.flush()
    return consultation


def get_consultation(session: Session, user: User, ref: str) -> Consultation:
    """The user's consultation named by full id or unique id prefix (4+ characters).

    Consultations have no name, so lookup.resolve (which also matches names) does not fit; the
    rules for ids are the same."""
    ref = (ref or "").strip()
    if not ref:
        raise Invalid("name the consultation by its id", field="CONSULTATION")
    base = select(Consultation).where(*consultation_scope(user))
    try:
        exact = uuid.UUID(ref)
    except ValueError:
        exact = None
    if exact is not None:
        found = session.exec(base.where(Consultation.id == exact)).first()
        if found is not None:
            return found
    if len(ref.replace("-", "")) < MIN_PREFIX or not _HEX.match(ref):
        raise NotFound(
            f"no consultation {ref!r}", hint=f"Name it by id or an id prefix of {MIN_PREFIX}+ characters."
        )
    from boo_cli.db import uuid_prefix_clause

    matches = list(session.exec(base.where(uuid_prefix_clause(Consultation.id, ref)).limit(11)))
    if not matches:
        raise NotFound(f"no consultation {ref!r}", hint="See 'boo consult list --all'.")
    if len(matches) > 1:
        zone = user.timezone or "UTC"
        shown = "; ".join(f"{str(c.id)[:8]} on {local_label(c.scheduled_at, zone)}" for c in matches[:10])
        more = " and more" if len(matches) > 10 else ""
        raise Ambiguous(
            f"{ref!r} matches several consultations: {shown}{more}", hint="Use a longer id prefix."
        )
    return matches[0]


@dataclass(frozen=True)
class ConsultationRow:
    consultation: Consultation
    note: ConsultationNote | None


WINDOWS = ("upcoming", "past", "any")


def list_consultations(
    session: Session,
    user: User,
    *,
    window: str = "upcoming",
    status: str | None = None,
    type: str | None = None,
    search: str | None = None,
    page: Page | None = None,
    now: datetime | None = None,
) -> Paged[ConsultationRow]:
    """A page of the user's consultations with their notes.

    upcoming: not yet over (in progress included), soonest first, scheduled only unless status says
    otherwise; past: over by now, latest first; any: everything, latest first. search: only those
    whose client name, client email or title contains the text, ignoring case (ILIKE)."""
    now = now or now_utc()
    page = page or Page()
    filters = consultation_scope(user)
    chosen_status = validation.choice(status, ConsultationStatus, field="--status")
    chosen_type = validation.choice(type, ConsultationType, field="--type")
    if chosen_status is None and window == "upcoming":
        chosen_status = ConsultationStatus.SCHEDULED
    if chosen_status is not None:
        filters.append(Consultation.status == chosen_status)
    if chosen_type is not None:
        filters.append(Consultation.type == chosen_type)
    if search is not None:
        filters.append(search_clause(search))
    if window == "upcoming":
        found = _ending_after(session, filters, now, page)
    elif window == "past":
        found = _ended_by(session, filters, now, page)
    elif window == "any":
        query = select(Consultation).where(*filters)
        found = fetch(session, query.order_by(Consultation.scheduled_at.desc(), Consultation.id), page)
    else:
        raise Invalid(f"{window!r} is not one of: {', '.join(WINDOWS)}", field="window")
    return found.each(lambda batch: with_notes(session, user, batch))


def search_clause(text: str) -> Any:
    """Client name, client email or title contains text, case-insensitively; % and _ match themselves."""
    from boo_cli.services.lookup import escape_like

    cleaned = validation.text(text, Consultation, "title", field="--search", required=True)
    pattern = f"%{escape_like(cleaned)}%"
    return sa.or_(
        *(
            column.ilike(pattern, escape="\\")
            for column in (Consultation.client_name, Consultation.client_email, Consultation.title)
        )
    )


# Whether a consultation is over depends on its own duration, which the two backends cannot add to a
# time alike in SQL. Only consultations that started within the longest duration before now can be
# in progress; those few are sorted out in Python, the rest by an indexed range on scheduled_at.


def _reach(session: Session, filters: list[Any]) -> timedelta:
    longest = session.exec(select(sa.func.max(Consultation.duration_minutes)).where(*filters)).one()
    return timedelta(minutes=max(longest or 0, DEFAULT_DURATION))


def _ending_after(session: Session, filters: list[Any], now: datetime, page: Page) -> Paged:
    recent = session.exec(
        select(Consultation)
        .where(
            *filters,
            Consultation.scheduled_at < now,
            Consultation.scheduled_at >= now - _reach(session, filters),
        )
        .order_by(Consultation.scheduled_at, Consultation.id)
    )
    running = [c for c in recent if starts_and_ends(c)[1] > now]
    later = (
        select(Consultation)
        .where(*filters, Consultation.scheduled_at >= now)
        .order_by(Consultation.scheduled_at, Consultation.id)
    )
    return fetch_after(session, running, later, page)


def _ended_by(session: Session, filters: list[Any], now: datetime, page: Page) -> Paged:
    since = now - _reach(session, filters)
    recent = session.exec(
        select(Consultation)
        .where(*filters, Consultation.scheduled_at < now, Consultation.scheduled_at >= since)
        .order_by(Consultation.scheduled_at.desc(), Consultation.id)
    )
    finished = [c for c in recent if starts_and_ends(c)[1] <= now]
    older = (
        select(Consultation)
        .where(*filters, Consultation.scheduled_at < since)
        .order_by(Consultation.scheduled_at.desc(), Consultation.id)
    )
    return fetch_after(session, finished, older, page)


def with_notes(session: Session, user: User, consultations: list[Consultation]) -> list[ConsultationRow]:
    """Each consultation with its note, read in one query per IN_CHUNK consultations."""
    from boo_cli.db import chunks

    notes = {}
    for ids in chunks([c.id for c in consultations]):
        query = select(ConsultationNote).where(*note_scope(user), ConsultationNote.consultation_id.in_(ids))
        notes.update((n.consultation_id, n) for n in session.exec(query))
    return [ConsultationRow(c, notes.get(c.id)) for c in consultations]


def all_consultations(session: Session, user: User) -> Iterator[Any]:
    """Every consultation of the user, oldest first (for a calendar export), read in batches as the
    caller goes: memory stays flat however many there are. Rows, not model objects: they have the
    same attributes for reading, and building 100,000 tracked objects cost half of an export."""
    query = sa.select(Consultation.__table__).where(*consultation_scope(user))
    found = fetch(session, query.order_by(Consultation.scheduled_at, Consultation.id), Page(None))
    for batch in found.batches():
        yield from batch


def change_status(
    session: Session,
    user: User,
    consultation: Consultation,
    target: ConsultationStatus,
    *,
    reason: str | None = None,
    now: datetime | None = None,
) -> Consultation:
    """Move a consultation along TRANSITIONS, stamping completed_at or cancelled_at (and the reason).

    A consultation cannot be completed before it starts; cancelling bumps the calendar sequence so a
    calendar that holds the event takes the cancellation."""
    now = now or now_utc()
    current = consultation.status or ConsultationStatus.SCHEDULED
    if target not in TRANSITIONS[current]:
        raise Conflict(
            f"{describe(consultation, user.timezone or 'UTC')} is {current.value}; "
            f"only a scheduled one can be {target.value}"
        )
    if target is ConsultationStatus.COMPLETED:
        if consultation.scheduled_at > now:
            raise Conflict(
                f"{describe(consultation, user.timezone or 'UTC')} has not started yet",
                hint="Cancel or reschedule it instead.",
            )
        consultation.completed_at = now
    if target is ConsultationStatus.CANCELLED:
        consultation.cancelled_at = now
        consultation.cancel_reason = validation.text(reason, Consultation, "cancel_reason", field="--reason")
        consultation.sequence = (consultation.sequence or 0) + 1
    consultation.status = target
    session.add(consultation)
    session.flush()
    return consultation


def reschedule(
    session: Session,
    user: User,
    consultation: Consultation,
    *,
    when: str,
    zone: str | None = None,
    fold: int | None = None,
    duration: int | str | None = None,
    allow_overlap: bool = False,
    past: bool = False,
    now: datetime | None = None,
) -> Consultation:
    """Move a scheduled consultation (same record, same calendar UID) to a new time; the booking rules
    apply again, and the calendar sequence grows by one."""
    now = now or now_utc()
    current = consultation.status or ConsultationStatus.SCHEDULED
    if current is not ConsultationStatus.SCHEDULED:
        raise Conflict(
            f"{describe(consultation, user.timezone or 'UTC')} is {current.value} and cannot be rescheduled",
            hint="Book a new one with 'boo consult book'.",
        )
    tz = zone_named(zone) if zone is not None else ZoneInfo(user.timezone or "UTC")
    minutes = check_duration(duration) if duration is not None else consultation.duration_minutes
    minutes = minutes or DEFAULT_DURATION
    start = parse_when(when, zone=tz.key, now=now, fold=fold)
    _check_slot(
        session,
        user,
        start,
        minutes,
        now=now,
        allow_overlap=allow_overlap,
        past=past,
        exclude=consultation.id,
    )
    consultation.scheduled_at = start
    consultation.duration_minutes = minutes
    consultation.sequence = (consultation.sequence or 0) + 1
    session.add(consultation)
    session.flush()
    return consultation


def edit_details(
    session: Session,
    user: User,
    consultation: Consultation,
    *,
    client: str | None = None,
    client_email: str | None = None,
    title: str | None = None,
) -> bool:
    """Change who a consultation is with and what it is called, whatever its status: None leaves a
    field as it is, an empty string clears it. A change grows the calendar sequence (the event's
    SUMMARY and ATTENDEE change); returns whether anything changed."""
    checked = check_details(client, client_email, title)
    wanted = {
        name: getattr(checked, name)
        for name, given in (("client_name", client), ("client_email", client_email), ("title", title))
        if given is not None
    }
    changed = {k: v for k, v in wanted.items() if getattr(consultation, k) != v}
    if not changed:
        return False
    for name, value in changed.items():
        setattr(consultation, name, value)
    consultation.sequence = (consultation.sequence or 0) + 1
    session.add(consultation)
    session.flush()
    return True


# --- notes ------------------------------------------------------------------------------------


def get_note(session: Session, user: User, consultation: Consultation) -> ConsultationNote | None:
    query = select(ConsultationNote).where(
        *note_scope(user), ConsultationNote.consultation_id == consultation.id
    )
    return session.exec(query.order_by(ConsultationNote.created_at)).first()


def require_note(session: Session, user: User, consultation: Consultation) -> ConsultationNote:
    note = get_note(session, user, consultation)
    if note is None:
        ref = str(consultation.id)[:8]
        raise NotFound(
            f"{describe(consultation, user.timezone or 'UTC')} has no note yet",
            hint=f"Write one: boo consult note {ref} --summary TEXT (or on a terminal, in your editor).",
        )
    return note


def check_notable(user: User, consultation: Consultation) -> None:
    """A cancelled consultation did not happen, so it takes no notes."""
    if consultation.status is ConsultationStatus.CANCELLED:
        raise Conflict(f"{describe(consultation, user.timezone or 'UTC')} was cancelled; it takes no notes")


@dataclass(frozen=True)
class NoteFields:
    """What a user gives for a note; None leaves a field as it is."""

    summary: str | None = None
    insights: list[str] | None = None
    actions: list[str] | None = None
    follow_up: bool | None = None
    internal: str | None = None

    def is_empty(self) -> bool:
        return all(
            v is None for v in (self.summary, self.insights, self.actions, self.follow_up, self.internal)
        )


def write_note(
    session: Session, user: User, consultation: Consultation, fields: NoteFields, *, must_exist: bool = False
) -> ConsultationNote:
    """Create the consultation's note, or change the given fields of the one it has ('' clears a text,
    a list replaces the old one). A cancelled consultation takes no notes."""
    if fields.is_empty():
        raise Invalid(
            "nothing to write: give --summary, --insight, --action, --follow-up or --internal",
            field="note",
        )
    check_notable(user, consultation)
    note = require_note(session, user, consultation) if must_exist else get_note(session, user, consultation)
    if note is None:
        note = ConsultationNote(consultation_id=consultation.id, key_insights=[], action_items=[])
    if fields.summary is not None:
        note.summary = validation.text(fields.summary, ConsultationNote, "summary", field="--summary")
    if fields.insights is not None:
        note.key_insights = validation.items(fields.insights, field="--insight", max_length=INSIGHT_LENGTH)
    if fields.actions is not None:
        note.action_items = validation.items(fields.actions, field="--action", max_length=ACTION_LENGTH)
    if fields.follow_up is not None:
        note.follow_up_required = fields.follow_up
    if fields.internal is not None:
        note.internal_notes = validation.text(
            fields.internal, ConsultationNote, "internal_notes", field="--internal"
        )
    session.add(note)
    session.flush()
    return note


# The editor document: '## ' headings name the sections, '#' lines are comments. Parsing it back is
# strict about headings and the follow-up answer, so a typo is reported instead of silently dropped.
SECTIONS = {
    "summary": "Summary",
    "insights": "Key insights",
    "actions": "Action items",
    "follow_up": "Follow-up required",
    "internal": "Private notes",
}
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0", ""}


def note_document(consultation: Consultation, note: ConsultationNote | None, zone: str) -> str:
    """The note as a text file to edit: one section per field, with comments that explain the format."""
    summary = (note.summary if note else None) or ""
    insights = (note.key_insights if note else None) or []
    actions = (note.action_items if note else None) or []
    follow_up = "yes" if note is not None and note.follow_up_required else "no"
    internal = (note.internal_notes if note else None) or ""
    lines = [
        f"# Notes for {describe(consultation, zone)}.",
        "# Lines starting with '#' are ignored. One list item per line ('- ' is optional).",
        "# Save and close the editor to keep the note; leave the file unchanged to keep nothing.",
        "",
        f"## {SECTIONS['summary']}",
        summary,
        "",
        f"## {SECTIONS['insights']}",
        *(f"- {item}" for item in insights),
        "",
        f"## {SECTIONS['actions']}",
        *(f"- {item}" for item in actions),
        "",
        f"## {SECTIONS['follow_up']}",
        "# yes or no",
        follow_up,
        "",
        f"## {SECTIONS['internal']}",
        "# Only for you: never shown, exported or put in --json without --include-internal.",
        internal,
        "",
    ]
    return "\n".join(lines)


def parse_note_document(text: str) -> NoteFields:
    """The fields of an edited note document (see note_document); every section is taken as given."""
    by_heading = {title.lower(): key for key, title in SECTIONS.items()}
    found: dict[str, list[str]] = {}
    current: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("## "):
            heading = line[3:].strip().lower()
            if heading not in by_heading:
                names = ", ".join(SECTIONS.values())
                raise Invalid(
                    f"line {number}: unknown section {line[3:].strip()!r}; use: {names}", field="note"
                )
            current = by_heading[heading]
            found.setdefault(current, [])
        elif line.startswith("#"):
            continue
        elif current is not None:
            found[current].append(line)
        elif line.strip():
            raise Invalid(f"line {number}: text before the first '## ' section heading", field="note")
    answer = " ".join(found.get("follow_up", [])).strip().lower()
    if answer not in _YES | _NO:
        raise Invalid(f"follow-up required: answer yes or no, not {answer!r}", field="note")
    return NoteFields(
        summary="\n".join(found.get("summary", [])).strip(),
        insights=_bullets(found.get("insights", [])),
        actions=_bullets(found.get("actions", [])),
        follow_up=answer in _YES,
        internal="\n".join(found.get("internal", [])).strip(),
    )


def _bullets(lines: list[str]) -> list[str]:
    items = []
    for line in lines:
        item = line.strip()
        if item[:2] in {"- ", "* "} or item in {"-", "*"}:
            item = item[1:].strip()
        if item:
            items.append(item)
    return items


@dataclass(frozen=True)
class ActionsMoved:
    strategy: Any  # GrowthStrategy
    added: list[Any]  # StrategyMilestone
    skipped: list[str]  # action items the strategy already has as milestones
    warnings: list[str]


def actions_to_milestones(
    session: Session,
    user: User,
    consultation: Consultation,
    strategy_ref: str,
    profile: BusinessProfile | None,
) -> ActionsMoved:
    """Each action item of the consultation's note becomes a pending milestone of a strategy of
    profile, the business the user names (a consultation belongs to the user, not to a business; a
    full strategy id may name any of the user's strategies). Items the strategy already has as a
    milestone of the same name are skipped, so running it twice adds nothing twice."""
    from boo_cli.services import strategies

    note = require_note(session, user, consultation)
    items = note.action_items or []
    if not items:
        raise Conflict(f"the note of {describe(consultation, user.timezone or 'UTC')} has no action items")
    strategy = strategies.get_strategy(session, user, strategy_ref, profile)
    existing = {m.milestone_name.casefold() for m in strategies.milestones_of(session, user, strategy)}
    origin = f"Action item from {describe(consultation, user.timezone or 'UTC')}."
    added, skipped, warnings = [], [], []
    for item in items:
        if item.casefold() in existing:
            skipped.append(item)
            continue
        result = strategies.add_milestone(session, user, strategy, name=item, description=origin)
        existing.add(item.casefold())
        added.append(result.milestone)
        warnings.extend(result.warnings)
    return ActionsMoved(strategy, added, skipped, warnings)
