"""User text is data: every command that takes free text keeps it exactly, on both backends.

For each value of the hostile-text corpus (Rich markup, HTML, Markdown, formulas, control and
right-to-left characters, 255 characters, …): the command exits 0 or 2, never with an unexpected
error; when it exits 0 the value reads back identical from --json (names and fields are trimmed of
surrounding blanks, as typed text always is); the output a person sees, piped and on a real terminal,
holds it literally. The exports' own escaping is tested in tests/reports/.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pytest

from tests.conftest import init_user

CORPUS_FILE = Path(__file__).resolve().parents[1] / "testdata" / "hostile-text.json"
CORPUS = [value for group in json.loads(CORPUS_FILE.read_text())["cases"].values() for value in group]
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def pieces(value: str) -> list[str]:
    """The parts of a value a screen shows unbroken: line breaks, tabs and CR may become layout."""
    return [p for p in re.split(r"[\n\t\r]+", value.strip()) if p.strip()]


def assert_clean(result, value: str) -> None:
    assert result.exit_code in (0, 2), (value, result.stderr)
    assert "unexpected error" not in result.stderr and "Traceback" not in result.stderr, value
    if result.exit_code == 2:
        assert result.stderr.startswith("boo: ") and result.stdout == "", value


def test_every_free_text_field_keeps_what_was_typed(cli):
    init_user(cli, business="Home")
    for value in CORPUS:
        expected = value.strip()
        added = cli(
            "--json",
            "profile",
            "add",
            "--industry",
            value,
            "--model",
            value,
            "--challenge",
            value,
            "--",
            value,
        )
        assert_clean(added, value)
        if not expected:
            assert added.exit_code == 2, "an empty business name is refused"
            continue
        if added.exit_code == 2:  # longer than a field's limit (the name's is 255): say so, keep nothing
            assert "characters long" in added.stderr, added.stderr
            added = cli("--json", "profile", "add", "--", value)
            if added.exit_code == 2 and len(expected) > 255:
                continue
        assert added.exit_code == 0, (value, added.stderr)
        profile = json.loads(added.stdout)
        assert profile["business_name"] == expected
        if profile["industry"] is not None:
            assert (profile["industry"], profile["business_model"]) == (expected, expected)
            assert profile["main_challenges"] == [expected]
        assert expected in added.stderr  # "Added '…'" says the name as typed
        scope = ["--profile", profile["id"]]

        strategy = cli.json("strategy", "add", *scope, "--description", value, "--impact", value, "--", value)
        assert (strategy["name"], strategy["description"], strategy["expected_impact"]) == (
            expected,
            expected,
            expected,
        )
        milestone = cli.json(
            "strategy", "milestone", "add", *scope, "--description", value, "--", strategy["id"], value
        )
        assert (milestone["milestone"], milestone["description"]) == (expected, expected)
        task = cli.json(
            "automate",
            "add",
            *scope,
            "--every",
            "1h",
            "--builtin",
            "noop",
            "--description",
            value,
            "--",
            value,
        )
        assert (task["name"], task["description"]) == (expected, expected)

        shown = cli("profile", "show", profile["id"])
        assert shown.exit_code == 0
        for piece in pieces(value):
            assert piece in shown.stdout, (value, shown.stdout)
        listed = cli("strategy", "list", *scope)
        for piece in pieces(value):
            assert piece in listed.stdout, (value, listed.stdout)


def test_consultation_notes_keep_what_was_typed(cli):
    init_user(cli, business="Home")
    consultation = cli.json("consult", "book", "--at", "2026-01-05 10:00", "--past")
    for value in [v for v in CORPUS if v.strip()]:
        note = cli(
            "--json", "consult", "note", "add", consultation["id"],
            "--summary", value, "--insight", value, "--action", value, "--internal", value,
        )  # fmt: skip
        assert_clean(note, value)
        if note.exit_code == 2:
            assert "characters long" in note.stderr, note.stderr
            continue
        shown = cli.json("consult", "note", "show", consultation["id"], "--include-internal")
        expected = value.strip()
        assert (shown["summary"], shown["internal_notes"]) == (expected, expected)
        assert shown["key_insights"] == [expected]
        assert [a["text"] if isinstance(a, dict) else a for a in shown["action_items"]] == [expected]


def test_account_names_keep_what_was_typed(cli):
    init_user(cli, business="Home")
    for value in [v for v in CORPUS if v.strip()]:
        edited = cli("--json", "user", "edit", "--first-name", value, "--last-name", value)
        assert_clean(edited, value)
        if edited.exit_code == 0:
            me = cli.json("user", "whoami")
            assert (me["first_name"], me["last_name"]) == (value.strip(), value.strip())


@pytest.mark.subprocess
def test_a_real_terminal_shows_the_text_not_its_markup(url, tmp_path):
    """Tables and records drawn by Rich for a terminal (a pseudo-terminal here) print each value
    literally: no markup applied, no emoji code replaced, nothing swallowed."""
    import pexpect

    from tests.conftest import Cli

    cli = Cli(url)
    init_user(cli, business="Home")
    values = [v for v in CORPUS if v.strip() and len(v) < 100]
    for value in values:
        assert cli("strategy", "add", "--", value).exit_code == 0, value
    env = {**os.environ, "COLUMNS": "400", "LINES": "200", "NO_COLOR": "1", "TERM": "xterm"}
    child = pexpect.spawn(
        sys.executable,
        ["-m", "boo_cli", "--db", url, "strategy", "list", "--limit", "500"],
        env=env,
        encoding="utf-8",
        dimensions=(200, 400),
        timeout=60,
    )
    screen = ANSI.sub("", child.read())
    child.close()
    assert child.exitstatus == 0, screen
    assert "┃" in screen or "│" in screen, "drawn as a Rich table"
    for value in values:
        for piece in pieces(value):
            assert piece.strip() in screen, (value, screen[:2000])
