"""`boo init` and `boo user …` through the command line."""

from __future__ import annotations

import json
import os
import stat

import pytest

from tests.conftest import PASSWORD, add_user, init_user, login


def users_in(cli) -> list[str]:
    from boo_cli import db
    from boo_cli.services import accounts

    with db.session_scope(cli.url) as session:
        return [u.email for u in accounts.list_users(session)]


def test_init_creates_the_user_and_business_then_profile_list_shows_it(cli):
    init_user(cli, business="Ann's Bakery")
    me = cli.json("user", "whoami")
    assert me["email"] == "ann@example.com"
    assert me["timezone"] == "Europe/Berlin"
    assert "password_hash" not in me
    listed = cli.json("profile", "list")
    assert [(p["business_name"], p["current"]) for p in listed] == [("Ann's Bakery", True)]


def test_init_twice_is_refused_and_adds_nobody(cli):
    init_user(cli)
    result = cli(
        "init",
        "--email",
        "second@example.com",
        "--first-name",
        "S",
        "--last-name",
        "T",
        "--password-stdin",
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 1
    assert "already set up" in result.stderr
    assert users_in(cli) == ["ann@example.com"]


@pytest.mark.parametrize(
    ("missing", "flag"),
    [("--email", "--email"), ("--first-name", "--first-name"), ("--password-stdin", "--password-stdin")],
)
def test_init_without_a_terminal_names_the_missing_flag(cli, missing, flag):
    args = {"--email": "a@example.com", "--first-name": "A", "--last-name": "B", "--timezone": "UTC"}
    argv = ["init"]
    for name, value in args.items():
        if name != missing:
            argv += [name, value]
    if missing != "--password-stdin":
        argv.append("--password-stdin")
    result = cli(*argv, input=PASSWORD + "\n")
    assert result.exit_code == 2
    assert flag in result.stderr
    assert users_in(cli) == []


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--email", "not-an-email"], "--email"),
        (["--timezone", "Mars/Base"], "--timezone"),
        (["--first-name", "x" * 101], "--first-name"),
    ],
)
def test_bad_account_fields_exit_2_and_write_nothing(cli, args, words):
    base = {"--email": "ok@example.com", "--first-name": "Ok", "--last-name": "Fine", "--timezone": "UTC"}
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    argv = ["init", "--password-stdin", *[x for kv in base.items() for x in kv]]
    result = cli(*argv, input=PASSWORD + "\n")
    assert result.exit_code == 2
    assert words in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert users_in(cli) == []


def test_a_duplicate_email_in_another_case_is_refused(cli):
    init_user(cli)
    result = cli(
        "user",
        "add",
        "--email",
        "ANN@example.com",
        "--first-name",
        "A",
        "--last-name",
        "B",
        "--timezone",
        "UTC",
        "--password-stdin",
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 1
    assert "already exists" in result.stderr


def test_with_two_users_data_commands_need_a_login(cli, boo_home):
    init_user(cli, business="Ann Co")
    add_user(cli, "bob@example.com")
    result = cli("profile", "list")
    assert result.exit_code == 1
    assert "boo user login" in result.stderr
    login_result = login(cli, "bob@example.com")
    assert "No system keyring" in login_result.stderr
    assert cli.json("user", "whoami")["email"] == "bob@example.com"
    assert cli.json("profile", "list") == []
    sessions = boo_home / "state" / "sessions.json"
    assert stat.S_IMODE(os.stat(sessions).st_mode) == 0o600
    assert "bob" not in sessions.read_text() and PASSWORD not in sessions.read_text()
    again = login(cli, "ann@example.com")
    assert "No system keyring" not in again.stderr  # said once
    assert cli.json("user", "whoami")["email"] == "ann@example.com"
    assert cli("user", "logout").exit_code == 0
    assert cli("user", "whoami").exit_code == 1


def test_a_wrong_password_does_not_log_in(cli):
    init_user(cli)
    add_user(cli, "bob@example.com")
    result = cli("user", "login", "bob@example.com", "--password-stdin", input="wrong password\n")
    assert result.exit_code == 1
    assert "wrong email or password" in result.stderr
    assert cli("user", "whoami").exit_code == 1


def test_login_uses_the_os_keyring_when_there_is_one(cli, monkeypatch, boo_home):
    import keyring
    from keyring.backend import KeyringBackend

    class MemoryKeyring(KeyringBackend):
        priority = 1

        def __init__(self):
            self.store = {}

        def get_password(self, service, username):
            return self.store.get((service, username))

        def set_password(self, service, username, password):
            self.store[(service, username)] = password

        def delete_password(self, service, username):
            del self.store[(service, username)]

    memory = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(memory)
    monkeypatch.delenv("BOO_KEYRING")
    try:
        init_user(cli)
        add_user(cli, "bob@example.com")
        login(cli, "bob@example.com")
        assert list(memory.store.values()) != []
        assert not (boo_home / "state" / "sessions.json").exists()
        assert cli.json("user", "whoami")["email"] == "bob@example.com"
        cli("user", "logout")
        assert memory.store == {}
    finally:
        keyring.set_keyring(previous)


def test_a_login_kept_in_the_file_is_read_without_asking_the_keyring(cli, monkeypatch):
    """Where no keyring works the login is in the file; every later command reads it there and never
    pays for keyring's backend discovery."""
    import keyring
    from keyring.backend import KeyringBackend

    init_user(cli)
    add_user(cli, "bob@example.com")
    login(cli, "bob@example.com")  # BOO_KEYRING=file: into the file

    asked = []

    class Untouchable(KeyringBackend):
        priority = 1

        def get_password(self, service, username):
            asked.append(username)  # (boo treats a failing keyring as none, so count instead)

        set_password = delete_password = get_password

    previous = keyring.get_keyring()
    keyring.set_keyring(Untouchable())
    monkeypatch.delenv("BOO_KEYRING")
    try:
        assert cli.json("user", "whoami")["email"] == "bob@example.com"
    finally:
        keyring.set_keyring(previous)
    assert asked == []


def test_a_bare_id_an_older_boo_left_in_the_file_does_not_beat_a_newer_keyring_login(
    cli, monkeypatch, boo_home
):
    """Older versions kept a login in the file when the keyring failed, and left it there when a
    later login went to the keyring: the keyring's login is the newer one, and the bare id, being no
    token, logs no one in by itself."""
    import json

    import keyring
    from keyring.backend import KeyringBackend

    from boo_cli.services import logins

    init_user(cli)
    ann = cli.json("user", "whoami")
    add_user(cli, "bob@example.com")

    class MemoryKeyring(KeyringBackend):
        priority = 1
        store: dict = {}

        def get_password(self, service, username):
            return self.store.get((service, username))

        def set_password(self, service, username, password):
            self.store[(service, username)] = password

        def delete_password(self, service, username):
            del self.store[(service, username)]

    key = logins.database_key(cli.url)
    sessions = boo_home / "state" / "sessions.json"
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    monkeypatch.delenv("BOO_KEYRING")
    try:
        login(cli, "bob@example.com")  # into the keyring
        sessions.parent.mkdir(parents=True, exist_ok=True)
        sessions.write_text(json.dumps({key: ann["id"]}))  # the old login, as an older boo left it
        assert cli.json("user", "whoami")["email"] == "bob@example.com"
        MemoryKeyring.store.clear()
        assert cli("user", "whoami").exit_code == 1  # the bare id alone is no login
    finally:
        keyring.set_keyring(previous)


def test_passwd_from_stdin_checks_the_current_password(cli):
    init_user(cli)
    result = cli("user", "passwd", "--password-stdin", input="not my password\nnew secret pass\n")
    assert result.exit_code == 1
    result = cli("user", "passwd", "--password-stdin", input=f"{PASSWORD}\nnew secret pass\n")
    assert result.exit_code == 0, result.stderr
    add_user(cli, "bob@example.com")
    assert (
        cli("user", "login", "ann@example.com", "--password-stdin", input="new secret pass\n").exit_code == 0
    )


def test_user_edit_and_list(cli):
    init_user(cli)
    edited = cli.json("user", "edit", "--timezone", "America/New_York", "--phone", "+1 555 0100")
    assert (edited["timezone"], edited["phone"]) == ("America/New_York", "+1 555 0100")
    bad = cli("user", "edit", "--timezone", "Nowhere/Land")
    assert bad.exit_code == 2
    assert cli("user", "edit").exit_code == 2
    add_user(cli, "bob@example.com")
    listed = json.loads(cli("--json", "user", "list").stdout)
    assert [u["email"] for u in listed] == ["ann@example.com", "bob@example.com"]


def test_deleting_an_account_erases_its_data_after_the_password(cli, tmp_path):
    from sqlmodel import select

    from boo_cli import db
    from boo_cli.models import BusinessProfile

    init_user(cli, business="Ann Co")
    cli("strategy", "add", "Plan")
    add_user(cli, "bob@example.com")
    login(cli, "ann@example.com")
    assert cli("user", "delete", "--password-stdin", input=PASSWORD + "\n").exit_code == 2  # no --yes
    wrong = cli("user", "delete", "--yes", "--password-stdin", input="not it at all\n")
    assert wrong.exit_code == 1 and "nothing was deleted" in wrong.stderr
    result = cli("user", "delete", "--yes", "--password-stdin", input=PASSWORD + "\n")
    assert result.exit_code == 0, result.stderr
    assert users_in(cli) == ["bob@example.com"]
    with db.session_scope(cli.url) as session:
        assert session.exec(select(BusinessProfile)).all() == []
