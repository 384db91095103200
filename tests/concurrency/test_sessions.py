"""How long a writer waits, and what a declared read may do."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from boo_cli import config, db
from boo_cli.errors import ConfigError, DatabaseError


def test_busy_timeout_precedence_environment_then_config_then_ten_seconds(boo_home, monkeypatch):
    assert config.busy_timeout_seconds() == 10
    (boo_home / "config").mkdir(parents=True)
    (boo_home / "config" / "config.toml").write_text("busy_timeout = 25\n")
    assert config.busy_timeout_seconds() == 25
    monkeypatch.setenv("BOO_BUSY_TIMEOUT", "2.5s")
    assert config.busy_timeout_seconds() == 2.5


@pytest.mark.parametrize("value", ["soon", "-1", "99999"])
def test_a_wrong_busy_timeout_is_a_config_error(monkeypatch, value):
    monkeypatch.setenv("BOO_BUSY_TIMEOUT", value)
    with pytest.raises(ConfigError, match="BOO_BUSY_TIMEOUT"):
        config.busy_timeout_seconds()


def test_sqlite_connections_wait_as_long_as_configured(tmp_path, monkeypatch):
    monkeypatch.setenv("BOO_BUSY_TIMEOUT", "3")
    with db.get_engine(f"sqlite:///{tmp_path / 'x.db'}").connect() as conn:
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 3000


def test_a_declared_read_cannot_write_on_either_backend(url):
    with pytest.raises(DatabaseError), db.session_scope(url, migrate=False, write=False) as session:
        session.execute(sa.text("UPDATE users SET first_name = 'x'"))


def test_a_writer_after_a_reader_on_the_same_connection_can_write(url):
    with db.session_scope(url, migrate=False, write=False) as session:
        session.execute(sa.text("SELECT count(*) FROM users"))
    with db.session_scope(url, migrate=False) as session:
        session.execute(sa.text("UPDATE users SET first_name = 'x'"))
