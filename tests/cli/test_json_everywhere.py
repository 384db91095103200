"""`--json` on every leaf command of the tree, before and after the subcommand: stdout is exactly one
JSON document, or the command refuses with exit 2 and one line that says what to use instead.

The commands come from walking the Typer tree, so a new command is covered the day it lands; the only
hand-written part is the arguments a command needs to do its real work (a test fails when a command
with required arguments has none here).
"""

from __future__ import annotations

import json

import pytest

from boo_cli.cli.app import command_paths
from tests.cli.test_audit_cli import FIRST
from tests.conftest import PASSWORD, init_user

# Arguments that make each command do its work in the world built below. Commands missing here run
# bare. Destructive commands run last, on records made for them.
ARGS: dict[str, list[str]] = {
    "boo init": ["--email", "ann@example.com", "--password-stdin"],  # already set up: refused (1)
    "boo user add": [
        "--email",
        "cy@example.com",
        "--first-name",
        "Cy",
        "--last-name",
        "Dee",
        "--timezone",
        "UTC",
        "--password-stdin",
    ],
    "boo user edit": ["--first-name", "Annie"],
    "boo user passwd": ["--password-stdin"],
    "boo user delete": ["--password-stdin", "--yes"],
    "boo user login": ["ann@example.com", "--password-stdin"],
    "boo profile add": ["Second shop"],
    "boo profile edit": ["--industry", "baking"],
    "boo profile delete": ["Second shop", "--yes"],
    "boo profile use": ["Shop"],
    "boo profile search": ["Shop"],
    "boo audit start": ["--answers", "-"],
    "boo audit delete": ["latest", "--yes"],
    "boo audit plan": ["--yes"],
    "boo strategy add": ["Other plan"],
    "boo strategy show": ["Plan"],
    "boo strategy edit": ["Plan", "--priority", "high"],
    "boo strategy delete": ["Other plan", "--yes"],
    "boo strategy activate": ["Plan"],
    "boo strategy pause": ["Plan"],
    "boo strategy resume": ["Plan"],
    "boo strategy complete": ["Plan", "--force"],
    "boo strategy search": ["Plan"],
    "boo strategy export": ["Plan"],
    "boo strategy milestone add": ["Plan", "Second step"],
    "boo strategy milestone start": ["Step"],
    "boo strategy milestone done": ["Step"],
    "boo strategy milestone edit": ["Step", "--name", "First step"],
    "boo strategy milestone delete": ["Second step", "--yes"],
    "boo consult book": ["--at", "2030-01-07 10:00"],
    "boo consult show": ["{consultation}"],
    "boo consult complete": ["{consultation}"],
    "boo consult cancel": ["{second_consultation}"],
    "boo consult reschedule": ["{second_consultation}", "--at", "2030-01-09 10:00"],
    "boo consult edit": ["{consultation}", "--title", "Renamed", "--client", "Ann"],
    "boo consult actions": ["{consultation}", "Plan", "--yes"],
    "boo consult note add": ["{consultation}", "--summary", "Went well", "--action", "Call back"],
    "boo consult note edit": ["{consultation}", "--summary", "Went very well"],
    "boo consult note show": ["{consultation}"],
    "boo automate add": ["later", "--every", "1h", "--builtin", "noop"],
    "boo automate show": ["tick"],
    "boo automate edit": ["tick", "--every", "2h"],
    "boo automate enable": ["tick"],
    "boo automate disable": ["tick"],
    "boo automate delete": ["later", "--yes"],
    "boo automate next": ["tick"],
    "boo automate run": ["tick"],
    "boo automate allow": ["ann@example.com"],
    "boo automate deny": ["ann@example.com"],
    "boo resources show": ["pricing-a-service"],
    "boo resources search": ["pricing"],
    "boo resources get": ["pricing-a-service", "-o", "{tmp}/pricing.md"],
    "boo resources newsletter edit": ["--frequency", "monthly"],
    "boo resources newsletter unsubscribe": [],
    "boo db downgrade": ["head"],
    "boo history show": ["{change}"],
}
STDIN = {
    "boo init": PASSWORD + "\n",
    "boo user add": PASSWORD + "\n",
    "boo user passwd": f"{PASSWORD}\n{PASSWORD}\n",
    "boo user delete": PASSWORD + "\n",
    "boo user login": PASSWORD + "\n",
    "boo audit start": json.dumps(FIRST),
}
# The few that end with an operational refusal in this world (still: nothing on stdout, one line):
# init on a database that has a user, resume with nothing unfinished (it needs a terminal anyway).
REFUSED = {"boo init", "boo audit resume"}
# Commands that must run in this order after all the others (the rest keep the tree's order).
FINAL = [
    "boo automate disable",
    "boo automate enable",
    "boo profile delete",
    "boo audit delete",
    "boo strategy delete",
    "boo strategy milestone delete",
    "boo consult cancel",
    "boo automate delete",
    "boo resources newsletter unsubscribe",
    "boo db downgrade",
    "boo user add",
    "boo user logout",
    "boo user login",
    "boo user delete",
]


def leaf_commands() -> list[str]:
    paths = [path for path, _ in command_paths()]
    return sorted(paths, key=lambda p: FINAL.index(p) + 1 if p in FINAL else 0)


def test_every_command_with_required_arguments_has_them_here():
    missing = [
        path
        for path, command in command_paths()
        if any(p.required for p in command.params) and path not in ARGS
    ]
    assert missing == []


def build_world(cli, tmp_path) -> dict[str, str]:
    init_user(cli, business="Shop")
    assert cli("strategy", "add", "Plan").exit_code == 0
    assert cli("strategy", "milestone", "add", "Plan", "Step").exit_code == 0
    first = cli.json("consult", "book", "--at", "2026-01-02 10:00", "--past")
    second = cli.json("consult", "book", "--at", "2030-01-03 10:00")
    assert cli("automate", "add", "tick", "--every", "1h", "--builtin", "noop").exit_code == 0
    for _ in range(2):
        assert cli("audit", "start", "--answers", "-", input=json.dumps(FIRST)).exit_code == 0
    change = cli.json("history", "--limit", "1")[0]["id"]
    return {
        "consultation": first["id"],
        "second_consultation": second["id"],
        "change": change,
        "tmp": str(tmp_path),
    }


def check_json_run(cli, path: str, position: str, world: dict[str, str]):
    words = path.split()[1:]
    args = [a.format(**world) for a in ARGS.get(path, [])]
    argv = ["--json", *words, *args] if position == "before" else [*words, *args, "--json"]
    result = cli(*argv, input=STDIN.get(path))
    problem = None
    if result.exit_code == 0:
        try:
            json.loads(result.stdout)
        except ValueError:
            problem = f"exit 0 but stdout is not one JSON document: {result.stdout[:200]!r}"
    elif result.exit_code == 2 or path in REFUSED:
        if result.stdout.strip():
            problem = f"exit {result.exit_code} with something on stdout: {result.stdout[:200]!r}"
        elif not result.stderr.startswith("boo: ") or len(result.stderr.strip().splitlines()) != 1:
            problem = f"exit {result.exit_code} without one line on stderr: {result.stderr!r}"
    else:
        problem = f"exit {result.exit_code}: {result.stderr.strip()[:300]}"
    return problem


@pytest.mark.parametrize("position", ["before", "after"])
def test_json_is_one_document_on_every_command(cli, tmp_path, position):
    world = build_world(cli, tmp_path)
    problems = {}
    for path in leaf_commands():
        problem = check_json_run(cli, path, position, world)
        if problem:
            problems[path] = problem
    assert problems == {}, "\n".join(f"{k}: {v}" for k, v in problems.items())


def test_a_written_file_is_described_in_json(cli, tmp_path):
    world = build_world(cli, tmp_path)
    target = tmp_path / "plan.md"
    written = cli.json("strategy", "export", "Plan", "-o", str(target))
    assert written["path"] == str(target)
    assert written["bytes"] == target.stat().st_size > 0
    assert world


def test_a_document_that_is_not_json_is_refused_with_json(cli, tmp_path):
    build_world(cli, tmp_path)
    result = cli("--json", "strategy", "export", "Plan", "--format", "md")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "-o" in result.stderr
