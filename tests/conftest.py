"""Fixtures: a home folder per test, and databases on both backends.

Every database test runs twice, on SQLite and on PostgreSQL. PostgreSQL is at
BOO_TEST_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/postgres); each test session
creates its own databases and drops them at the end. With CI=true an unreachable server fails the
PostgreSQL tests instead of skipping them.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from boo_cli import db
from boo_cli.config import normalize_url

BACKENDS = ["sqlite", "postgres"]
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/postgres"


@pytest.fixture(autouse=True)
def boo_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Each test gets its own BOO_HOME and no stray settings from the machine."""
    home = tmp_path / "boo-home"
    monkeypatch.setenv("BOO_HOME", str(home))
    for name in ("BOO_DATABASE_URL", "BOO_DEBUG", "BOO_NO_INPUT", "BOO_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BOO_KEYRING", "file")  # never touch the real keyring of the machine
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    yield home
    db.dispose_engines()


# --- PostgreSQL server --------------------------------------------------------------------------


def _admin_url() -> str:
    return normalize_url(os.environ.get("BOO_TEST_POSTGRES_URL", DEFAULT_PG))


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[sa.Engine]:
    engine = sa.create_engine(_admin_url(), isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        engine.dispose()
        message = f"PostgreSQL is not reachable at {_admin_url()}: {str(exc.orig).splitlines()[0]}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    yield engine
    engine.dispose()


class PgDatabases:
    """Creates databases named boo_test_<run>_<n> and drops every one of them at the end."""

    def __init__(self, admin: sa.Engine) -> None:
        self.admin = admin
        self.run = uuid.uuid4().hex[:8]
        self.names: list[str] = []

    def create(self, template: str | None = None) -> str:
        name = f"boo_test_{self.run}_{len(self.names)}"
        self.names.append(name)
        suffix = f" TEMPLATE {template}" if template else ""
        with self.admin.connect() as conn:
            conn.execute(sa.text(f"CREATE DATABASE {name}{suffix}"))
        return self.url(name)

    def url(self, name: str) -> str:
        return str(sa.make_url(_admin_url()).set(database=name).render_as_string(hide_password=False))

    def drop_all(self) -> None:
        db.dispose_engines()
        with self.admin.connect() as conn:
            for name in self.names:
                conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


@pytest.fixture(scope="session")
def pg_databases(pg_admin: sa.Engine) -> Iterator[PgDatabases]:
    databases = PgDatabases(pg_admin)
    yield databases
    databases.drop_all()


@pytest.fixture(scope="session")
def pg_template(pg_databases: PgDatabases) -> str:
    """A migrated database that per-test databases are copied from."""
    from boo_cli.services.database import upgrade

    url = pg_databases.create()
    upgrade(url)
    db.dispose_engines()  # a template must have no connections when it is copied
    return sa.make_url(url).database


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from boo_cli.services.database import upgrade

    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite:///{path}")
    db.dispose_engines()
    return path


# --- per-test databases -----------------------------------------------------------------------


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def empty_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A new database with nothing in it, on the backend under test."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    return request.getfixturevalue("pg_databases").create()


@pytest.fixture
def url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A database migrated to head, on the backend under test."""
    if backend == "sqlite":
        path = tmp_path / "boo.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    template = request.getfixturevalue("pg_template")
    return request.getfixturevalue("pg_databases").create(template=template)


@pytest.fixture
def engine(url: str) -> sa.Engine:
    return db.get_engine(url)


@pytest.fixture
def session(url: str):
    """A session on the migrated database; committed when the test ends without error."""
    with db.session_scope(url, migrate=False) as session:
        yield session


# --- the command line -----------------------------------------------------------------------


class Cli:
    """Runs boo in-process through Typer's CliRunner, against one database."""

    def __init__(self, url: str | None) -> None:
        self.url = url

    def __call__(self, *args: str, input: str | None = None, db: bool = True):
        from typer.testing import CliRunner

        from boo_cli.cli.app import app

        argv = (["--db", self.url] if db and self.url else []) + list(args)
        return CliRunner().invoke(app, argv, input=input)

    def json(self, *args: str, input: str | None = None):
        import json

        result = self("--json", *args, input=input)
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)


@pytest.fixture
def cli(url: str) -> Cli:
    """boo on a migrated database of the backend under test."""
    return Cli(url)


@pytest.fixture
def bare_cli() -> Cli:
    """boo with no --db: settings and defaults decide."""
    return Cli(None)


PASSWORD = "correct horse battery"


@pytest.fixture
def owner(session):
    """A user in the migrated database, for service tests."""
    from boo_cli.services import accounts

    user = accounts.create_user(
        session,
        email="owner@example.com",
        first_name="Olive",
        last_name="Owner",
        password=PASSWORD,
        timezone="Europe/Berlin",
    )
    session.commit()
    return user


def init_user(cli: Cli, email: str = "ann@example.com", business: str | None = None, first: str = "Ann"):
    """`boo init` the scripted way; returns the result."""
    args = [
        "init",
        "--email",
        email,
        "--first-name",
        first,
        "--last-name",
        "Lee",
        "--timezone",
        "Europe/Berlin",
        "--password-stdin",
    ]
    if business:
        args += ["--business", business]
    result = cli(*args, input=PASSWORD + "\n")
    assert result.exit_code == 0, result.stderr
    return result


def add_user(cli: Cli, email: str, first: str = "Bob"):
    result = cli(
        "user",
        "add",
        "--email",
        email,
        "--first-name",
        first,
        "--last-name",
        "Other",
        "--timezone",
        "America/New_York",
        "--password-stdin",
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.stderr
    return result


def login(cli: Cli, email: str):
    result = cli("user", "login", email, "--password-stdin", input=PASSWORD + "\n")
    assert result.exit_code == 0, result.stderr
    return result
