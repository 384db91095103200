"""Start-up cost of boo against its floors, in one run on this machine.

- `boo --help` / `boo --version` against a bare Typer app with the same command tree (target <= 1.25x).
- commands that read an up-to-date SQLite database (`boo db current`, `boo profile list`) against
  `python -c "import sqlmodel"` (target <= 1.5x), the floor for any command touching the database.

Run with the venv's own python:  .venv/bin/python benchmarks/startup.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from _timing import BOO, PYTHON, boo_init, interleaved_medians, median_ms, report


def command_tree() -> dict[str, list[str]]:
    """boo's groups and their verbs (nested groups flattened into 'milestone-add' style names)."""
    from boo_cli.cli.app import command_paths

    tree: dict[str, list[str]] = {}
    for path, _command in command_paths():
        group, *verb = path.split()[1:]
        tree.setdefault(group, [])
        if verb:
            tree[group].append("-".join(verb))
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
        env = boo_init(None, home)
        for n in range(20):
            median_ms(
                [BOO, "profile", "add", f"Business {n}", "--industry", "services"], runs=1, warmup=0, env=env
            )

        ms = interleaved_medians(
            {
                "bare": [PYTHON, str(bare), "--help"],
                "help": [BOO, "--help"],
                "version": [BOO, "--version"],
                "typer": [PYTHON, "-c", "import typer"],
                "sqlmodel": [PYTHON, "-c", "import sqlmodel"],
                "current": [BOO, "db", "current"],
                "list": [BOO, "profile", "list"],
                "json": [BOO, "--json", "profile", "list"],
                "res_list": [BOO, "resources", "list"],
                "res_search": [BOO, "resources", "search", "cash flow"],
                "res_show": [BOO, "resources", "show", "pricing-a-service"],
            },
            env=env,
        )
        bare_help, boo_help, boo_version = ms["bare"], ms["help"], ms["version"]
        import_typer, import_sqlmodel = ms["typer"], ms["sqlmodel"]
        db_current, profile_list, profile_json = ms["current"], ms["list"], ms["json"]

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
            ("boo profile list (SQLite, 21 profiles)", profile_list, profile_list / import_sqlmodel, 1.5),
            ("boo --json profile list", profile_json, profile_json / import_sqlmodel, 1.5),
            ("boo resources list (no database)", ms["res_list"], ms["res_list"] / bare_help, 1.25),
            ("boo resources search (no database)", ms["res_search"], ms["res_search"] / bare_help, 1.25),
            ("boo resources show (no database)", ms["res_show"], ms["res_show"] / bare_help, 1.25),
        ]
    )


if __name__ == "__main__":
    main()
