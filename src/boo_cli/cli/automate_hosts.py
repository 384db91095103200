"""`boo automate allow | deny`: whose shell tasks this host runs, by user id; and the part of
`boo automate status` that shows it, with the users whose due shell tasks no host runs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import typer

from boo_cli.cli.context import app_context
from boo_cli.cli.options import JsonOption
from boo_cli.cli.output import print_json

UserArg = Annotated[
    str, typer.Argument(metavar="USER", help="The account's email or full id (fixed to its id now).")
]


def allow(user: UserArg, _json: JsonOption = False) -> None:
    """Run USER's shell tasks on this host, whatever email the account takes later."""
    _choose(user, allowed=True)


def deny(user: UserArg, _json: JsonOption = False) -> None:
    """Stop running USER's shell tasks on this host (an account created here too)."""
    _choose(user, allowed=False)


def _choose(ref: str, *, allowed: bool) -> None:
    from boo_cli.services import hosts

    ctx = app_context()
    with ctx.session() as session:
        user, host, changed = (hosts.allow if allowed else hosts.deny)(session, ctx.database_url(), ref)
        who = f"{user.email} (user {user.id})"
        if allowed:
            ctx.say(
                f"This host ({host.name}) now runs the shell tasks of {who}, by id: changing the "
                "account's email changes nothing."
                if changed
                else f"This host ({host.name}) already runs the shell tasks of {who}."
            )
        else:
            ctx.say(
                f"This host ({host.name}) no longer runs the shell tasks of {who}; they wait for a "
                "host that does."
                if changed
                else f"This host ({host.name}) did not run the shell tasks of {who}; nothing changed."
            )
        if ctx.json:
            print_json(
                {
                    "user_id": user.id,
                    "email": user.email,
                    "host_id": host.id,
                    "host": host.name,
                    "runs_shell_tasks": allowed,
                    "changed": changed,
                }
            )


def shell_report(now: datetime) -> dict[str, Any]:
    """This host and whose shell tasks it runs; the users whose due shell tasks no live host runs;
    a warning when the config file still has the old email list or the database cannot be read."""
    from boo_cli.errors import BooError
    from boo_cli.services import hosts, logins
    from boo_cli.services.cron_setup import legacy_shell_users_error

    ctx = app_context()
    host = hosts.this_host()
    report: dict[str, Any] = {
        "host": {"id": host.id, "name": host.name, "shell_users": []},
        "waiting": [],
        "more_waiting": False,
        "shell_warnings": [w for w in [legacy_shell_users_error()] if w],
    }
    try:
        with ctx.session(write=False) as session:
            users = hosts.shell_users_here(session, logins.shell_users(ctx.database_url()))
            waiting, report["more_waiting"] = hosts.waiting_shell_tasks(session, now=now)
    except BooError as exc:
        report["shell_warnings"].append(f"cannot tell whose shell tasks wait: {exc}")
        return report
    report["host"]["shell_users"] = [{"id": u.id, "email": u.email, "why": u.why} for u in users]
    report["waiting"] = [
        {
            "user_id": w.user_id,
            "email": w.email,
            "tasks": w.tasks,
            "hosts": [{"name": name, "last_seen": seen} for name, seen in w.hosts],
            "message": w.message,
        }
        for w in waiting
    ]
    return report


def shell_fields(report: dict[str, Any]) -> list[tuple[str, Any]]:
    host = report["host"]
    users = ", ".join(f"{u['email']} ({u['why']})" for u in host["shell_users"])
    return [("this host", f"{host['name']} ({host['id']})"), ("runs shell tasks of", users or "nobody")]


def shell_warnings(report: dict[str, Any]) -> list[str]:
    lines = [w["message"] for w in report["waiting"]]
    if report["more_waiting"]:
        lines.append("the shell tasks of more users wait too: see 'boo --json automate status'")
    return lines + report["shell_warnings"]
