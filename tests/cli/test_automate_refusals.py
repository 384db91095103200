"""`boo automate add` refuses a task that can never run: a one-off in the past (unless --run-now),
mail without a mail server, a webhook without a URL, a shell task without a command."""

from __future__ import annotations

import pytest
import time_machine

from tests.conftest import init_user

NOW = "2026-03-01 12:00:00+00:00"


@pytest.fixture
def owner_cli(cli):
    with time_machine.travel(NOW, tick=False):
        init_user(cli, business="Ann's Bakery")
    return cli


def at_now(cli, *args):
    with time_machine.travel(NOW, tick=False):
        return cli(*args)


def smtp_configured(boo_home):
    config = boo_home / "config"
    config.mkdir(parents=True, exist_ok=True)
    (config / "config.toml").write_text('[smtp]\nhost = "127.0.0.1"\nport = 2525\nfrom = "boo@example.com"\n')


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--at", "2026-03-01 12:59", "--builtin", "noop"], "in the past"),  # 11:59 UTC, a minute ago
        (["--at", "2025-12-24 09:00", "--builtin", "noop"], "--run-now"),
        (["--every", "1h", "--email", "c@example.com", "--subject", "Hi"], "[smtp]"),
        (["--every", "1h", "--builtin", "newsletter-digest"], "no mail server"),
        (["--every", "1h", "--builtin", "milestone-digest", "--mail-to", "c@example.com"], "config.toml"),
        (["--every", "1h", "--webhook", ""], "needs an http(s) URL"),
        (["--every", "1h", "--shell", "  "], "needs a command"),
        (["--every", "1h", "--builtin", "noop", "--run-now"], "--run-now"),
    ],
)
def test_a_task_that_can_never_run_is_refused_and_nothing_is_written(owner_cli, args, words):
    result = at_now(owner_cli, "automate", "add", "never", *args)
    assert result.exit_code == 2, result.stderr
    assert words in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert owner_cli.json("automate", "list") == []


def test_the_mail_refusal_names_the_settings_that_fix_it(owner_cli):
    result = at_now(owner_cli, "automate", "add", "m", "--every", "1d", "--builtin", "newsletter-digest")
    assert result.exit_code == 2
    assert "host" in result.stderr and "from" in result.stderr and "keyring set boo-smtp" in result.stderr


def test_mail_tasks_are_accepted_once_a_mail_server_is_set_up(owner_cli, boo_home):
    smtp_configured(boo_home)
    for name, args in {
        "mail": ["--email", "c@example.com", "--subject", "Hi"],
        "digest": ["--builtin", "newsletter-digest"],
        "copy": ["--builtin", "milestone-digest", "--mail-to", "c@example.com"],
    }.items():
        result = at_now(owner_cli, "automate", "add", name, "--every", "1d", *args)
        assert result.exit_code == 0, result.stderr
    assert sorted(t["name"] for t in owner_cli.json("automate", "list")) == ["copy", "digest", "mail"]


def test_a_past_one_off_with_run_now_runs_at_the_next_run_due_and_only_once(owner_cli):
    added = at_now(
        owner_cli, "automate", "add", "late", "--at", "2026-02-20 09:00", "--builtin", "noop", "--run-now"
    )
    assert added.exit_code == 0, added.stderr
    assert owner_cli.json("automate", "show", "late")["next_run_at"] == "2026-03-01T12:00:00+00:00"
    ran = owner_cli.json("run", "--now", "2026-03-01T12:01:00+00:00")
    assert (ran["ran"], ran["failed"]) == (1, 0)
    again = owner_cli.json("run", "--now", "2026-03-01T12:02:00+00:00")
    assert again["ran"] == 0


def test_an_edit_to_a_past_time_is_refused(owner_cli):
    at_now(owner_cli, "automate", "add", "t", "--at", "2026-03-10 09:00", "--builtin", "noop")
    result = at_now(owner_cli, "automate", "edit", "t", "--at", "2026-02-10 09:00")
    assert result.exit_code == 2 and "in the past" in result.stderr
    assert owner_cli.json("automate", "show", "t")["next_run_at"] == "2026-03-10T08:00:00+00:00"
