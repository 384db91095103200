"""run-due on both backends: slots run once, policies, timeouts, retries, rescue, webhooks and email."""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import time_machine

from tests.automation.conftest import MONDAY_0900, add_task
from tests.conftest import add_user, login


def runs(cli, task: str | None = None) -> list[dict]:
    return cli.json("automate", "logs", *([task] if task else []), "--limit", "500")


def test_a_due_task_runs_once_and_its_next_run_moves_from_the_slot(owner_cli, tmp_path):
    out = tmp_path / "out.txt"
    add_task(owner_cli, "weekly", "--cron", "0 9 * * MON", "--shell", f"echo $BOO_SLOT | tee -a {out}")
    assert owner_cli("run", "--now", "2026-03-02T07:59:00+00:00").exit_code == 0
    assert not out.exists()  # not due yet
    first = owner_cli("run", "--now", "2026-03-02T08:00:30+00:00", "-v")
    assert first.exit_code == 0, first.stderr
    assert "ok\tann@example.com\tweekly" in first.stdout
    assert owner_cli("run", "--now", "2026-03-02T08:01:00+00:00").exit_code == 0  # nothing new
    assert out.read_text().split() == ["2026-03-02T08:00:00+00:00"]
    task = owner_cli.json("automate", "show", "weekly")
    assert task["next_run_at"] == "2026-03-09T08:00:00+00:00"
    assert [(e["status"], e["attempt"], e["slot"]) for e in task["executions"]] == [
        ("success", 1, "2026-03-02T08:00:00+00:00")
    ]
    log = task["executions"][0]["log"]
    assert (log["trigger"], log["exit_code"], log["stdout"]) == ("schedule", 0, "2026-03-02T08:00:00+00:00\n")


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ("latest", ["2026-03-02T11:00:00+00:00"]),
        ("all", [f"2026-03-02T{h:02d}:00:00+00:00" for h in range(8, 12)]),
        ("skip", []),
    ],
)
def test_missed_slots_follow_the_policy(owner_cli, tmp_path, policy, expected):
    out = tmp_path / "out.txt"
    add_task(
        owner_cli, "hourly", "--cron", "0 * * * *", "--missed", policy, "--shell", f"echo $BOO_SLOT >> {out}"
    )
    with time_machine.travel("2026-03-02 07:30:00+00:00", tick=False):
        owner_cli("automate", "edit", "hourly", "--cron", "0 * * * *", "--missed", policy)  # first slot 08:00
    assert owner_cli("run", "--now", "2026-03-02T11:10:00+00:00").exit_code == 0
    assert (out.read_text().split() if out.exists() else []) == expected
    assert owner_cli.json("automate", "show", "hourly")["next_run_at"] == "2026-03-02T12:00:00+00:00"


def test_a_disabled_task_does_not_catch_up_when_enabled_again(owner_cli, tmp_path):
    out = tmp_path / "out.txt"
    add_task(
        owner_cli, "hourly", "--cron", "0 * * * *", "--missed", "all", "--shell", f"echo $BOO_SLOT >> {out}"
    )
    assert owner_cli("automate", "disable", "hourly").exit_code == 0
    owner_cli("run", "--now", "2026-03-02T11:10:00+00:00")
    with time_machine.travel("2026-03-02 11:20:00+00:00", tick=False):
        assert owner_cli("automate", "enable", "hourly").exit_code == 0
    owner_cli("run", "--now", "2026-03-02T12:00:10+00:00")
    assert out.read_text().split() == ["2026-03-02T12:00:00+00:00"]


def test_a_timeout_kills_the_whole_process_group(owner_cli, tmp_path):
    pid_file = tmp_path / "child.pid"
    add_task(
        owner_cli,
        "stuck",
        "--every",
        "1h",
        "--timeout",
        "2",
        "--shell",
        f"sleep 60 & echo $! > {pid_file}; wait",
    )
    started = time.monotonic()
    result = owner_cli("automate", "run", "stuck")
    assert result.exit_code == 1
    assert "timed out after 2 s" in result.stderr
    assert time.monotonic() - started < 20
    time.sleep(0.2)
    assert not alive(int(pid_file.read_text()))


def alive(pid: int) -> bool:
    """A process that exists and is not a zombie (an orphan whose parent died waits for PID 1 to reap it)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_retries_are_new_attempts_of_the_same_slot(owner_cli, tmp_path):
    counter = tmp_path / "count"
    script = f"n=$(cat {counter} 2>/dev/null || echo 0); n=$((n+1)); echo $n > {counter}; [ $n -ge 3 ]"
    add_task(owner_cli, "flaky", "--cron", "0 9 * * MON", "--retries", "2", "--shell", script)
    assert owner_cli("run", "--now", "2026-03-02T08:00:30+00:00").exit_code == 0
    history = sorted(runs(owner_cli, "flaky"), key=lambda e: e["attempt"])
    assert [(e["attempt"], e["status"]) for e in history] == [(1, "failed"), (2, "failed"), (3, "success")]
    assert {e["slot"] for e in history} == {"2026-03-02T08:00:00+00:00"}


def test_failures_go_to_stderr_and_exit_1_and_success_is_quiet(owner_cli):
    add_task(owner_cli, "good", "--cron", "0 9 * * MON", "--shell", "true")
    add_task(owner_cli, "bad", "--cron", "0 9 * * MON", "--shell", "echo broken >&2; exit 3")
    result = owner_cli("run", "--now", MONDAY_0900)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "'bad' (ann@example.com) failed: exit code 3: broken" in result.stderr
    assert "good" not in result.stderr


def test_shell_tasks_of_users_not_created_here_do_not_run(owner_cli, tmp_path, boo_home):
    import shutil

    out = tmp_path / "out.txt"
    add_task(owner_cli, "mine", "--cron", "0 9 * * MON", "--shell", f"echo ran >> {out}")
    shutil.rmtree(boo_home / "state")  # another machine: it never created this user
    result = owner_cli("run", "--now", MONDAY_0900)
    assert result.exit_code == 0  # not claimed: left for a host that runs it, not recorded failed
    assert not out.exists() and runs(owner_cli) == []
    by_hand = owner_cli("automate", "run", "mine")
    assert by_hand.exit_code == 1 and "boo automate allow ann@example.com" in by_hand.stderr
    assert owner_cli("automate", "allow", "ann@example.com").exit_code == 0
    assert owner_cli("automate", "run", "mine").exit_code == 0
    assert out.read_text().split() == ["ran"]


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Recorder(http.server.BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        Recorder.received.append((self.path, self.headers.get("X-Token"), json.loads(body or b"null")))
        self.send_response(500 if self.path == "/broken" else 204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def http_server():
    Recorder.received = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_webhooks_send_method_headers_and_body_and_non_2xx_fails(owner_cli, http_server):
    add_task(
        owner_cli,
        "hook",
        "--cron",
        "0 9 * * MON",
        "--webhook",
        f"{http_server}/hook",
        "--allow-private-host",  # the test server is on loopback
        "--header",
        "X-Token: abc",
        "--body",
        '{"hello": "world"}',
    )
    add_task(
        owner_cli,
        "broken",
        "--cron",
        "0 9 * * MON",
        "--webhook",
        f"{http_server}/broken",
        "--allow-private-host",
    )
    result = owner_cli("run", "--now", MONDAY_0900)
    assert result.exit_code == 1
    assert "answered 500" in result.stderr
    assert ("/hook", "abc", {"hello": "world"}) in Recorder.received
    hook = owner_cli.json("automate", "show", "hook")["executions"][0]
    assert (hook["status"], hook["log"]["http_status"]) == ("success", 204)


def test_email_goes_through_the_configured_smtp_server(owner_cli, boo_home):
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Keep(Message):
        def handle_message(self, message):
            received.append(message)

    controller = Controller(Keep(), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        config = boo_home / "config"
        config.mkdir(parents=True, exist_ok=True)
        (config / "config.toml").write_text(
            f'[smtp]\nhost = "127.0.0.1"\nport = {controller.port}\n'
            'from = "boo@example.com"\nsecurity = "none"\n'
        )
        add_task(
            owner_cli,
            "mail",
            "--cron",
            "0 9 * * MON",
            "--email",
            "client@example.com",
            "--subject",
            "Weekly update",
            "--body",
            "All well.",
        )
        result = owner_cli("run", "--now", MONDAY_0900)
        assert result.exit_code == 0, result.stderr
    finally:
        controller.stop()
    assert len(received) == 1
    assert (received[0]["To"], received[0]["Subject"], received[0]["From"]) == (
        "client@example.com",
        "Weekly update",
        "boo@example.com",
    )
    assert received[0].get_payload().strip() == "All well."


def test_builtins_report_overdue_milestones_and_old_audits(owner_cli):
    with time_machine.travel("2026-03-01 12:00:00+00:00", tick=False):
        owner_cli("strategy", "add", "Plan")
        owner_cli("strategy", "milestone", "add", "Plan", "Late step", "--target", "2026-02-20")
        owner_cli("strategy", "milestone", "add", "Plan", "Soon step", "--target", "2026-03-05")
    add_task(owner_cli, "digest", "--cron", "0 9 * * MON", "--builtin", "milestone-digest")
    add_task(owner_cli, "audit", "--cron", "0 9 * * MON", "--builtin", "audit-reminder", "--days", "30")
    assert owner_cli("run", "--now", MONDAY_0900).exit_code == 0
    digest = owner_cli.json("automate", "show", "digest")["executions"][0]["log"]["stdout"]
    assert "Overdue:\n- Late step (due 2026-02-20)" in digest
    assert "Next 14 days:\n- Soon step (due 2026-03-05)" in digest
    reminder = owner_cli.json("automate", "show", "audit")["executions"][0]["log"]["stdout"]
    assert "never been audited" in reminder


def test_another_users_tasks_are_out_of_reach_but_run_due_runs_everyones(owner_cli, tmp_path):
    out = tmp_path / "out.txt"
    add_task(owner_cli, "ann-task", "--cron", "0 9 * * MON", "--shell", f"echo ann >> {out}")
    add_user(owner_cli, "bob@example.com")
    login(owner_cli, "bob@example.com")
    owner_cli("profile", "add", "Bob Co")
    add_task(owner_cli, "bob-task", "--cron", "0 3 * * MON", "--shell", f"echo bob >> {out}")  # New York time
    for args in (
        ["automate", "show", "ann-task"],
        ["automate", "run", "ann-task"],
        ["automate", "delete", "ann-task", "--yes"],
        ["automate", "logs", "ann-task"],
    ):
        assert owner_cli(*args).exit_code == 1, args
    assert [t["name"] for t in owner_cli.json("automate", "list")] == ["bob-task"]
    assert owner_cli("run", "--now", MONDAY_0900, "--user", "bob@example.com").exit_code == 0
    assert out.read_text().split() == ["bob"]
    assert owner_cli("run", "--now", MONDAY_0900).exit_code == 0
    assert sorted(out.read_text().split()) == ["ann", "bob"]


def boo_process(cli, *args: str, home: Path, **extra_env: str) -> subprocess.Popen:
    """boo in a real process of its own, with its own BOO_HOME (a host of its own) and no other BOO_*."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOO_")}
    env.update({"BOO_HOME": str(home), "BOO_KEYRING": "file", "BOO_RETRY_BACKOFF_SECONDS": "0", **extra_env})
    return subprocess.Popen(
        [sys.executable, "-m", "boo_cli", "--db", cli.url, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_eight_overlapping_runners_run_each_slot_once(owner_cli, tmp_path, boo_home):
    out = tmp_path / "out.txt"
    for n in range(6):
        add_task(
            owner_cli,
            f"task-{n}",
            "--cron",
            "0 * * * *",
            "--missed",
            "all",
            "--shell",
            f"echo task-{n} $BOO_SLOT >> {out}",
        )
    with time_machine.travel("2026-03-02 04:30:00+00:00", tick=False):
        for n in range(6):
            owner_cli("automate", "edit", f"task-{n}", "--cron", "0 * * * *", "--missed", "all")
    runners = [
        boo_process(owner_cli, "run", "--now", "2026-03-02T08:00:30+00:00", home=boo_home) for _ in range(8)
    ]
    for runner in runners:
        _, err = runner.communicate(timeout=120)
        assert runner.returncode == 0, err
    lines = out.read_text().splitlines()
    assert len(lines) == 6 * 4  # 05:00, 06:00, 07:00, 08:00 for each task
    assert len(set(lines)) == len(lines)
    executions = runs(owner_cli)
    assert len(executions) == 24 and {e["status"] for e in executions} == {"success"}
