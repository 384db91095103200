"""Every command explains itself in --help and has a line in the docs."""

from __future__ import annotations

import re
from pathlib import Path

import typer

from boo_cli.cli.app import app, command_paths

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


def _help_text(path: str) -> str:
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, [*path.split()[1:], "--help"], env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    return result.output


def _row(text: str, first_opt: str) -> list[str]:
    """The cells of the first help-table row that starts with first_opt: names, metavar, help."""
    for line in text.splitlines():
        cells = [c for c in re.split(r"\s{2,}", line.strip("│ \n")) if c and c != "*"]
        if cells and cells[0] == first_opt:
            return cells
    raise AssertionError(f"no row for {first_opt} in:\n{text}")


def test_help_says_what_each_value_is_and_flags_take_none():
    """No `<str>`/`<list[str]>`/`<bool>`, no `[[PROFILE]]`, no `{NAME}`; a flag shows no metavar."""
    commands = {"boo": typer.main.get_command(app), **dict(command_paths())}
    problems = []
    for path, command in commands.items():
        text = _help_text(path)
        usage = next(line for line in text.splitlines() if "Usage:" in line)
        problems += [f"{path}: {m}" for m in re.findall(r"<[^<>\s]+(?: range)?>|\[\[[^\]]*\]\]", text)]
        problems += [f"{path}: braces in {usage.strip()!r}"] * ("{" in usage)
        for param in command.params:
            if param.param_type_name != "option" or param.hidden:
                continue
            names = [o for o in param.opts if o.startswith("--")] + [
                o for o in param.opts if not o.startswith("--")
            ]
            cells = _row(text, names[0])
            after = cells[len(names) + len(param.secondary_opts) :]
            if param.is_flag:
                if after and not (param.help or "").startswith(after[0][:15]):
                    problems.append(f"{path} {names[0]}: a flag shows {after[0]!r}")
            elif not after or not re.fullmatch(r"[A-Z][A-Z0-9_|-]*(\|[A-Z]+)?( \[.*)?", after[0]):
                problems.append(f"{path} {names[0]}: metavar {after[:1]}")
    assert problems == []
