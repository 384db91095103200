"""Whose shell tasks a host runs: by user id (allow/deny), never by an email an account can change; a
host claims only what it may run, so in team mode every slot runs once, on a host that may run it."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
import time_machine

from tests.automation.conftest import MONDAY_0900, add_task
from tests.automation.test_run_due import boo_process
from tests.conftest import PASSWORD, add_user, login


def runs(cli, task: str | None = None) -> list[dict]:
    return cli.json("automate", "logs", *([task] if task else []), "--limit", "500")


def status(cli, at: str) -> dict:
    with time_machine.travel(at, tick=False):
        return cli.json("automate", "status")


def user_id(cli, email: str) -> str:
    return next(u["id"] for u in cli.json("user", "list") if u["email"] == email)


def another_host(boo_home: Path) -> None:
    """From here on this BOO_HOME is a host where no account was created (a fresh state folder)."""
    shutil.rmtree(boo_home / "state")


def test_an_account_that_takes_an_allowed_email_still_cannot_run_shell_tasks(owner_cli, tmp_path, boo_home):
    out = tmp_path / "out.txt"
    add_task(owner_cli, "ann-task", "--cron", "0 9 * * MON", "--shell", f"echo ann >> {out}")
    add_user(owner_cli, "bob@example.com")
    login(owner_cli, "bob@example.com")
    assert owner_cli("profile", "add", "Bob Co").exit_code == 0
    add_task(owner_cli, "bob-task", "--cron", "0 3 * * MON", "--shell", f"echo bob >> {out}")
    another_host(boo_home)
    allowed = owner_cli("automate", "allow", "ann@example.com")
    assert allowed.exit_code == 0, allowed.stderr
    ann = user_id(owner_cli, "ann@example.com")
    # Ann moves to a new address; Bob takes the one this host was told to trust.
    login(owner_cli, "ann@example.com")
    assert owner_cli("user", "edit", "--email", "ann@new.example.com").exit_code == 0
    login(owner_cli, "bob@example.com")
    assert owner_cli("user", "edit", "--email", "ann@example.com").exit_code == 0

    result = owner_cli("run", "--now", MONDAY_0900)
    assert result.exit_code == 0, result.stderr
    assert out.read_text().split() == ["ann"]
    assert runs(owner_cli, "bob-task") == []  # not claimed: it waits, and is not recorded failed
    report = status(owner_cli, "2026-03-02 08:01:00+00:00")
    assert report["host"]["shell_users"] == [{"id": ann, "email": "ann@new.example.com", "why": "allowed"}]
    assert [w["message"] for w in report["waiting"]] == [
        "1 shell task of ann@example.com waits: no host may run it; run 'boo automate allow "
        "ann@example.com' on the host that should"
    ]
    assert owner_cli("automate", "run", "bob-task").exit_code == 1  # by hand neither
    assert out.read_text().split() == ["ann"]


def test_the_old_email_list_in_the_config_file_is_refused_with_what_to_run(owner_cli, tmp_path, boo_home):
    out = tmp_path / "out.txt"
    add_task(owner_cli, "mine", "--cron", "0 9 * * MON", "--shell", f"echo ran >> {out}")
    (boo_home / "config").mkdir(parents=True, exist_ok=True)
    (boo_home / "config" / "config.toml").write_text('[automation]\nshell_users = ["ann@example.com"]\n')
    result = owner_cli("run", "--now", MONDAY_0900)
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "automation.shell_users" in result.stderr and "boo automate allow EMAIL" in result.stderr
    assert not out.exists() and runs(owner_cli) == []
    shown = owner_cli("automate", "status")
    assert shown.exit_code == 0 and "boo automate allow EMAIL" in shown.stderr


def test_allow_and_deny_by_email_and_by_id_decide_which_slots_run(owner_cli, tmp_path, boo_home):
    out = tmp_path / "out.txt"
    add_task(owner_cli, "hourly", "--cron", "0 * * * *", "--shell", f"echo $BOO_SLOT >> {out}")
    ann = user_id(owner_cli, "ann@example.com")
    created_here = status(owner_cli, "2026-03-02 06:00:00+00:00")["host"]["shell_users"]
    assert created_here == [{"id": ann, "email": "ann@example.com", "why": "created here"}]

    denied = owner_cli("automate", "deny", ann)  # by id, an account created here too
    assert denied.exit_code == 0 and "no longer runs the shell tasks of ann@example.com" in denied.stderr
    assert owner_cli("run", "--now", "2026-03-02T07:00:30+00:00", "--dry-run").stdout == ""
    assert owner_cli("run", "--now", "2026-03-02T07:00:30+00:00").exit_code == 0
    assert not out.exists() and runs(owner_cli) == []
    report = status(owner_cli, "2026-03-02 07:01:00+00:00")
    assert report["host"]["shell_users"] == []
    assert [(w["email"], w["tasks"], w["hosts"]) for w in report["waiting"]] == [("ann@example.com", 1, [])]

    allowed = owner_cli.json("automate", "allow", "ANN@example.com")  # by email, any case
    planned = owner_cli("run", "--now", "2026-03-02T08:00:30+00:00", "--dry-run").stdout
    assert planned == "hourly: would run 2026-03-02 09:00 CET\n"
    assert (allowed["user_id"], allowed["runs_shell_tasks"], allowed["changed"]) == (ann, True, True)
    assert owner_cli("run", "--now", "2026-03-02T08:00:30+00:00").exit_code == 0
    assert out.read_text().split() == ["2026-03-02T08:00:00+00:00"]
    report = status(owner_cli, "2026-03-02 08:01:00+00:00")
    assert report["waiting"] == []
    assert report["host"]["shell_users"] == [{"id": ann, "email": "ann@example.com", "why": "allowed"}]

    assert owner_cli("automate", "deny", "ann@example.com").exit_code == 0
    assert owner_cli("run", "--now", "2026-03-02T09:00:30+00:00").exit_code == 0
    assert owner_cli("automate", "allow", ann).exit_code == 0
    assert owner_cli("run", "--now", "2026-03-02T10:00:30+00:00").exit_code == 0
    assert out.read_text().split() == ["2026-03-02T08:00:00+00:00", "2026-03-02T10:00:00+00:00"]
    assert [e["status"] for e in runs(owner_cli)] == ["success", "success"]


def test_allow_names_an_account_that_exists(owner_cli):
    unknown = owner_cli("automate", "allow", "nobody@example.com")
    assert unknown.exit_code == 1 and "no user with email nobody@example.com" in unknown.stderr
    missing = owner_cli("automate", "allow", str(uuid.uuid4()))
    assert missing.exit_code == 1 and "no user with the id" in missing.stderr
    vague = owner_cli("automate", "deny", "ann")
    assert vague.exit_code == 2 and "neither an email nor a full user id" in vague.stderr


def test_status_names_hosts_that_may_run_waiting_tasks_but_stopped(owner_cli, tmp_path, boo_home):
    add_task(owner_cli, "hourly", "--cron", "0 * * * *", "--shell", "true")
    assert owner_cli("run", "--now", "2026-03-02T07:00:30+00:00").exit_code == 0
    fresh = status(owner_cli, "2026-03-02 07:59:00+00:00")
    assert fresh["waiting"] == []
    stale = status(owner_cli, "2026-03-02 08:30:00+00:00")  # the 08:00 slot waits; cron stopped here
    host = stale["host"]["name"]
    assert [w["message"] for w in stale["waiting"]] == [
        f"1 shell task of ann@example.com waits: the hosts that may run it ({host}) have not run "
        "run-due in the last 5 minutes"
    ]


# --- team mode: several hosts' cron against one PostgreSQL database ---------------------------


def host_process(cli, *args: str, home: Path, mark: str) -> subprocess.Popen:
    return boo_process(cli, *args, home=home, HOST_MARK=mark)


def run_hosts(cli, homes: dict[str, Path], now: str) -> None:
    runners = [host_process(cli, "run", "--now", now, home=home, mark=mark) for mark, home in homes.items()]
    for runner in runners:
        _, err = runner.communicate(timeout=300)
        assert runner.returncode == 0, err


def as_host(cli, monkeypatch, home: Path, *args: str, input: str | None = None):
    with monkeypatch.context() as patch:
        patch.setenv("BOO_HOME", str(home))
        result = cli(*args, input=input)
    assert result.exit_code == 0, result.stderr
    return result


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_three_hosts_run_every_due_shell_slot_once_on_the_host_that_may(owner_cli, tmp_path, monkeypatch):
    marks = tmp_path / "marks"
    marks.mkdir()
    homes = {mark: tmp_path / mark for mark in ("h1", "h2", "h3")}
    for home in homes.values():
        login = ["user", "login", "ann@example.com", "--password-stdin"]
        as_host(owner_cli, monkeypatch, home, *login, input=PASSWORD + "\n")
    for n in range(20):
        add_task(owner_cli, f"shell-{n}", "--cron", "0 * * * *", "--missed", "all", "--shell",
                 f'echo shell-{n} $BOO_SLOT >> {marks}/"$HOST_MARK"')  # fmt: skip
    for n in range(3):
        add_task(owner_cli, f"noop-{n}", "--cron", "0 * * * *", "--builtin", "noop")
    with time_machine.travel("2026-03-02 05:30:00+00:00", tick=False):
        for n in range(20):
            owner_cli("automate", "edit", f"shell-{n}", "--cron", "0 * * * *", "--missed", "all")
    as_host(owner_cli, monkeypatch, homes["h2"], "automate", "allow", "ann@example.com")

    run_hosts(owner_cli, homes, "2026-03-02T08:00:30+00:00")  # slots 06:00, 07:00, 08:00 of each

    assert sorted(p.name for p in marks.iterdir()) == ["h2"]
    lines = (marks / "h2").read_text().splitlines()
    expected = {f"shell-{n} 2026-03-02T0{h}:00:00+00:00" for n in range(20) for h in (6, 7, 8)}
    assert len(lines) == len(expected) and set(lines) == expected
    executions = runs(owner_cli)
    assert len(executions) == 60 + 3
    assert {e["status"] for e in executions} == {"success"}
    h2 = (homes["h2"] / "state" / "host-id").read_text().strip()
    assert {e["log"]["host_id"] for e in executions if e["task"].startswith("shell-")} == {h2}

    # h2 stops running Ann's shell tasks: the next slot waits on every host, and status says so.
    as_host(owner_cli, monkeypatch, homes["h2"], "automate", "deny", "ann@example.com")
    run_hosts(owner_cli, homes, "2026-03-02T09:00:30+00:00")
    assert len((marks / "h2").read_text().splitlines()) == 60
    executions = runs(owner_cli)
    assert len(executions) == 60 + 6 and {e["status"] for e in executions} == {"success"}
    with monkeypatch.context() as patch:
        patch.setenv("BOO_HOME", str(homes["h1"]))
        report = status(owner_cli, "2026-03-02 09:01:00+00:00")
    assert [w["message"] for w in report["waiting"]] == [
        "20 shell tasks of ann@example.com wait: no host may run them; run 'boo automate allow "
        "ann@example.com' on the host that should"
    ]
    assert report["host"]["shell_users"] == []


def test_an_idle_run_due_renews_the_hosts_heartbeat_only_every_two_minutes(owner_cli):
    import sqlalchemy as sa

    from boo_cli import db
    from boo_cli.models import AutomationHost

    def last_seen() -> list:
        with db.get_engine(owner_cli.url).connect() as conn:
            rows = conn.execute(sa.select(AutomationHost.__table__.c.last_seen_at)).scalars()
            return [seen.isoformat() for seen in rows]

    for minute in ("07:00:30", "07:01:30", "07:02:30"):
        assert owner_cli("run", "--now", f"2026-03-02T{minute}+00:00").exit_code == 0
        assert last_seen() == ["2026-03-02T07:00:30+00:00"]
    assert owner_cli("run", "--now", "2026-03-02T07:03:00+00:00").exit_code == 0
    assert last_seen() == ["2026-03-02T07:03:00+00:00"]
