"""`boo db …` and how boo treats a database it cannot use."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from boo_cli import db
from boo_cli.services import database


@pytest.fixture
def empty_cli(empty_url):
    from tests.conftest import Cli

    return Cli(empty_url)


def test_upgrade_downgrade_upgrade_through_the_cli(empty_cli):
    assert empty_cli("db", "upgrade").exit_code == 0
    assert empty_cli.json("db", "current")["up_to_date"] is True
    result = empty_cli("db", "downgrade", "base", "--yes")
    assert result.exit_code == 0, result.stderr
    assert empty_cli.json("db", "current")["current"] is None
    assert empty_cli("db", "upgrade").exit_code == 0
    assert empty_cli("db", "check").exit_code == 0


def test_check_fails_while_the_database_is_behind(empty_cli):
    database.upgrade(empty_cli.url, "0001")
    result = empty_cli("db", "check")
    assert result.exit_code == 1
    assert "boo db upgrade" in result.stderr


def test_check_fails_when_the_schema_drifts_from_the_models(cli):
    with db.get_engine(cli.url).begin() as conn:
        conn.execute(sa.text("CREATE INDEX ix_stray ON users (first_name)"))
    result = cli("db", "check", "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert any("ix_stray" in line for line in report["differences"])


def test_downgrade_without_a_terminal_needs_yes_and_changes_nothing(cli):
    result = cli("db", "downgrade", "base")
    assert result.exit_code == 2
    assert "--yes" in result.stderr
    assert database.current(cli.url).up_to_date


def test_history_lists_every_revision_and_marks_the_current_one(cli):
    revisions = cli.json("db", "history")
    assert [r["revision"] for r in revisions] == list(reversed(db.known_revisions()))
    assert [r["is_current"] for r in revisions].count(True) == 1


def test_a_database_newer_than_this_boo_is_refused_with_exit_1(cli):
    with db.get_engine(cli.url).begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0999'"))
    for args in (["db", "upgrade"], ["db", "check"], ["db", "current"]):
        result = cli(*args)
        assert result.exit_code == 1, args
        assert "newer than this boo" in result.stderr
        assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.parametrize(
    ("url", "code", "words"),
    [
        ("mysql://user:secret@localhost/boo", 2, "unsupported database scheme"),
        ("nosuch://x", 2, "unsupported database scheme"),
        ("postgresql://", 2, "names no database"),
        ("/dev/null", 1, "not a regular file"),
        ("postgresql://user:secret@127.0.0.1", 2, "names no database"),
        ("postgresql://user:secret@localhost:notaport/boo", 2, "malformed port"),
        ("postgresql://user:secret@127.0.0.1:1/boo", 1, "cannot connect"),
        ("host:5432", 2, "not a database URL"),
    ],
)
def test_unusable_urls_give_one_line_with_the_password_hidden(bare_cli, url, code, words):
    result = bare_cli("--db", url, "db", "current")
    assert result.exit_code == code
    assert words in result.stderr
    assert "secret" not in result.stderr + result.stdout
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_a_file_that_is_not_sqlite_is_refused_and_left_alone(bare_cli, tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("my precious notes\n")
    result = bare_cli("--db", str(path), "db", "upgrade")
    assert result.exit_code == 1
    assert "not a SQLite database" in result.stderr
    assert path.read_text() == "my precious notes\n"


def test_debug_shows_the_traceback(bare_cli, tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("not sqlite")
    result = bare_cli("--debug", "--db", str(path), "db", "current")
    assert result.exit_code == 1
    assert "Traceback" in result.stderr


def test_a_missing_folder_is_named(bare_cli, tmp_path):
    result = bare_cli("--db", str(tmp_path / "nope" / "boo.db"), "db", "upgrade")
    assert result.exit_code == 1
    assert "does not exist" in result.stderr
