"""`boo consult note`: what was said in a consultation, written in $EDITOR or given as flags."""

from __future__ import annotations

from typing import Annotated

import typer
from typer.core import TyperGroup

from boo_cli.cli.context import app_context
from boo_cli.cli.options import JsonOption


class NoteGroup(TyperGroup):
    """`boo consult note ID …` is short for `boo consult note add ID …`: a consultation id is never a
    subcommand's name, so anything that is not one goes to `add`."""

    def parse_args(self, ctx, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = ["add", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=NoteGroup,
    help="Write and read a consultation's note: summary, insights, action items, private notes.",
    no_args_is_help=True,
)

ConsultationRef = Annotated[str, typer.Argument(metavar="CONSULTATION", help="Id or id prefix.")]
SummaryOpt = Annotated[str | None, typer.Option("--summary", help="What the session was about ('' clears).")]
InsightOpt = Annotated[
    list[str] | None, typer.Option("--insight", help="A key insight (repeatable; replaces the list).")
]
ActionOpt = Annotated[
    list[str] | None, typer.Option("--action", help="An action item (repeatable; replaces the list).")
]
FollowUpOpt = Annotated[
    bool | None, typer.Option("--follow-up/--no-follow-up", help="Whether a follow-up is needed.")
]
InternalTextOpt = Annotated[
    str | None, typer.Option("--internal", help="Private notes: never shown without --include-internal.")
]


def run_editor(text: str) -> str | None:
    """text edited in $VISUAL or $EDITOR, through a private temporary file; None when left unchanged."""
    import os
    import shlex
    import shutil
    import subprocess
    import tempfile
    from pathlib import Path

    from boo_cli.errors import BooError, Invalid

    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    editor = editor or next((name for name in ("nano", "vi") if shutil.which(name)), None)
    if not editor:
        raise BooError("no editor found: set $EDITOR, or give the note as flags (--summary, --action, …)")
    # mkstemp makes the file readable by its owner only: it holds the private notes.
    handle, name = tempfile.mkstemp(prefix="boo-note-", suffix=".md")
    path = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        try:
            code = subprocess.call([*shlex.split(editor), str(path)])
        except (OSError, ValueError) as exc:
            raise BooError(f"cannot run the editor {editor!r}: {exc}") from exc
        if code != 0:
            raise BooError(f"the editor exited with status {code}; nothing saved")
        try:
            edited = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise Invalid(
                "the edited note is not UTF-8 text; nothing saved", hint="Set the editor to UTF-8."
            ) from exc
    finally:
        path.unlink(missing_ok=True)
    return None if edited == text else edited


def note_fields(summary, insight, action, follow_up, internal):
    from boo_cli.services.consultations import NoteFields

    return NoteFields(
        summary=summary, insights=insight, actions=action, follow_up=follow_up, internal=internal
    )


def show_note(consultation, note, *, include_internal: bool) -> None:
    from boo_cli.cli.consult import bullets
    from boo_cli.cli.output import emit_record
    from boo_cli.reports.consultation import kind_label, note_record

    fields = [
        ("consultation", str(consultation.id)),
        ("summary", note.summary),
        ("key insights", bullets(note.key_insights)),
        ("action items", bullets(note.action_items)),
        ("follow-up", bool(note.follow_up_required)),
        ("updated", note.updated_at),
    ]
    if include_internal:
        fields.append(("private notes", note.internal_notes))
    emit_record(
        fields,
        title=f"Note: {kind_label(consultation)} consultation",
        json_data={
            "consultation_id": str(consultation.id),
            **note_record(note, include_internal=include_internal),
        },
    )


def _write(ref: str, fields, *, must_exist: bool) -> None:
    """Save the note from the flags, or with none of them, from the editor (on a terminal only)."""
    from boo_cli.cli.identity import acting_user
    from boo_cli.services import consultations

    ctx = app_context()
    with ctx.session() as session:
        user = acting_user(session)
        consultation = consultations.get_consultation(session, user, ref)
        if fields.is_empty():
            # Check before opening the editor, so nobody writes a note that cannot be kept.
            consultations.check_notable(user, consultation)
            note = consultations.get_note(session, user, consultation)
            if must_exist and note is None:
                consultations.require_note(session, user, consultation)
            ctx.require_input("--summary")
            edited = run_editor(consultations.note_document(consultation, note, ctx.zone))
            if edited is None:
                ctx.say("No changes; nothing saved.")
                return
            fields = consultations.parse_note_document(edited)
        note = consultations.write_note(session, user, consultation, fields, must_exist=must_exist)
        ctx.say(f"Saved the note of {consultations.describe(consultation, ctx.zone)}.")
        show_note(consultation, note, include_internal=False)


@app.command()
def add(
    ref: ConsultationRef,
    summary: SummaryOpt = None,
    insight: InsightOpt = None,
    action: ActionOpt = None,
    follow_up: FollowUpOpt = None,
    internal: InternalTextOpt = None,
    _json: JsonOption = False,
) -> None:
    """Write a consultation's note in $EDITOR on a terminal, or from flags (short: boo consult note ID)."""
    _write(ref, note_fields(summary, insight, action, follow_up, internal), must_exist=False)


@app.command()
def edit(
    ref: ConsultationRef,
    summary: SummaryOpt = None,
    insight: InsightOpt = None,
    action: ActionOpt = None,
    follow_up: FollowUpOpt = None,
    internal: InternalTextOpt = None,
    _json: JsonOption = False,
) -> None:
    """Change a consultation's existing note, in $EDITOR on a terminal or from flags."""
    _write(ref, note_fields(summary, insight, action, follow_up, internal), must_exist=True)


@app.command()
def show(
    ref: ConsultationRef,
    include_internal: Annotated[
        bool, typer.Option("--include-internal", help="Also show the private notes.")
    ] = False,
    _json: JsonOption = False,
) -> None:
    """Show a consultation's note (private notes only with --include-internal)."""
    from boo_cli.cli.identity import acting_user
    from boo_cli.services import consultations

    with app_context().session(write=False) as session:
        user = acting_user(session)
        consultation = consultations.get_consultation(session, user, ref)
        note = consultations.require_note(session, user, consultation)
        show_note(consultation, note, include_internal=include_internal)


def actions(
    ref: ConsultationRef,
    to_strategy: Annotated[
        str, typer.Option("--to-strategy", help="The strategy (name, id or id prefix) to add them to.")
    ],
    _json: JsonOption = False,
) -> None:
    """Turn the action items of a consultation's note into milestones of a strategy of the current
    business (or the one --profile names)."""
    from boo_cli.cli.identity import acting_user, today_for
    from boo_cli.cli.milestone import milestone_columns, milestone_json
    from boo_cli.cli.output import emit_table
    from boo_cli.cli.scope import lookup_business
    from boo_cli.services import consultations

    ctx = app_context()
    with ctx.session() as session:
        user = acting_user(session)
        consultation = consultations.get_consultation(session, user, ref)
        # A consultation is the user's; its actions go to the business named with --profile (or current).
        business = lookup_business(session, user, to_strategy)
        moved = consultations.actions_to_milestones(session, user, consultation, to_strategy, business)
        for warning in moved.warnings:
            ctx.say(f"Warning: {warning}.")
        name = moved.strategy.strategy_name
        if moved.skipped:
            ctx.say(f"Already milestones of '{name}', skipped: {'; '.join(moved.skipped)}.")
        if moved.added:
            ctx.say(f"Added {len(moved.added)} milestones to '{name}'.")
        today = today_for(user)
        emit_table(
            moved.added,
            milestone_columns(today),
            json_data=[milestone_json(m, today) for m in moved.added],
            empty="No new milestones.",
        )
