"""`boo run`: the short name of `boo automate run-due`, the command cron calls every minute."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from boo_cli.cli.context import app_context

app = typer.Typer()


def run_due_command(*, now: str | None, limit: int, dry_run: bool, user: str | None, verbose: bool) -> None:
    from boo_cli.automation.runner import run_due
    from boo_cli.cli.automate_runs import time_in
    from boo_cli.cli.output import emit_text, print_json
    from boo_cli.db import get_engine
    from boo_cli.services import hosts, logins
    from boo_cli.services.cron_setup import ping, ping_url, shell_policy
    from boo_cli.services.dates import now_utc, parse_when

    ctx = app_context()
    url = ctx.database_url()
    pinned = parse_when(now, zone="UTC", now=now_utc(), fold=0, field="--now") if now else None
    monitor = None if dry_run else ping_url()
    policy = shell_policy(url)
    host = hosts.this_host()
    # Brings the schema up to date before any claim, and tells the database which users' shell tasks
    # this host runs, so that it claims no other (a dry run changes nothing).
    seen = pinned or now_utc()
    with ctx.session(write=False) as session:
        published = dry_run or hosts.is_published(session, host, policy.users, now=seen)
    if not published:
        with ctx.session() as session:
            hosts.publish(session, host, policy.users, seen_at=seen)
    started = now_utc()
    with stopped_by_signals():
        report = run_due(
            get_engine(url),
            now=pinned,
            limit=limit,
            dry_run=dry_run,
            user_email=user,
            shell_policy=policy,
            host_id=host.id,
        )
    if dry_run and ctx.json:
        print_json(report.planned)
        return
    if dry_run:
        # Each task's times are in its owner's zone: run-due acts for every user, not for one viewer.
        for plan in report.planned:
            slots = ", ".join(time_in(s, plan.zone) for s in plan.slots) or "nothing (missed, skipped)"
            emit_text(f"{plan.task}: would run {slots}")
        return
    logins.record_run_due(
        url, started=started.isoformat(), ran=len(report.results), failed=len(report.failed)
    )
    for name in report.abandoned:
        sys.stderr.write(f"boo: '{name}' had a run left unfinished by a stopped runner; marked failed\n")
    if ctx.json:
        print_json(
            {
                "ran": len(report.results),
                "failed": len(report.failed),
                "abandoned": report.abandoned,
                "results": [{k: v for k, v in vars(r).items() if k != "output"} for r in report.results],
            }
        )
    for result in report.results:
        if verbose and not ctx.json:
            slot = time_in(result.slot, result.zone) if result.slot else "now"
            emit_text(
                "\t".join(
                    [
                        "ok" if result.ok else "FAILED",
                        result.owner,
                        result.task,
                        slot,
                        f"try {result.attempt}",
                    ]
                )
            )
        if not result.ok:
            sys.stderr.write(f"boo: '{result.task}' ({result.owner}) failed: {result.error}\n")
    # cron mails what a job prints and monitors read its status: a crash found is a failure too.
    failed = bool(report.failed or report.abandoned)
    if monitor and (problem := ping(monitor, ok=not failed)):
        sys.stderr.write(f"boo: {problem}\n")
    if failed:
        raise typer.Exit(1)


@contextmanager
def stopped_by_signals() -> Iterator[None]:
    """SIGINT or SIGTERM stops the running task's processes and records its run before boo exits
    (128 + the signal's number, as a shell reports a process a signal ended)."""
    from boo_cli.automation.stopping import Stopped, stop_on_signals

    try:
        with stop_on_signals():
            yield
    except Stopped as stop:
        sys.stderr.write(f"boo: stopped by {stop.name}; the running task was stopped, its run failed\n")
        raise typer.Exit(128 + stop.signum) from None


@app.command("run")
def run(
    now: Annotated[
        str | None, typer.Option("--now", help="Pretend it is this instant (ISO 8601 with offset).")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10000, help="At most this many tasks.")] = 100,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what is due; run and change nothing.")
    ] = False,
    user: Annotated[str | None, typer.Option("--user", help="Only this user's tasks (email).")] = None,
    verbose: Annotated[bool, typer.Option("-v", "--verbose", help="List what ran.")] = False,
) -> None:
    """Run every due scheduled task once: short for 'boo automate run-due'."""
    run_due_command(now=now, limit=limit, dry_run=dry_run, user=user, verbose=verbose)
