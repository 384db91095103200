"""How `boo automate` shows task runs: the runs table, one run in full, and times in a given zone."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from boo_cli.cli.context import app_context
from boo_cli.cli.output import Column, emit_record, emit_rows, emit_text, print_json, shown_on_terminal

# What a run captured, printed verbatim after its record (never in a table cell, where it could be cut).
CAPTURED = ("stdout", "stderr", "response")
# Other facts of a run's log worth a line of the record, in this order.
LOG_FIELDS = (
    ("exit_code", "exit code"),
    ("http_status", "http status"),
    ("sent_to", "sent to"),
    ("host", "host"),
)


def time_in(value: datetime | None, zone: str, *, seconds: bool = False) -> str:
    """An instant as a person reads it in zone, with the zone's abbreviation (CET, EST…)."""
    from zoneinfo import ZoneInfo

    if value is None:
        return ""
    return value.astimezone(ZoneInfo(zone)).strftime(f"%Y-%m-%d %H:%M{':%S' if seconds else ''} %Z")


def execution_json(execution, task) -> dict:
    from boo_cli.services.automation import duration_of

    duration = duration_of(execution)
    return {
        "id": execution.id,
        "task": task.task_name,
        "slot": execution.scheduled_for,
        "attempt": execution.attempt,
        "status": execution.status,
        "started_at": execution.started_at,
        "completed_at": execution.completed_at,
        "duration_seconds": duration.total_seconds() if duration else None,
        "error": execution.error_message,
        "log": execution.execution_log,
    }


def _seconds(execution) -> Any:
    return (execution.execution_log or {}).get("duration_seconds", "")


EXECUTION_COLUMNS = [
    Column("id", lambda p: str(p[0].id)[:8], style="dim"),
    Column("started", lambda p: p[0].started_at),
    Column("task", lambda p: p[1].task_name, style="bold"),
    Column("slot", lambda p: p[0].scheduled_for),
    Column("try", lambda p: p[0].attempt, justify="right"),
    Column("status", lambda p: p[0].status),
    Column("seconds", lambda p: _seconds(p[0]), justify="right"),
    Column("error", lambda p: p[0].error_message or ""),  # whole: a pipe gets it all, a terminal wraps it
]


def emit_runs(found: Any, *, full: bool, empty: str) -> None:
    """Runs (a services.paging.Paged of (run, task)) as a table, or with full=True each run in full
    (error and captured output included). --json always holds everything."""
    ctx = app_context()
    if ctx.json or not full:
        emit_rows(found, EXECUTION_COLUMNS, record=lambda pair: execution_json(*pair), empty=empty)
        return
    shown = 0
    for batch in found.batches():
        for execution, task in batch:
            if shown:
                emit_text("")
            emit_run(execution, task)
            shown += 1
    if not shown:
        ctx.say(empty)


def emit_run(execution, task) -> None:
    """One run in full: its record (times in the viewer's zone), then its full error and what it
    captured, each verbatim under a '--- name ---' line."""
    if app_context().json:
        print_json(execution_json(execution, task))
        return
    zone = app_context().zone
    log = execution.execution_log or {}
    fields: list[tuple[str, Any]] = [
        ("run", str(execution.id)),
        ("task", task.task_name),
        ("status", execution.status),
        ("trigger", log.get("trigger")),
        ("slot", time_in(execution.scheduled_for, zone)),
        ("try", execution.attempt),
        ("started", time_in(execution.started_at, zone, seconds=True)),
        ("finished", time_in(execution.completed_at, zone, seconds=True)),
        ("duration", f"{log['duration_seconds']} s" if "duration_seconds" in log else None),
    ]
    fields += [(label, log.get(key)) for key, label in LOG_FIELDS if log.get(key) not in (None, "", [])]
    emit_record([(label, value) for label, value in fields if value is not None], json_data=None)
    sections = [("reason", log.get("reason")), ("error", execution.error_message)]
    sections += [(key, log.get(key)) for key in CAPTURED]
    for name, text in sections:
        if text:
            emit_text(f"--- {name} ---")
            emit_text(shown_on_terminal(str(text)).rstrip("\n"))
