"""`boo history`: the changes you made, newest first, and one change as a before/after table."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from boo_cli.cli.context import app_context
from boo_cli.cli.options import JsonOption
from boo_cli.cli.output import Column, emit_rows, emit_table, print_json
from boo_cli.cli.paging import AllOption, LimitOption, OffsetOption

app = typer.Typer(
    help="What you changed, when, and from what to what: every add, edit and delete.",
    invoke_without_command=True,
)

NOT_KEPT = "(changed; value not kept)"
VERBS = {"insert": "Added", "update": "Changed", "delete": "Deleted"}


def _value(value: Any) -> str:
    """A value for a table cell: text as it is, anything else as JSON."""
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _summary(entry) -> str:
    columns = entry.changed_columns or []
    return ", ".join(c for c in columns if c not in {"id"})


def entry_json(entry) -> dict:
    from boo_cli.services.audit_trail import changes_of

    return {
        "id": entry.id,
        "changed_at": entry.changed_at,
        "action": entry.action,
        "table": entry.table_name,
        "record_id": entry.row_id,
        "changes": [
            {"column": c.column, "before": c.before, "after": c.after, "value_kept": not c.redacted}
            for c in changes_of(entry)
        ],
    }


COLUMNS = [
    Column("id", lambda e: str(e.id)[:8], style="dim"),
    Column("when", lambda e: e.changed_at),
    Column("action", lambda e: e.action),
    Column("table", lambda e: e.table_name, style="bold"),
    Column("record", lambda e: str(e.row_id)[:8]),
    Column("columns", _summary),
]


@app.callback()
def list_(
    ctx: typer.Context,
    table: Annotated[
        str | None,
        typer.Option("--table", metavar="TABLE", help="Only changes to this table, e.g. growth_strategies."),
    ] = None,
    record: Annotated[
        str | None, typer.Option("--record", metavar="ID", help="Only changes to this record (id or prefix).")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", metavar="WHEN", help="Only changes since: 2026-03-01, -7d.")
    ] = None,
    limit: LimitOption = None,
    offset: OffsetOption = 0,
    every: AllOption = False,
    _json: JsonOption = False,
) -> None:
    """Every change you made, newest first, in your time zone; `boo history show ID` for one in full."""
    if ctx.invoked_subcommand is not None:
        if any(v is not None for v in (table, record, since)) or offset or every or limit is not None:
            from boo_cli.errors import Invalid

            raise Invalid(f"the list's options go without '{ctx.invoked_subcommand}'", field="--table")
        return
    from boo_cli.cli.identity import acting_user
    from boo_cli.cli.paging import page_of, say_rest
    from boo_cli.errors import Invalid
    from boo_cli.services import audit_trail
    from boo_cli.services.dates import parse_since

    if table is not None and table not in audit_trail.TABLES:
        known = ", ".join(audit_trail.TABLES)
        raise Invalid(f"{table!r} is not a table boo keeps; one of: {known}", field="--table")
    page = page_of(limit, offset, every)
    with app_context().session(write=False) as session:
        user = acting_user(session)
        found = audit_trail.history(
            session, user, page, table=table, record=record, since=parse_since(since, zone=user.timezone)
        )
        emit_rows(found, COLUMNS, record=entry_json, empty="No changes recorded yet.")
        say_rest(found)


@app.command()
def show(
    ref: Annotated[str, typer.Argument(metavar="ID", help="The change's id or its first 4+ characters.")],
    _json: JsonOption = False,
) -> None:
    """One change in full: each changed column before and after."""
    from boo_cli.cli.identity import acting_user
    from boo_cli.cli.output import display
    from boo_cli.services import audit_trail

    ctx = app_context()
    with ctx.session(write=False) as session:
        entry = audit_trail.get_entry(session, acting_user(session), ref)
        if ctx.json:
            print_json(entry_json(entry))
            return
        action = display(entry.action)
        verb = VERBS.get(action, action)
        emit_table(
            audit_trail.changes_of(entry),
            [
                Column("column", lambda c: c.column, style="bold"),
                Column("before", lambda c: NOT_KEPT if c.redacted else _value(c.before)),
                Column("after", lambda c: NOT_KEPT if c.redacted else _value(c.after)),
            ],
            title=f"{verb} {entry.table_name} {entry.row_id}, {display(entry.changed_at)}",
            empty="No column values were kept for this change (made before boo kept them).",
        )
