"""`boo consult`: consultations, their notes, and calendar export."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from boo_cli.cli.context import app_context
from boo_cli.cli.options import JsonOption
from boo_cli.cli.output import Column, emit_record, emit_rows, local_time
from boo_cli.cli.paging import AllOption, LimitOption, OffsetOption

app = typer.Typer(
    help="Book consultations, keep their notes, and export them to your calendar.", no_args_is_help=True
)

WHEN_HELP = (
    "When, in your time zone (or --tz): '2026-03-31 14:00', 'tomorrow 9:30', 'friday 2pm', '+2d 10:00', "
    "or with an offset: '2026-03-31T14:00+02:00'."
)
ConsultationRef = Annotated[str, typer.Argument(metavar="CONSULTATION", help="Id or id prefix.")]
AtOpt = Annotated[str | None, typer.Option("--at", help=WHEN_HELP)]
TzOpt = Annotated[
    str | None, typer.Option("--tz", help="Read --at in this IANA zone (default: your account's).")
]
FoldOpt = Annotated[
    int | None,
    typer.Option(
        "--fold", min=0, max=1, help="For a time that happens twice (clocks going back): 0 first, 1 second."
    ),
]
DurationOpt = Annotated[int | None, typer.Option("--duration", help="Minutes, 1 to 480 (default 60).")]
OverlapOpt = Annotated[
    bool, typer.Option("--allow-overlap", help="Book even if another scheduled consultation overlaps.")
]
PastOpt = Annotated[bool, typer.Option("--past", help="Allow a time in the past (to log a past session).")]
ClientOpt = Annotated[
    str | None, typer.Option("--client", metavar="NAME", help="Who it is with (up to 255 characters).")
]
ClientEmailOpt = Annotated[
    str | None,
    typer.Option(
        "--client-email", metavar="EMAIL", help="The client's email; calendars list them as attendee."
    ),
]
TitleOpt = Annotated[
    str | None,
    typer.Option(
        "--title", metavar="TEXT", help="What lists and calendars call it (default: type and client)."
    ),
]
InternalOpt = Annotated[
    bool, typer.Option("--include-internal", help="Also show the private notes (never shown otherwise).")
]


def span(consultation) -> str:
    """2026-03-30 10:00 CEST to 11:00 CEST (the end's date only when it differs)."""
    from boo_cli.services.consultations import starts_and_ends

    start, end = (local_time(t) for t in starts_and_ends(consultation))
    return f"{start} to {end[11:] if end[:10] == start[:10] else end}"


def columns(include_internal: bool) -> list[Column]:
    shown = [
        Column("id", lambda r: str(r.consultation.id)[:8], style="dim"),
        Column("when", lambda r: r.consultation.scheduled_at, style="bold"),
        Column("min", lambda r: r.consultation.duration_minutes, justify="right"),
        Column("type", lambda r: r.consultation.type),
        Column("client", lambda r: r.consultation.client_name),
        Column("title", lambda r: r.consultation.title),
        Column("status", lambda r: r.consultation.status),
        Column("link", lambda r: r.consultation.meeting_link),
        Column("note", lambda r: _note_flag(r.note)),
    ]
    if include_internal:
        shown.append(Column("private notes", lambda r: r.note.internal_notes if r.note else None))
    return shown


def _note_flag(note) -> str:
    if note is None:
        return ""
    return "follow-up" if note.follow_up_required else "yes"


def record(consultation, note, include_internal: bool) -> dict:
    from boo_cli.reports.consultation import consultation_record

    return consultation_record(consultation, note, zone=app_context().zone, include_internal=include_internal)


def bullets(items) -> str | None:
    return "\n".join(f"• {item}" for item in items) if items else None


def show_consultation(consultation, note, *, include_internal: bool = False) -> None:
    from boo_cli.services.consultations import event_title

    fields = [
        ("id", str(consultation.id)),
        ("title", consultation.title),
        ("client", consultation.client_name),
        ("client email", consultation.client_email),
        ("when", span(consultation)),
        ("duration", f"{consultation.duration_minutes} minutes"),
        ("status", consultation.status),
        ("link", consultation.meeting_link),
        ("booked", consultation.created_at),
        ("completed", consultation.completed_at),
        ("cancelled", consultation.cancelled_at),
        ("reason", consultation.cancel_reason),
    ]
    if note is not None:
        fields += [
            ("summary", note.summary),
            ("key insights", bullets(note.key_insights)),
            ("action items", bullets(note.action_items)),
            ("follow-up", bool(note.follow_up_required)),
        ]
        if include_internal:
            fields.append(("private notes", note.internal_notes))
    emit_record(
        [(label, value) for label, value in fields if value is not None],
        title=event_title(consultation),
        json_data=record(consultation, note, include_internal),
    )


def ask_when(user, zone: str | None, fold: int | None, question: str = "When") -> str | None:
    """A time typed on a terminal, read by the service as it is typed, so a gap is refused on the spot."""
    from boo_cli.cli.prompts import ask_text
    from boo_cli.services import consultations
    from boo_cli.services.dates import now_utc

    app_context().require_input("--at")  # before the zone check below could mask the missing flag
    zone_name = consultations.zone_named(zone).key if zone else user.timezone or "UTC"
    return ask_text(
        f"{question} ({zone_name})?",
        flag="--at",
        check=lambda t: consultations.parse_when(t, zone=zone_name, now=now_utc(), fold=fold),
    )


def _ask_booking(user, zone: str | None, fold: int | None, fields: dict) -> dict:
    """On a terminal, the booking's fields one by one, each checked by the service as it is typed."""
    from boo_cli.cli.prompts import ask_choice, ask_text
    from boo_cli.models.enums import ConsultationType
    from boo_cli.services import consultations

    fields["when"] = ask_when(user, zone, fold)
    if fields["type"] is None:
        fields["type"] = ask_choice("Type:", [t.value for t in ConsultationType], flag="--type")
    if fields["duration"] is None:
        fields["duration"] = ask_text(
            "Duration in minutes:", flag="--duration", default="60", check=consultations.check_duration
        )
    if fields["link"] is None:
        fields["link"] = ask_text(
            "Meeting link (optional):", flag="--link", required=False, check=consultations.check_link
        )
    return fields


@app.command()
def book(
    at: AtOpt = None,
    tz: TzOpt = None,
    duration: DurationOpt = None,
    type_: Annotated[
        str | None, typer.Option("--type", help="strategy (default), audit or follow_up.")
    ] = None,
    link: Annotated[str | None, typer.Option("--link", help="Video call link (http or https).")] = None,
    client: ClientOpt = None,
    client_email: ClientEmailOpt = None,
    title: TitleOpt = None,
    allow_overlap: OverlapOpt = False,
    past: PastOpt = False,
    fold: FoldOpt = None,
    _json: JsonOption = False,
) -> None:
    """Book a consultation (asks on a terminal for what is missing)."""
    from boo_cli.cli.identity import acting_user
    from boo_cli.services import consultations

    ctx = app_context()
    fields = {"when": at, "type": type_, "duration": duration, "link": link}
    details = {"client": client, "client_email": client_email, "title": title}
    with ctx.session() as session:
        user = acting_user(session)
        if at is None:
            fields = _ask_booking(user, tz, fold, fields)
        booked = consultations.book(
            session, user, **fields, **details, zone=tz, fold=fold, allow_overlap=allow_overlap, past=past
        )
        ctx.say(f"Booked {consultations.describe(booked, ctx.zone)}.")
        show_consultation(booked, None)


@app.command("list")
def list_(
    past: Annotated[bool, typer.Option("--past", help="Those that are over, latest first.")] = False,
    any_time: Annotated[
        bool, typer.Option("--any-time", help="Upcoming and past together, latest first.")
    ] = False,
    status: Annotated[
        str | None, typer.Option("--status", help="Only this status: scheduled, completed, cancelled.")
    ] = None,
    type_: Annotated[str | None, typer.Option("--type", help="Only this type.")] = None,
    search: Annotated[
        str | None,
        typer.Option(
            "--search",
            metavar="TEXT",
            help="Only those whose client, email or title contains this (any case).",
        ),
    ] = None,
    limit: LimitOption = None,
    offset: OffsetOption = 0,
    every: AllOption = False,
    include_internal: InternalOpt = False,
    _json: JsonOption = False,
) -> None:
    """List your consultations: upcoming (scheduled, not yet over) unless --past or --any-time."""
    from boo_cli.cli.identity import acting_user
    from boo_cli.cli.paging import page_of, say_rest
    from boo_cli.errors import Invalid
    from boo_cli.services import consultations

    if past and any_time:
        raise Invalid("give --past or --any-time, not both", field="--any-time")
    if every and not (past or any_time):
        # --all once meant upcoming and past together; say so where a script may still mean that.
        app_context().say("(--all lists every upcoming consultation; for past ones too, add --any-time.)")
    page = page_of(limit, offset, every)
    window = "any" if any_time else "past" if past else "upcoming"
    with app_context().session(write=False) as session:
        user = acting_user(session)
        found = consultations.list_consultations(
            session, user, window=window, status=status, type=type_, search=search, page=page
        )
        emit_rows(
            found,
            columns(include_internal),
            record=lambda r: record(r.consultation, r.note, include_internal),
            empty="No upcoming consultations: boo consult book --at WHEN"
            if window == "upcoming" and not (status or type_ or search)
            else "No consultations match.",
        )
        say_rest(found)


@app.command()
def show(ref: ConsultationRef, include_internal: InternalOpt = False, _json: JsonOption = False) -> None:
    """Show a consultation with its note (private notes only with --include-internal)."""
    from boo_cli.cli.identity import acting_user
    from boo_cli.services import consultations

    with app_context().session(write=False) as session:
        user = acting_user(session)
        consultation = consultations.get_consultation(session, user, ref)
        note = consultations.get_note(session, user, consultation)
        show_consultation(consultation, note, include_internal=include_internal)


def _move(ref: str, target: str, reason: str | None = None) -> None:
    from boo_cli.cli.identity import acting_user
    from boo_cli.cli.prompts import ask_text
    from boo_cli.models.enums import ConsultationStatus
    from boo_cli.services import consultations

    ctx = app_context()
    with ctx.session() as session:
        user = acting_user(session)
        consultation = consultations.get_consultation(session, user, ref)
        if target == "cancelled" and reason is None:
            reason = ask_text("Why is it cancelled?", flag="--reason")
        consultations.change_status(session, user, consultation, ConsultationStatus(target), reason=reason)
        named = consultations.describe(consultation, ctx.zone)
        ctx.say(f"{named[0].upper()}{named[1:]} is now {target}.")
        show_consultation(consultation, consultations.get_note(session, user, consultation))


@app.command()
def complete(ref: ConsultationRef, _json: JsonOption = False) -> None:
    """Mark a consultation that has taken place completed (scheduled → completed)."""
    _move(ref, "completed")


@app.command()
def cancel(
    ref: ConsultationRef,
    reason: Annotated[str | None, typer.Option("--reason", help="Why; kept with the consultation.")] = None,
    _json: JsonOption = False,
) -> None:
    """Cancel a scheduled consultation, keeping the reason (scheduled → cancelled)."""
    _move(ref, "cancelled", reason)


@app.command()
def reschedule(
    ref: ConsultationRef,
    at: AtOpt = None,
    tz: TzOpt = None,
    fold: FoldOpt = None,
    duration: Annotated[
        int | None, typer.Option("--duration", help="New length in minutes, 1 to 480.")
    ] = None,
    allow_overlap: OverlapOpt = False,
    past: PastOpt = False,
    _json: JsonOption = False,
) -> None:
    """Move a scheduled consultation to a new time (same booking; calendars update the same event)."""
    from boo_cli.cli.identity import acting_user
    from boo_cli.services import consultations

    ctx = app_context()
    with ctx.session() as session:
        user = acting_user(session)
        consultation = consultations.get_consultation(session, user, ref)
        before = consultations.describe(consultation, ctx.zone)
        when = at or ask_when(user, tz, fold, "New time")
        consultations.reschedule(
            session,
            user,
            consultation,
            when=when,
            zone=tz,
            fold=fold,
            duration=duration,
            allow_overlap=allow_overlap,
            past=past,
        )
        ctx.say(f"Moved {before} to {local_time(consultation.scheduled_at)}.")
        show_consultation(consultation, consultations.get_note(session, user, consultation))


@app.command()
def edit(
    ref: ConsultationRef,
    client: ClientOpt = None,
    client_email: ClientEmailOpt = None,
    title: TitleOpt = None,
    _json: JsonOption = False,
) -> None:
    """Change who a consultation is with and its title ('' clears one); the time: boo consult reschedule."""
    from boo_cli.cli.identity import acting_user
    from boo_cli.errors import Invalid
    from boo_cli.services import consultations

    if client is None and client_email is None and title is None:
        raise Invalid("give --client, --client-email or --title (an empty value clears it)")
    ctx = app_context()
    with ctx.session() as session:
        user = acting_user(session)
        consultation = consultations.get_consultation(session, user, ref)
        changed = consultations.edit_details(
            session, user, consultation, client=client, client_email=client_email, title=title
        )
        named = consultations.describe(consultation, ctx.zone)
        ctx.say(f"Updated {named}." if changed else f"Nothing to change in {named}.")
        show_consultation(consultation, consultations.get_note(session, user, consultation))


@app.command()
def export(
    ref: Annotated[
        str | None, typer.Argument(metavar="[CONSULTATION]", help="Id or id prefix (md: required).")
    ] = None,
    ics: Annotated[
        Path | None, typer.Option("--ics", help="Write a calendar file of your consultations here.")
    ] = None,
    format: Annotated[
        str | None, typer.Option("--format", "-f", help="md (a session summary) or ics (a calendar).")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file (default: stdout).")
    ] = None,
    include_internal: Annotated[
        bool, typer.Option("--include-internal", help="md only: add the private notes (not for sharing).")
    ] = False,
) -> None:
    """Export to a calendar (--ics FILE: every consultation) or a shareable summary (ID --format md)."""
    from boo_cli.cli.identity import acting_user
    from boo_cli.cli.output import write_document
    from boo_cli.reports import consultation as reports
    from boo_cli.services import consultations
    from boo_cli.services.dates import now_utc, today_in

    fmt, target = _export_target(ref, ics, format, output, include_internal)
    with app_context().session(write=False) as session:
        user = acting_user(session)
        chosen = consultations.get_consultation(session, user, ref) if ref else None
        if fmt == "ics":
            events = [chosen] if chosen else consultations.all_consultations(session, user)
            write_document(reports.ics_chunks(events, now=now_utc()), target, fmt="ics")
            return
        report = reports.SessionReport(
            consultation=chosen,
            note=consultations.get_note(session, user, chosen),
            zone=app_context().zone,
            today=today_in(app_context().zone),
            include_internal=include_internal,
        )
        write_document(reports.to_markdown(report), target, fmt="md")


def _export_target(ref, ics, format, output, include_internal) -> tuple[str, Path | None]:
    from boo_cli.errors import Invalid

    fmt = (format or ("md" if ref and not ics else "ics")).lower()
    if fmt not in {"md", "ics"}:
        raise Invalid(f"{format!r} is not a format; use md or ics", field="--format")
    if ics and (output or fmt != "ics"):
        raise Invalid("--ics FILE writes a calendar; give it alone, without -o or --format md", field="--ics")
    if fmt == "md" and not ref:
        raise Invalid("name the consultation to summarise: boo consult export ID --format md")
    if fmt == "ics" and include_internal:
        raise Invalid("a calendar file never holds notes; use --format md", field="--include-internal")
    return fmt, ics or output


def _register() -> None:
    from boo_cli.cli import consult_notes

    app.add_typer(consult_notes.app, name="note")
    # Action items live in notes, so the command that moves them to a strategy lives with the notes.
    app.command("actions")(consult_notes.actions)


_register()
