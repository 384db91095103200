"""`boo automate`: scheduled tasks, and `run-due`, which cron calls every minute."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from boo_cli.cli.context import app_context
from boo_cli.cli.options import JsonOption, YesOption
from boo_cli.cli.output import Column, emit_record, emit_rows, emit_text, print_json
from boo_cli.cli.paging import AllOption, LimitOption, OffsetOption
from boo_cli.cli.scope import AllProfilesOption

app = typer.Typer(
    help="Schedule tasks (cron, intervals, one-offs) and run them with cron.", no_args_is_help=True
)

TaskRef = Annotated[str, typer.Argument(metavar="TASK", help="Name, id or id prefix.")]
CronOpt = Annotated[str | None, typer.Option("--cron", help="5-field cron, e.g. '0 9 * * MON' (in --tz).")]
EveryOpt = Annotated[str | None, typer.Option("--every", help="An interval: 15m, 2h, 1d.")]
AtOpt = Annotated[
    str | None, typer.Option("--at", help="Once, at this time: '2026-03-29 09:00', 'friday 9:30'.")
]
TzOpt = Annotated[str | None, typer.Option("--tz", help="Time zone of --cron/--at (default: yours).")]
MissedOpt = Annotated[
    str | None, typer.Option("--missed", help="Missed slots: skip, latest (default) or all.")
]
ShellOpt = Annotated[str | None, typer.Option("--shell", help="Run this shell command.")]
WebhookOpt = Annotated[str | None, typer.Option("--webhook", help="Call this http(s) URL.")]
AllowPrivateOpt = Annotated[
    bool,
    typer.Option(
        "--allow-private-host",
        help="Let the webhook reach its URL's host even at a private, loopback or link-local address.",
    ),
]
MethodOpt = Annotated[str | None, typer.Option("--method", help="Webhook method (default POST).")]
HeaderOpt = Annotated[
    list[str] | None, typer.Option("--header", help="Webhook header 'Name: value' (repeatable).")
]
EmailOpt = Annotated[
    list[str] | None, typer.Option("--email", help="Send an email to this address (repeatable).")
]
SubjectOpt = Annotated[str | None, typer.Option("--subject", help="Email subject.")]
BodyOpt = Annotated[str | None, typer.Option("--body", help="Webhook JSON body, or the email's text.")]
BuiltinOpt = Annotated[
    str | None, typer.Option("--builtin", help="milestone-digest, audit-reminder or noop.")
]
DaysOpt = Annotated[
    int | None, typer.Option("--days", min=1, help="audit-reminder: remind after this many days.")
]
MailToOpt = Annotated[
    list[str] | None, typer.Option("--mail-to", help="Built-ins: also email the result here.")
]
TimeoutOpt = Annotated[
    str | None, typer.Option("--timeout", help="Stop the action after this long (default 5m).")
]
RetriesOpt = Annotated[
    int | None, typer.Option("--retries", min=0, max=10, help="Try again this many times.")
]
RunNowOpt = Annotated[
    bool, typer.Option("--run-now", help="With an --at already past: run it at the next run-due.")
]
FoldOpt = Annotated[
    int | None, typer.Option("--fold", min=0, max=1, help="--at in the repeated hour: 0 first, 1 second.")
]

OutputOpt = Annotated[
    bool,
    typer.Option("--output", help="Each run in full: times, exit code, whole error, captured output."),
]


def find_task(session, user, ref: str):
    """The task ref names: a full id anywhere the user owns, a name or id prefix in the current
    business."""
    from boo_cli.cli.scope import lookup_business
    from boo_cli.services import automation

    return automation.get_task(session, user, ref, lookup_business(session, user, ref))


def _now() -> datetime:
    from boo_cli.services.dates import now_utc

    return now_utc()


def _specs(
    user,
    cron,
    every,
    at,
    tz,
    missed,
    fold,
    shell,
    webhook,
    method,
    header,
    email,
    subject,
    body,
    builtin,
    days,
    mail_to,
    timeout,
    retries,
    run_now=False,
    allow_private_host=False,
):
    from boo_cli.services.accounts import normalize_timezone
    from boo_cli.services.automation import ActionSpec, TriggerSpec
    from boo_cli.services.dates import now_utc, parse_when

    zone = normalize_timezone(tz, field="--tz") if tz else user.timezone or "UTC"
    # The automation rule: a repeated local time means its first occurrence unless --fold says otherwise.
    when = parse_when(at, zone=zone, now=now_utc(), fold=fold or 0, field="--at") if at else None
    trigger = TriggerSpec(cron=cron, every=every, at=when, tz=tz, missed=missed, run_now=run_now)
    action = ActionSpec(
        shell=shell,
        webhook=webhook,
        email=email,
        builtin=builtin,
        method=method,
        headers=header,
        body=body,
        subject=subject,
        days=days,
        mail_to=mail_to,
        timeout=timeout,
        retries=retries,
        allow_private_host=allow_private_host,
    )
    return trigger, action


def task_json(task, last=None, *, when: str | None = None) -> dict:
    """A task as JSON; when: its trigger already described (a list describes each once)."""
    from boo_cli.services.automation import describe_action, describe_trigger

    return {
        "id": task.id,
        "name": task.task_name,
        "type": task.task_type,
        "description": task.description,
        "enabled": bool(task.is_active),
        "trigger": when if when is not None else describe_trigger(task),
        "action": describe_action(task),
        "trigger_config": task.trigger_config,
        "action_config": task.action_config,
        "next_run_at": task.next_run_at if task.is_active else None,
        "last_run_at": task.last_run_at,
        "last_status": last.status if last else None,
    }


@app.command()
def add(
    name: Annotated[str, typer.Argument(help="A name for the task, unique in the business.")],
    cron: CronOpt = None,
    every: EveryOpt = None,
    at: AtOpt = None,
    tz: TzOpt = None,
    missed: MissedOpt = None,
    fold: FoldOpt = None,
    shell: ShellOpt = None,
    webhook: WebhookOpt = None,
    method: MethodOpt = None,
    header: HeaderOpt = None,
    email: EmailOpt = None,
    subject: SubjectOpt = None,
    body: BodyOpt = None,
    builtin: BuiltinOpt = None,
    days: DaysOpt = None,
    mail_to: MailToOpt = None,
    timeout: TimeoutOpt = None,
    retries: RetriesOpt = None,
    run_now: RunNowOpt = False,
    allow_private_host: AllowPrivateOpt = False,
    description: Annotated[str | None, typer.Option("--description", "-d", help="What it is for.")] = None,
    _json: JsonOption = False,
) -> None:
    """Schedule a task: a trigger (--cron, --every, --at) and an action (--shell, --webhook, ...)."""
    from boo_cli.cli.identity import acting_user, current_business
    from boo_cli.services import automation

    with app_context().session() as session:
        user = acting_user(session)
        profile = current_business(session, user)
        trigger_spec, action_spec = _specs(
            user,
            cron,
            every,
            at,
            tz,
            missed,
            fold,
            shell,
            webhook,
            method,
            header,
            email,
            subject,
            body,
            builtin,
            days,
            mail_to,
            timeout,
            retries,
            run_now,
            allow_private_host,
        )
        now = _now()
        task = automation.add_task(
            session,
            user,
            profile,
            name=name,
            description=description,
            now=now,
            trigger=automation.build_trigger(trigger_spec, zone=user.timezone or "UTC", now=now),
            action=automation.build_action(action_spec),
        )
        app_context().say(f"Scheduled '{task.task_name}': {automation.describe_trigger(task)}.")
        _show(session, user, task)


@app.command("list")
def list_(
    limit: LimitOption = None,
    offset: OffsetOption = 0,
    every: AllOption = False,
    all_profiles: AllProfilesOption = False,
    _json: JsonOption = False,
) -> None:
    """List the current business's tasks (--all-profiles: every business's): next run, last status."""
    from boo_cli.cli.identity import acting_user
    from boo_cli.cli.paging import page_of, say_rest
    from boo_cli.cli.scope import listing
    from boo_cli.services import automation

    page = page_of(limit, offset, every)
    with app_context().session(write=False) as session:
        user = acting_user(session)
        seen = listing(session, user, all_profiles)
        found = automation.list_tasks(session, user, seen.profile, page=page)
        # Each task's trigger described, and its last run read, once per batch of tasks shown.
        shown = found.each(lambda tasks: automation.listed_tasks(session, tasks))
        emit_rows(
            shown,
            seen.columns(
                [
                    Column("name", lambda r: r.task.task_name, style="bold"),
                    Column("type", lambda r: r.task.task_type),
                    Column("when", lambda r: r.when),
                    Column("next run", lambda r: r.task.next_run_at if r.task.is_active else None),
                    Column("last", lambda r: r.last.status if r.last else None),
                    Column("enabled", lambda r: bool(r.task.is_active)),
                ],
                lambda r: r.task.business_profile_id,
            ),
            record=lambda r: seen.record(task_json(r.task, r.last, when=r.when), r.task.business_profile_id),
            empty="No tasks yet: boo automate add NAME --cron '0 9 * * MON' --builtin milestone-digest",
        )
        say_rest(found)


def _show(session, user, task, *, full: bool = False) -> None:
    from boo_cli.cli.automate_runs import emit_runs, execution_json
    from boo_cli.cli.output import local_time
    from boo_cli.services import automation
    from boo_cli.services.paging import Page

    latest = automation.logs(session, user, task=task, page=Page(10))
    recent = latest.rows
    retries = automation.waiting_retries(session, task)
    if app_context().json:
        print_json(
            {
                **task_json(task, recent[0][0] if recent else None),
                "executions": [execution_json(e, t) for e, t in recent],
                "waiting_retries": [
                    {
                        "slot": r.scheduled_for,
                        "attempt": r.attempt,
                        "not_before": r.not_before,
                        "reason": r.reason,
                    }
                    for r in retries
                ],
            }
        )
        return
    emit_record(
        [
            ("id", str(task.id)),
            ("when", automation.describe_trigger(task)),
            ("does", automation.describe_action(task)),
            ("missed slots", task.trigger_config.get("missed")),
            ("timeout", f"{task.action_config.get('timeout_seconds')} s"),
            ("retries", task.action_config.get("retries")),
            ("enabled", bool(task.is_active)),
            ("next run", task.next_run_at if task.is_active else None),
            ("last run", task.last_run_at),
            *(
                (
                    "retry waiting",
                    f"try {r.attempt} of the {local_time(r.scheduled_for)} slot, "
                    f"from {local_time(r.not_before)}",
                )
                for r in retries
            ),
            ("description", task.description),
        ],
        title=task.task_name,
        json_data=None,
    )
    if full:
        emit_text("")
    emit_runs(latest, full=full, empty="No runs yet.")


@app.command()
def show(ref: TaskRef, output: OutputOpt = False, _json: JsonOption = False) -> None:
    """Show a task's configuration and its last 10 runs (--output: each in full)."""
    from boo_cli.cli.identity import acting_user

    with app_context().session(write=False) as session:
        user = acting_user(session)
        _show(session, user, find_task(session, user, ref), full=output)


@app.command()
def edit(
    ref: TaskRef,
    name: Annotated[str | None, typer.Option("--name", help="New name.")] = None,
    description: Annotated[str | None, typer.Option("--description", "-d", help="What it is for.")] = None,
    cron: CronOpt = None,
    every: EveryOpt = None,
    at: AtOpt = None,
    tz: TzOpt = None,
    missed: MissedOpt = None,
    fold: FoldOpt = None,
    shell: ShellOpt = None,
    webhook: WebhookOpt = None,
    method: MethodOpt = None,
    header: HeaderOpt = None,
    email: EmailOpt = None,
    subject: SubjectOpt = None,
    body: BodyOpt = None,
    builtin: BuiltinOpt = None,
    days: DaysOpt = None,
    mail_to: MailToOpt = None,
    timeout: TimeoutOpt = None,
    retries: RetriesOpt = None,
    allow_private_host: AllowPrivateOpt = False,
    _json: JsonOption = False,
) -> None:
    """Change a task: a new trigger (--cron/--every/--at) or action (--shell/...) replaces the old one."""
    from boo_cli.cli.identity import acting_user
    from boo_cli.errors import Invalid
    from boo_cli.services import automation

    with app_context().session() as session:
        user = acting_user(session)
        task = find_task(session, user, ref)
        trigger_spec, action_spec = _specs(
            user,
            cron,
            every,
            at,
            tz,
            missed,
            fold,
            shell,
            webhook,
            method,
            header,
            email,
            subject,
            body,
            builtin,
            days,
            mail_to,
            timeout,
            retries,
            allow_private_host=allow_private_host,
        )
        new_trigger = any((cron, every, at)) or None
        new_action = any((shell, webhook, email, builtin, allow_private_host)) or None
        if not (new_trigger or new_action or name is not None or description is not None):
            raise Invalid("nothing to change: give a new trigger, action, --name or --description")
        now = _now()
        automation.edit_task(
            session,
            task,
            now=now,
            name=name,
            description=description,
            trigger=new_trigger
            and automation.build_trigger(trigger_spec, zone=user.timezone or "UTC", now=now),
            action=new_action and automation.build_action(action_spec),
        )
        _show(session, user, task)


def _switch(ref: str, active: bool) -> None:
    from boo_cli.cli.identity import acting_user
    from boo_cli.services import automation

    with app_context().session() as session:
        user = acting_user(session)
        task = automation.set_active(session, find_task(session, user, ref), active, now=_now())
        app_context().say(f"'{task.task_name}' is {'enabled' if active else 'disabled'}.")


@app.command()
def enable(ref: TaskRef) -> None:
    """Switch a task on; slots that fell while it was off are not run."""
    _switch(ref, True)


@app.command()
def disable(ref: TaskRef) -> None:
    """Switch a task off (its history stays)."""
    _switch(ref, False)


@app.command()
def delete(ref: TaskRef, yes: YesOption = False) -> None:
    """Delete a task and its run history (asks first)."""
    from boo_cli.cli.identity import acting_user
    from boo_cli.services import automation

    ctx = app_context()
    with ctx.session() as session:
        user = acting_user(session)
        task = find_task(session, user, ref)
        if not ctx.confirm(f"Delete the task '{task.task_name}' and its run history?", yes=yes):
            raise typer.Exit(1)
        automation.delete_task(session, task)
        ctx.say(f"Deleted '{task.task_name}'.")


@app.command("next")
def next_(
    ref: TaskRef,
    count: Annotated[int, typer.Option("-n", "--count", min=1, max=100, help="How many.")] = 5,
    _json: JsonOption = False,
) -> None:
    """Show when a task runs next, and its trigger in plain English."""
    from boo_cli.cli.identity import acting_user
    from boo_cli.cli.output import local_time
    from boo_cli.services import automation

    ctx = app_context()
    with ctx.session(write=False) as session:
        task = find_task(session, acting_user(session), ref)
        runs = automation.next_runs(task, now=_now(), count=count)
        if ctx.json:
            print_json({"task": task.task_name, "trigger": automation.describe_trigger(task), "next": runs})
            return
        ctx.say(f"{task.task_name}: {automation.describe_trigger(task)}")
        from boo_cli.cli.output import emit_text

        for run in runs:
            emit_text(local_time(run))


@app.command()
def run(ref: TaskRef, _json: JsonOption = False) -> None:
    """Run a task now, outside its schedule; recorded like any other run."""
    from boo_cli.automation.runner import run_now
    from boo_cli.cli.identity import acting_user
    from boo_cli.db import get_engine

    ctx = app_context()
    with ctx.session(write=False) as session:
        task = find_task(session, acting_user(session), ref)
    from boo_cli.cli.run_due import stopped_by_signals
    from boo_cli.services.cron_setup import shell_policy

    url = ctx.database_url()
    with stopped_by_signals():
        result = run_now(get_engine(url), task.id, shell_policy=shell_policy(url))
    if ctx.json:
        print_json(result)
    elif result.output:
        from boo_cli.cli.output import emit_text, shown_on_terminal

        emit_text(shown_on_terminal(result.output).rstrip("\n"))
    if not result.ok:
        from boo_cli.errors import BooError

        raise BooError(f"'{result.task}' failed: {result.error}")
    ctx.say(f"'{result.task}' ran.")


@app.command()
def logs(
    ref: Annotated[str | None, typer.Argument(metavar="[TASK]", help="Only this task's runs.")] = None,
    failed: Annotated[bool, typer.Option("--failed", help="Only failed runs.")] = False,
    since: Annotated[
        str | None, typer.Option("--since", help="Only runs since: 2026-03-01, -7d, yesterday.")
    ] = None,
    limit: LimitOption = None,
    offset: OffsetOption = 0,
    every: AllOption = False,
    run: Annotated[
        str | None, typer.Option("--run", metavar="ID", help="Only this run (id or prefix), in full.")
    ] = None,
    output: OutputOpt = False,
    _json: JsonOption = False,
) -> None:
    """Show runs with their status, duration and error, newest first; --run ID or --output in full."""
    from boo_cli.cli.automate_runs import emit_run, emit_runs
    from boo_cli.cli.identity import acting_user
    from boo_cli.cli.paging import page_of, say_rest
    from boo_cli.errors import Invalid
    from boo_cli.services import automation
    from boo_cli.services.dates import parse_since

    page = page_of(limit, offset, every)
    if run and (ref or failed or since):
        raise Invalid("--run names one run: give it without TASK, --failed or --since", field="--run")
    with app_context().session(write=False) as session:
        user = acting_user(session)
        if run:
            emit_run(*automation.get_run(session, user, run))
            return
        task = find_task(session, user, ref) if ref else None
        rows = automation.logs(
            session,
            user,
            task=task,
            failed_only=failed,
            since=parse_since(since, zone=user.timezone),
            page=page,
        )
        emit_runs(rows, full=output, empty="No runs.")
        say_rest(rows)


@app.command()
def status(_json: JsonOption = False) -> None:
    """When run-due last ran here, whose shell tasks this host runs, which wait for a host, and the
    crontab line to use."""
    from boo_cli.cli.automate_hosts import shell_fields, shell_report, shell_warnings
    from boo_cli.services import logins
    from boo_cli.services.cron_setup import crontab_line, health

    ctx = app_context()
    _take_viewers_zone()
    report = health(logins.last_run_due(ctx.database_url()), now=_now())
    shell = shell_report(_now())
    line = crontab_line(ctx.db)
    if ctx.json:
        print_json({**report, **shell, "crontab": line})
        return
    emit_record(
        [
            ("last run-due", report["last_started"] or "never on this machine"),
            ("state", report["state"]),
            *shell_fields(shell),
        ],
        json_data=None,
    )
    # On a line of its own, whole: a record would wrap or cut a long line, and it is pasted as is.
    ctx.say("The crontab line (crontab -e, then paste it):")
    emit_text(line)
    for warning in [report["warning"], *shell_warnings(shell)]:
        if warning:
            ctx.say(f"Warning: {warning}")


def _take_viewers_zone() -> None:
    """Show times in the acting user's zone; on a machine where nobody can act (cron only, no login,
    no database yet) status still answers, in UTC."""
    from boo_cli.cli.identity import acting_user
    from boo_cli.errors import BooError

    try:
        with app_context().session(write=False) as session:
            acting_user(session)
    except BooError:
        app_context().zone = "UTC"


def _register_run_due() -> None:
    from boo_cli.cli import automate_hosts, run_due

    app.command(
        "run-due",
        help="Run every due task once (cron calls this every minute); quiet on success, exit 1 on failure.",
    )(run_due.run)
    app.command("allow")(automate_hosts.allow)
    app.command("deny")(automate_hosts.deny)


_register_run_due()
