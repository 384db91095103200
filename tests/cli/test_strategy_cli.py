"""`boo strategy …`: the Monday routine end to end on a fixed clock, bad input, and exports."""

from __future__ import annotations

import json

import pytest
import time_machine

from tests.conftest import add_user, init_user, login
from tests.golden import assert_golden

MONDAY = "2026-03-02 08:00:00+00:00"


@pytest.fixture
def owner_cli(cli):
    with time_machine.travel("2026-01-05 09:00:00+00:00", tick=False):
        init_user(cli, business="Ann's Bakery")
    return cli


def plan(cli) -> dict:
    with time_machine.travel("2026-01-05 09:30:00+00:00", tick=False):
        created = cli.json(
            "strategy",
            "add",
            "Launch a paid newsletter",
            "-d",
            "Weekly baking tips | recipes for subscribers",
            "-t",
            "3 months",
            "-p",
            "high",
            "--impact",
            "Recurring revenue",
            "--resource",
            "budget=500",
            "--resource",
            "email tool",
        )
        for name, target in [
            ("Pick a platform", "2026-01-16"),
            ("Landing page live", "2026-02-13"),
            ("First issue: sent", "2026-03-06"),
        ]:
            assert (
                cli("strategy", "milestone", "add", created["id"][:8], name, "--target", target).exit_code
                == 0
            )
        assert cli("strategy", "activate", "Launch a paid newsletter").exit_code == 0
    return created


def test_the_monday_routine(owner_cli):
    created = plan(owner_cli)
    assert created["due_date"] == "2026-04-05"
    assert created["timeline"] == "P3M"
    with time_machine.travel("2026-01-20 10:00:00+00:00", tick=False):
        assert (
            owner_cli("strategy", "milestone", "done", "Pick a platform", "--on", "2026-01-15").exit_code == 0
        )
        assert owner_cli("strategy", "milestone", "start", "Landing page live").exit_code == 0
    with time_machine.travel(MONDAY, tick=False):
        overdue = owner_cli.json("strategy", "list", "--overdue")
        assert [s["name"] for s in overdue] == ["Launch a paid newsletter"]
        assert overdue[0]["progress"] == {"done": 1, "total": 3}
        late = owner_cli.json("strategy", "milestone", "list", "--overdue")
        assert [m["milestone"] for m in late] == ["Landing page live"]
        assert late[0]["overdue"] is True
        found = owner_cli.json("strategy", "search", "baking recipes")
        assert [s["name"] for s in found] == ["Launch a paid newsletter"]
        shown = owner_cli.json("strategy", "show", "Launch a paid newsletter")
        assert [m["status"] for m in shown["milestones"]] == ["completed", "in_progress", "pending"]
        board = owner_cli.json("strategy", "board")
        assert [s["name"] for s in board["active"]] == ["Launch a paid newsletter"]


def test_exports_match_their_golden_files(owner_cli, tmp_path):
    plan(owner_cli)
    with time_machine.travel("2026-01-20 10:00:00+00:00", tick=False):
        owner_cli("strategy", "milestone", "done", "Pick a platform", "--on", "2026-01-15")
    with time_machine.travel(MONDAY, tick=False):
        exported = {}
        for fmt in ("md", "csv", "json"):
            result = owner_cli("strategy", "export", "Launch a paid newsletter", "--format", fmt)
            assert result.exit_code == 0, result.stderr
            assert_golden(f"strategy.{fmt}", result.stdout)
            exported[fmt] = result.stdout
        target = tmp_path / "plan.md"
        assert owner_cli("strategy", "export", "Launch a paid newsletter", "-o", str(target)).exit_code == 0
        assert target.read_text() == exported["md"]
    assert "```mermaid\ngantt" in exported["md"]
    assert json.loads(exported["json"])["progress"] == {"done": 1, "total": 3}
    assert owner_cli("strategy", "export", "Launch a paid newsletter", "-f", "pdf").exit_code == 2


def test_completing_with_open_milestones_needs_force(owner_cli):
    plan(owner_cli)
    result = owner_cli("strategy", "complete", "Launch a paid newsletter")
    assert result.exit_code == 1
    assert "3 milestones are not completed" in result.stderr
    assert owner_cli("strategy", "complete", "Launch a paid newsletter", "--force").exit_code == 0
    again = owner_cli("strategy", "pause", "Launch a paid newsletter")
    assert again.exit_code == 1
    assert "cannot go from completed to paused" in again.stderr


def test_invalid_transition_names_the_allowed_ones(owner_cli):
    owner_cli("strategy", "add", "Draft plan")
    result = owner_cli("strategy", "pause", "Draft plan")
    assert result.exit_code == 1
    assert "from draft: active" in result.stderr


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["strategy", "add", "X", "--priority", "urgent"], 2, "--priority"),
        (["strategy", "add", "X", "--status", "done"], 2, "--status"),
        (["strategy", "add", "X", "--timeline", "whenever"], 2, "90d, 12w"),
        (["strategy", "add", ""], 2, "NAME"),
        (["strategy", "add", "n" * 256], 2, "255"),
        (["strategy", "list", "--sort", "vibes"], 2, "--sort"),
        (["strategy", "export", "Nope"], 1, "no strategy named"),
    ],
)
def test_bad_input_is_refused_and_nothing_written(owner_cli, args, code, words):
    result = owner_cli(*args)
    assert result.exit_code == code
    assert words in result.stderr
    assert owner_cli.json("strategy", "list") == []


def test_a_milestone_before_the_strategy_began_warns(owner_cli):
    plan(owner_cli)
    result = owner_cli(
        "strategy", "milestone", "add", "Launch a paid newsletter", "Old", "--target", "2020-01-01"
    )
    assert result.exit_code == 0
    assert "Warning: the target date 2020-01-01 is before the strategy began" in result.stderr


def test_another_users_strategy_and_milestones_are_out_of_reach(owner_cli):
    created = plan(owner_cli)
    add_user(owner_cli, "eve@example.com", first="Eve")
    login(owner_cli, "eve@example.com")
    owner_cli("profile", "add", "Eve Co")
    for args in (
        ["strategy", "show", created["id"]],
        ["strategy", "milestone", "add", created["id"], "Plant"],
        ["strategy", "milestone", "done", "Pick a platform"],
        ["strategy", "delete", "Launch a paid newsletter", "--yes"],
    ):
        result = owner_cli(*args)
        assert result.exit_code == 1, args
    assert owner_cli.json("strategy", "list") == []
    assert owner_cli.json("strategy", "search", "newsletter") == []


def test_delete_asks_and_takes_the_milestones(owner_cli):
    plan(owner_cli)
    assert owner_cli("strategy", "delete", "Launch a paid newsletter").exit_code == 2
    result = owner_cli("strategy", "delete", "Launch a paid newsletter", "--yes")
    assert result.exit_code == 0
    assert "3 milestones" in result.stderr
    assert owner_cli.json("strategy", "list") == []
