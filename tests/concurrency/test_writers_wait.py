"""Writers wait for each other instead of failing, and rules that races could break hold.

Real processes, as in use: cron's run-due writes every minute while the user types commands. On SQLite
every writer begins IMMEDIATE and waits (busy timeout); reads never wait. On PostgreSQL a booking
checks the user's calendar under an advisory lock, so check-and-insert is one step on both backends.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
import time_machine

from tests.conftest import init_user

ADDED_AT = "2026-03-01 12:00:00+00:00"


def boo_process(url: str, *args: str, home: Path, **env_extra: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOO_")}
    env.update(BOO_HOME=str(home), BOO_KEYRING="file", BOO_RETRY_BACKOFF_SECONDS="0", **env_extra)
    return subprocess.Popen(
        [sys.executable, "-m", "boo_cli", "--db", url, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(processes: list[subprocess.Popen], timeout: float = 120) -> list[tuple[int, str, str]]:
    results = []
    for process in processes:
        out, err = process.communicate(timeout=timeout)
        results.append((process.returncode, out, err))
    return results


@pytest.fixture
def ann(cli):
    with time_machine.travel(ADDED_AT, tick=False):
        init_user(cli, business="Ann's Bakery")
    return cli


def sqlite_path(url: str) -> str | None:
    parsed = sa.make_url(url)
    return parsed.database if parsed.get_backend_name() == "sqlite" else None


def add_due_tasks(url: str, count: int) -> None:
    """count shell tasks, every hour from ADDED_AT, added in one unit of work (fast to set up)."""
    from datetime import datetime

    from boo_cli import db
    from boo_cli.services import accounts, automation, profiles

    now = datetime.fromisoformat(ADDED_AT)
    with db.session_scope(url, migrate=False) as session:
        user = accounts.current_user(session, lambda: None)
        (profile,) = profiles.list_profiles(session, user)
        for n in range(count):
            automation.add_task(
                session,
                user,
                profile,
                name=f"task-{n}",
                now=now,
                trigger=automation.build_trigger(automation.TriggerSpec(every="1h"), zone="UTC", now=now),
                action=automation.build_action(automation.ActionSpec(shell="true")),
            )


def test_sixteen_milestone_adds_during_a_run_due_of_fifty_tasks_all_succeed(ann, boo_home):
    assert ann("strategy", "add", "Plan").exit_code == 0
    add_due_tasks(ann.url, 50)
    runner = boo_process(ann.url, "run", "--now", "2026-03-01T13:00:30+00:00", home=boo_home)
    writers = [
        boo_process(ann.url, "strategy", "milestone", "add", "Plan", f"Milestone {n}", home=boo_home)
        for n in range(16)
    ]
    results = finish(writers)
    failed = [err.strip() for code, _, err in results if code != 0]
    assert failed == [], f"{len(failed)} of 16 failed: {failed[:3]}"
    ((code, _, err),) = finish([runner])
    assert code == 0, err
    milestones = ann.json("strategy", "milestone", "list", "Plan")
    assert sorted(m["milestone"] for m in milestones) == sorted(f"Milestone {n}" for n in range(16))
    executions = ann.json("automate", "logs", "--limit", "500")
    assert len(executions) == 50 and {e["status"] for e in executions} == {"success"}
    path = sqlite_path(ann.url)
    if path:
        with sqlite3.connect(path) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_eight_parallel_overlapping_bookings_exactly_one_succeeds(ann, boo_home):
    # Eight hours-long bookings starting 5 minutes apart: every two of them overlap.
    bookers = [
        boo_process(
            ann.url,
            "consult",
            "book",
            "--at",
            f"2030-01-07 10:{5 * n:02d}",
            "--duration",
            "60",
            home=boo_home,
        )
        for n in range(8)
    ]
    results = finish(bookers)
    codes = sorted(code for code, _, _ in results)
    assert codes == [0] + [1] * 7, [err.strip() for _, _, err in results]
    for code, _, err in results:
        if code == 1:
            assert "overlaps" in err and len(err.strip().splitlines()) == 1, err
    assert len(ann.json("consult", "list", "--limit", "50")) == 1


def test_parallel_bookings_with_allow_overlap_all_succeed(ann, boo_home):
    bookers = [
        boo_process(ann.url, "consult", "book", "--at", "2030-01-07 10:00", "--allow-overlap", home=boo_home)
        for _ in range(4)
    ]
    assert [code for code, _, _ in finish(bookers)] == [0] * 4
    assert len(ann.json("consult", "list", "--limit", "50")) == 4


def test_a_reschedule_into_an_overlap_is_refused_and_changes_nothing(ann):
    first = ann.json("consult", "book", "--at", "2030-01-07 10:00")
    second = ann.json("consult", "book", "--at", "2030-01-07 12:00")
    result = ann("consult", "reschedule", second["id"], "--at", "2030-01-07 10:30")
    assert result.exit_code == 1 and "overlaps" in result.stderr
    assert ann.json("consult", "show", second["id"])["scheduled_at"] == second["scheduled_at"]
    assert ann.json("consult", "reschedule", first["id"], "--at", "2030-01-07 11:00")["id"] == first["id"]


def test_parallel_reschedules_into_one_free_hour_leave_no_overlap(ann, boo_home):
    booked = [ann.json("consult", "book", "--at", f"2030-01-0{d} 10:00") for d in range(1, 7)]
    movers = [
        boo_process(ann.url, "consult", "reschedule", c["id"], "--at", "2030-01-08 10:00", home=boo_home)
        for c in booked
    ]
    results = finish(movers)
    assert sorted(code for code, _, _ in results) == [0] + [1] * 5, [err for _, _, err in results]
    on_the_day = [
        c for c in ann.json("consult", "list", "--limit", "50") if c["scheduled_at"].startswith("2030-01-08")
    ]
    assert len(on_the_day) == 1


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_writer_that_cannot_get_the_lock_says_busy_and_changes_nothing(ann, boo_home):
    path = sqlite_path(ann.url)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer, holding the lock for longer than boo waits
    try:
        started = time.monotonic()
        writer = boo_process(ann.url, "strategy", "add", "Blocked", home=boo_home, BOO_BUSY_TIMEOUT="1")
        reader = boo_process(ann.url, "strategy", "list", home=boo_home)
        (w_code, _, w_err), (r_code, _, r_err) = finish([writer, reader])
        assert time.monotonic() - started < 30
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert w_code == 1, w_err
    assert len(w_err.strip().splitlines()) == 1
    assert "the database" in w_err and "is busy" in w_err and "try again" in w_err
    assert r_code == 0, r_err  # a read never waits for the write lock
    assert [s["name"] for s in ann.json("strategy", "list")] == []
