"""`boo run` (run-due) with 10,000 tasks of which 100 are due, then with 10x as many idle tasks.

Target: the second run costs < 1.2x the first, because due tasks are found through the
(is_active, next_run_at) index rather than by reading every task. Each run executes the 100 due
tasks (the built-in no-op action); the due tasks are reset between runs.

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


def add_tasks(url: str, count: int, *, due: int) -> None:
    import sqlalchemy as sa

    from boo_cli import db
    from boo_cli.models import AutomationTask, BusinessProfile

    trigger = {"version": 1, "kind": "cron", "expr": "0 9 * * MON", "tz": "UTC", "missed": "latest"}
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


def reset_due(url: str) -> None:
    import sqlalchemy as sa

    from boo_cli import db
    from boo_cli.models import AutomationTask, TaskExecution

    engine = db.get_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.delete(TaskExecution))
        due = sa.select(AutomationTask.id).where(
            AutomationTask.task_name.in_([f"task {n}" for n in range(DUE)])
        )
        conn.execute(
            sa.update(AutomationTask)
            .where(AutomationTask.id.in_(due))
            .values(next_run_at=NOW - timedelta(seconds=30))
        )
    db.dispose_engines()


def time_run_due(url: str, home: Path, runs: int = 7) -> float:
    env = {**os.environ, "BOO_HOME": str(home), "BOO_KEYRING": "file"}
    times = []
    for _ in range(runs):
        reset_due(url)
        times.append(run_ms([BOO, "--db", url, "run", "--now", NOW.isoformat()], env))
    return statistics.median(times)


def bench(name: str, url: str, home: Path) -> list:
    boo_init(url, home)
    t = time.perf_counter()
    add_tasks(url, 10_000, due=DUE)
    small = time_run_due(url, home)
    add_tasks(url, 90_000, due=0)
    print(f"{name}: loaded 100,000 tasks in {time.perf_counter() - t:.0f} s", flush=True)
    large = time_run_due(url, home)
    return [
        (f"{name}: run-due, 10,000 tasks, 100 due", small, None, None),
        (f"{name}: run-due, 100,000 tasks, 100 due", large, large / small, 1.2),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    rows: list = []
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        rows += bench("SQLite", f"sqlite:///{home / 'bench.db'}", home / "sqlite-home")
        if not args.no_postgres:
            with temporary_postgres() as url:
                rows += bench("PostgreSQL", url, home / "pg-home")
    print()
    report(rows)


if __name__ == "__main__":
    main()
