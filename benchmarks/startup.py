"""Start-up cost of boo against its floors, in one run on this machine.

- `boo --help` / `boo --version` against a bare Typer app with the same command tree (target <= 1.25x).
- a command that reads an up-to-date database against `python -c "import sqlmodel"` (target <= 1.5x),
  which is the floor for any command touching the database.

Run with the venv's own python:  .venv/bin/python benchmarks/startup.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from _timing import BOO, PYTHON, median_ms, report


def command_tree() -> dict[str, list[str]]:
    import typer

    from boo_cli.cli.app import app

    root = typer.main.get_command(app)
    tree: dict[str, list[str]] = {}
    for name, command in root.commands.items():
        tree[name] = sorted(getattr(command, "commands", {}) or [])
    return tree


def bare_app_source(tree: dict[str, list[str]]) -> str:
    lines = ["import typer", "app = typer.Typer()"]
    for group, verbs in tree.items():
        var = f"g_{group.replace('-', '_')}"
        if not verbs:
            lines += [f"@app.command({group!r})", f"def {var}(name: str = ''):", f"    '''{group} help.'''"]
            continue
        lines += [f"{var} = typer.Typer(help='{group} help')", f"app.add_typer({var}, name={group!r})"]
        for verb in verbs:
            fn = f"{var}_{verb.replace('-', '_')}"
            lines += [f"@{var}.command({verb!r})", f"def {fn}(name: str = ''):", f"    '''{verb} help.'''"]
    lines += ["@app.callback()", "def root(db: str = '', json: bool = False):", "    '''bare'''", "app()"]
    return "\n".join(lines) + "\n"


def main() -> None:
    tree = command_tree()
    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp) / "bare_app.py"
        bare.write_text(bare_app_source(tree))
        home = Path(tmp) / "home"
        env = {"BOO_HOME": str(home)}
        median_ms([BOO, "db", "upgrade"], runs=1, warmup=0, env=env)

        bare_help = median_ms([PYTHON, str(bare), "--help"])
        boo_help = median_ms([BOO, "--help"], env=env)
        boo_version = median_ms([BOO, "--version"], env=env)
        import_typer = median_ms([PYTHON, "-c", "import typer"])
        import_sqlmodel = median_ms([PYTHON, "-c", "import sqlmodel"])
        db_current = median_ms([BOO, "db", "current"], env=env)

    commands = sum(max(len(v), 1) for v in tree.values())
    print(f"command tree: {len(tree)} groups, {commands} commands\n")
    report(
        [
            ('python -c "import typer"', import_typer, None, None),
            (f"bare Typer app --help ({commands} commands)", bare_help, None, None),
            ("boo --help", boo_help, boo_help / bare_help, 1.25),
            ("boo --version", boo_version, boo_version / bare_help, 1.25),
            ('python -c "import sqlmodel"', import_sqlmodel, None, None),
            (
                "boo db current (SQLite, up to date: no Alembic import)",
                db_current,
                db_current / import_sqlmodel,
                1.5,
            ),
        ]
    )


if __name__ == "__main__":
    main()
