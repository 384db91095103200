"""Logins are sessions: a random token on the machine, its hash in `user_sessions` (both backends).

"Another machine" is another copy of sessions.json: what a second computer, or someone who copied the
file, would hold.
"""

from __future__ import annotations

import hashlib
import json
import socket
import uuid

import sqlalchemy as sa
import time_machine

from tests.conftest import PASSWORD, add_user, init_user, login

T0 = "2026-03-01 09:00:00+00:00"


def _two_users(cli):
    init_user(cli, business="Ann Co")
    add_user(cli, "bob@example.com")


def _file(boo_home):
    return boo_home / "state" / "sessions.json"


def _rows(cli) -> list[dict]:
    from boo_cli import db

    with db.get_engine(cli.url).connect() as conn:
        return [dict(r._mapping) for r in conn.execute(sa.text("SELECT * FROM user_sessions"))]


def _whoami(cli):
    result = cli("--json", "user", "whoami")
    return json.loads(result.stdout)["email"] if result.exit_code == 0 else result


def test_the_machine_keeps_a_token_and_the_database_only_its_hash(cli, boo_home):
    _two_users(cli)
    login(cli, "bob@example.com")
    kept = json.loads(_file(boo_home).read_text())
    (entry,) = kept.values()
    token = entry["token"]
    assert token.startswith("boo_") and len(token) >= 40  # 32 random bytes, URL-safe
    (row,) = _rows(cli)
    assert row["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert token not in json.dumps(row, default=str)
    bob = cli.json("user", "whoami")
    assert bob["email"] == "bob@example.com" and bob["id"] not in _file(boo_home).read_text()
    (listed,) = cli.json("user", "sessions")
    assert listed["host"] == socket.gethostname() and listed["current"] is True
    assert "token" not in json.dumps(listed) and row["token_hash"] not in json.dumps(listed)


def test_a_forged_or_old_session_file_logs_nobody_in(cli, boo_home):
    _two_users(cli)
    login(cli, "bob@example.com")
    bob_id = cli.json("user", "whoami")["id"]
    path = _file(boo_home)
    (key,) = json.loads(path.read_text())
    forgeries = [
        {key: {"user_id": bob_id}},  # what boo kept before sessions
        {key: bob_id},  # what an older boo still kept
        {key: {"token": bob_id}},
        {key: {"token": "boo_" + uuid.uuid4().hex * 2}},  # a well-formed token the database never made
        {key: {"token": "' OR 1=1 --"}},
    ]
    for forged in forgeries:
        path.write_text(json.dumps(forged))
        refused = cli("user", "whoami")
        assert refused.exit_code == 1, forged
        assert "boo user login" in refused.stderr and "Traceback" not in refused.stderr
        assert cli("profile", "list").exit_code == 1


def test_a_login_expires_thirty_days_after_its_last_use(cli):
    with time_machine.travel(T0, tick=False):
        _two_users(cli)
        login(cli, "bob@example.com")
    with time_machine.travel("2026-03-21 09:00:00+00:00", tick=False):  # day 20: used, so extended
        assert _whoami(cli) == "bob@example.com"
    with time_machine.travel("2026-04-15 09:00:00+00:00", tick=False):  # 25 days after that use
        assert _whoami(cli) == "bob@example.com"
    with time_machine.travel("2026-05-16 09:00:00+00:00", tick=False):  # 31 days idle
        expired = cli("user", "whoami")
        assert expired.exit_code == 1
        assert "expired or was ended" in expired.stderr and "boo user login" in expired.stderr
        assert cli("user", "sessions").exit_code == 1
        login(cli, "bob@example.com")  # a new login clears the expired one
        assert len(_rows(cli)) == 1


def test_logging_in_again_replaces_this_machines_login(cli, boo_home):
    _two_users(cli)
    login(cli, "bob@example.com")
    first = _file(boo_home).read_text()
    login(cli, "ann@example.com")
    assert len(_rows(cli)) == 1  # bob's login on this machine ended with it
    _file(boo_home).write_text(first)
    assert cli("user", "whoami").exit_code == 1


def test_logout_all_ends_the_logins_on_every_machine(cli, boo_home):
    _two_users(cli)
    login(cli, "bob@example.com")
    other_machine = _file(boo_home).read_text()
    _file(boo_home).unlink()
    login(cli, "bob@example.com")  # this machine
    assert len(_rows(cli)) == 2
    assert [s["current"] for s in cli.json("user", "sessions")].count(True) == 1
    ended = cli.json("user", "logout", "--all")
    assert ended == {"logged_out": True, "ended": 2}
    assert _rows(cli) == [] and cli("user", "whoami").exit_code == 1
    _file(boo_home).write_text(other_machine)
    refused = cli("user", "whoami")
    assert refused.exit_code == 1 and "expired or was ended" in refused.stderr


def test_logout_ends_this_machines_login_in_the_database_too(cli, boo_home):
    _two_users(cli)
    login(cli, "bob@example.com")
    copied = _file(boo_home).read_text()
    assert cli.json("user", "logout") == {"logged_out": True, "ended": 1}
    assert _rows(cli) == []
    _file(boo_home).write_text(copied)  # a copy taken before logout logs no one in
    assert cli("user", "whoami").exit_code == 1
    assert cli.json("user", "logout") == {"logged_out": True, "ended": 0}  # forgets the dead copy
    assert cli.json("user", "logout") == {"logged_out": False, "ended": 0}


def test_a_new_password_ends_the_other_logins_and_keeps_this_one(cli, boo_home):
    _two_users(cli)
    machines = {}
    for name, email in (("ann's", "ann@example.com"), ("bob's other", "bob@example.com")):
        login(cli, email)
        machines[name] = _file(boo_home).read_text()
        _file(boo_home).unlink()
    login(cli, "bob@example.com")
    before = _file(boo_home).read_text()
    changed = cli("user", "passwd", "--password-stdin", input=f"{PASSWORD}\nanother long password\n")
    assert changed.exit_code == 0, changed.stderr
    assert "ended on other machines: 1" in changed.stderr and "stays logged in" in changed.stderr
    assert _whoami(cli) == "bob@example.com" and _file(boo_home).read_text() != before  # a fresh token
    _file(boo_home).write_text(before)
    assert cli("user", "whoami").exit_code == 1  # this machine's old token ended too
    _file(boo_home).write_text(machines["bob's other"])
    assert cli("user", "whoami").exit_code == 1
    _file(boo_home).write_text(machines["ann's"])
    assert _whoami(cli) == "ann@example.com"  # another user's login is untouched


def test_deleting_an_account_ends_its_logins(cli):
    _two_users(cli)
    login(cli, "bob@example.com")
    deleted = cli("user", "delete", "--yes", "--password-stdin", input=PASSWORD + "\n")
    assert deleted.exit_code == 0, deleted.stderr
    assert _rows(cli) == []
