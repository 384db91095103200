"""Shell tasks cannot outlive their run or flood memory: timeouts that hold, capped output, stop signals.

run-due and `boo automate run` run here as real processes (their memory, their signals) on both
backends. A task's processes are recognised by a marker in their command line (`sleep 600.NNNNNN`),
looked for in /proc, so a process left behind by any route fails the test.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import time_machine

from boo_cli.automation.shell import CappedOutput
from tests.automation.conftest import MONDAY_0900, add_task
from tests.automation.test_run_due import alive, runs

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


@pytest.fixture
def marker() -> str:
    """A sleep argument no other process on the machine has: `sleep 600.NNNNNN` lasts ten minutes."""
    return f"600.{random.randrange(10**5, 10**6)}"


def processes_with(marker: str) -> list[int]:
    """Live (not zombie) processes whose command line contains the marker."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == os.getpid():
            continue
        try:
            cmdline = Path(f"/proc/{name}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if marker.encode() in cmdline and alive(int(name)):
            found.append(int(name))
    return found


# A child's peak memory as the kernel counts it includes its parent's at the fork (pytest's, here), so
# boo is started from this small process, which writes its child's peak (KiB) to the file argv[1].
MEASURE = (
    "import resource, subprocess, sys; code = subprocess.call(sys.argv[2:]); "
    "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)); "
    "sys.exit(code)"
)


@pytest.fixture
def boo(boo_home):
    """Starts boo in a real process, its stdout and stderr to OUT and OUT.err (PEAK: where its peak
    memory goes); one still running when the test ends gets SIGTERM, so it stops its task too."""
    started: list[subprocess.Popen] = []

    def start(cli, *args: str, out: Path, peak: Path | None = None) -> subprocess.Popen:
        env = {k: v for k, v in os.environ.items() if not k.startswith("BOO_")}
        env.update(BOO_HOME=str(boo_home), BOO_KEYRING="file", BOO_RETRY_BACKOFF_SECONDS="0")
        argv = [sys.executable, "-m", "boo_cli", "--db", cli.url, *args]
        if peak:
            argv = [sys.executable, "-c", MEASURE, str(peak), *argv]
        with open(out, "wb") as stdout, open(out.with_suffix(".err"), "wb") as stderr:
            started.append(subprocess.Popen(argv, env=env, stdout=stdout, stderr=stderr))
        return started[-1]

    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_for(process: subprocess.Popen, seconds: float) -> int:
    try:
        return process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        pytest.fail(f"boo still ran after {seconds} s")


def wait_until(condition, process: subprocess.Popen, err: Path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert process.poll() is None and time.monotonic() < deadline, err.read_text()
        time.sleep(0.05)


@pytest.mark.parametrize(
    "script",
    [
        "trap '' TERM; sleep {m}",  # ignores SIGTERM: only SIGKILL ends it
        "setsid sleep {m} & echo $! > {pid}; echo started",  # left the process group, holds stdout
        "(setsid sleep {m} & echo $! > {pid}); echo started",  # double fork: an orphan holding stdout
    ],
    ids=["ignores-sigterm", "setsid", "double-fork"],
)
def test_a_timeout_stops_every_process_the_task_started(owner_cli, boo, tmp_path, marker, script):
    pid_file = tmp_path / "pid"
    add_task(
        owner_cli,
        "stuck",
        "--cron",
        "0 9 * * MON",
        "--timeout",
        "2",
        "--shell",
        script.format(m=marker, pid=pid_file),
    )
    started = time.monotonic()
    runner = boo(owner_cli, "run", "--now", MONDAY_0900, out=tmp_path / "out")
    code = wait_for(runner, 30)
    assert time.monotonic() - started < 10
    assert code == 1
    assert "timed out after 2 s" in (tmp_path / "out.err").read_text()
    assert processes_with(marker) == []
    if pid_file.exists():
        assert not alive(int(pid_file.read_text()))
    [run] = runs(owner_cli, "stuck")
    assert run["status"] == "failed" and run["log"]["timed_out"] is True
    assert run["error"].startswith("timed out after 2 s")


def test_processes_left_behind_by_a_finished_task_are_stopped(owner_cli, marker):
    # Its own session, no environment, no output: found as an orphan re-parented to the runner.
    add_task(
        owner_cli,
        "daemon",
        "--every",
        "1h",
        "--shell",
        f"(setsid env -i sleep {marker} </dev/null >/dev/null 2>&1 &); echo done",
    )
    result = owner_cli("automate", "run", "daemon")
    assert result.exit_code == 0, result.stderr
    assert processes_with(marker) == []
    [run] = runs(owner_cli, "daemon")
    assert run["status"] == "success" and run["log"]["processes_stopped"] == 1


def test_a_huge_output_is_capped_while_it_is_read(owner_cli, boo, tmp_path):
    size = 500_000_000
    add_task(
        owner_cli,
        "loud",
        "--cron",
        "0 9 * * MON",
        "--timeout",
        "2m",
        "--shell",
        f"echo first; head -c {size} /dev/zero | tr '\\0' x; echo; echo last",
    )
    peak = tmp_path / "peak"
    runner = boo(owner_cli, "run", "--now", MONDAY_0900, out=tmp_path / "out", peak=peak)
    code = wait_for(runner, 120)
    assert code == 0, (tmp_path / "out.err").read_text()
    peak_kib = int(peak.read_text())
    assert peak_kib < 150 * 1024, f"run-due peaked at {peak_kib // 1024} MiB"
    [run] = runs(owner_cli, "loud")
    stdout = run["log"]["stdout"]
    total = len("first\n") + size + len("\nlast\n")
    dropped = total - 2 * 32 * 1024
    assert run["log"]["stdout_dropped_bytes"] == dropped
    assert f"… {dropped:,} bytes dropped …" in stdout
    assert stdout.startswith("first\nxxx") and stdout.endswith("xxx\nlast\n")
    assert len(stdout.encode()) < 70 * 1024


@pytest.mark.parametrize(
    ("signum", "command"),
    [
        (signal.SIGINT, ["automate", "run", "stuck"]),
        (signal.SIGTERM, ["run", "--now", "2026-03-02T10:30:00+00:00"]),
    ],
    ids=["sigint-automate-run", "sigterm-run-due"],
)
def test_a_stop_signal_stops_the_task_and_records_its_run(owner_cli, boo, tmp_path, marker, signum, command):
    add_task(
        owner_cli,
        "stuck",
        "--cron",
        "0 * * * *",
        "--missed",
        "all",
        "--timeout",
        "10m",
        "--shell",
        f"trap '' INT TERM; echo begun; setsid sleep {marker} & sleep {marker}",
    )
    with time_machine.travel("2026-03-02 07:30:00+00:00", tick=False):
        # due at 10:30: the slots of 08:00, 09:00 and 10:00
        owner_cli("automate", "edit", "stuck", "--cron", "0 * * * *", "--missed", "all")
    runner = boo(owner_cli, *command, out=tmp_path / "out")
    # the shell (its command line has the marker too) and both sleeps
    wait_until(lambda: len(processes_with(marker)) == 3, runner, tmp_path / "out.err")
    runner.send_signal(signum)
    code = wait_for(runner, 15)
    assert code == 128 + signum
    assert f"stopped by {signal.Signals(signum).name}" in (tmp_path / "out.err").read_text()
    assert processes_with(marker) == []
    history = runs(owner_cli, "stuck")
    assert history and {e["status"] for e in history} == {"failed"}
    name = signal.Signals(signum).name
    assert all(e["error"].startswith(f"cancelled: boo received {name}") for e in history)
    began = max(history, key=lambda e: e["log"].get("exit_code") is not None)
    assert began["log"]["stdout"] == "begun\n" and began["log"]["processes_stopped"] >= 1
    if signum == signal.SIGTERM:
        # Slots are claimed one at a time: the two not begun were never claimed, and stay due.
        assert len(history) == 1
        assert owner_cli.json("automate", "show", "stuck")["next_run_at"] == "2026-03-02T09:00:00+00:00"


def test_capped_output_keeps_the_first_and_last_parts_and_counts_the_rest():
    output = CappedOutput(head=4, tail=3)
    for chunk in [b"ab", b"cdefg", b"hijklmnop", b"q"]:
        output.append(chunk)
    assert (bytes(output.head), bytes(output.tail), output.total, output.dropped) == (b"abcd", b"opq", 17, 10)
    assert output.text() == "abcd\n… 10 bytes dropped …\nopq"
    small = CappedOutput(head=4, tail=3)
    small.append(b"abcdef")
    assert (small.dropped, small.text()) == (0, "abcdef")
