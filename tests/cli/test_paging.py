"""Lists page alike on both backends: --limit, --offset and --all give the same rows in the same order."""

from __future__ import annotations

import pytest
import time_machine

from tests.automation.conftest import add_task
from tests.conftest import init_user


@pytest.fixture
def owner_cli(cli):
    with time_machine.travel("2026-03-01 12:00:00+00:00", tick=False):
        init_user(cli, business="Ann's Bakery")
    return cli


def test_pages_put_together_are_the_whole_list_and_the_footer_says_what_is_left(owner_cli):
    for n in range(7):
        add_task(owner_cli, f"task {n}", "--every", "1h", "--builtin", "noop")
    every = [t["name"] for t in owner_cli.json("automate", "list", "--all")]
    assert every == [f"task {n}" for n in range(7)]
    pages = [owner_cli.json("automate", "list", "--limit", "3", "--offset", str(o)) for o in (0, 3, 6)]
    assert [t["name"] for page in pages for t in page] == every
    first = owner_cli("automate", "list", "--limit", "3")
    assert first.exit_code == 0
    assert "Showing 1-3 of 7; the next page: --offset 3 (every row: --all)." in first.stderr
    last = owner_cli("automate", "list", "--limit", "3", "--offset", "6")
    assert "Showing" not in last.stderr  # nothing after it
    assert "Showing" not in owner_cli("--json", "automate", "list", "--limit", "3").stderr


def test_the_default_page_is_thirty_rows_and_all_with_limit_is_refused(owner_cli):
    with time_machine.travel("2026-03-01 12:00:00+00:00", tick=False):
        for n in range(32):
            owner_cli("strategy", "add", f"Plan {n:02d}")
            owner_cli(
                "strategy", "milestone", "add", f"Plan {n:02d}", f"Step {n:02d}", "--target", "2026-02-01"
            )
        assert len(owner_cli.json("strategy", "milestone", "list", "--overdue")) == 30
        assert len(owner_cli.json("strategy", "milestone", "list", "--overdue", "--all")) == 32
        refused = owner_cli("strategy", "milestone", "list", "--all", "--limit", "5")
    assert refused.exit_code == 2 and "--all shows every row" in refused.stderr


LISTS = [
    ("strategy", "list", "--sort", "name"),
    ("strategy", "search", "plan"),
    ("consult", "list", "--any-time"),
    ("profile", "list"),
    ("strategy", "milestone", "list"),
    ("resources", "history"),
]


def test_every_list_pages_alike_and_all_streams_the_same_json_layout(owner_cli, tmp_path):
    import json

    with time_machine.travel("2026-03-01 12:00:00+00:00", tick=False):
        for n in range(5):
            owner_cli("strategy", "add", f"Plan {n}")
            owner_cli("strategy", "milestone", "add", f"Plan {n}", f"Step {n}", "--target", "2026-04-01")
            owner_cli("consult", "book", "--at", f"2026-03-0{n + 2} 10:00", "--client", f"Client {n}")
            owner_cli("profile", "add", f"Business {n}")
            got = owner_cli("resources", "get", "client-proposal", "--to", str(tmp_path), "--force")
            assert got.exit_code == 0, got.stderr
        for command in LISTS:
            every = owner_cli("--json", *command, "--all")
            assert every.exit_code == 0, (command, every.stderr)
            rows = json.loads(every.stdout)
            assert len(rows) >= 5, command
            # Streamed in batches, laid out as one json.dumps of the whole list.
            assert every.stdout == json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
            paged = []
            for offset in range(0, len(rows), 2):
                paged += owner_cli.json(*command, "--limit", "2", "--offset", str(offset))
            assert [r["id"] for r in paged] == [r["id"] for r in rows], command
            plain = owner_cli(*command, "--all").stdout.splitlines()
            assert len(plain) == len(rows) + 1, command  # a header, then one line per row


def test_the_board_shows_some_cards_per_column_and_its_json_holds_every_strategy(owner_cli):
    import json

    with time_machine.travel("2026-03-01 12:00:00+00:00", tick=False):
        for n in range(4):
            owner_cli("strategy", "add", f"Plan {n}")
        board = owner_cli("--json", "strategy", "board")
        shown = owner_cli("strategy", "board", "--per-column", "2")
    data = json.loads(board.stdout)
    assert board.stdout == json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    assert len(data["draft"]) == 4 and data["active"] == []
    assert "draft (4)" in shown.stdout and "… and 2 more" in shown.stdout


def test_streamed_json_of_hostile_names_is_valid_json_laid_out_like_the_whole(owner_cli):
    import json
    from pathlib import Path

    corpus = json.loads((Path(__file__).parents[1] / "testdata" / "hostile-text.json").read_text())["cases"]
    names = [v for group in corpus.values() for v in group if v.strip()] + ["a\u2028b\u2029c\x85d"]
    added = set()
    for name in names:
        if owner_cli("strategy", "add", name).exit_code == 0:
            added.add(name)
    assert "a\u2028b\u2029c\x85d" in added
    every = owner_cli("--json", "strategy", "list", "--all")
    rows = json.loads(every.stdout)
    assert len(rows) == len(added) and "a\u2028b\u2029c\x85d" in {r["name"] for r in rows}
    assert every.stdout == json.dumps(rows, indent=2, ensure_ascii=False) + "\n"


def test_the_footer_counts_at_most_a_thousand_rows_beyond_the_page(owner_cli, monkeypatch):
    """The count of what is left stops at COUNT_CAP, so the first page of a list with years of rows
    costs no pass over all of them; the footer then says "more than"."""
    from boo_cli.services import paging

    for n in range(7):
        add_task(owner_cli, f"task {n}", "--every", "1h", "--builtin", "noop")
    monkeypatch.setattr(paging, "COUNT_CAP", 3)
    capped = owner_cli("automate", "list", "--limit", "2")
    assert "Showing 1-2 of more than 5; the next page: --offset 2 (every row: --all)." in capped.stderr
    exact = owner_cli("automate", "list", "--limit", "2", "--offset", "3")  # 2 left after it: counted
    assert "Showing 4-5 of 7; the next page: --offset 5 (every row: --all)." in exact.stderr
    assert len(owner_cli.json("automate", "list", "--all")) == 7
