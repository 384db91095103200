"""The current business is the scope: names and id prefixes are looked up in it, a full id anywhere the
user owns, --profile (before or after the subcommand) switches it, and --all-profiles lists every one.

Two businesses, Alpha (current) and Beta, each have a strategy "Plan" with a milestone "Step", a task
"digest" and an audit, so a lookup that strays into the other business shows in the result.
"""

from __future__ import annotations

import json

import pytest
import time_machine

from tests.cli.test_audit_cli import full
from tests.conftest import init_user

NOW = "2026-03-02 09:00:00+00:00"
# Every required question answered (5 for the rest), so each audit is finished.
ANSWERS = full(
    {
        "operations.written-procedures": 1,
        "operations.capacity-planning": 2,
        "finance.cash-flow-forecast": 1,
        "finance.separate-accounts": 5,
        "technology.backups": 2,
    }
)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def ok(result):
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


@pytest.fixture
def two(cli, clock):
    """Alpha and Beta with the same names in each; Alpha is current. Returns {business: {what: id}}."""
    init_user(cli, business="Alpha")
    ok(cli("profile", "add", "Beta"))
    ok(cli("profile", "use", "Alpha"))
    ids = {}
    for business in ("Alpha", "Beta"):
        strategy = cli.json("--profile", business, "strategy", "add", "Plan")
        milestone = cli.json("--profile", business, "strategy", "milestone", "add", strategy["id"], "Step")
        task = cli.json(
            "--profile", business, "automate", "add", "digest", "--every", "1d", "--builtin", "noop"
        )
        ids[business] = {"strategy": strategy["id"], "milestone": milestone["id"], "task": str(task["id"])}
        assert milestone["strategy_id"] == strategy["id"]
    return cli, ids


def strategies_by_business(cli) -> dict[str, dict]:
    return {row["business"]: row for row in cli.json("strategy", "list", "--all-profiles")}


# --- strategies -------------------------------------------------------------------------------


def test_a_shared_name_is_the_current_business_s_strategy_and_profile_switches_it(two):
    cli, ids = two
    assert cli.json("strategy", "show", "Plan")["id"] == ids["Alpha"]["strategy"]
    assert cli.json("--profile", "Beta", "strategy", "show", "Plan")["id"] == ids["Beta"]["strategy"]
    assert cli.json("strategy", "show", "Plan", "--profile", "Beta")["id"] == ids["Beta"]["strategy"]
    ok(cli("profile", "use", "Beta"))
    assert cli.json("strategy", "show", "Plan")["id"] == ids["Beta"]["strategy"]


def test_a_full_id_reaches_another_business_but_a_prefix_does_not(two):
    cli, ids = two
    beta = ids["Beta"]["strategy"]
    assert cli.json("strategy", "show", beta)["id"] == beta
    result = cli("strategy", "show", beta[:8])
    assert result.exit_code == 1
    assert f"no strategy named '{beta[:8]}'" in result.stderr
    assert "Another of your businesses has that strategy: pass --profile NAME" in result.stderr
    assert cli.json("strategy", "show", beta[:8], "--profile", "Beta")["id"] == beta


@pytest.mark.parametrize(
    "command, changed",
    [
        (["strategy", "edit", "Plan", "--priority", "high"], lambda row: row["priority"] == "high"),
        (["strategy", "activate", "Plan"], lambda row: row["status"] == "active"),
        (["strategy", "milestone", "add", "Plan", "Second"], lambda row: row["progress"]["total"] == 2),
        (["strategy", "delete", "Plan", "--yes"], None),
    ],
    ids=["edit", "activate", "milestone-add", "delete"],
)
@pytest.mark.parametrize("where", ["current", "before", "after"])
def test_each_strategy_command_changes_only_the_named_business_s_row(two, command, changed, where):
    cli, ids = two
    target = "Alpha" if where == "current" else "Beta"
    args = {
        "current": command,
        "before": ["--profile", "Beta", *command],
        "after": [*command, "--profile", "Beta"],
    }
    ok(cli(*args[where]))
    rows = strategies_by_business(cli)
    untouched = "Beta" if target == "Alpha" else "Alpha"
    assert rows[untouched]["id"] == ids[untouched]["strategy"]
    assert (rows[untouched]["priority"], rows[untouched]["status"]) == ("medium", "draft")
    assert rows[untouched]["progress"]["total"] == 1
    if changed is None:
        assert target not in rows
    else:
        assert rows[target]["id"] == ids[target]["strategy"]
        assert changed(rows[target])


def test_ambiguity_inside_one_business_lists_its_candidates_and_says_strategies(two):
    cli, _ = two
    first = cli.json("strategy", "add", "Twin")
    second = cli.json("strategy", "add", "Twin")
    elsewhere = cli.json("--profile", "Beta", "strategy", "add", "Twin")
    result = cli("strategy", "show", "Twin")
    assert result.exit_code == 1
    assert "'Twin' matches several strategies:" in result.stderr
    assert first["id"][:8] in result.stderr and second["id"][:8] in result.stderr
    assert elsewhere["id"][:8] not in result.stderr
    assert "strategys" not in result.stderr
    # In Beta the name is one strategy's.
    assert cli.json("strategy", "show", "Twin", "--profile", "Beta")["id"] == elsewhere["id"]


def test_all_profiles_lists_every_business_with_a_business_column_and_stays_paged(two):
    cli, ids = two
    assert [row["id"] for row in cli.json("strategy", "list")] == [ids["Alpha"]["strategy"]]
    listed = cli.json("strategy", "list", "--all-profiles", "--sort", "name")
    assert sorted((row["business"], row["id"]) for row in listed) == sorted(
        (b, ids[b]["strategy"]) for b in ("Alpha", "Beta")
    )
    table = ok(cli("strategy", "list", "--all-profiles"))
    assert table.stdout.splitlines()[0].startswith("business\tid\tstrategy")
    assert {line.split("\t")[0] for line in table.stdout.splitlines()[1:]} == {"Alpha", "Beta"}
    assert "business" not in cli.json("strategy", "list")[0]
    first_page = ok(cli("strategy", "list", "--all-profiles", "--limit", "1"))
    assert len(first_page.stdout.splitlines()) == 2
    assert "Showing 1-1 of 2; the next page: --offset 1" in first_page.stderr


# --- milestones -------------------------------------------------------------------------------


def milestones_by_business(cli) -> dict[str, dict]:
    return {row["business"]: row for row in cli.json("strategy", "milestone", "list", "--all-profiles")}


def test_milestone_names_are_looked_up_in_the_current_business(two):
    cli, ids = two
    done = cli.json("strategy", "milestone", "done", "Step")
    assert done["id"] == ids["Alpha"]["milestone"]
    started = cli.json("strategy", "milestone", "start", "Step", "--profile", "Beta")
    assert (started["id"], started["status"]) == (ids["Beta"]["milestone"], "in_progress")
    rows = milestones_by_business(cli)
    assert (rows["Alpha"]["id"], rows["Alpha"]["status"]) == (ids["Alpha"]["milestone"], "completed")
    assert (rows["Beta"]["id"], rows["Beta"]["status"]) == (ids["Beta"]["milestone"], "in_progress")
    edited = cli.json("--profile", "Beta", "strategy", "milestone", "edit", "Step", "--name", "Beta step")
    assert edited["id"] == ids["Beta"]["milestone"]
    # A full id of Beta's milestone works from Alpha; its prefix does not.
    beta = ids["Beta"]["milestone"]
    refused = cli("strategy", "milestone", "delete", beta[:8], "--yes")
    assert refused.exit_code == 1 and "Another of your businesses has that milestone" in refused.stderr
    missing = cli("strategy", "milestone", "done", "No such step")
    assert missing.exit_code == 1 and "Another of your businesses" not in missing.stderr
    ok(cli("strategy", "milestone", "delete", beta, "--yes"))
    assert list(milestones_by_business(cli)) == ["Alpha"]


def test_milestone_list_is_the_current_business_s_unless_all_profiles(two):
    cli, ids = two
    assert [m["id"] for m in cli.json("strategy", "milestone", "list")] == [ids["Alpha"]["milestone"]]
    assert [m["id"] for m in cli.json("strategy", "milestone", "list", "--profile", "Beta")] == [
        ids["Beta"]["milestone"]
    ]
    rows = milestones_by_business(cli)
    assert {b: r["id"] for b, r in rows.items()} == {b: ids[b]["milestone"] for b in ("Alpha", "Beta")}
    paged = ok(cli("strategy", "milestone", "list", "--all-profiles", "--limit", "1"))
    assert len(paged.stdout.splitlines()) == 2
    assert "Showing 1-1 of 2; the next page: --offset 1 (every row: --all)." in paged.stderr
    refused = cli("strategy", "milestone", "list", "Plan", "--all-profiles")
    assert refused.exit_code == 2
    # --strategy by full id narrows the name search to that strategy, whichever business it is of.
    done = cli.json("strategy", "milestone", "done", "Step", "--strategy", ids["Beta"]["strategy"])
    assert (done["id"], done["status"]) == (ids["Beta"]["milestone"], "completed")


# --- automation -------------------------------------------------------------------------------


def test_task_names_are_looked_up_in_the_current_business(two):
    cli, ids = two
    assert cli.json("automate", "show", "digest")["id"] == ids["Alpha"]["task"]
    assert cli.json("automate", "show", "digest", "--profile", "Beta")["id"] == ids["Beta"]["task"]
    edited = cli.json("--profile", "Beta", "automate", "edit", "digest", "--description", "Beta's")
    assert (edited["id"], edited["description"]) == (ids["Beta"]["task"], "Beta's")
    assert cli.json("automate", "show", "digest")["description"] is None
    ok(cli("automate", "run", "digest"))
    assert len(cli.json("automate", "show", "digest")["executions"]) == 1
    assert cli.json("automate", "show", ids["Beta"]["task"])["executions"] == []
    ok(cli("automate", "disable", "digest", "--profile", "Beta"))
    listed = {t["business"]: t for t in cli.json("automate", "list", "--all-profiles")}
    assert {b: (t["id"], t["enabled"]) for b, t in listed.items()} == {
        "Alpha": (ids["Alpha"]["task"], True),
        "Beta": (ids["Beta"]["task"], False),
    }
    assert [t["id"] for t in cli.json("automate", "list")] == [ids["Alpha"]["task"]]
    paged = ok(cli("automate", "list", "--all-profiles", "--limit", "1"))
    assert paged.stdout.splitlines()[0].startswith("business\tname")
    assert len(paged.stdout.splitlines()) == 2
    assert "Showing 1-1 of 2; the next page: --offset 1 (every row: --all)." in paged.stderr


# --- audits -----------------------------------------------------------------------------------


def take(cli, business: str) -> dict:
    return cli.json("--profile", business, "audit", "start", "--answers", "-", input=json.dumps(ANSWERS))


def test_audits_are_read_in_the_current_business_and_a_full_id_anywhere(two):
    cli, _ = two
    alpha, beta = take(cli, "Alpha"), take(cli, "Beta")
    assert cli.json("audit", "show")["id"] == alpha["id"]
    assert cli.json("audit", "show", "latest", "--profile", "Beta")["business"] == "Beta"
    assert cli.json("audit", "show", beta["id"])["business"] == "Beta"
    assert cli("audit", "show", beta["id"][:8]).exit_code == 1
    assert cli.json("audit", "show", beta["id"][:8], "--profile", "Beta")["id"] == beta["id"]
    exported = ok(cli("--profile", "Beta", "audit", "export", "--format", "md"))
    assert "Beta" in exported.stdout and "Alpha" not in exported.stdout
    listed = cli.json("audit", "list", "--all-profiles")
    assert sorted((a["business"], a["id"]) for a in listed) == [("Alpha", alpha["id"]), ("Beta", beta["id"])]
    assert [a["id"] for a in cli.json("audit", "list")] == [alpha["id"]]
    paged = ok(cli("audit", "list", "--all-profiles", "--limit", "1"))
    assert len(paged.stdout.splitlines()) == 2
    assert "Showing 1-1 of 2; the next page: --offset 1 (every row: --all)." in paged.stderr


def test_audit_plan_checks_only_its_own_business_for_strategies_already_planned(two):
    cli, _ = two
    take(cli, "Alpha")
    take(cli, "Beta")
    in_alpha = cli.json("audit", "plan", "--top", "2", "--yes")
    assert len(in_alpha) == 2
    in_beta = cli.json("audit", "plan", "--top", "2", "--yes", "--profile", "Beta")
    assert [s["name"] for s in in_beta] == [s["name"] for s in in_alpha]
    assert {s["id"] for s in in_beta}.isdisjoint({s["id"] for s in in_alpha})
    beta_names = {s["name"] for s in cli.json("strategy", "list", "--profile", "Beta")}
    assert {s["name"] for s in in_alpha} <= beta_names
    assert cli.json("audit", "plan", "--top", "2", "--yes", "--profile", "Beta") == []


# --- consultations ----------------------------------------------------------------------------


def test_consultation_actions_land_in_the_business_the_user_names(two):
    cli, ids = two
    c = cli.json("consult", "book", "--at", "2026-03-02 08:00", "--past")
    ok(cli("consult", "note", c["id"], "--action", "Call the bank"))
    added = cli.json("consult", "actions", c["id"], "--to-strategy", "Plan", "--profile", "Beta")
    assert [m["strategy_id"] for m in added] == [ids["Beta"]["strategy"]]
    beta_steps = cli.json("strategy", "milestone", "list", "Plan", "--profile", "Beta")
    assert [m["milestone"] for m in beta_steps] == ["Step", "Call the bank"]
    assert [m["milestone"] for m in cli.json("strategy", "milestone", "list", "Plan")] == ["Step"]
    to_alpha = cli.json("consult", "actions", c["id"], "--to-strategy", "Plan")
    assert [m["strategy_id"] for m in to_alpha] == [ids["Alpha"]["strategy"]]
