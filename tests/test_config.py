"""Where boo looks for its database: --db > BOO_DATABASE_URL > config file > the data folder."""

from __future__ import annotations

import os
import stat

import pytest

from boo_cli import config
from boo_cli.errors import ConfigError, Invalid


def write_config(home, text: str) -> None:
    folder = home / "config"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.toml").write_text(text)


def test_default_is_a_sqlite_file_in_the_data_folder_under_boo_home(boo_home):
    assert config.database_url() == f"sqlite:///{boo_home.resolve() / 'data' / 'boo.db'}"


def test_config_file_beats_the_default(boo_home):
    write_config(boo_home, 'database_url = "postgresql://cfg@db.example/boo"\n')
    assert config.database_url() == "postgresql+psycopg://cfg@db.example/boo"


def test_environment_beats_the_config_file(boo_home, monkeypatch):
    write_config(boo_home, 'database_url = "postgresql://cfg@db.example/boo"\n')
    monkeypatch.setenv("BOO_DATABASE_URL", "postgres://env@db.example/boo")
    assert config.database_url() == "postgresql+psycopg://env@db.example/boo"


def test_flag_beats_everything(boo_home, monkeypatch, tmp_path):
    write_config(boo_home, 'database_url = "postgresql://cfg@db.example/boo"\n')
    monkeypatch.setenv("BOO_DATABASE_URL", "postgres://env@db.example/boo")
    assert config.database_url(str(tmp_path / "x.db")) == f"sqlite:///{tmp_path / 'x.db'}"


@pytest.mark.parametrize("raw", ["postgres://u@h/d", "postgresql://u@h/d", "postgresql+psycopg://u@h/d"])
def test_postgres_spellings_map_to_the_installed_driver(raw):
    assert config.normalize_url(raw) == "postgresql+psycopg://u@h/d"


def test_a_broken_config_file_is_named(boo_home):
    write_config(boo_home, "database_url = \n")
    with pytest.raises(ConfigError, match=r"config\.toml is not valid TOML"):
        config.database_url()
    (boo_home / "config" / "config.toml").write_bytes(b'database_url = "caf\xe9.db"\n')
    with pytest.raises(ConfigError, match=r"config\.toml is not UTF-8 text"):
        config.database_url()


def test_unknown_scheme_and_malformed_urls(tmp_path):
    with pytest.raises(Invalid, match="unsupported database scheme 'mysql'"):
        config.normalize_url("mysql://u:pw@h/d")
    with pytest.raises(Invalid):
        config.normalize_url("postgresql://u:pw@h:port/d")
    with pytest.raises(Invalid):
        config.normalize_url("   ")


@pytest.mark.parametrize(
    "raw",
    [
        "postgresql://",
        "postgresql://host",
        "postgres://u:pw@host:5432",
        "postgresql://host/",
        "postgresql:///",
    ],
)
def test_a_postgres_url_without_a_database_name_is_refused(raw):
    with pytest.raises(Invalid, match="names no database") as caught:
        config.normalize_url(raw)
    assert caught.value.exit_code == 2
    assert "pw" not in str(caught.value)


@pytest.mark.parametrize(
    "raw", ["sqlite://", "sqlite:///", "sqlite:///?mode=ro", "postgresql://[::1/x", "~nosuchuser/x.db"]
)
def test_urls_that_name_no_usable_database_are_usage_errors(raw):
    with pytest.raises(Invalid, match="--db"):
        config.normalize_url(raw)


def test_an_empty_db_flag_is_refused_not_ignored():
    with pytest.raises(Invalid, match="the database URL is empty"):
        config.database_url("")


def test_a_postgres_url_may_name_its_database_in_the_query():
    assert config.normalize_url("postgresql://h?dbname=boo") == "postgresql+psycopg://h?dbname=boo"


def test_redact_hides_only_the_password():
    assert config.redact("postgresql+psycopg://ann:s3cret@db:5433/boo") == "postgresql://ann:***@db:5433/boo"
    assert config.redact("sqlite:////tmp/x.db") == "sqlite:////tmp/x.db"


def test_the_default_database_is_private_to_its_owner(bare_cli, boo_home):
    assert bare_cli("db", "upgrade").exit_code == 0
    path = boo_home / "data" / "boo.db"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
