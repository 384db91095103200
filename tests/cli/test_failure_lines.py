"""Every failure is one line on stderr: bad input exits 2, a broken environment exits 1, and neither
shows a traceback, SQL, its parameters or a password, nor leaves anything written behind."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading

import pytest
import sqlalchemy as sa

from boo_cli import db
from tests.conftest import init_user


def assert_one_line(result, code: int) -> str:
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert result.stderr.startswith("boo: ")
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    for leak in ("Traceback", "unexpected error", "[SQL", "[parameters", "INSERT", "UPDATE "):
        assert leak not in result.stderr + result.stdout
    return result.stderr


def row_counts(url: str) -> dict[str, int]:
    engine = db.get_engine(url)
    with engine.connect() as conn:
        names = sa.inspect(conn).get_table_names()
        return {n: conn.execute(sa.text(f'SELECT count(*) FROM "{n}"')).scalar() for n in names}


# --- -o: where a report goes ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["-", "/dev/stdout"])
def test_dash_and_dev_stdout_mean_stdout(bare_cli, tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    result = bare_cli("audit", "template", "-o", name)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("# Answers for the boo audit")
    assert "Wrote" not in result.stderr
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("name", ["", ".", "folder"])
def test_a_folder_or_an_empty_name_is_refused(bare_cli, tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "folder").mkdir()
    line = assert_one_line(bare_cli("audit", "template", "-o", name), 2)
    assert "--output" in line and "- for stdout" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder"]
    assert not list((tmp_path / "folder").iterdir())


def test_a_fifo_is_written_into_and_stays_a_fifo(bare_cli, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()), daemon=True)
    reader.start()
    result = bare_cli("audit", "template", "-o", str(fifo))
    reader.join(timeout=20)
    assert result.exit_code == 0, result.stderr
    assert received and received[0].startswith("# Answers for the boo audit")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


def test_a_device_is_written_into_and_stays_a_device(bare_cli, tmp_path):
    null = tmp_path / "null"
    os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a twin of /dev/null
    result = bare_cli("audit", "template", "-o", str(null))
    assert result.exit_code == 0, result.stderr
    assert stat.S_ISCHR(null.lstat().st_mode) and null.lstat().st_rdev == os.makedev(1, 3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null"]


def test_a_full_device_is_one_line_with_exit_1(bare_cli, tmp_path):
    full = tmp_path / "full"
    os.mknod(full, stat.S_IFCHR | 0o666, os.makedev(1, 7))  # a twin of /dev/full
    line = assert_one_line(bare_cli("audit", "template", "-o", str(full)), 1)
    assert str(full) in line and "No space left" in line
    assert stat.S_ISCHR(full.lstat().st_mode)


def test_a_regular_file_is_replaced_whole_and_keeps_its_permissions(bare_cli, tmp_path):
    target = tmp_path / "answers.toml"
    target.write_text("old")
    target.chmod(0o640)
    result = bare_cli("audit", "template", "-o", str(target))
    assert result.exit_code == 0, result.stderr
    assert target.read_text().startswith("# Answers for the boo audit")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["answers.toml"]


def test_a_symlink_is_followed_not_replaced(bare_cli, tmp_path):
    real = tmp_path / "real.toml"
    real.write_text("old")
    link = tmp_path / "link.toml"
    link.symlink_to(real)
    assert bare_cli("audit", "template", "-o", str(link)).exit_code == 0
    assert link.is_symlink() and real.read_text().startswith("# Answers")


def test_a_missing_or_read_only_folder_is_one_line_with_exit_1(bare_cli, tmp_path, monkeypatch):
    line = assert_one_line(bare_cli("audit", "template", "-o", str(tmp_path / "no" / "x.toml")), 1)
    assert "does not exist" in line

    def refuse(*args, **kwargs):  # as root a chmod'ed folder stays writable, so refuse here
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("tempfile.mkstemp", refuse)
    line = assert_one_line(bare_cli("audit", "template", "-o", str(tmp_path / "x.toml")), 1)
    assert f"cannot write {tmp_path / 'x.toml'}: Permission denied" in line
    assert not list(tmp_path.iterdir())


def test_a_failed_export_writes_nothing_to_the_database(cli, tmp_path):
    init_user(cli, business="Shop")
    assert cli("strategy", "add", "Grow").exit_code == 0
    before = row_counts(cli.url)
    assert_one_line(cli("strategy", "export", "Grow", "-o", str(tmp_path)), 2)
    assert_one_line(cli("strategy", "export", "Grow", "-o", str(tmp_path / "no" / "x.md")), 1)
    assert row_counts(cli.url) == before


# --- the database and the mail server ----------------------------------------------------------


def read_only(url: str, backend: str, pg_admin) -> str:
    db.dispose_engines()
    if backend == "sqlite":
        path = sa.make_url(url).database
        return f"sqlite:///file:{path}?mode=ro&uri=true"
    name = sa.make_url(url).database
    with pg_admin.connect() as conn:
        conn.execute(sa.text(f"ALTER DATABASE {name} SET default_transaction_read_only = on"))
    return url


def test_a_read_only_database_is_named_without_sql(cli, backend, request):
    from tests.conftest import Cli

    init_user(cli, business="Shop")
    assert cli("automate", "add", "tick", "--every", "1h", "--builtin", "noop").exit_code == 0
    before = row_counts(cli.url)
    pg_admin = request.getfixturevalue("pg_admin") if backend == "postgres" else None
    ro = Cli(read_only(cli.url, backend, pg_admin))
    for args in (["strategy", "add", "Grow"], ["automate", "run", "tick"], ["profile", "add", "Two"]):
        line = assert_one_line(ro(*args), 1)
        assert "read-only" in line, args
    db.dispose_engines()
    if backend == "postgres":
        with pg_admin.connect() as conn:
            name = sa.make_url(cli.url).database
            conn.execute(sa.text(f"ALTER DATABASE {name} SET default_transaction_read_only = off"))
    assert row_counts(cli.url) == before


def test_a_refused_mail_server_is_one_line_and_nothing_is_marked_sent(cli, boo_home):
    from tests.automation.test_run_due import free_port

    init_user(cli, business="Shop")
    port = free_port()  # nothing listens there
    (boo_home / "config").mkdir(parents=True, exist_ok=True)
    (boo_home / "config" / "config.toml").write_text(
        f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nfrom = "me@example.com"\nsecurity = "none"\n'
    )
    assert cli("resources", "newsletter", "subscribe").exit_code == 0
    before = row_counts(cli.url)
    line = assert_one_line(cli("resources", "newsletter", "digest", "--send"), 1)
    assert f"cannot reach the mail server 127.0.0.1:{port}: Connection refused" in line
    assert row_counts(cli.url) == before
    assert cli.json("resources", "newsletter", "status")[0]["last_sent_at"] is None


# --- what a user types -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["strategy", "add", ""],
        ["strategy", "edit", "Grow", "--name", ""],
        ["strategy", "milestone", "add", "Grow", ""],
        ["strategy", "milestone", "add", "", "Launch"],
        ["strategy", "milestone", "done", ""],
        ["strategy", "milestone", "start", "   "],
        ["strategy", "milestone", "edit", "", "--name", "x"],
        ["strategy", "milestone", "delete", "", "--yes"],
        ["strategy", "milestone", "list", ""],
        ["strategy", "milestone", "done", "Launch", "--strategy", ""],
    ],
)
def test_an_empty_name_is_refused(cli, args):
    init_user(cli, business="Shop")
    assert cli("strategy", "add", "Grow").exit_code == 0
    assert cli("strategy", "milestone", "add", "Grow", "Launch").exit_code == 0
    before = row_counts(cli.url)
    assert_one_line(cli(*args), 2)
    assert row_counts(cli.url) == before


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["strategy", "add", "caf\udce9"], "an argument ('caf\\xe9')"),
        (["strategy", "add", "x", "--description", "caf\udce9"], "the value of --description"),
        (["strategy", "add", "x", "--description=\udcff"], "the value of --description"),
        (["strategy", "add", "nul\x00"], "an argument ('nul\\x00')"),
        (["automate", "run-due", "--user", "a\x00@example.com"], "the value of --user"),
        (["--db", "postgresql://u:secret@h/d\x00", "db", "current"], "postgresql://u:***@h/d"),
    ],
)
def test_text_boo_cannot_store_is_refused_by_name(cli, args, named):
    init_user(cli, business="Shop")
    before = row_counts(cli.url)
    line = assert_one_line(cli(*args), 2)
    assert named in line
    assert "secret" not in line
    assert ("NUL" in line) != ("UTF-8" in line)
    assert row_counts(cli.url) == before


def test_bytes_that_are_not_utf8_are_refused_in_a_real_process(tmp_path):
    env = {**os.environ, "BOO_HOME": str(tmp_path), "PYTHONPATH": os.pathsep.join(sys.path)}
    result = subprocess.run(
        [sys.executable, "-m", "boo_cli", "--db", str(tmp_path / "x.db"), "profile", "add", b"caf\xe9"],
        capture_output=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.decode() == (
        "boo: an argument ('caf\\xe9') is not valid UTF-8; boo needs UTF-8 (check the terminal's encoding)\n"
    )
    assert not (tmp_path / "x.db").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["automate", "logs", "--since", "0001-01-01"],
        ["automate", "logs", "--since", "9999-12-31"],
        ["automate", "logs", "--since", "9999-12-31T23:59-05:00"],
        ["automate", "logs", "--since", "0001-01-01T00:00+14:00"],
        ["automate", "logs", "--since", "1899-12-31 23:59"],
        ["strategy", "milestone", "add", "Grow", "Launch", "--target", "0001-01-01"],
        ["strategy", "milestone", "add", "Grow", "Launch", "--target", "9999-12-31"],
        ["automate", "add", "once", "--at", "9999-12-31T23:59:59+14:00", "--builtin", "noop"],
        ["automate", "run-due", "--now", "0001-01-01T00:00-05:00"],
    ],
)
def test_dates_out_of_range_are_refused(cli, args):
    init_user(cli, business="Shop")
    assert cli("strategy", "add", "Grow").exit_code == 0
    before = row_counts(cli.url)
    line = assert_one_line(cli(*args), 2)
    assert "out of range" in line
    assert row_counts(cli.url) == before


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("1234567890123456789012345678901234567890", "too large"),
        ("0.001", "more than two decimals"),
        ("1.234,56", "1234.56"),
    ],
)
def test_amounts_that_would_lose_digits_are_refused(cli, amount, words):
    init_user(cli, business="Shop")
    before = row_counts(cli.url)
    line = assert_one_line(cli("profile", "add", "Two", "--annual-revenue", amount), 2)
    assert words in line
    line = assert_one_line(cli("profile", "edit", "--target-revenue", amount), 2)
    assert row_counts(cli.url) == before
    assert cli.json("profile", "show")["target_revenue"] is None


@pytest.mark.parametrize(
    ("option", "value", "words"),
    [
        ("--every", "99999999999999999999999h", "--every: '99999999999999999999999h' is too long"),
        ("--days", "99999999999999999999", "--days: Input should be less than or equal to 3650"),
        ("--timeout", "99999999999999999999", "--timeout: '99999999999999999999' is too long"),
        ("--tz", "Mars/Base", "--tz: 'Mars/Base' is not a time zone"),
    ],
)
def test_task_options_out_of_range_are_named(cli, option, value, words):
    init_user(cli, business="Shop")
    args = ["automate", "add", "t", "--builtin", "audit-reminder"]
    args += [option, value] if option == "--every" else ["--every", "1h", option, value]
    before = row_counts(cli.url)
    assert words in assert_one_line(cli(*args), 2)
    assert row_counts(cli.url) == before


def test_deleting_a_business_without_yes_is_one_line(cli):
    init_user(cli, business="Shop")
    line = assert_one_line(cli("--no-input", "profile", "delete", "Shop"), 2)
    assert "--yes" in line
    result = cli("profile", "delete", "Shop", "--yes")
    assert result.exit_code == 0, result.stderr
    assert "Deleted 'Shop' and all it held: 0 audits, 0 strategies" in result.stderr


def test_typed_text_is_never_read_as_markup(cli):
    init_user(cli, business="Shop")
    result = cli("profile", "edit", "--industry", "Shop [/b] one")
    assert result.exit_code == 0, result.stderr
    assert "Shop [/b] one" in result.stdout


def test_control_characters_in_a_message_are_shown_escaped(cli):
    init_user(cli, business="Shop")
    line = assert_one_line(cli("resources", "get", "client-proposal", "--to", "\r=cmd\n\x1b[31m\u2028"), 1)
    assert "\\r=cmd\\n\\x1b[31m\\u2028" in line


def test_a_page_beyond_any_list_is_a_usage_error(cli):
    init_user(cli, business="Shop")
    for option in ("--offset", "--limit"):
        assert option in assert_one_line(cli("strategy", "list", option, "1" * 40), 2)


def test_a_first_command_that_fails_prints_one_line(bare_cli):
    result = bare_cli(
        "init", "--email", "bad", "--first-name", "A", "--last-name", "B", "--password-stdin", input="x\n"
    )
    assert_one_line(result, 2)


def test_an_escaped_database_error_is_described_without_its_statement():
    from boo_cli.db import describe_escaped

    error = sa.exc.OperationalError(
        "INSERT INTO users (email, password_hash) VALUES (?, ?)",
        ("ann@example.com", "$argon2id$secret"),
        Exception("attempt to write a readonly database"),
    )
    line = describe_escaped(error, "postgresql://ann:pw@db.example.com/boo")
    assert line.startswith(
        "cannot write to postgresql://ann:***@db.example.com/boo: the database is read-only"
    )
    assert "secret" not in describe_escaped(
        sa.exc.StatementError("boom", "SELECT :p", {"p": "secret"}, None), "sqlite:///x.db"
    )
    assert describe_escaped(PermissionError(13, "Permission denied", "/x/y")) == (
        "cannot use /x/y: Permission denied (check its permissions)"
    )
