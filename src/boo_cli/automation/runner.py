"""`boo automate run-due`: run every due slot of every active task exactly once.

Each claim is one short transaction that commits before the action starts (shared/spec/
automation-time.md): it inserts the execution row for (task, slot, attempt) as running and moves
next_run_at on from the slot. Overlapping runners cannot both claim a slot: PostgreSQL locks the
task row (FOR UPDATE SKIP LOCKED), SQLite serialises writers (BEGIN IMMEDIATE), and the unique key
on (task, slot, attempt) refuses a second insert on both. A run left 'running' by a killed runner is
marked failed as abandoned, and its slot is run again when the task's missed policy says so.
A host (team mode: each host's cron against one database) selects and claims only the shell tasks of
users it runs them for (runnable_here), so a shell task waits for a host that may run it rather than
being claimed and recorded failed by one that may not.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from boo_cli import db
from boo_cli.automation import stopping
from boo_cli.automation.actions import (
    BuiltinAction,
    EmailAction,
    Outcome,
    ShellAction,
    WebhookAction,
    load_action,
    run_email,
    run_shell,
    run_webhook,
)
from boo_cli.automation.triggers import due_slots, load_trigger
from boo_cli.models import AutomationTask, BusinessProfile, HostShellUser, TaskExecution, User
from boo_cli.models.enums import ExecutionStatus

ABANDON_GRACE = timedelta(seconds=60)


@dataclass
class RunResult:
    task: str
    owner: str
    slot: datetime | None
    attempt: int
    kind: str  # schedule | manual | rescue
    ok: bool
    error: str | None = None
    output: str = ""
    zone: str = "UTC"  # the owner's time zone: run-due shows each run's times in it


@dataclass
class PlannedRun:
    """What --dry-run would do for one task: its due slots (empty: missed, skipped)."""

    task: str
    owner: str
    zone: str
    slots: list[datetime]


@dataclass
class RunReport:
    results: list[RunResult] = field(default_factory=list)
    abandoned: list[str] = field(default_factory=list)
    planned: list[PlannedRun] = field(default_factory=list)

    @property
    def failed(self) -> list[RunResult]:
        return [r for r in self.results if not r.ok]


class Clock:
    """The runner's time: real, or pinned by --now (then runs are stamped at the pinned instant)."""

    def __init__(self, pinned: datetime | None) -> None:
        self.pinned = pinned

    def __call__(self) -> datetime:
        return self.pinned or datetime.now(UTC)


ShellPolicy = Callable[[User], str | None]  # None: allowed; otherwise the reason it is not


def run_due(
    engine: sa.Engine,
    *,
    now: datetime | None = None,
    limit: int = 100,
    dry_run: bool = False,
    user_email: str | None = None,
    shell_policy: ShellPolicy = lambda user: None,
    host_id: uuid.UUID | None = None,
) -> RunReport:
    """host_id: the host running this, whose published shell users (services/hosts.py) decide which
    shell tasks it claims; None claims every due task (shell_policy still decides at run time)."""
    clock = Clock(now)
    report = RunReport()
    if not dry_run:
        _rescue_abandoned(engine, clock, report, shell_policy, host_id)
    # A dry run publishes nothing, so it asks this host's own policy, not the database's copy of it.
    claiming_host = None if dry_run else host_id
    for task_id, in_due_order in _due_task_ids(engine, clock(), limit, user_email, claiming_host):
        if dry_run:
            with db.new_session(engine, write=False) as session:
                task = session.get(AutomationTask, task_id)
                owner = session.get(User, _owner_id(session, task))
                if host_id is not None and task.task_type == "shell" and shell_policy(owner):
                    continue  # this host would leave it for a host that runs it
                slots, _ = due_slots(load_trigger(task.trigger_config), since=in_due_order, now=clock())
                report.planned.append(PlannedRun(task.task_name, owner.email, owner.timezone or "UTC", slots))
            continue
        claimed = _claim(engine, task_id, clock, host_id)
        for n, execution_id in enumerate(claimed):
            try:
                report.results.append(_execute(engine, execution_id, clock, shell_policy))
            except KeyboardInterrupt as exc:  # SIGINT/SIGTERM: slots claimed but not begun end too
                for later in claimed[n + 1 :]:
                    _finish(engine, later, Outcome(False, stopping.describe(exc, begun=False)), 0.0)
                raise
    return report


def runnable_here(host_id: uuid.UUID | None):
    """The tasks this host may run: all but the shell tasks of users it does not run them for. A
    host never claims a shell task it would refuse, so the task waits for a host that runs it
    instead of being recorded failed."""
    if host_id is None:
        return sa.true()
    trusted = (
        select(BusinessProfile.id)
        .join(HostShellUser, HostShellUser.user_id == BusinessProfile.user_id)
        .where(HostShellUser.host_id == host_id)
    )
    return sa.or_(
        AutomationTask.task_type.is_(None),
        AutomationTask.task_type != "shell",
        AutomationTask.business_profile_id.in_(trusted),
    )


def _due_task_ids(
    engine, now: datetime, limit: int, user_email: str | None, host_id: uuid.UUID | None
) -> list[tuple[Any, datetime]]:
    query = (
        select(AutomationTask.id, AutomationTask.next_run_at)
        .where(AutomationTask.is_active.is_(True), AutomationTask.next_run_at <= now, runnable_here(host_id))
        .order_by(AutomationTask.next_run_at)
        .limit(limit)
    )
    if user_email:
        owners = (
            select(BusinessProfile.id)
            .join(User, User.id == BusinessProfile.user_id)
            .where(sa.func.lower(User.email) == user_email.strip().lower())
        )
        query = query.where(AutomationTask.business_profile_id.in_(owners))
    with db.new_session(engine, write=False) as session:
        return [(row[0], row[1]) for row in session.exec(query)]


def _claim(engine, task_id, clock: Clock, host_id: uuid.UUID | None = None) -> list[Any]:
    """Claim the task's due slots; returns the new execution ids ([] when another runner won)."""
    try:
        with db.new_session(engine) as session, session.begin():
            task = session.exec(
                select(AutomationTask)
                .where(
                    AutomationTask.id == task_id,
                    AutomationTask.is_active.is_(True),
                    runnable_here(host_id),  # this host may have been denied them since the query
                )
                .with_for_update(skip_locked=True)
            ).first()
            now = clock()
            if task is None or task.next_run_at is None or task.next_run_at > now:
                return []  # locked by, or already advanced by, another runner
            db.set_actor(session, _owner_id(session, task))
            trigger = load_trigger(task.trigger_config)
            slots, left_out = due_slots(trigger, since=task.next_run_at, now=now)
            latest = slots[-1] if slots else (trigger.latest_slots(task.next_run_at, now, 1) or [now])[-1]
            task.next_run_at = trigger.next_after(latest)
            executions = [
                TaskExecution(
                    automation_task_id=task.id,
                    scheduled_for=slot,
                    attempt=1,
                    status=ExecutionStatus.RUNNING,
                    started_at=now,
                    execution_log={
                        "trigger": "schedule",
                        "slot": slot.isoformat(),
                        "attempt": 1,
                        "older_slots_left_out": left_out,
                        "host": socket.gethostname(),
                        **({"host_id": str(host_id)} if host_id else {}),
                    },
                )
                for slot in slots
            ]
            if executions:
                task.last_run_at = now
            session.add(task)
            session.add_all(executions)
            session.flush()
            return [e.id for e in executions]
    except sa.exc.IntegrityError:
        return []  # another runner inserted the same (task, slot, attempt) first


def _owner_id(session: Session, task: AutomationTask):
    return session.exec(
        select(BusinessProfile.user_id).where(BusinessProfile.id == task.business_profile_id)
    ).one()


def run_now(
    engine, task_id, clock: Clock | None = None, shell_policy: ShellPolicy = lambda user: None
) -> RunResult:
    """Run a task at once, outside its schedule (`boo automate run`), recorded like any other run."""
    clock = clock or Clock(None)
    with db.new_session(engine) as session, session.begin():
        task = session.get(AutomationTask, task_id)
        db.set_actor(session, _owner_id(session, task))
        now = clock()
        execution = TaskExecution(
            automation_task_id=task.id,
            scheduled_for=now,
            attempt=1,
            status=ExecutionStatus.RUNNING,
            started_at=now,
            execution_log={"trigger": "manual", "slot": now.isoformat(), "attempt": 1},
        )
        task.last_run_at = now
        session.add_all([task, execution])
        session.flush()
        execution_id = execution.id
    return _execute(engine, execution_id, clock, shell_policy)


def _execute(engine, execution_id, clock: Clock, shell_policy: ShellPolicy) -> RunResult:
    """Run one claimed execution, then its retries (each a new attempt of the same slot)."""
    while True:
        with db.new_session(engine, write=False) as session:
            execution = session.get(TaskExecution, execution_id)
            task = session.get(AutomationTask, execution.automation_task_id)
            owner = session.get(User, _owner_id(session, task))
            profile = session.get(BusinessProfile, task.business_profile_id)
        action = load_action(task.action_config)
        started = time.monotonic()
        cancelled: KeyboardInterrupt | None = None
        try:
            with stopping.interruptible():
                outcome = _perform(engine, action, task, owner, profile, execution, clock, shell_policy)
        except KeyboardInterrupt as exc:  # the action has stopped its processes; record, then stop
            cancelled, outcome = exc, Outcome(False, stopping.describe(exc), getattr(exc, "log", {}))
        seconds = round(time.monotonic() - started, 3)
        _finish(engine, execution_id, outcome, seconds)
        if cancelled:
            raise cancelled
        stopping.raise_if_stopped()  # a signal that came during the write above
        kind = (execution.execution_log or {}).get("trigger", "schedule")
        result = RunResult(
            task.task_name,
            owner.email,
            execution.scheduled_for,
            execution.attempt,
            kind,
            outcome.ok,
            outcome.error,
            str(outcome.log.get("stdout", "")),
            owner.timezone or "UTC",
        )
        if outcome.ok or execution.attempt > action.retries:
            return result
        with stopping.interruptible():
            time.sleep(_backoff(execution.attempt))
        next_id = _claim_attempt(engine, execution, clock, reason=f"retry after: {outcome.error}")
        if next_id is None:
            return result
        execution_id = next_id


def _backoff(attempt: int) -> float:
    base = float(os.environ.get("BOO_RETRY_BACKOFF_SECONDS", "2"))
    return min(base * 2 ** (attempt - 1), 60.0)


def _claim_attempt(engine, previous: TaskExecution, clock: Clock, *, reason: str, kind: str | None = None):
    """Insert the next attempt of a slot; None when another runner already did."""
    try:
        with db.new_session(engine) as session, session.begin():
            task = session.get(AutomationTask, previous.automation_task_id)
            db.set_actor(session, _owner_id(session, task))
            attempt = previous.attempt + 1
            trigger = kind or (previous.execution_log or {}).get("trigger", "schedule")
            execution = TaskExecution(
                automation_task_id=previous.automation_task_id,
                scheduled_for=previous.scheduled_for,
                attempt=attempt,
                status=ExecutionStatus.RUNNING,
                started_at=clock(),
                execution_log={
                    "trigger": trigger,
                    "slot": previous.scheduled_for.isoformat(),
                    "attempt": attempt,
                    "reason": reason,
                    "previous_execution": str(previous.id),
                },
            )
            session.add(execution)
            session.flush()
            return execution.id
    except sa.exc.IntegrityError:
        return None


def _finish(engine, execution_id, outcome: Outcome, seconds: float) -> None:
    with db.new_session(engine) as session, session.begin():
        execution = session.get(TaskExecution, execution_id)
        task = session.get(AutomationTask, execution.automation_task_id)
        db.set_actor(session, _owner_id(session, task))
        execution.status = ExecutionStatus.SUCCESS if outcome.ok else ExecutionStatus.FAILED
        execution.completed_at = execution.started_at + timedelta(seconds=seconds)
        execution.error_message = outcome.error
        execution.execution_log = {
            **(execution.execution_log or {}),
            **outcome.log,
            "duration_seconds": seconds,
        }
        session.add(execution)


def _perform(engine, action, task, owner, profile, execution, clock, shell_policy) -> Outcome:
    env = {
        "BOO_TASK_ID": str(task.id),
        "BOO_TASK_NAME": task.task_name,
        "BOO_SLOT": execution.scheduled_for.isoformat() if execution.scheduled_for else "",
    }
    try:
        if isinstance(action, ShellAction):
            refused = shell_policy(owner)
            return Outcome(False, refused) if refused else run_shell(action, env)
        if isinstance(action, WebhookAction):
            # A task's own allow_hosts counts only for users this machine trusts with shell tasks too.
            return run_webhook(action, task_may_allow=shell_policy(owner) is None)
        if isinstance(action, EmailAction):
            from boo_cli.services.mail import send

            return run_email(action, send)
        return _builtin(engine, action, owner, profile, clock)
    except Exception as exc:  # a bug or a broken configuration must not stop the other tasks
        return Outcome(False, f"{type(exc).__name__}: {exc}")


def _builtin(engine, action: BuiltinAction, owner: User, profile: BusinessProfile, clock: Clock) -> Outcome:
    from boo_cli.automation import builtins

    if action.name == "newsletter-digest":
        text = _send_digests(engine, owner, clock())
    else:
        # The other built-ins only read: they never hold the write lock a user's command waits for.
        with db.new_session(engine, write=False) as session, session.begin():
            db.set_actor(session, owner.id)
            text = builtins.run(action, session, owner, profile, clock())
    log: dict[str, Any] = {"stdout": text}
    if action.mail_to and text:
        from boo_cli.services.mail import send

        mailed = run_email(
            EmailAction(
                to=action.mail_to, subject=f"boo: {action.name} for {profile.business_name}", body=text
            ),
            send,
        )
        if not mailed.ok:
            return Outcome(False, mailed.error, log)
        log["sent_to"] = action.mail_to
    return Outcome(True, None, log)


def _send_digests(engine, owner: User, now: datetime) -> str:
    """Build the due digests in a read, send each with no transaction open (SMTP can take its
    30 s timeout), and mark each one sent in a short write of its own as soon as it has gone."""
    from boo_cli.services import digest_mail, newsletter

    with db.new_session(engine, write=False) as session, session.begin():
        db.set_actor(session, owner.id)
        lines, due = digest_mail.due_digests(session, owner, now=now)
    for digest in due:
        from boo_cli.reports.digest import to_email
        from boo_cli.services.mail import send

        send(to_email(digest))
        with db.new_session(engine) as session, session.begin():
            db.set_actor(session, owner.id)
            newsletter.mark_sent(session, session.merge(digest.subscription), now)
        lines.append(digest_mail.sent_line(digest))
    return "\n".join(lines)


def _rescue_abandoned(
    engine, clock: Clock, report: RunReport, shell_policy: ShellPolicy, host_id: uuid.UUID | None = None
) -> None:
    """Fail runs whose runner died (running past timeout + grace) and rerun their slots by policy;
    a run this host could not rerun is left to a host that can."""
    now = clock()
    with db.new_session(engine, write=False) as session:
        stale = session.exec(
            select(TaskExecution, AutomationTask)
            .join(AutomationTask, AutomationTask.id == TaskExecution.automation_task_id)
            .where(
                TaskExecution.status == ExecutionStatus.RUNNING,
                TaskExecution.started_at < now - ABANDON_GRACE,
                runnable_here(host_id),
            )
        ).all()
    for execution, task in stale:
        timeout = timedelta(seconds=load_action(task.action_config).timeout_seconds)
        if execution.started_at + timeout + ABANDON_GRACE > now:
            continue
        reason = (
            f"abandoned: still 'running' {int((now - execution.started_at).total_seconds())} s after it "
            f"started (timeout {int(timeout.total_seconds())} s); its runner was stopped"
        )
        with db.new_session(engine) as session, session.begin():
            db.set_actor(session, _owner_id(session, task))
            won = session.execute(
                sa.update(TaskExecution)
                .where(TaskExecution.id == execution.id, TaskExecution.status == ExecutionStatus.RUNNING)
                .values(status=ExecutionStatus.FAILED, completed_at=now, error_message=reason)
            ).rowcount
        if not won:
            continue  # another runner rescued it first
        report.abandoned.append(task.task_name)
        policy = load_trigger(task.trigger_config).missed
        if policy == "skip" or not task.is_active or execution.scheduled_for is None:
            continue
        rescue_id = _claim_attempt(engine, execution, clock, reason=reason, kind="rescue")
        if rescue_id is not None:
            report.results.append(_execute(engine, rescue_id, clock, shell_policy))
