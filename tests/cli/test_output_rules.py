"""The rules every command's output keeps: global options anywhere but never taken from another
option's value, one JSON document decided by what ran (not by words in argv), a closed pipe after
the commit loses nothing, and records in a pipe keep their order."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.cli.test_audit_cli import FIRST
from tests.conftest import init_user


def test_a_global_option_written_as_another_options_value_stays_that_value(cli):
    init_user(cli, business="Shop")
    added = cli("strategy", "add", "Plan", "-d", "--json", "-t", "90d", "-p", "low")
    assert added.exit_code == 0, added.stderr
    shown = cli.json("strategy", "show", "Plan")
    assert (shown["description"], shown["priority"]) == ("--json", "low")
    quiet = cli("strategy", "add", "Other", "--description", "-q")
    assert quiet.exit_code == 0 and "Added 'Other'" in quiet.stderr  # -q was the description
    assert cli.json("strategy", "show", "Other")["description"] == "-q"


def test_help_words_given_as_data_do_not_silence_json(cli):
    init_user(cli, business="Shop")
    assert cli("strategy", "add", "--", "-h").exit_code == 0
    deleted = cli("--json", "strategy", "delete", "--yes", "--", "-h")
    assert deleted.exit_code == 0, deleted.stderr
    assert json.loads(deleted.stdout)["ok"] is True


def test_help_prints_help_and_no_json(cli):
    result = cli("--json", "strategy", "list", "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.stdout and '"ok"' not in result.stdout


def test_an_audit_shown_in_a_pipe_keeps_its_order_and_is_tab_separated(cli):
    init_user(cli, business="Shop")
    result = cli("audit", "start", "--answers", "-", input=json.dumps(FIRST))
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Audit of Shop"
    header = lines.index("area\tscore\t\tband")
    assert any(line.startswith("Operations\t") for line in lines[header + 1 :])
    assert lines.index("#\trecommendation\tarea\timpact\teffort\tresource") > header


@pytest.mark.subprocess
def test_a_reader_that_left_loses_nothing_and_stderr_still_speaks(url, tmp_path):
    """stdout's reader is gone before boo writes: the change is committed, boo exits 141 like a
    Unix tool killed by SIGPIPE, and what it says on stderr still reaches the user."""
    from tests.conftest import Cli

    cli = Cli(url)
    init_user(cli, business="Shop")
    read_end, write_end = os.pipe()
    os.close(read_end)
    env = {**os.environ, "BOO_HOME": os.environ["BOO_HOME"]}
    result = subprocess.run(
        [sys.executable, "-m", "boo_cli", "--db", url, "strategy", "add", "Kept"],
        stdout=write_end,
        stderr=subprocess.PIPE,
        env=env,
        timeout=60,
    )
    os.close(write_end)
    assert result.returncode == 141
    assert b"Added 'Kept'" in result.stderr and b"Traceback" not in result.stderr
    assert cli.json("strategy", "show", "Kept")["name"] == "Kept"
