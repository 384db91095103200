"""Automation tasks of a user's businesses: define, change, switch on and off, and read their runs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from pydantic import ValidationError
from sqlmodel import Session, select

from boo_cli.automation.actions import BuiltinAction, EmailAction, ShellAction, WebhookAction, load_action
from boo_cli.automation.triggers import (
    CronTrigger,
    IntervalTrigger,
    OnceTrigger,
    load_trigger,
    parse_duration,
    parse_every,
)
from boo_cli.errors import Conflict, Invalid, NotFound
from boo_cli.models import AutomationTask, BusinessProfile, TaskExecution, TaskRetry, User
from boo_cli.models.enums import ExecutionStatus
from boo_cli.services import validation
from boo_cli.services.lookup import resolve
from boo_cli.services.paging import Page, Paged, fetch


@dataclass(frozen=True)
class TriggerSpec:
    cron: str | None = None
    every: str | None = None
    at: datetime | None = None
    tz: str | None = None
    missed: str | None = None
    run_now: bool = False  # --run-now: an --at already past runs at the next run-due


@dataclass(frozen=True)
class ActionSpec:
    shell: str | None = None
    webhook: str | None = None
    email: list[str] | None = None
    builtin: str | None = None
    method: str | None = None
    headers: list[str] | None = None
    body: str | None = None
    subject: str | None = None
    days: int | None = None
    mail_to: list[str] | None = None
    timeout: str | None = None
    retries: int | None = None
    allow_private_host: bool = False


def task_scope(user: User, profile: BusinessProfile | None = None) -> list[Any]:
    owned = select(BusinessProfile.id).where(BusinessProfile.user_id == user.id)
    scope = [AutomationTask.business_profile_id.in_(owned)]
    if profile is not None:
        scope.append(AutomationTask.business_profile_id == profile.id)
    return scope


# The option a model field comes from, so that a refusal names what the user typed.
_OPTION_OF = {
    "expr": "--cron",
    "every_seconds": "--every",
    "at": "--at",
    "tz": "--tz",
    "missed": "--missed",
    "command": "--shell",
    "url": "--webhook",
    "method": "--method",
    "headers": "--header",
    "to": "--email",
    "subject": "--subject",
    "body": "--body",
    "name": "--builtin",
    "days": "--days",
    "mail_to": "--mail-to",
    "timeout_seconds": "--timeout",
    "retries": "--retries",
    "allow_hosts": "--allow-private-host",
}


def _pydantic_invalid(exc: ValidationError, field: str) -> Invalid:
    first = exc.errors()[0]
    loc = first.get("loc") or ()
    option = _OPTION_OF.get(str(loc[0])) if loc else None
    message = str(first.get("msg", "invalid value")).removeprefix("Value error, ")
    return Invalid(message, field=option or field)


def build_trigger(spec: TriggerSpec, *, zone: str, now: datetime):
    """A validated trigger from the command-line options: exactly one of --cron, --every, --at."""
    given = [name for name in ("cron", "every", "at") if getattr(spec, name)]
    if len(given) != 1:
        raise Invalid("give exactly one trigger: --cron EXPR, --every INTERVAL or --at WHEN", field="trigger")
    common = {"tz": spec.tz or zone, "missed": spec.missed or "latest"}
    if spec.missed and spec.missed not in ("skip", "latest", "all"):
        raise Invalid(f"{spec.missed!r} is not one of: skip, latest, all", field="--missed")
    if spec.run_now and not spec.at:
        raise Invalid("goes with --at only (a one-off time that may be past)", field="--run-now")
    if spec.at and spec.at <= now:
        if not spec.run_now:
            raise Invalid(
                f"{spec.at.astimezone(UTC):%Y-%m-%d %H:%M} UTC is in the past, so the task would never run",
                field="--at",
                hint="Give a later time, or add --run-now to run it at the next run-due.",
            )
        # Run at the next run-due: the one-off's time becomes now, so its slot is due at once.
        return OnceTrigger(at=now.astimezone(UTC).replace(microsecond=0), **common)
    try:
        if spec.cron:
            return CronTrigger(expr=spec.cron, **common)
        if spec.every:
            anchor = now.astimezone(UTC).replace(second=0, microsecond=0)
            return IntervalTrigger(every_seconds=parse_every(spec.every), anchor=anchor, **common)
        return OnceTrigger(at=spec.at.astimezone(UTC), **common)
    except ValidationError as exc:
        raise _pydantic_invalid(exc, "trigger") from exc


def _headers(items: list[str] | None) -> dict[str, str]:
    headers = {}
    for item in items or []:
        name, sep, value = item.partition(":")
        if not sep or not name.strip():
            raise Invalid(f"{item!r} is not a header; use 'Name: value'", field="--header")
        headers[name.strip()] = value.strip()
    return headers


def build_action(spec: ActionSpec):
    """A validated action from the options: exactly one of --shell, --webhook, --email, --builtin."""
    from boo_cli.services.accounts import normalize_email

    if spec.allow_private_host and not spec.webhook:
        raise Invalid("goes with --webhook URL (give the URL again with it)", field="--allow-private-host")
    # An empty --shell or --webhook is a missing command or URL (said below), not a missing action.
    given = [n for n in ("shell", "webhook", "builtin") if getattr(spec, n) is not None]
    given += ["email"] if spec.email else []
    if len(given) != 1:
        raise Invalid(
            "give exactly one action: --shell CMD, --webhook URL, --email TO or --builtin NAME",
            field="action",
        )
    common: dict[str, Any] = {}
    if spec.timeout:
        common["timeout_seconds"] = parse_duration(spec.timeout, field="--timeout")
    if spec.retries is not None:
        common["retries"] = spec.retries
    if spec.shell is not None and not spec.shell.strip():
        raise Invalid("a shell task needs a command", field="--shell")
    if spec.webhook is not None and not spec.webhook.strip():
        raise Invalid("a webhook task needs an http(s) URL", field="--webhook")
    try:
        if spec.shell:
            return ShellAction(command=spec.shell, **common)
        if spec.webhook:
            body = _json_body(spec.body)
            action = WebhookAction(
                url=spec.webhook,
                method=(spec.method or "POST").upper(),
                headers=_headers(spec.headers),
                body=body,
                allow_hosts=_own_host(spec.webhook) if spec.allow_private_host else [],
                **common,
            )
            _check_webhook_host(action)
            return action
        if spec.email:
            to = [normalize_email(address, field="--email") for address in spec.email]
            if not spec.subject:
                raise Invalid("an email task needs --subject", field="--subject")
            require_mail_server("--email")
            return EmailAction(to=to, subject=spec.subject, body=spec.body or "", **common)
        mail_to = [normalize_email(a, field="--mail-to") for a in spec.mail_to or []]
        action = BuiltinAction(name=spec.builtin, days=spec.days or 90, mail_to=mail_to, **common)
    except ValidationError as exc:
        raise _pydantic_invalid(exc, "action") from exc
    if action.name == "newsletter-digest":
        require_mail_server("--builtin newsletter-digest")
    elif action.mail_to:
        require_mail_server("--mail-to")
    return action


def require_mail_server(flag: str) -> None:
    """A task that sends mail is refused while no mail server is set up: it would only fail later,
    at whatever hour it is due. The message names the settings that fix it."""
    from boo_cli.errors import ConfigError
    from boo_cli.services.mail import smtp_settings

    try:
        smtp_settings()
    except ConfigError as exc:
        raise Invalid(
            f"sends email, but no mail server is set up: {exc.message}",
            field=flag,
            hint=(exc.hint or "") + " (see 'Email settings' in docs/automation.md; the password goes in "
            "the keyring: keyring set boo-smtp USERNAME, or BOO_SMTP_PASSWORD)",
        ) from exc


def _own_host(url: str) -> list[str]:
    try:
        host = urlsplit(url).hostname
    except ValueError:  # an unclosed [IPv6 address: the URL's own check names it
        return []
    return [host] if host else []


def _check_webhook_host(action: WebhookAction) -> None:
    """A literal private, loopback or link-local host is refused now rather than at every run."""
    from boo_cli.automation import addresses

    try:
        addresses.check_literal(action.url, [*action.allow_hosts, *addresses.configured_allow_hosts()])
    except addresses.Refused as exc:
        raise Invalid(
            f"{exc.what}: webhooks reach only public addresses",
            field="--webhook",
            hint="A" + addresses.allow_hint(exc.host)[1:] + ".",
        ) from exc


def _json_body(text: str | None) -> Any:
    if text is None:
        return None
    import json

    try:
        return json.loads(text)
    except ValueError as exc:
        raise Invalid(f"is not JSON: {exc}", field="--body") from exc


def add_task(
    session: Session,
    user: User,
    profile: BusinessProfile,
    *,
    name: str,
    trigger,
    action,
    description: str | None = None,
    now: datetime,
) -> AutomationTask:
    """A new active task; its first slot is the first one after now (nothing before it ever runs)."""
    if profile.user_id != user.id:
        raise NotFound("no such profile")
    task_name = validation.text(name, AutomationTask, "task_name", field="NAME", required=True)
    exists = session.exec(
        select(AutomationTask.id).where(
            AutomationTask.business_profile_id == profile.id, AutomationTask.task_name == task_name
        )
    ).first()
    if exists:
        raise Conflict(f"{profile.business_name} already has a task named {task_name!r}")
    task = AutomationTask(
        business_profile_id=profile.id,
        task_name=task_name,
        task_type=action.kind,
        description=validation.text(description, AutomationTask, "description", field="--description"),
        trigger_config=trigger.model_dump(mode="json"),
        action_config=action.model_dump(mode="json"),
        is_active=True,
        next_run_at=_first_slot(trigger, now),
    )
    session.add(task)
    session.flush()
    return task


def _first_slot(trigger, now: datetime) -> datetime | None:
    """The first slot after now; a one-off whose time has come (--run-now) is due at once."""
    if isinstance(trigger, OnceTrigger) and trigger.at <= now:
        return trigger.at
    return trigger.next_after(now)


def get_task(session: Session, user: User, ref: str, profile: BusinessProfile | None) -> AutomationTask:
    """The user's task named by a full id (any of their businesses), or by an id prefix or exact name
    within profile, the current business (None: only a full id names it)."""
    return resolve(
        session,
        AutomationTask,
        ref,
        name_column=AutomationTask.task_name,
        scope=task_scope(user),
        name_scope=None if profile is None else [AutomationTask.business_profile_id == profile.id],
        noun="task",
        plural="tasks",
    )


def list_tasks(
    session: Session, user: User, profile: BusinessProfile | None = None, *, page: Page | None = None
) -> Paged:
    """A page of the tasks of one business (None: of every business of the user), by name."""
    query = (
        select(AutomationTask)
        .where(*task_scope(user, profile))
        .order_by(AutomationTask.task_name, AutomationTask.id)
    )
    return fetch(session, query, page or Page())


@dataclass(frozen=True)
class ListedTask:
    task: AutomationTask
    when: str  # the trigger, described
    last: TaskExecution | None


def listed_tasks(session: Session, tasks: list[AutomationTask]) -> list[ListedTask]:
    """Tasks as a list shows them: each trigger described once, the last runs read in one query."""
    last = last_runs(session, tasks)
    return [ListedTask(t, describe_trigger(t), last.get(t.id)) for t in tasks]


def last_runs(session: Session, tasks: list[AutomationTask]) -> dict[Any, TaskExecution]:
    """The newest execution of each task: one grouped query per IN_CHUNK tasks."""
    from boo_cli.db import chunks

    found: dict[Any, TaskExecution] = {}
    for ids in chunks([t.id for t in tasks]):
        newest = (
            select(TaskExecution.automation_task_id, sa.func.max(TaskExecution.started_at).label("at"))
            .where(TaskExecution.automation_task_id.in_(ids))
            .group_by(TaskExecution.automation_task_id)
            .subquery()
        )
        query = select(TaskExecution).join(
            newest,
            sa.and_(
                TaskExecution.automation_task_id == newest.c.automation_task_id,
                TaskExecution.started_at == newest.c.at,
            ),
        )
        found.update((e.automation_task_id, e) for e in session.exec(query))
    return found


def set_active(session: Session, task: AutomationTask, active: bool, *, now: datetime) -> AutomationTask:
    """Switch a task on or off. On again, it starts from its first slot after now: slots that fell
    while it was off are never run."""
    if bool(task.is_active) == active:
        raise Conflict(f"the task {task.task_name!r} is already {'enabled' if active else 'disabled'}")
    task.is_active = active
    if active:
        task.next_run_at = load_trigger(task.trigger_config).next_after(now)
    session.add(task)
    session.flush()
    return task


def edit_task(
    session: Session,
    task: AutomationTask,
    *,
    now: datetime,
    name: str | None = None,
    description: str | None = None,
    trigger=None,
    action=None,
) -> AutomationTask:
    if name is not None:
        task.task_name = validation.text(name, AutomationTask, "task_name", field="--name", required=True)
    if description is not None:
        task.description = validation.text(description, AutomationTask, "description", field="--description")
    if trigger is not None:
        task.trigger_config = trigger.model_dump(mode="json")
        task.next_run_at = _first_slot(trigger, now) if task.is_active else task.next_run_at
    if action is not None:
        task.action_config = action.model_dump(mode="json")
        task.task_type = action.kind
    session.add(task)
    session.flush()
    return task


def delete_task(session: Session, task: AutomationTask) -> None:
    session.delete(task)
    session.flush()


def next_runs(task: AutomationTask, *, now: datetime, count: int) -> list[datetime]:
    trigger = load_trigger(task.trigger_config)
    runs, cursor = [], now
    while len(runs) < count:
        cursor = trigger.next_after(cursor)
        if cursor is None:
            break
        runs.append(cursor)
    return runs


def waiting_retries(session: Session, task: AutomationTask) -> list[TaskRetry]:
    """The task's retries waiting for their back-off (or for a host that may run them), soonest first."""
    return list(
        session.exec(
            select(TaskRetry).where(TaskRetry.automation_task_id == task.id).order_by(TaskRetry.not_before)
        )
    )


def logs(
    session: Session,
    user: User,
    *,
    task: AutomationTask | None = None,
    failed_only: bool = False,
    since: datetime | None = None,
    page: Page | None = None,
) -> Paged:
    """A page of the executions of the user's tasks, newest first, each with its task."""
    from boo_cli.db import in_written_order

    # Runs first, in the order of their time index: the first page reads about 30 of them.
    joined = in_written_order(
        TaskExecution.__table__,
        AutomationTask.__table__,
        AutomationTask.id == TaskExecution.automation_task_id,
    )
    query = select(TaskExecution, AutomationTask).select_from(joined).where(*task_scope(user))
    if task is not None:
        query = query.where(TaskExecution.automation_task_id == task.id)
    if failed_only:
        query = query.where(TaskExecution.status == ExecutionStatus.FAILED)
    if since is not None:
        query = query.where(TaskExecution.started_at >= since)
    # Newest first in the order of ix_task_executions_newest / _task_newest, read backwards (0015).
    query = query.order_by(
        TaskExecution.started_at.desc(), TaskExecution.attempt.desc(), TaskExecution.id.desc()
    )
    paged = fetch(session, query, page or Page())
    paged.rows = [(e, t) for e, t in paged.rows]
    return paged


def get_run(session: Session, user: User, ref: str) -> tuple[TaskExecution, AutomationTask]:
    """One run of the user's tasks, named by its full id or a unique id prefix (4+ characters)."""
    from boo_cli.services.lookup import id_clause, only_match

    hint = "'boo automate logs' lists runs with their ids."
    clause = id_clause(TaskExecution.id, ref, noun="run", field="--run", hint=hint)
    query = (
        select(TaskExecution, AutomationTask)
        .join(AutomationTask, AutomationTask.id == TaskExecution.automation_task_id)
        .where(*task_scope(user), clause)
        .limit(11)
    )
    return only_match(
        [(e, t) for e, t in session.exec(query)],
        ref,
        noun="run",
        plural="runs",
        label=lambda pair: f"{str(pair[0].id)[:8]} ({pair[1].task_name})",
        hint=hint,
    )


def describe_trigger(task: AutomationTask) -> str:
    return load_trigger(task.trigger_config).describe()


def describe_action(task: AutomationTask) -> str:
    action = load_action(task.action_config)
    if isinstance(action, ShellAction):
        return f"shell: {action.command}"
    if isinstance(action, WebhookAction):
        return f"webhook: {action.method} {action.url}"
    if isinstance(action, EmailAction):
        return f"email to {', '.join(action.to)}: {action.subject}"
    return f"built-in: {action.name}"


def duration_of(execution: TaskExecution) -> timedelta | None:
    if execution.completed_at is None or execution.started_at is None:
        return None
    return execution.completed_at - execution.started_at
