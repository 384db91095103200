"""`boo db`: the schema's revision, upgrades, downgrades and the drift check."""

from __future__ import annotations

from typing import Annotated

import typer

from boo_cli.cli.context import app_context
from boo_cli.cli.options import JsonOption, YesOption
from boo_cli.cli.output import Column, emit_record, emit_table

app = typer.Typer(help="Create, upgrade and inspect the database schema.", no_args_is_help=True)


def _state_record(url: str, state) -> None:
    from boo_cli.config import redact

    data = {
        "database": redact(url),
        "current": state.current,
        "head": state.head,
        "up_to_date": state.up_to_date,
    }
    label = state.current or "empty (no schema)"
    emit_record(
        [
            ("database", data["database"]),
            ("revision", label),
            ("head", state.head),
            ("up to date", state.up_to_date),
        ],
        json_data=data,
    )


@app.command()
def current(_json: JsonOption = False) -> None:
    """Show the database's schema revision and this boo's newest one."""
    from boo_cli.db import refuse_newer
    from boo_cli.services import database

    ctx = app_context()
    url = ctx.database_url()
    state = database.current(url)
    _state_record(url, state)
    from boo_cli.db import get_engine

    refuse_newer(state, get_engine(url))


@app.command()
def upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision (default: head).")] = "head",
    _json: JsonOption = False,
) -> None:
    """Apply migrations up to REVISION."""
    from boo_cli.services import database

    ctx = app_context()
    url = ctx.database_url()
    state = database.upgrade(url, revision)
    ctx.say(f"Database at revision {state.current or 'base'}.")
    if ctx.json:
        _state_record(url, state)


@app.command()
def downgrade(
    revision: Annotated[str, typer.Argument(help="Target revision: a number such as 0002, or base.")],
    yes: YesOption = False,
    force: Annotated[
        bool, typer.Option("--force", help="Downgrade even when columns or tables that hold data go.")
    ] = False,
    _json: JsonOption = False,
) -> None:
    """Undo migrations down to REVISION ('base' removes every table). Refused when data would be lost,
    unless --force; asks first."""
    from boo_cli.config import redact
    from boo_cli.services import database

    ctx = app_context()
    url = ctx.database_url()
    losses = database.check_downgrade(url, revision, force=force)
    lost = f" This drops data: {database.describe_losses(losses)}." if losses else ""
    if not ctx.confirm(f"Downgrade {redact(url)} to {revision}?{lost}", yes=yes):
        raise typer.Exit(1)
    state = database.downgrade(url, revision, force=force)
    ctx.say(f"Database at revision {state.current or 'base'}.")
    if ctx.json:
        _state_record(url, state)


@app.command()
def history(_json: JsonOption = False) -> None:
    """List the migrations this boo ships, newest first; the database's own is marked."""
    from boo_cli.services import database

    revisions = database.history(app_context().database_url())
    emit_table(
        revisions,
        [
            Column("current", lambda r: "*" if r.is_current else "", marker=True),
            Column("revision", lambda r: r.revision),
            Column("after", lambda r: r.down_revision or "base"),
            Column("change", lambda r: r.message.splitlines()[0] if r.message else ""),
        ],
    )


@app.command()
def check(_json: JsonOption = False) -> None:
    """Exit 1 when the database is behind this boo or its schema differs from the models."""
    from boo_cli.config import redact
    from boo_cli.services import database

    ctx = app_context()
    url = ctx.database_url()
    result = database.check(url)
    if ctx.json:
        _state_record_json = {
            "database": redact(url),
            "current": result.state.current,
            "head": result.state.head,
            "up_to_date": result.state.up_to_date,
            "differences": result.differences,
            "ok": result.ok,
        }
        from boo_cli.cli.output import print_json

        print_json(_state_record_json)
    elif not result.state.up_to_date:
        ctx.say(
            f"Behind: the database is at {result.state.current or 'base'}, head is {result.state.head}. "
            "Run 'boo db upgrade'."
        )
    elif result.differences:
        ctx.say("The database schema differs from the models:")
        for line in result.differences:
            ctx.say(f"  {line}")
    else:
        ctx.say(f"OK: at {result.state.head}, schema matches the models.")
    if not result.ok:
        raise typer.Exit(1)
