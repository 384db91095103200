"""A second user can reach none of the first user's profiles, by id, id prefix or name."""

from __future__ import annotations

import pytest

from tests.conftest import add_user, init_user, login


@pytest.fixture
def two_users(cli):
    init_user(cli, email="ann@example.com", business="Ann Secret Recipes")
    add_user(cli, "bob@example.com")
    login(cli, "ann@example.com")
    ann_profile = cli.json("profile", "list")[0]
    login(cli, "bob@example.com")
    return cli, ann_profile


def refs(profile) -> list[str]:
    return [profile["id"], profile["id"][:8], profile["id"].replace("-", "")[:12], profile["business_name"]]


@pytest.mark.parametrize("which", range(4), ids=["uuid", "prefix", "hex-prefix", "name"])
@pytest.mark.parametrize(
    "command",
    [
        ["profile", "show"],
        ["profile", "use"],
        ["profile", "delete", "--yes"],
        ["profile", "edit", "--industry", "stolen"],
    ],
    ids=["show", "use", "delete", "edit"],
)
def test_bob_cannot_reach_anns_profile(two_users, command, which):
    cli, ann_profile = two_users
    ref = refs(ann_profile)[which]
    result = cli(*command[:2], ref, *command[2:])
    assert result.exit_code == 1, result.stdout
    assert "no profile named" in result.stderr
    login(cli, "ann@example.com")
    still = cli.json("profile", "show", ann_profile["id"])
    assert still["industry"] is None


def test_bob_lists_and_searches_none_of_anns_profiles(two_users):
    cli, _ = two_users
    assert cli.json("profile", "list") == []
    assert cli.json("profile", "search", "secret recipes") == []
    cli("profile", "add", "Bob Recipes")
    assert [p["business_name"] for p in cli.json("profile", "search", "recipes")] == ["Bob Recipes"]


def test_profile_flag_cannot_point_at_another_users_profile(two_users):
    cli, ann_profile = two_users
    result = cli("--profile", ann_profile["id"], "profile", "show")
    assert result.exit_code == 1
