"""`boo init`: the first run. Creates the database, the first user and, optionally, a business."""

from __future__ import annotations

from typing import Annotated

import typer

from boo_cli.cli.context import app_context
from boo_cli.cli.options import JsonOption
from boo_cli.cli.user import (
    EmailOpt,
    FirstOpt,
    LastOpt,
    PasswordStdinOpt,
    ZoneOpt,
    collect_new_user,
    user_json,
)

app = typer.Typer()


@app.command()
def init(
    email: EmailOpt = None,
    first_name: FirstOpt = None,
    last_name: LastOpt = None,
    timezone: ZoneOpt = None,
    password_stdin: PasswordStdinOpt = False,
    business: Annotated[
        str | None, typer.Option("--business", metavar="NAME", help="Also create this business profile.")
    ] = None,
    _json: JsonOption = False,
) -> None:
    """Set boo up: create (or upgrade) the database, your account and, optionally, your business."""
    from boo_cli.cli.output import emit_record
    from boo_cli.cli.prompts import ask_text
    from boo_cli.services import accounts, logins, onboarding

    ctx = app_context()
    with ctx.session() as session:
        onboarding.ensure_first_run(session)
    fields = collect_new_user(email, first_name, last_name, timezone, password_stdin)
    if business is None and ctx.can_prompt() and not password_stdin:
        business = ask_text("Name of your business (optional):", flag="--business", required=False)
    with ctx.session() as session:
        user, profile = onboarding.first_run(session, business=business, **fields)
        logins.remember_local_user(ctx.database_url(), user.id)
        if profile is not None:
            logins.choose_profile(ctx.database_url(), user.id, profile.id)
        ctx.say(f"Welcome, {user.first_name}. boo is ready: {accounts.count_active_users(session)} user.")
        if profile is not None:
            ctx.say(f"Your business '{profile.business_name}' is the current profile.")
        else:
            ctx.say("Next: boo profile add NAME")
        emit_record(
            [
                ("user", user.email),
                ("time zone", user.timezone),
                ("business", profile and profile.business_name),
            ],
            json_data={"user": user_json(user), "profile": profile},
        )
