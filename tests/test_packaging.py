"""boo as a user installs and runs it: real processes, a built wheel, a fresh virtual environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("sqlalchemy", "sqlmodel", "alembic", "psycopg")


def run(
    args: list[str], *, env: dict[str, str] | None = None, cwd: Path | None = None, input: str | None = None
):
    return subprocess.run(args, capture_output=True, text=True, env=env, cwd=cwd, input=input, timeout=300)


def boo_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOO_")}
    env.update(BOO_HOME=str(home), NO_COLOR="1", **extra)
    return env


def test_python_dash_m_and_version(tmp_path):
    result = run([sys.executable, "-m", "boo_cli", "--version"], env=boo_env(tmp_path))
    assert result.returncode == 0
    assert result.stdout.startswith("boo ")


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["--version"],
        ["db", "--help"],
        ["resources", "list"],
        ["resources", "search", "cash flow"],
        ["resources", "show", "pricing-a-service"],
    ],
)
def test_help_and_version_import_no_database_code(tmp_path, args):
    probe = (
        "import sys, runpy\n"
        f"sys.argv = ['boo', *{args!r}]\n"
        "try:\n"
        "    runpy.run_module('boo_cli', run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        "import json\n"
        f"sys.stderr.write(json.dumps([m for m in {list(HEAVY)!r} if m in sys.modules]))\n"
    )
    result = run([sys.executable, "-c", probe], env=boo_env(tmp_path))
    assert json.loads(result.stderr.strip().splitlines()[-1]) == []


def test_json_output_is_pure_json_on_stdout_and_talk_goes_to_stderr(tmp_path):
    result = run([sys.executable, "-m", "boo_cli", "--json", "db", "upgrade"], env=boo_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["up_to_date"] is True
    assert "Database at revision" in result.stderr


def test_bad_input_exits_without_a_traceback_in_a_real_process(tmp_path):
    result = run(
        [sys.executable, "-m", "boo_cli", "--db", "mysql://u:pw@h/d", "db", "current"], env=boo_env(tmp_path)
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    result = run([sys.executable, "-m", "boo_cli", "db", "no-such-verb"], env=boo_env(tmp_path))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1


def test_a_wheel_installed_elsewhere_carries_its_migrations(tmp_path):
    """Build the wheel, install it into a new venv, and migrate from a folder far from the checkout."""
    dist = tmp_path / "dist"
    build = run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(dist),
            str(ROOT),
        ]
    )
    assert build.returncode == 0, build.stderr
    wheel = next(dist.glob("boo_cli-*.whl"))
    target = tmp_path / "venv"
    venv.create(target, with_pip=False)
    target_python = target / "bin" / "python"
    site = run(
        [str(target_python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]
    ).stdout.strip()
    # The wheel goes in alone; its dependencies come from this test's environment (read-only).
    install = run([sys.executable, "-m", "pip", "install", "--no-deps", "--target", site, str(wheel)])
    assert install.returncode == 0, install.stderr
    Path(site, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = boo_env(tmp_path / "home")
    where = run(
        [str(target_python), "-c", "import boo_cli, sys; print(boo_cli.__file__)"], env=env, cwd=elsewhere
    )
    assert where.stdout.startswith(site), where.stdout + where.stderr
    upgrade = run([str(target_python), "-m", "boo_cli", "db", "upgrade"], env=env, cwd=elsewhere)
    assert upgrade.returncode == 0, upgrade.stderr
    check = run([str(target_python), "-m", "boo_cli", "db", "check"], env=env, cwd=elsewhere)
    assert check.returncode == 0, check.stderr
    library = run(
        [str(target_python), "-m", "boo_cli", "--json", "resources", "list"], env=env, cwd=elsewhere
    )
    assert len(json.loads(library.stdout)) >= 15, library.stderr
    templates = Path(site, "boo_cli", "reports", "templates")
    assert (templates / "strategy.md.j2").is_file() and (templates / "digest.md.j2").is_file()
