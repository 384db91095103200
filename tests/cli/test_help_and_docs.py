"""Every command explains itself in --help and has a line in the docs."""

from __future__ import annotations

from pathlib import Path

import typer

from boo_cli.cli.app import app

DOCS = Path(__file__).resolve().parents[2] / "docs"


def command_paths() -> list[tuple[str, object]]:
    root = typer.main.get_command(app)
    found = []
    for name, command in root.commands.items():
        subcommands = getattr(command, "commands", None)
        if subcommands:
            found += [(f"boo {name} {sub}", cmd) for sub, cmd in subcommands.items()]
        else:
            found.append((f"boo {name}", command))
    return found


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
