"""Crash recovery never runs a task twice (both backends).

run-due is killed with SIGKILL in the middle of a task, as a reboot, the OOM killer or a careless
`kill -9` would. The task's commands append to a file, so every time an action started is counted:
a finished run is never run again, a killed one runs again only when its task has retries left, and
whatever the dead runner left running is stopped by the next run-due, not run beside a second copy.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.automation.conftest import MONDAY_0900, add_task
from tests.automation.test_run_due import alive, boo_process, runs

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")

LATER = "2026-03-02T08:01:00+00:00"  # a minute after the slot: within any lease


def wait_for(path: Path, *, lines: int = 1, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists() and len(path.read_text().splitlines()) >= lines:
            return
        time.sleep(0.05)
    raise AssertionError(f"{path} never had {lines} line(s)")


def killed_mid_task(cli, home: Path, tmp_path: Path, *args: str, **env: str):
    """A task that writes its shell's pid and 'started', then sleeps 30 s the first time it runs;
    run-due is killed with SIGKILL while it sleeps. Returns the side-effect file and the orphaned
    shell's pid."""
    out, pid_file, first = tmp_path / "out.txt", tmp_path / "shell.pid", tmp_path / "first"
    script = (
        f"echo $$ > {pid_file}; echo started $BOO_SLOT >> {out}; "
        f"if [ ! -f {first} ]; then touch {first}; sleep 30; fi; echo finished >> {out}"
    )
    add_task(cli, "long", "--cron", "0 9 * * MON", "--timeout", "2m", *args, "--shell", script)
    runner = boo_process(cli, "run", "--now", MONDAY_0900, home=home, **env)
    wait_for(out)
    wait_for(pid_file)
    runner.send_signal(signal.SIGKILL)
    runner.wait()
    orphan = int(pid_file.read_text())
    assert alive(orphan)  # nothing could stop it: its runner died at once
    return out, orphan


def test_the_next_run_due_stops_the_orphan_and_never_runs_the_killed_run_again(owner_cli, tmp_path, boo_home):
    done = tmp_path / "done.txt"
    add_task(owner_cli, "quick", "--cron", "59 8 * * MON", "--shell", f"echo quick $BOO_SLOT >> {done}")
    # The quick task's slot (07:59 UTC) comes first, so it has finished before the long one starts.
    out, orphan = killed_mid_task(owner_cli, boo_home, tmp_path)
    assert done.read_text().split() == ["quick", "2026-03-02T07:59:00+00:00"]
    assert [e["status"] for e in runs(owner_cli, "long")] == ["running"]

    rescue = boo_process(owner_cli, "run", "--now", LATER, home=boo_home)
    _, err = rescue.communicate(timeout=60)
    assert rescue.returncode == 1, err  # cron must hear of the crash
    assert "'long' had a run left unfinished by a stopped runner" in err
    assert not alive(orphan)  # stopped at once, not left to finish beside anything
    (run,) = runs(owner_cli, "long")
    assert run["status"] == "failed" and run["error"].startswith("abandoned: its runner")
    assert "1 process it left running stopped" in run["error"] or "processes it left" in run["error"]
    # Without retries a run that began is not begun again: its effect may have happened.
    assert out.read_text().splitlines() == ["started 2026-03-02T08:00:00+00:00"]
    again = owner_cli("run", "--now", "2026-03-02T08:30:00+00:00")
    assert again.exit_code == 0, again.stderr
    assert [e["status"] for e in runs(owner_cli, "quick")] == ["success"]
    assert done.read_text().split() == ["quick", "2026-03-02T07:59:00+00:00"]  # the finished run: once
    assert len(runs(owner_cli, "long")) == 1


def test_a_killed_run_with_retries_left_runs_once_more_as_a_rescue(owner_cli, tmp_path, boo_home):
    out, orphan = killed_mid_task(owner_cli, boo_home, tmp_path, "--retries", "1")
    result = owner_cli("run", "--now", LATER)
    assert result.exit_code == 1  # the crash is a failure, though its rescue ran
    assert not alive(orphan)
    history = sorted(runs(owner_cli, "long"), key=lambda e: e["attempt"])
    assert [(e["attempt"], e["status"]) for e in history] == [(1, "failed"), (2, "success")]
    assert history[1]["log"]["trigger"] == "rescue" and "abandoned" in history[1]["log"]["reason"]
    # Two starts, never at once: the first copy was stopped before the second began.
    assert out.read_text().splitlines() == [
        "started 2026-03-02T08:00:00+00:00",
        "started 2026-03-02T08:00:00+00:00",
        "finished",
    ]


def test_a_run_whose_runner_is_alive_is_never_taken_for_abandoned(owner_cli, tmp_path, boo_home):
    out, pid_file = tmp_path / "out.txt", tmp_path / "shell.pid"
    add_task(
        owner_cli, "slow", "--cron", "0 9 * * MON", "--timeout", "1m",
        "--shell", f"echo $$ > {pid_file}; echo started >> {out}; sleep 5; echo finished >> {out}",
    )  # fmt: skip
    runner = boo_process(owner_cli, "run", "--now", MONDAY_0900, home=boo_home)
    wait_for(out)
    # A day later by the clock, far past its lease: its runner is still there, so it is left alone.
    meanwhile = owner_cli("run", "--now", "2026-03-03T08:00:00+00:00")
    assert meanwhile.exit_code == 0, meanwhile.stderr
    assert [e["status"] for e in runs(owner_cli, "slow")] == ["running"]
    _, err = runner.communicate(timeout=60)
    assert runner.returncode == 0, err
    assert [e["status"] for e in runs(owner_cli, "slow")] == ["success"]
    assert out.read_text().split() == ["started", "finished"]


def test_a_run_of_another_hosts_runner_waits_for_its_lease_and_a_grace(owner_cli, tmp_path, boo_home):
    from boo_cli import db
    from boo_cli.models import TaskExecution

    out, orphan = killed_mid_task(owner_cli, boo_home, tmp_path, "--retries", "1")
    os.kill(orphan, signal.SIGKILL)  # that host's processes are out of this host's reach
    engine = db.get_engine(owner_cli.url)
    with engine.begin() as conn:  # as if another machine's runner had claimed it
        conn.execute(sa.update(TaskExecution).values(runner_host="another-host"))
    db.dispose_engines()
    lease_ends = MONDAY_0900.replace("08:00:00", "08:03:00")  # 2 min timeout + 1 min grace
    at = datetime.fromisoformat(lease_ends)
    for moment in (at, at + timedelta(minutes=4)):  # its lease, and within the other host's grace
        result = owner_cli("run", "--now", moment.isoformat())
        assert result.exit_code == 0, result.stderr
        assert [e["status"] for e in runs(owner_cli, "long")] == ["running"]
    result = owner_cli("run", "--now", (at + timedelta(minutes=5, seconds=1)).isoformat())
    assert result.exit_code == 1
    history = sorted(runs(owner_cli, "long"), key=lambda e: e["attempt"])
    assert [(e["attempt"], e["status"]) for e in history] == [(1, "failed"), (2, "success")]
    assert "on another-host, past its lease" in history[0]["error"]
    assert out.read_text().count("started") == 2


def test_a_retry_waiting_for_its_back_off_survives_the_runner_and_runs_once(owner_cli, tmp_path, boo_home):
    out = tmp_path / "out.txt"
    add_task(
        owner_cli, "flaky", "--cron", "0 9 * * MON", "--retries", "2",
        "--shell", f"echo try $BOO_SLOT >> {out}; exit 3",
    )  # fmt: skip
    runner = boo_process(
        owner_cli, "run", "--now", MONDAY_0900, home=boo_home, BOO_RETRY_BACKOFF_SECONDS="30"
    )
    wait_for(out)
    deadline = time.monotonic() + 30
    while [e["status"] for e in runs(owner_cli, "flaky")] != ["failed"] and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)  # in its back-off now, the retry stored with the failed run
    runner.send_signal(signal.SIGKILL)
    runner.wait()
    (waiting,) = owner_cli.json("automate", "show", "flaky")["waiting_retries"]
    assert (waiting["attempt"], waiting["slot"], waiting["not_before"]) == (
        2,
        "2026-03-02T08:00:00+00:00",
        "2026-03-02T08:00:30+00:00",
    )
    shown = owner_cli("automate", "show", "flaky")
    assert "retry waiting\ttry 2 of the 2026-03-02 09:00 CET slot, from 2026-03-02 09:00 CET" in shown.stdout
    too_soon = owner_cli("run", "--now", "2026-03-02T08:00:20+00:00")  # 20 s of its 30 s back-off
    assert too_soon.exit_code == 0 and len(runs(owner_cli, "flaky")) == 1
    # Four runners at once find the retry waiting: one runs it (and the last try after it).
    runners = [
        boo_process(owner_cli, "run", "--now", "2026-03-02T08:05:00+00:00", home=boo_home) for _ in range(4)
    ]
    codes = [runner.wait(timeout=60) for runner in runners]
    assert sorted(codes) == [0, 0, 0, 1]  # the one that ran the failing retries says so
    history = sorted(runs(owner_cli, "flaky"), key=lambda e: e["attempt"])
    assert [(e["attempt"], e["status"]) for e in history] == [(1, "failed"), (2, "failed"), (3, "failed")]
    assert all(e["slot"] == "2026-03-02T08:00:00+00:00" for e in history)
    assert history[1]["log"]["reason"] == "retry after: exit code 3"
    assert out.read_text().count("try") == 3  # each attempt once, however many runners
    assert owner_cli("run", "--now", "2026-03-02T09:00:00+00:00").exit_code == 0
    assert len(runs(owner_cli, "flaky")) == 3
