"""boo with years of data: every list, search, board and export at 100,000 rows per table, both backends.

It seeds one database per backend (SQLite file; a scratch PostgreSQL database, VACUUM ANALYZE after
seeding) with 100,000 rows in every table a user fills: 1,000 other users with 100 businesses each
beside the benchmark's own business, which holds 100,000 strategies, milestones, tasks (idle: none
due), task runs, consultations with notes, audits and downloads. Then, in one run, round-robin:

- each command's median wall time and its ratio to `python -c "import sqlmodel"` (the import every
  database command pays), with the peak resident memory of the command's process;
- full-text search against a LIKE scan over the same rows (in SQL, in one process);
- the server time of a ranked top 20 for a word in 20% of the rows.

Targets (issue 17) are printed beside each figure. Run with the venv's own python:

    .venv/bin/python benchmarks/scale.py [--rows 100000] [--runs 7] [--no-postgres] [--markdown]

PostgreSQL: BOO_BENCH_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/postgres); the
script creates its own database and drops it at the end.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from _timing import BOO, PYTHON, boo_init, temporary_postgres

NOW = datetime.now(UTC).replace(microsecond=0)
WORDS = [
    *("launch", "newsletter", "pricing", "referral", "webinar", "course", "podcast", "partnership"),
    *("retainer", "workshop", "bundle", "subscription", "wholesale", "catering", "seasonal", "loyalty"),
    *("upsell", "outreach", "content", "video"),
]
RARE = "zeppelin"  # in 1 row of 10,000
COMMON = "growth"  # in 1 row of 5 (20%)
OTHER_USERS = 1000


def seed(url: str, home: Path, rows: int) -> dict[str, str]:
    """The database, filled; returns the environment to run boo in."""
    import sqlalchemy as sa

    from boo_cli import db
    from boo_cli.models import (
        AutomationTask,
        BusinessAudit,
        BusinessProfile,
        Consultation,
        ConsultationNote,
        GrowthStrategy,
        ResourceDownload,
        StrategyMilestone,
        TaskExecution,
        User,
    )

    env = boo_init(url, home)
    engine = db.get_engine(url)
    rng = random.Random(17)
    trigger = {"version": 1, "kind": "cron", "expr": "0 9 * * MON", "tz": "UTC", "missed": "latest"}
    action = {"version": 1, "kind": "builtin", "name": "noop", "timeout_seconds": 300, "retries": 0}

    def insert(conn, model, make, count: int) -> list:
        ids, batch = [], []
        for n in range(count):
            row = make(n)
            ids.append(row["id"])
            batch.append(row)
            if len(batch) == 5000:
                conn.execute(sa.insert(model.__table__), batch)
                batch = []
        if batch:
            conn.execute(sa.insert(model.__table__), batch)
        return ids

    def text(n: int) -> str:
        words = rng.sample(WORDS, 4)
        if n % 5 == 0:
            words[1] = COMMON
        if n % 10_000 == 0:
            words[2] = RARE
        return " ".join(words)

    with engine.begin() as conn:
        user_id = conn.execute(sa.select(User.id)).scalar_one()
        profile_id = conn.execute(sa.select(BusinessProfile.id)).scalar_one()
        others = insert(
            conn,
            User,
            lambda n: {
                "id": uuid.uuid4(),
                "email": f"user{n}@example.com",
                "password_hash": "x",
                "first_name": "U",
                "last_name": str(n),
                "is_active": True,
            },
            OTHER_USERS,
        )
        insert(
            conn,
            BusinessProfile,
            lambda n: {
                "id": uuid.uuid4(),
                "user_id": others[n % OTHER_USERS],
                "business_name": f"Business {n}",
                "industry": text(n),
            },
            rows,
        )
        strategies = insert(
            conn,
            GrowthStrategy,
            lambda n: {
                "id": uuid.uuid4(),
                "business_profile_id": profile_id,
                "strategy_name": f"Plan {n}",
                "description": text(n),
                "status": ("draft", "active", "paused", "completed")[n % 4],
                "priority": ("low", "medium", "high")[n % 3],
                "due_date": date(2025, 1, 1) + timedelta(days=n % 700),
                "created_at": NOW - timedelta(minutes=n),
                "resources_required": [],
            },
            rows,
        )
        insert(
            conn,
            StrategyMilestone,
            lambda n: {
                "id": uuid.uuid4(),
                "growth_strategy_id": strategies[n],
                "milestone_name": f"Step {n}",
                "target_date": date(2025, 1, 1) + timedelta(days=n % 700),
                "status": ("pending", "in_progress", "completed")[n % 3],
            },
            rows,
        )
        tasks = insert(
            conn,
            AutomationTask,
            lambda n: {
                "id": uuid.uuid4(),
                "business_profile_id": profile_id,
                "task_name": f"task {n}",
                "task_type": "builtin",
                "trigger_config": trigger,
                "action_config": action,
                "is_active": True,
                "next_run_at": NOW + timedelta(days=1 + n % 300),  # idle: nothing due
            },
            rows,
        )
        insert(
            conn,
            TaskExecution,
            lambda n: {
                "id": uuid.uuid4(),
                "automation_task_id": tasks[n],
                "started_at": NOW - timedelta(days=1, seconds=n),
                "completed_at": NOW - timedelta(days=1, seconds=n - 1),
                "scheduled_for": NOW - timedelta(days=1, seconds=n),
                "attempt": 1,
                "status": "success",
            },
            rows,
        )
        consultations = insert(
            conn,
            Consultation,
            lambda n: {
                "id": uuid.uuid4(),
                "user_id": user_id,
                "scheduled_at": NOW + timedelta(hours=2 * n - rows),  # half past, half to come
                "duration_minutes": 60,
                "type": "strategy",
                "status": "scheduled",
                "sequence": 0,
                "client_name": f"Client {n}",
                "client_email": f"client{n}@example.com",
            },
            rows,
        )
        insert(
            conn,
            ConsultationNote,
            lambda n: {"id": uuid.uuid4(), "consultation_id": consultations[n], "summary": text(n)},
            rows,
        )
        insert(
            conn,
            BusinessAudit,
            lambda n: {
                "id": uuid.uuid4(),
                "business_profile_id": profile_id,
                "audit_date": date(2026, 1, 1) - timedelta(days=n),
                "overall_score": 5,
                "status": "completed",
            },
            rows,
        )
        insert(
            conn,
            ResourceDownload,
            lambda n: {
                "id": uuid.uuid4(),
                "user_id": user_id,
                "resource_name": f"Guide {n}",
                "resource_type": "guide",
                "downloaded_at": NOW - timedelta(minutes=n),
            },
            rows,
        )
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
    db.dispose_engines()
    login = [BOO, "--db", url, "user", "login", "bench@example.com", "--password-stdin"]
    subprocess.run(
        login, env={**os.environ, **env}, input=b"benchmark password\n", check=True, capture_output=True
    )
    return env


# The command is started by a small python of its own: a child forked from this process (which holds
# the seeded ORM) would report this process's memory as its own peak, since Linux counts the pages a
# child shares with its parent before exec.
_LAUNCH = """
import os, sys, time
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.execv(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
print((time.perf_counter() - start) * 1000, usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def measure(args: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall ms and peak resident KiB of one run of a command (its own process, waited for alone)."""
    launched = subprocess.run([PYTHON, "-S", "-c", _LAUNCH, *args], env=env, capture_output=True)
    elapsed, peak, code = launched.stdout.split()
    if int(code) != 0:
        raise SystemExit(f"{' '.join(args)} failed: {launched.stderr.decode()[-500:]}")
    return float(elapsed), int(peak)


def commands(url: str, out: Path) -> dict[str, tuple[list[str], float, float | None]]:
    """name -> (argv, target ratio to import sqlmodel, memory target MiB)."""
    boo = [BOO, "--db", url]
    pg = url.startswith("postgresql")
    first_page = 1.3 if pg else 1.2
    return {
        "profile list": ([*boo, "profile", "list"], first_page, None),
        "strategy list": ([*boo, "strategy", "list"], first_page, None),
        "automate list": ([*boo, "automate", "list"], first_page, None),
        "milestone list --overdue": ([*boo, "strategy", "milestone", "list", "--overdue"], first_page, None),
        "consult list": ([*boo, "consult", "list"], first_page, None),
        "audit list": ([*boo, "audit", "list"], first_page, None),
        "automate logs": ([*boo, "automate", "logs"], first_page, None),
        "audit trend": ([*boo, "audit", "trend"], first_page, None),
        "resources history": ([*boo, "resources", "history"], first_page, None),
        "user list": ([*boo, "user", "list"], first_page, None),
        "profile search (other users' words)": ([*boo, "profile", "search", COMMON], first_page, None),
        "strategy search (rare word)": ([*boo, "strategy", "search", RARE], first_page, None),
        "strategy search (common word)": ([*boo, "strategy", "search", COMMON], first_page, None),
        "strategy search (two words)": ([*boo, "strategy", "search", f"{RARE} {COMMON}"], first_page, None),
        "strategy board": ([*boo, "strategy", "board"], 3.0, 150),
        "strategy board --json": ([*boo, "--json", "strategy", "board"], None, 150),
        "consult export --ics (every one)": ([*boo, "consult", "export", "--ics", str(out)], 3.0, 150),
        "automate logs --all --json": ([*boo, "--json", "automate", "logs", "--all"], None, 150),
        "run-due, nothing due": ([*boo, "run", "--quiet"], 1.25 if pg else 1.15, None),
    }


def timed(url: str, env: dict[str, str], runs: int, out: Path) -> list[tuple]:
    cases = commands(url, out)
    merged = {**os.environ, **env}
    floor = [PYTHON, "-c", "import sqlmodel"]
    times: dict[str, list[float]] = {"floor": [], **{name: [] for name in cases}}
    peaks: dict[str, int] = {name: 0 for name in times}
    for i in range(runs + 1):  # the first round warms the OS cache and is not counted
        for name, args in [("floor", floor), *((n, c[0]) for n, c in cases.items())]:
            ms, peak = measure(args, merged)
            if i:
                times[name].append(ms)
                peaks[name] = max(peaks.get(name, 0), peak)
    base = statistics.median(times["floor"])
    rows = [('python -c "import sqlmodel"', base, None, None, peaks["floor"] / 1024, None)]
    for name, (_args, target, memory) in cases.items():
        ms = statistics.median(times[name])
        rows.append((name, ms, ms / base, target, peaks[name] / 1024, memory))
    return rows


def search_figures(url: str) -> list[tuple]:
    """Full-text against LIKE (rare word; two words with one rare) and a ranked top 20 of a word in
    20% of the rows, timed in SQL in one process (the server's own time on PostgreSQL)."""
    import sqlalchemy as sa
    from sqlmodel import Session

    from boo_cli import db
    from boo_cli.models import GrowthStrategy
    from boo_cli.services.search import STRATEGIES, statement

    engine = db.get_engine(url)
    pg = engine.dialect.name == "postgresql"

    def median_ms(call, runs: int = 15) -> float:
        call()
        spent = []
        for _ in range(runs):
            t = time.perf_counter()
            call()
            spent.append((time.perf_counter() - t) * 1000)
        return statistics.median(spent)

    rows = []
    with Session(engine) as session:
        conn = session.connection()

        def ranked_sql(query: str) -> str:
            built = statement(session, STRATEGIES, query, GrowthStrategy.id.is_not(None)).limit(20)
            return str(built.compile(engine, compile_kwargs={"literal_binds": True}))

        for label, query, words in (
            ("rare word", RARE, [RARE]),
            ("two words, one rare", f"{RARE} {COMMON}", [RARE, COMMON]),
        ):
            like = " AND ".join(f"(strategy_name LIKE '%{w}%' OR description LIKE '%{w}%')" for w in words)
            like_sql = f"SELECT * FROM growth_strategies WHERE {like} LIMIT 20"
            fts = median_ms(lambda q=ranked_sql(query): conn.execute(sa.text(q)).all())
            scan = median_ms(lambda q=like_sql: conn.execute(sa.text(q)).all())
            rows.append((f"full-text vs LIKE, {label}", fts, scan / fts, 20.0))
        common = ranked_sql(COMMON)
        if pg:

            def server_ms() -> float:
                plan = conn.execute(sa.text("EXPLAIN (ANALYZE, FORMAT JSON) " + common)).scalar_one()
                return plan[0]["Execution Time"]

            server_ms()
            spent = statistics.median(server_ms() for _ in range(15))
        else:
            spent = median_ms(lambda: conn.execute(sa.text(common)).all())
        rows.append(("ranked top 20, word in 20% of rows (ms)", spent, None, 20.0))
    db.dispose_engines()
    return rows


def print_table(name: str, rows: list[tuple], figures: list[tuple], markdown: bool) -> None:
    print(f"\n{name}")
    if markdown:
        print("| command | ms | x import sqlmodel | target | peak MiB |")
        print("|---|---:|---:|---:|---:|")
    for label, ms, ratio, target, peak, memory in rows:
        ratio_s = f"{ratio:.2f}x" if ratio is not None else ""
        target_s = f"≤ {target:.2f}x" if target is not None else ""
        if memory is not None:
            target_s += f"{', ' if target_s else ''}≤ {memory} MiB"
        peak_s = f"{peak:.0f}" if peak is not None else ""
        over = ratio is not None and target is not None and ratio > target
        over = over or (peak is not None and memory is not None and peak > memory)
        if markdown:
            print(f"| `{label}` | {ms:.0f} | {ratio_s} | {target_s} | {peak_s} |{' over' if over else ''}")
        else:
            flag = "  OVER" if over else ""
            print(f"{label:36} {ms:8.0f} ms {ratio_s:>7} {target_s:>22} {peak_s:>6} MiB{flag}")
    for label, ms, ratio, target in figures:
        if ratio is None:
            line = f"{ms:.1f} ms (target ≤ {target:.0f} ms)"
        else:
            line = f"full-text {ms:.2f} ms, {ratio:.0f}x faster than LIKE (target ≥ {target:.0f}x)"
        print(f"| {label} | {line} |" if markdown else f"{label:36} {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--markdown", action="store_true", help="Print tables for the README.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        backends = [("SQLite", f"sqlite:///{tmp_path / 'scale.db'}")]
        with temporary_postgres() if not args.no_postgres else _nothing() as pg_url:
            if pg_url:
                backends.append(("PostgreSQL", pg_url))
            for name, url in backends:
                started = time.perf_counter()
                env = seed(url, tmp_path / f"home-{name}", args.rows)
                print(f"{name}: seeded {args.rows:,} rows per table in {time.perf_counter() - started:.0f} s")
                rows = timed(url, env, args.runs, tmp_path / f"{name}.ics")
                print_table(f"{name}, {args.rows:,} rows per table", rows, search_figures(url), args.markdown)


class _nothing:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


if __name__ == "__main__":
    main()
