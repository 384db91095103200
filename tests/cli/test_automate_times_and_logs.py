"""Times a person reads are in their zone (each owner's under run-due); a run's output and whole error
can be read, in a pipe too (CliRunner's stdout is not a terminal), and --json holds them in full."""

from __future__ import annotations

import time_machine

from tests.conftest import add_user, init_user, login

ADDED = "2026-03-01 12:00:00+00:00"  # a Sunday
MONDAY_0900_BERLIN = "2026-03-02T08:00:30+00:00"  # 09:00:30 CET, 03:00:30 EST
# Longer than the 80 characters logs used to keep; a shell error keeps its last stderr line up to 200.
LONG_ERROR = "cannot reach " + "/very/long/path" * 5 + " after 3 tries: " + "x" * 40
assert 80 < len(LONG_ERROR) < 200


def add(cli, *args: str) -> None:
    with time_machine.travel(ADDED, tick=False):
        result = cli("automate", "add", *args)
    assert result.exit_code == 0, result.stderr


def run_due(cli, now: str, *args: str):
    with time_machine.travel(now, tick=False):  # status reports when run-due was called
        return cli("run", "--now", now, *args)


def table(stdout: str) -> list[dict[str, str]]:
    header, *rows = stdout.rstrip("\n").split("\n")
    return [dict(zip(header.split("\t"), row.split("\t"), strict=True)) for row in rows]


def test_status_logs_show_and_run_due_verbose_are_in_the_users_zone(cli):
    with time_machine.travel(ADDED, tick=False):
        init_user(cli, business="Ann's Bakery")  # Europe/Berlin
    add(cli, "weekly", "--cron", "0 9 * * MON", "--shell", "echo hi")

    ran = run_due(cli, MONDAY_0900_BERLIN, "-v")
    assert ran.exit_code == 0, ran.stderr
    assert ran.stdout == "ok\tann@example.com\tweekly\t2026-03-02 09:00 CET\ttry 1\n"

    logs = cli("automate", "logs")
    [row] = table(logs.stdout)
    assert (row["started"], row["slot"]) == ("2026-03-02 09:00 CET", "2026-03-02 09:00 CET")

    shown = cli("automate", "show", "weekly").stdout
    assert "next run\t2026-03-09 09:00 CET" in shown
    assert "last run\t2026-03-02 09:00 CET" in shown
    assert "UTC" not in shown

    with time_machine.travel("2026-03-02 08:05:00+00:00", tick=False):
        status = cli("automate", "status")
    assert status.exit_code == 0, status.stderr
    assert "last run-due\t2026-03-02 09:00 CET" in status.stdout

    summer = run_due(cli, "2026-07-06T07:00:30+00:00", "-v")  # the latest missed slot, in summer time
    assert summer.stdout == "ok\tann@example.com\tweekly\t2026-07-06 09:00 CEST\ttry 1\n"
    newest = table(cli("automate", "logs").stdout)[0]["id"]
    assert "started\t2026-07-06 09:00:30 CEST" in cli("automate", "logs", "--run", newest).stdout


def test_run_due_shows_each_run_in_its_owners_zone(cli):
    with time_machine.travel(ADDED, tick=False):
        init_user(cli, business="Ann's Bakery")  # Europe/Berlin
    add(cli, "ann-task", "--cron", "0 9 * * MON", "--shell", "true")
    add_user(cli, "bob@example.com")  # America/New_York
    login(cli, "bob@example.com")
    assert cli("profile", "add", "Bob Co").exit_code == 0
    add(cli, "bob-task", "--cron", "0 3 * * MON", "--shell", "true")  # the same instant as Ann's

    planned = cli("run", "--now", MONDAY_0900_BERLIN, "--dry-run")
    assert sorted(planned.stdout.splitlines()) == [
        "ann-task: would run 2026-03-02 09:00 CET",
        "bob-task: would run 2026-03-02 03:00 EST",
    ]
    ran = run_due(cli, MONDAY_0900_BERLIN, "-v")
    assert ran.exit_code == 0, ran.stderr
    assert sorted(ran.stdout.splitlines()) == [
        "ok\tann@example.com\tann-task\t2026-03-02 09:00 CET\ttry 1",
        "ok\tbob@example.com\tbob-task\t2026-03-02 03:00 EST\ttry 1",
    ]
    [row] = table(cli("automate", "logs").stdout)  # Bob is logged in: his run, his zone
    assert (row["task"], row["slot"]) == ("bob-task", "2026-03-02 03:00 EST")
    status = cli("automate", "status")
    assert "last run-due\t2026-03-02 03:00 EST" in status.stdout
    [task] = table(cli("automate", "list").stdout)
    assert task["next run"] == "2026-03-09 03:00 EDT"  # New York moved its clocks on 8 March
    with time_machine.travel(ADDED, tick=False):
        upcoming = cli("automate", "next", "bob-task", "-n", "2")
    assert upcoming.stdout == "2026-03-02 03:00 EST\n2026-03-09 03:00 EDT\n"


def test_logs_show_a_runs_whole_error_and_output_in_a_pipe_and_in_json(cli):
    with time_machine.travel(ADDED, tick=False):
        init_user(cli, business="Ann's Bakery")
    long_line = "out:" + "y" * 150
    add(
        cli,
        "bad",
        "--cron",
        "0 9 * * MON",
        "--shell",
        f"echo first; echo {long_line}; echo '{LONG_ERROR}' >&2; exit 3",
    )
    assert run_due(cli, MONDAY_0900_BERLIN).exit_code == 1
    error = f"exit code 3: {LONG_ERROR}"

    [row] = table(cli("automate", "logs").stdout)
    assert row["error"] == error  # whole, not cut at 80 characters

    one = cli("automate", "logs", "--run", row["id"])
    assert one.exit_code == 0, one.stderr
    assert f"--- error ---\n{error}\n" in one.stdout
    assert f"--- stdout ---\nfirst\n{long_line}\n" in one.stdout
    assert f"--- stderr ---\n{LONG_ERROR}\n" in one.stdout
    assert "exit code\t3" in one.stdout and "status\tfailed" in one.stdout
    assert "started\t2026-03-02 09:00:30 CET" in one.stdout

    every = cli("automate", "logs", "bad", "--output")
    assert every.stdout == one.stdout
    shown = cli("automate", "show", "bad", "--output")
    assert shown.stdout.endswith(one.stdout)
    assert "--- stdout ---" not in cli("automate", "show", "bad").stdout  # without --output: a table

    full = cli.json("automate", "logs", "--run", row["id"])
    assert full["error"] == error
    assert (full["log"]["stdout"], full["log"]["stderr"]) == (f"first\n{long_line}\n", f"{LONG_ERROR}\n")
    assert cli.json("automate", "logs", "--output") == [full]
    assert cli.json("automate", "show", "bad", "--output")["executions"] == [full]


def test_a_run_is_named_by_its_id_or_a_prefix_and_only_its_owner_sees_it(cli):
    with time_machine.travel(ADDED, tick=False):
        init_user(cli, business="Ann's Bakery")
    add(cli, "t", "--cron", "0 9 * * MON", "--builtin", "noop")
    run_due(cli, MONDAY_0900_BERLIN)
    [run] = cli.json("automate", "logs")
    assert cli.json("automate", "logs", "--run", run["id"])["id"] == run["id"]
    assert cli.json("automate", "logs", "--run", run["id"][:4])["id"] == run["id"]
    assert cli("automate", "logs", "--run", "ab").exit_code == 2  # too short to be a prefix
    assert cli("automate", "logs", "--run", "not-an-id").exit_code == 2
    assert cli("automate", "logs", "t", "--run", run["id"]).exit_code == 2
    missing = cli("automate", "logs", "--run", "00000000-0000-0000-0000-000000000000")
    assert missing.exit_code == 1 and "no run with the id" in missing.stderr
    add_user(cli, "bob@example.com")
    login(cli, "bob@example.com")
    assert cli("automate", "logs", "--run", run["id"]).exit_code == 1


def test_status_answers_where_nobody_can_act_and_prints_the_crontab_line_whole(cli):
    status = cli("automate", "status")  # a database with no user yet
    assert status.exit_code == 0, status.stderr
    assert "never on this machine" in status.stdout
    last = status.stdout.rstrip("\n").split("\n")[-1]
    assert last == cli.json("automate", "status")["crontab"]


def test_show_prints_a_long_webhook_url_whole_in_a_pipe(cli):
    with time_machine.travel(ADDED, tick=False):
        init_user(cli, business="Ann's Bakery")
    url = "https://hooks.example.com/" + "a" * 250
    add(cli, "hook", "--every", "1h", "--webhook", url)
    assert url in cli("automate", "show", "hook").stdout
