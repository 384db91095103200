"""`boo profile …` through the command line."""

from __future__ import annotations

import pytest

from tests.conftest import init_user


@pytest.fixture
def ann(cli):
    init_user(cli, business="Ann's Bakery")
    return cli


def names(cli) -> list[str]:
    return [p["business_name"] for p in cli.json("profile", "list")]


def test_add_with_every_field_then_list_and_show_as_json(ann):
    added = ann.json(
        "profile",
        "add",
        "Web Studio",
        "--industry",
        "web design",
        "--stage",
        "growing",
        "--annual-revenue",
        "120k",
        "--target-revenue",
        "$1,200,000.50",
        "--model",
        "retainers",
        "--challenge",
        "time",
        "--challenge",
        "pricing",
    )
    assert added["annual_revenue"] == "120000.00"
    assert added["target_revenue"] == "1200000.50"
    assert added["revenue_gap"] == "1080000.50"
    assert added["main_challenges"] == ["time", "pricing"]
    assert added["counts"] == {"audits": 0, "strategies": 0, "milestones": 0, "tasks": 0, "executions": 0}
    assert names(ann) == ["Ann's Bakery", "Web Studio"]
    shown = ann.json("profile", "show", added["id"][:6])
    assert shown["business_name"] == "Web Studio"
    assert shown["created_at"].endswith("+00:00")


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--stage", "unicorn"], "--stage"),
        (["--annual-revenue", "-10"], "--annual-revenue"),
        (["--target-revenue", "lots"], "--target-revenue"),
        (["--industry", "i" * 101], "--industry"),
    ],
)
def test_bad_fields_exit_2_name_the_field_and_write_nothing(ann, args, field):
    result = ann("profile", "add", "New Co", *args)
    assert result.exit_code == 2
    assert field in result.stderr
    assert "Traceback" not in result.stderr
    assert names(ann) == ["Ann's Bakery"]


def test_a_name_over_255_characters_is_refused(ann):
    result = ann("profile", "add", "n" * 256)
    assert result.exit_code == 2
    assert "255" in result.stderr
    assert names(ann) == ["Ann's Bakery"]


def test_add_without_a_name_and_without_a_terminal_asks_for_the_name(ann):
    result = ann("profile", "add")
    assert result.exit_code == 2
    assert "NAME" in result.stderr


def test_use_switches_the_current_profile_and_show_follows(ann):
    ann("profile", "add", "Web Studio")
    assert ann.json("profile", "show")["business_name"] == "Ann's Bakery"
    assert ann("profile", "use", "Web Studio").exit_code == 0
    assert ann.json("profile", "show")["business_name"] == "Web Studio"
    current = [p["business_name"] for p in ann.json("profile", "list") if p["current"]]
    assert current == ["Web Studio"]
    assert ann.json("--profile", "Ann's Bakery", "profile", "show")["business_name"] == "Ann's Bakery"


def test_edit_changes_and_clears_fields(ann):
    edited = ann.json(
        "profile", "edit", "--industry", "baking", "--annual-revenue", "50k", "--challenge", "rent"
    )
    assert (edited["industry"], edited["annual_revenue"], edited["main_challenges"]) == (
        "baking",
        "50000.00",
        ["rent"],
    )
    cleared = ann.json("profile", "edit", "--industry", "")
    assert cleared["industry"] is None
    assert ann("profile", "edit").exit_code == 2


def test_delete_asks_lists_what_goes_and_needs_yes_without_a_terminal(ann):
    result = ann("profile", "delete", "Ann's Bakery")
    assert result.exit_code == 2
    assert "0 audits, 0 strategies" in result.stderr
    assert "--yes" in result.stderr
    assert names(ann) == ["Ann's Bakery"]
    assert ann("profile", "delete", "Ann's Bakery", "--yes").exit_code == 0
    assert names(ann) == []


def test_search_is_ranked_and_json(ann):
    ann("profile", "add", "Design Studio", "--industry", "graphic design")
    ann("profile", "add", "Print Shop", "--industry", "design and print")
    found = ann.json("profile", "search", "design")
    assert found[0]["business_name"] == "Design Studio"
    assert {p["business_name"] for p in found} == {"Design Studio", "Print Shop"}
    assert ann.json("profile", "search", "bakery")[0]["business_name"] == "Ann's Bakery"
    assert ann("profile", "search", "???").exit_code == 2


def test_unknown_and_ambiguous_names_exit_1(ann):
    ann("profile", "add", "Twin")
    ann("profile", "add", "Twin")
    result = ann("profile", "show", "Twin")
    assert result.exit_code == 1
    assert "matches several" in result.stderr
    missing = ann("profile", "show", "Nope")
    assert missing.exit_code == 1
    assert "no profile named" in missing.stderr


def test_completion_offers_the_users_profile_names(ann):
    from boo_cli.cli.context import AppContext, start_context
    from boo_cli.cli.profile import complete_profile

    start_context(AppContext(db=ann.url))
    assert complete_profile("ann") == ["Ann's Bakery"]
    assert complete_profile("zzz") == []
