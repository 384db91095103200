"""`boo automate run-due`: run every due slot of every active task exactly once.

A run costs two short write transactions, neither open while the action runs
(shared/spec/automation-time.md):
- the claim locks the task row (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: BEGIN IMMEDIATE), moves
  next_run_at on from the slot it takes, and inserts that slot's execution row as running, with its
  runner (host, pid, process mark) and lease; the unique key on (task, slot, attempt) refuses a second
  claim on both backends;
- the finish records the outcome and, when the run failed and the task has retries left, inserts the
  next attempt into task_retries, where it waits for its back-off. A retry is claimed by deleting that
  row and inserting its execution in one transaction, so it survives a crash and still runs once.
A run left running by a runner that died is rescued (marked failed as abandoned, what it left running
stopped) only once that runner is known to be gone: on its own host when its process is, from another
host when its lease expired long ago. Whether it runs again is the task's retry policy: a run that
began may have had its effect, so without retries it is never repeated.
A host (team mode: each host's cron against one database) selects and claims only the shell tasks of
users it runs them for (runnable_here), so a shell task waits for a host that may run it rather than
being claimed and recorded failed by one that may not.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlmodel import select

from boo_cli import db
from boo_cli.automation import leases, stopping
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
from boo_cli.models import AutomationTask, BusinessProfile, HostShellUser, TaskExecution, TaskRetry, User
from boo_cli.models.enums import ExecutionStatus

# After its lease, a run whose runner is on another host (which boo cannot look into) is left this much
# longer to that host's own run-due, which can stop what the dead runner left before it is rescued.
OTHER_HOST_GRACE = timedelta(minutes=5)
# A run's lease: its start, its timeout, the time its processes get to stop, and this.
LEASE_GRACE = timedelta(seconds=60)


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


@dataclass
class Claim:
    """A run this runner holds: its execution row, and what running it needs (read with the claim)."""

    execution_id: uuid.UUID
    task: AutomationTask
    owner: User
    profile: BusinessProfile
    slot: datetime | None
    attempt: int
    started_at: datetime
    log: dict[str, Any]
    more: bool = False  # the task has another due slot after this one (missed 'all')

    @property
    def kind(self) -> str:
        return self.log.get("trigger", "schedule")


@dataclass(frozen=True)
class Retry:
    id: uuid.UUID
    not_before: datetime
    delay: float  # its back-off, in seconds


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
    if dry_run:
        _plan(engine, clock, report, limit, user_email, host_id, shell_policy)
        return report
    _rescue_abandoned(engine, clock, report, host_id)
    for retry_id in _waiting_retries(engine, clock(), limit, user_email, host_id):
        claim = _claim_retry(engine, retry_id, clock, host_id)
        if claim is not None:
            report.results.append(_execute(engine, claim, clock, shell_policy, host_id))
    for task_id, _ in _due_task_ids(engine, clock(), limit, user_email, host_id):
        # One slot per claim: a task behind by several slots (missed 'all') is claimed again after
        # each run, so a crash leaves the slots not yet begun due, to run once, by the next run-due.
        while (claim := _claim(engine, task_id, clock, host_id)) is not None:
            if claim.slot is not None:  # None: its missed slots were skipped, nothing to run
                report.results.append(_execute(engine, claim, clock, shell_policy, host_id))
            if not claim.more:
                break
    return report


def _plan(engine, clock: Clock, report: RunReport, limit, user_email, host_id, shell_policy) -> None:
    # A dry run publishes nothing, so it asks this host's own policy, not the database's copy of it.
    for task_id, since in _due_task_ids(engine, clock(), limit, user_email, None):
        with db.new_session(engine, write=False) as session:
            task, owner, _ = session.exec(_task_with_owner().where(AutomationTask.id == task_id)).one()
        if host_id is not None and task.task_type == "shell" and shell_policy(owner):
            continue  # this host would leave it for a host that runs it
        slots, _ = due_slots(load_trigger(task.trigger_config), since=since, now=clock())
        report.planned.append(PlannedRun(task.task_name, owner.email, owner.timezone or "UTC", slots))


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


def _of_user(query, user_email: str | None):
    if not user_email:
        return query
    owners = (
        select(BusinessProfile.id)
        .join(User, User.id == BusinessProfile.user_id)
        .where(sa.func.lower(User.email) == user_email.strip().lower())
    )
    return query.where(AutomationTask.business_profile_id.in_(owners))


def _due_task_ids(
    engine, now: datetime, limit: int, user_email: str | None, host_id: uuid.UUID | None
) -> list[tuple[Any, datetime]]:
    query = (
        select(AutomationTask.id, AutomationTask.next_run_at)
        .where(AutomationTask.is_active.is_(True), AutomationTask.next_run_at <= now, runnable_here(host_id))
        .order_by(AutomationTask.next_run_at)
        .limit(limit)
    )
    with db.new_session(engine, write=False) as session:
        return [(row[0], row[1]) for row in session.exec(_of_user(query, user_email))]


def _waiting_retries(engine, now: datetime, limit: int, user_email, host_id) -> list[uuid.UUID]:
    """Retries whose back-off has passed (left by a runner that stopped, or by a rescue)."""
    query = (
        select(TaskRetry.id)
        .join(AutomationTask, AutomationTask.id == TaskRetry.automation_task_id)
        .where(TaskRetry.not_before <= now, runnable_here(host_id))
        .order_by(TaskRetry.not_before)
        .limit(limit)
    )
    with db.new_session(engine, write=False) as session:
        return list(session.exec(_of_user(query, user_email)))


def _task_with_owner():
    return (
        select(AutomationTask, User, BusinessProfile)
        .join(BusinessProfile, BusinessProfile.id == AutomationTask.business_profile_id)
        .join(User, User.id == BusinessProfile.user_id)
    )


def _begin_run(
    session, task: AutomationTask, owner: User, profile: BusinessProfile, *, slot, attempt, now, log
) -> Claim:
    """Insert the running execution row of a claim, with its runner and lease (Core: the run log is
    its own record, so it adds nothing to the audit trail)."""
    runner = leases.this_runner()
    timeout = timedelta(seconds=load_action(task.action_config).timeout_seconds)
    execution_id = uuid.uuid4()
    log = {**log, "host": runner.host}
    session.connection().execute(
        sa.insert(TaskExecution.__table__),
        {
            "id": execution_id,
            "automation_task_id": task.id,
            "scheduled_for": slot,
            "attempt": attempt,
            "status": ExecutionStatus.RUNNING,
            "started_at": now,
            "execution_log": log,
            "runner_host": runner.host,
            "runner_pid": runner.pid,
            "runner_process": runner.process,
            "lease_expires_at": now + timeout + LEASE_GRACE,
        },
    )
    return Claim(execution_id, task, owner, profile, slot, attempt, now, log)


def _claim(engine, task_id, clock: Clock, host_id: uuid.UUID | None = None) -> Claim | None:
    """Claim the task's next due slot (one transaction). None when nothing is due any more or another
    runner won; a Claim with slot None when the task's missed slots were skipped."""
    try:
        with db.new_session(engine) as session, session.begin():
            query = _claim_query(host_id, session.connection().dialect.name == "postgresql")
            row = session.exec(query, params={"task_id": task_id}).first()
            now = clock()
            if row is None or row[0].next_run_at is None or row[0].next_run_at > now:
                return None  # locked by, or already advanced by, another runner
            task, owner, profile = row[:3]
            db.actor_read(session, owner.id)
            trigger = load_trigger(task.trigger_config)
            slots, left_out = due_slots(trigger, since=task.next_run_at, now=now)
            if not slots:
                latest = (trigger.latest_slots(task.next_run_at, now, 1) or [now])[-1]
                _advance(session, task.id, trigger.next_after(latest))
                return Claim(uuid.uuid4(), task, owner, profile, None, 0, now, {})
            # From the slot taken: the next of several due slots, else the first one after it.
            _advance(session, task.id, slots[1] if len(slots) > 1 else trigger.next_after(slots[0]), now)
            log = {"trigger": "schedule", "slot": slots[0].isoformat(), "attempt": 1}
            if left_out:
                log["older_slots_left_out"] = True
            if host_id:
                log["host_id"] = str(host_id)
            claim = _begin_run(session, task, owner, profile, slot=slots[0], attempt=1, now=now, log=log)
            claim.more = len(slots) > 1
            return claim
    except sa.exc.IntegrityError:
        return None  # another runner inserted the same (task, slot, attempt) first


@cache
def _claim_query(host_id: uuid.UUID | None, postgres: bool):
    """The claim's read, built once per run-due: the task (if still active, due to this host and not
    locked by another runner) with its owner and business; on PostgreSQL it also names the owner as
    the transaction's actor."""
    query = (
        _task_with_owner()
        .where(
            AutomationTask.id == sa.bindparam("task_id"),
            AutomationTask.is_active.is_(True),
            runnable_here(host_id),  # this host may have been denied them since the query
        )
        .with_for_update(skip_locked=True, of=AutomationTask)
    )
    return query.add_columns(db.actor_column(User.id)) if postgres else query


def _advance(session, task_id, next_run_at: datetime | None, ran_at: datetime | None = None) -> None:
    params = {"task_id": task_id, "next_run_at": next_run_at}
    if ran_at is not None:
        params["last_run_at"] = ran_at
    session.connection().execute(_advance_statement(ran_at is not None), params)


@cache
def _advance_statement(ran: bool) -> sa.Update:
    table = AutomationTask.__table__
    values = {"next_run_at": sa.bindparam("next_run_at")}
    if ran:
        values["last_run_at"] = sa.bindparam("last_run_at")
    return sa.update(table).where(table.c.id == sa.bindparam("task_id")).values(**values)


def _claim_retry(engine, retry_id, clock: Clock, host_id: uuid.UUID | None) -> Claim | None:
    """Turn a waiting retry into its running execution (one transaction); None when another runner
    took it first, or its task was disabled or handed to a host that is not this one."""
    try:
        with db.new_session(engine) as session, session.begin():
            row = session.exec(
                _task_with_owner()
                .add_columns(TaskRetry)
                .join(TaskRetry, TaskRetry.automation_task_id == AutomationTask.id)
                .where(TaskRetry.id == retry_id, runnable_here(host_id))
                .with_for_update(skip_locked=True, of=TaskRetry)
            ).first()
            if row is None:
                return None
            task, owner, profile, retry = row
            db.set_actor(session, owner.id)
            if not session.execute(sa.delete(TaskRetry).where(TaskRetry.id == retry_id)).rowcount:
                return None
            if not task.is_active:
                return None  # switched off while the retry waited: it is dropped with the others
            log = {
                "trigger": retry.trigger,
                "slot": retry.scheduled_for.isoformat(),
                "attempt": retry.attempt,
                "reason": retry.reason,
                "previous_execution": str(retry.previous_execution_id),
            }
            return _begin_run(
                session,
                task,
                owner,
                profile,
                slot=retry.scheduled_for,
                attempt=retry.attempt,
                now=clock(),
                log=log,
            )
    except sa.exc.IntegrityError:
        return None


def run_now(
    engine, task_id, clock: Clock | None = None, shell_policy: ShellPolicy = lambda user: None
) -> RunResult:
    """Run a task at once, outside its schedule (`boo automate run`), recorded like any other run."""
    clock = clock or Clock(None)
    with db.new_session(engine) as session, session.begin():
        task, owner, profile = session.exec(_task_with_owner().where(AutomationTask.id == task_id)).one()
        db.set_actor(session, owner.id)
        now = clock()
        _advance(session, task.id, task.next_run_at, now)
        log = {"trigger": "manual", "slot": now.isoformat(), "attempt": 1}
        claim = _begin_run(session, task, owner, profile, slot=now, attempt=1, now=now, log=log)
    return _execute(engine, claim, clock, shell_policy, None)


def _execute(engine, claim: Claim, clock: Clock, shell_policy: ShellPolicy, host_id) -> RunResult:
    """Run one claimed execution, then its retries (each a new attempt of the same slot)."""
    while True:
        action = load_action(claim.task.action_config)
        started = time.monotonic()
        cancelled: KeyboardInterrupt | None = None
        try:
            with stopping.interruptible():
                outcome = _perform(engine, action, claim, clock, shell_policy)
        except KeyboardInterrupt as exc:  # the action has stopped its processes; record, then stop
            cancelled, outcome = exc, Outcome(False, stopping.describe(exc), getattr(exc, "log", {}))
        seconds = round(time.monotonic() - started, 3)
        # A run boo was told to stop is not retried: the stop was a person's or the system's choice.
        retry = _finish(
            engine, claim, outcome, seconds, retries=0 if cancelled else action.retries, clock=clock
        )
        if cancelled:
            raise cancelled
        stopping.raise_if_stopped()  # a signal that came during the write above
        result = RunResult(
            claim.task.task_name,
            claim.owner.email,
            claim.slot,
            claim.attempt,
            claim.kind,
            outcome.ok,
            outcome.error,
            str(outcome.log.get("stdout", "")),
            claim.owner.timezone or "UTC",
        )
        if retry is None:
            return result
        with stopping.interruptible():  # a stop here leaves the retry waiting for the next run-due
            time.sleep(
                max((retry.not_before - clock()).total_seconds(), 0) if clock.pinned is None else retry.delay
            )
        # A pinned clock moves on by the back-off, as the real one would have.
        clock = Clock(retry.not_before) if clock.pinned else clock
        next_claim = _claim_retry(engine, retry.id, clock, host_id)
        if next_claim is None:
            return result
        claim = next_claim


def _backoff(attempt: int) -> float:
    base = float(os.environ.get("BOO_RETRY_BACKOFF_SECONDS", "2"))
    return min(base * 2 ** (attempt - 1), 60.0)


def _finish(
    engine, claim: Claim, outcome: Outcome, seconds: float, *, retries: int, clock: Clock
) -> Retry | None:
    """Record the run's outcome (one transaction), and with it the next attempt when it failed and
    the task has retries left; returns that retry."""
    log = {**claim.log, **outcome.log, "duration_seconds": seconds}
    retry = None
    with db.new_session(engine) as session, session.begin():
        db.set_actor(session, claim.owner.id)
        session.connection().execute(
            _finish_statement(),
            {
                "run_id": claim.execution_id,
                "status": ExecutionStatus.SUCCESS if outcome.ok else ExecutionStatus.FAILED,
                "completed_at": claim.started_at + timedelta(seconds=seconds),
                "error_message": outcome.error,
                "execution_log": log,
            },
        )
        if not outcome.ok and claim.attempt <= retries and claim.slot is not None:
            retry = _schedule_retry(
                session,
                claim.task.id,
                slot=claim.slot,
                attempt=claim.attempt + 1,
                delay=_backoff(claim.attempt),
                now=clock(),
                trigger=claim.kind,
                reason=f"retry after: {outcome.error}",
                previous=claim.execution_id,
            )
    return retry


@cache
def _finish_statement() -> sa.Update:
    """Built once: a run-due of many tasks records each run with the same compiled statement."""
    table = TaskExecution.__table__
    return (
        sa.update(table)
        .where(table.c.id == sa.bindparam("run_id"))
        .values(
            status=sa.bindparam("status"),
            completed_at=sa.bindparam("completed_at"),
            error_message=sa.bindparam("error_message"),
            execution_log=sa.bindparam("execution_log"),
        )
    )


def _schedule_retry(session, task_id, *, slot, attempt, delay, now, trigger, reason, previous) -> Retry:
    """Insert the next attempt of a slot, to wait delay seconds from now in task_retries."""
    retry = Retry(uuid.uuid4(), now + timedelta(seconds=delay), delay)
    session.connection().execute(
        sa.insert(TaskRetry.__table__),
        {
            "id": retry.id,
            "automation_task_id": task_id,
            "scheduled_for": slot,
            "attempt": attempt,
            "not_before": retry.not_before,
            "trigger": trigger,
            "reason": reason,
            "previous_execution_id": previous,
        },
    )
    return retry


def _perform(engine, action, claim: Claim, clock: Clock, shell_policy: ShellPolicy) -> Outcome:
    task, owner = claim.task, claim.owner
    env = {
        "BOO_TASK_ID": str(task.id),
        "BOO_TASK_NAME": task.task_name,
        "BOO_SLOT": claim.slot.isoformat() if claim.slot else "",
        "BOO_RUN_ID": str(claim.execution_id),
    }
    try:
        if isinstance(action, ShellAction):
            refused = shell_policy(owner)
            return (
                Outcome(False, refused) if refused else run_shell(action, env, token=claim.execution_id.hex)
            )
        if isinstance(action, WebhookAction):
            # A task's own allow_hosts counts only for users this machine trusts with shell tasks too.
            return run_webhook(action, task_may_allow=shell_policy(owner) is None)
        if isinstance(action, EmailAction):
            from boo_cli.services.mail import send

            return run_email(action, send)
        return _builtin(engine, action, owner, claim.profile, clock)
    except Exception as exc:  # a bug or a broken configuration must not stop the other tasks
        return Outcome(False, f"{type(exc).__name__}: {exc}")


def _builtin(engine, action: BuiltinAction, owner: User, profile: BusinessProfile, clock: Clock) -> Outcome:
    if action.name == "noop":
        text = ""  # nothing to read: no transaction either
    elif action.name == "newsletter-digest":
        text = _send_digests(engine, owner, clock())
    else:
        from boo_cli.automation import builtins

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


def _rescue_abandoned(engine, clock: Clock, report: RunReport, host_id: uuid.UUID | None = None) -> None:
    """Fail the runs whose runner is gone, stopping what they left running, and schedule their next
    attempt when the task has retries left. A run of another host's runner is left to that host
    until its lease expired OTHER_HOST_GRACE ago; a run this host could not rerun is left to a
    host that can."""
    now = clock()
    with db.new_session(engine, write=False) as session:
        running = session.exec(
            select(TaskExecution, AutomationTask, BusinessProfile.user_id)
            .join(AutomationTask, AutomationTask.id == TaskExecution.automation_task_id)
            .join(BusinessProfile, BusinessProfile.id == AutomationTask.business_profile_id)
            .where(TaskExecution.status == ExecutionStatus.RUNNING, runnable_here(host_id))
        ).all()
    for execution, task, owner_id in running:
        found = _abandoned(execution, task, now)
        if found is None:
            continue
        reason, log = found
        with db.new_session(engine) as session, session.begin():
            db.set_actor(session, owner_id)
            won = session.execute(
                sa.update(TaskExecution)
                .where(TaskExecution.id == execution.id, TaskExecution.status == ExecutionStatus.RUNNING)
                .values(
                    status=ExecutionStatus.FAILED,
                    completed_at=now,
                    error_message=reason,
                    execution_log={**(execution.execution_log or {}), **log},
                )
            ).rowcount
            retry_left = execution.attempt <= load_action(task.action_config).retries
            if won and retry_left and task.is_active and execution.scheduled_for is not None:
                _schedule_retry(
                    session,
                    task.id,
                    slot=execution.scheduled_for,
                    attempt=execution.attempt + 1,
                    delay=0,
                    now=now,
                    trigger="rescue",
                    reason=reason,
                    previous=execution.id,
                )
        if won:
            report.abandoned.append(task.task_name)


def _abandoned(execution: TaskExecution, task: AutomationTask, now: datetime) -> tuple[str, dict] | None:
    """Why a running run is abandoned, and what to add to its log; None while it may still run."""
    from boo_cli.automation.shell import stop_marked

    state = leases.state_of(execution.runner_host, execution.runner_pid, execution.runner_process)
    if state is leases.RunnerState.ALIVE:
        return None
    if state is leases.RunnerState.GONE:
        stopped = stop_marked(execution.id.hex)
        left = f"; {stopped} process{'es' if stopped != 1 else ''} it left running stopped" if stopped else ""
        return (
            f"abandoned: its runner (pid {execution.runner_pid}) stopped before the run ended{left}",
            {"abandoned": True, "processes_stopped": stopped},
        )
    lease = execution.lease_expires_at or (
        execution.started_at
        + timedelta(seconds=load_action(task.action_config).timeout_seconds)
        + LEASE_GRACE
    )
    elsewhere = execution.runner_host is not None and execution.runner_host != leases.this_runner().host
    if now <= lease + (OTHER_HOST_GRACE if elsewhere else timedelta(0)):
        return None
    where = f" on {execution.runner_host}" if elsewhere else ""
    return (
        f"abandoned: still 'running' {int((now - execution.started_at).total_seconds())} s after it started"
        f"{where}, past its lease; its runner was stopped",
        {"abandoned": True},
    )
