"""`boo automate …` commands: definitions, plain-English schedules, logs, status, and bad input."""

from __future__ import annotations

import pytest
import time_machine

from tests.conftest import init_user

NOW = "2026-03-01 12:00:00+00:00"  # a Sunday


@pytest.fixture
def owner_cli(cli):
    with time_machine.travel(NOW, tick=False):
        init_user(cli, business="Ann's Bakery")
    return cli


def at_now(cli, *args):
    with time_machine.travel(NOW, tick=False):
        return cli(*args)


def test_add_list_show_next_in_the_users_zone(owner_cli):
    result = at_now(
        owner_cli, "automate", "add", "digest", "--cron", "0 9 * * MON", "--builtin", "milestone-digest"
    )
    assert result.exit_code == 0, result.stderr
    assert "at 09:00 on Monday (Europe/Berlin)" in result.stderr
    listed = owner_cli.json("automate", "list")
    assert [(t["name"], t["type"], t["enabled"], t["next_run_at"]) for t in listed] == [
        ("digest", "builtin", True, "2026-03-02T08:00:00+00:00")
    ]
    with time_machine.travel(NOW, tick=False):
        upcoming = owner_cli.json("automate", "next", "digest", "-n", "3")
    assert upcoming["trigger"] == "at 09:00 on Monday (Europe/Berlin)"
    assert upcoming["next"] == [
        "2026-03-02T08:00:00+00:00",
        "2026-03-09T08:00:00+00:00",
        "2026-03-16T08:00:00+00:00",
    ]
    shown = owner_cli.json("automate", "show", "digest")
    expected = {
        "version": 1,
        "tz": "Europe/Berlin",
        "missed": "latest",
        "kind": "cron",
        "expr": "0 9 * * MON",
    }
    assert shown["trigger_config"] == expected
    assert shown["action_config"]["timeout_seconds"] == 300


def test_one_off_and_interval_triggers(owner_cli):
    assert (
        at_now(
            owner_cli, "automate", "add", "once", "--at", "2026-03-10 14:30", "--builtin", "noop"
        ).exit_code
        == 0
    )
    assert at_now(owner_cli, "automate", "add", "every", "--every", "2h", "--builtin", "noop").exit_code == 0
    tasks = {t["name"]: t for t in owner_cli.json("automate", "list")}
    assert tasks["once"]["next_run_at"] == "2026-03-10T13:30:00+00:00"
    assert tasks["every"]["next_run_at"] == "2026-03-01T14:00:00+00:00"
    gap = at_now(owner_cli, "automate", "add", "gap", "--at", "2026-03-29 02:30", "--builtin", "noop")
    assert gap.exit_code == 2 and "does not exist in Europe/Berlin" in gap.stderr


def test_enable_disable_edit_delete(owner_cli):
    at_now(owner_cli, "automate", "add", "t", "--every", "1h", "--builtin", "noop")
    assert owner_cli("automate", "disable", "t").exit_code == 0
    assert owner_cli("automate", "disable", "t").exit_code == 1
    assert owner_cli.json("automate", "show", "t")["enabled"] is False
    assert owner_cli("automate", "enable", "t").exit_code == 0
    edited = at_now(owner_cli, "--json", "automate", "edit", "t", "--cron", "30 7 * * *", "--name", "morning")
    assert edited.exit_code == 0, edited.stderr
    assert owner_cli.json("automate", "show", "morning")["trigger"] == "at 07:30 every day (Europe/Berlin)"
    assert owner_cli("automate", "edit", "morning").exit_code == 2
    assert owner_cli("automate", "delete", "morning").exit_code == 2  # no terminal, no --yes
    assert owner_cli("automate", "delete", "morning", "--yes").exit_code == 0
    assert owner_cli.json("automate", "list") == []


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--cron", "61 * * * *", "--builtin", "noop"], "minute"),
        (["--cron", "0 9 * * MON", "--tz", "Mars/Base", "--builtin", "noop"], "--tz"),
        (["--every", "0m", "--builtin", "noop"], "longer than zero"),
        (["--every", "1h", "--webhook", "ftp://example.com"], "http(s)"),
        (["--every", "1h", "--builtin", "nope"], "not a built-in"),
        (["--every", "1h"], "give exactly one action"),
        (["--every", "1h", "--cron", "* * * * *", "--builtin", "noop"], "exactly one trigger"),
        (["--every", "1h", "--email", "not-an-address", "--subject", "s"], "--email"),
        (["--every", "1h", "--webhook", "http://x.example", "--body", "{nope"], "--body"),
        (["--every", "1h", "--builtin", "noop", "--missed", "sometimes"], "--missed"),
    ],
)
def test_bad_definitions_exit_2_and_write_nothing(owner_cli, args, words):
    result = at_now(owner_cli, "automate", "add", "bad", *args)
    assert result.exit_code == 2, result.stderr
    assert words in result.stderr
    assert owner_cli.json("automate", "list") == []


def test_a_duplicate_name_is_refused(owner_cli):
    at_now(owner_cli, "automate", "add", "t", "--every", "1h", "--builtin", "noop")
    result = at_now(owner_cli, "automate", "add", "t", "--every", "2h", "--builtin", "noop")
    assert result.exit_code == 1 and "already has a task named" in result.stderr


def test_logs_filter_and_status_gives_the_crontab_line(owner_cli, boo_home):
    at_now(owner_cli, "automate", "add", "ok", "--cron", "0 9 * * MON", "--builtin", "noop")
    at_now(owner_cli, "automate", "add", "bad", "--cron", "0 9 * * MON", "--shell", "exit 4")
    before = owner_cli.json("automate", "status")
    assert before["last_started"] is None and "never" in before["state"] and before["warning"]
    owner_cli("run", "--now", "2026-03-02T08:00:30+00:00")
    assert {e["task"] for e in owner_cli.json("automate", "logs")} == {"ok", "bad"}
    assert [e["task"] for e in owner_cli.json("automate", "logs", "--failed")] == ["bad"]
    assert owner_cli.json("automate", "logs", "--since", "2030-01-01") == []
    status = owner_cli.json("automate", "status")
    assert status["ran"] == 2 and status["failed"] == 1
    assert status["crontab"].startswith("* * * * * ") and status["crontab"].endswith("automate run-due")
    assert f"BOO_HOME={boo_home}" in status["crontab"]
    with time_machine.travel("2031-01-01 00:00:00+00:00", tick=False):
        stale = owner_cli.json("automate", "status")
    assert "cron seems to have stopped" in stale["warning"]


def test_dry_run_changes_nothing(owner_cli):
    at_now(owner_cli, "automate", "add", "t", "--cron", "0 9 * * MON", "--builtin", "noop")
    result = owner_cli("automate", "run-due", "--now", "2026-03-02T08:00:30+00:00", "--dry-run")
    assert result.exit_code == 0
    assert "t: would run" in result.stdout
    assert owner_cli.json("automate", "logs") == []
    assert owner_cli.json("automate", "show", "t")["next_run_at"] == "2026-03-02T08:00:00+00:00"
