"""Every command explains itself in --help and has a line in the docs."""

from __future__ import annotations

from pathlib import Path

from boo_cli.cli.app import command_paths

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_every_group_and_command_is_walked():
    paths = {path for path, _ in command_paths()}
    assert {"boo init", "boo run", "boo strategy milestone add", "boo consult note show"} <= paths
    assert len(paths) > 60


def test_every_command_has_help_text():
    missing = [path for path, command in command_paths() if not (command.help or "").strip()]
    assert missing == []


def test_every_command_is_documented():
    text = "\n".join(p.read_text() for p in DOCS.glob("*.md"))
    missing = [path for path, _ in command_paths() if f"`{path}" not in text]
    assert missing == []


def test_the_root_listing_says_what_each_group_says_of_itself():
    import importlib

    from boo_cli.cli.app import GROUPS

    for name, (module, summary) in GROUPS.items():
        app = importlib.import_module(module).app
        own = app.info.help or next(iter(app.registered_commands)).callback.__doc__
        assert own.strip().splitlines()[0] == summary, name
