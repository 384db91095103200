"""`boo run` (run-due): what one due task costs, and what idle tasks cost, on both backends.

With 10,000 tasks it times run-due with 100 and with 300 tasks due now (each a built-in no-op, each
checked to have run: a run that executes nothing fails the benchmark) and with none due. The cost of
one more task is the difference between 300 and 100 due over 200 (targets: 2 ms on SQLite, 5 ms on
PostgreSQL); (100 due - none due) / 100 is printed too, which adds the once-per-call cost of the
first run (compiling its statements, the run-due record) spread over 100 tasks. Then it adds 90,000 idle tasks
and times the idle call again: it should cost at most 1.2x the idle call at 10,000, because due tasks
are found through the (is_active, next_run_at) index rather than by reading every task.

Run with the venv's own python:  .venv/bin/python benchmarks/run_due.py [--no-postgres]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from _timing import BOO, boo_init, report, run_ms, temporary_postgres

NOW = datetime(2026, 3, 2, 8, 0, 30, tzinfo=UTC)
DUE = 100
MORE_DUE = 300


def add_tasks(url: str, count: int, *, due: int) -> None:
    import sqlalchemy as sa

    from boo_cli import db
    from boo_cli.models import AutomationTask, BusinessProfile

    # Due at 08:00 UTC on Mondays: NOW (08:00:30 on a Monday) is 30 s past the slot.
    trigger = {"version": 1, "kind": "cron", "expr": "0 8 * * MON", "tz": "UTC", "missed": "latest"}
    action = {"version": 1, "kind": "builtin", "name": "noop", "timeout_seconds": 300, "retries": 0}
    engine = db.get_engine(url)
    with engine.begin() as conn:
        profile_id = conn.execute(sa.select(BusinessProfile.id)).scalar_one()
        start = conn.execute(sa.select(sa.func.count()).select_from(AutomationTask)).scalar_one()
        rows = []
        for n in range(start, start + count):
            is_due = n < due
            rows.append(
                {
                    "id": uuid.uuid4(),
                    "business_profile_id": profile_id,
                    "task_name": f"task {n}",
                    "task_type": "builtin",
                    "trigger_config": trigger,
                    "action_config": action,
                    "is_active": True,
                    "next_run_at": NOW - timedelta(seconds=30)
                    if is_due
                    else NOW + timedelta(days=1 + n % 300),
                }
            )
            if len(rows) == 5000:
                conn.execute(sa.insert(AutomationTask), rows)
                rows = []
        if rows:
            conn.execute(sa.insert(AutomationTask), rows)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("ANALYZE"))
    db.dispose_engines()


def reset_due(url: str, *, due: int) -> None:
    """Forget every run, and make the first `due` tasks due now (the rest of them due next week)."""
    import sqlalchemy as sa

    from boo_cli import db
    from boo_cli.models import AutomationTask, TaskExecution

    engine = db.get_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.delete(TaskExecution))
        for count, when in ((MORE_DUE, NOW + timedelta(days=7)), (due, NOW - timedelta(seconds=30))):
            first = sa.select(AutomationTask.id).where(
                AutomationTask.task_name.in_([f"task {n}" for n in range(count)])
            )
            conn.execute(
                sa.update(AutomationTask).where(AutomationTask.id.in_(first)).values(next_run_at=when)
            )
    if engine.dialect.name == "postgresql":
        # The resets leave dead rows that autovacuum would clear between cron's calls; clear them
        # here, so each timing starts from the same tables rather than from the last one's debris.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE automation_tasks, task_executions"))
    db.dispose_engines()


def successful_runs(url: str) -> int:
    import sqlalchemy as sa

    from boo_cli import db
    from boo_cli.models import TaskExecution
    from boo_cli.models.enums import ExecutionStatus

    engine = db.get_engine(url)
    with engine.connect() as conn:
        count = conn.execute(
            sa.select(sa.func.count())
            .select_from(TaskExecution)
            .where(TaskExecution.status == ExecutionStatus.SUCCESS)
        ).scalar_one()
    db.dispose_engines()
    return count


def time_run_due(url: str, home: Path, *, due: int, runs: int = 7) -> float:
    env = {**os.environ, "BOO_HOME": str(home), "BOO_KEYRING": "file"}
    times = []
    for _ in range(runs):
        reset_due(url, due=due)
        times.append(run_ms([BOO, "--db", url, "run", "--limit", "1000", "--now", NOW.isoformat()], env))
        ran = successful_runs(url)
        if ran != due:
            raise SystemExit(f"run-due ran {ran} tasks, expected {due}: the benchmark is wrong")
    return statistics.median(times)


def bench(name: str, url: str, home: Path, per_task_target: float) -> list:
    boo_init(url, home)
    t = time.perf_counter()
    add_tasks(url, 10_000, due=DUE)
    busy = time_run_due(url, home, due=DUE)
    busier = time_run_due(url, home, due=MORE_DUE)
    idle = time_run_due(url, home, due=0)
    add_tasks(url, 90_000, due=0)
    print(f"{name}: loaded 100,000 tasks in {time.perf_counter() - t:.0f} s", flush=True)
    idle_large = time_run_due(url, home, due=0)
    per_task = (busier - busy) / (MORE_DUE - DUE)
    with_first = (busy - idle) / DUE
    print(f"{name}: {per_task:.2f} ms per due task (target <= {per_task_target} ms)", flush=True)
    return [
        (f"{name}: run-due, 10,000 tasks, 100 due (all ran)", busy, None, None),
        (f"{name}: run-due, 10,000 tasks, 300 due (all ran)", busier, None, None),
        (f"{name}: run-due, 10,000 tasks, none due", idle, None, None),
        (f"{name}: run-due, 100,000 tasks, none due", idle_large, idle_large / idle, 1.2),
        (f"{name}: ms per due task (300 vs 100 due)", per_task, per_task / per_task_target, 1.0),
        (f"{name}: ms per due task (100 due vs none)", with_first, None, None),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    rows: list = []
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        rows += bench("SQLite", f"sqlite:///{home / 'bench.db'}", home / "sqlite-home", 2.0)
        if not args.no_postgres:
            with temporary_postgres() as url:
                rows += bench("PostgreSQL", url, home / "pg-home", 5.0)
    print()
    report(rows)


if __name__ == "__main__":
    main()
