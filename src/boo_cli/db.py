"""Engines, sessions and the schema version check: every backend difference boo has lives here.

- SQLite: WAL, foreign keys on, a busy timeout, and real transactions (BEGIN is ours to send, so DDL
  and claims behave as written). Every transaction begins IMMEDIATE (it takes the write lock at once,
  waiting up to the busy timeout behind other writers) unless it is declared a read
  (`new_session(engine, write=False)`, `reading(engine)`): a read begins DEFERRED, never waits for the
  write lock, and is read-only (`PRAGMA query_only`). A DEFERRED transaction that reads and then writes
  can fail at once with SQLITE_BUSY in WAL mode whatever the busy timeout, which is why writers never
  begin DEFERRED.
- PostgreSQL: the acting user is handed to row-level security with a transaction-local setting; a
  declared read runs as a READ ONLY transaction, so a read that writes fails alike on both backends.
- Every session checks the database's schema revision against the newest one this package ships,
  reading the revision files' names rather than importing Alembic, and migrates only when it must.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.selectable import Join
from sqlmodel import Session

from boo_cli.config import busy_timeout_seconds, database_url, ensure_private_dir, redact
from boo_cli.errors import BooError, DatabaseError

_REVISION_FILE = re.compile(r"^(\d{4})_\w+\.py$")

Notify = Callable[[str], None]


# --- migrations on disk -----------------------------------------------------------------------


def migrations_dir() -> Path:
    """The Alembic folder: inside the installed package, or at the top of a source checkout."""
    packaged = Path(__file__).resolve().parent / "migrations"
    if (packaged / "env.py").is_file():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "migrations"
    if (checkout / "env.py").is_file():
        return checkout
    raise DatabaseError("boo's migration files are missing from this installation; reinstall boo")


@cache
def known_revisions() -> tuple[str, ...]:
    """Revision ids this package ships, oldest first (ids are the files' 4-digit prefixes)."""
    names = (p.name for p in (migrations_dir() / "versions").iterdir())
    return tuple(sorted(m.group(1) for m in map(_REVISION_FILE.match, names) if m))


def head_revision() -> str:
    return known_revisions()[-1]


# --- engines ----------------------------------------------------------------------------------

_engines: dict[tuple[str, bool], Engine] = {}


def backend_name(engine_or_url: Engine | str) -> str:
    url = engine_or_url.url if isinstance(engine_or_url, Engine) else sa.make_url(engine_or_url)
    return url.get_backend_name()


def get_engine(url: str | None = None, *, migrating: bool = False) -> Engine:
    """One engine per URL for the life of the process. `migrating` turns SQLite's foreign keys off,
    as Alembic's batch mode needs (it copies and drops tables)."""
    url = url or database_url()
    key = (url, migrating)
    if key not in _engines:
        _engines[key] = _create_engine(url, migrating=migrating)
    return _engines[key]


def forget_engine(url: str) -> None:
    """Close and drop the engines of one URL (a scratch database about to be deleted)."""
    for key in [k for k in _engines if k[0] == url]:
        _engines.pop(key).dispose()


def dispose_engines() -> None:
    for engine in _engines.values():
        engine.dispose()
    _engines.clear()


def _create_engine(url: str, *, migrating: bool) -> Engine:
    parsed = sa.make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        _prepare_sqlite_file(parsed.database)
        busy = busy_timeout_seconds()
        engine = sa.create_engine(url, connect_args={"timeout": busy})
        _install_sqlite_hooks(engine, foreign_keys=not migrating, busy_ms=int(busy * 1000))
        return engine
    if backend == "postgresql":
        try:
            import psycopg  # noqa: F401
        except ModuleNotFoundError as exc:
            raise DatabaseError(
                "PostgreSQL support needs the psycopg driver",
                hint="Install it: pip install 'psycopg[binary]'",
            ) from exc
        from boo_cli.models.audits import name_for_postgresql

        name_for_postgresql()
        engine = sa.create_engine(
            url,
            pool_pre_ping=False,
            connect_args={"connect_timeout": int(os.environ.get("BOO_CONNECT_TIMEOUT", "10"))},
        )

        @event.listens_for(engine, "checkin")
        def _server_default_again(dbapi_connection, _record):
            # A read sets psycopg's read_only (see reading()); SQLAlchemy then resets it to False,
            # which would begin every later transaction READ WRITE and override a database the
            # administrator set read-only. None: the server's default again.
            dbapi_connection.read_only = None

        return engine
    raise DatabaseError(f"unsupported database backend {backend!r} in {redact(url)}")


def _prepare_sqlite_file(database: str | None) -> None:
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if not path.parent.exists():
        from boo_cli.config import paths

        if path.parent == paths().data_dir:
            ensure_private_dir(path.parent)
        else:
            raise DatabaseError(f"cannot create the database {path}: folder {path.parent} does not exist")
    if path.is_dir():
        raise DatabaseError(f"{path} is a folder, not a database file")
    if path.exists() and not path.is_file():  # /dev/null: SQLite would put its -wal file beside it
        raise DatabaseError(f"{path} is not a regular file, so it cannot hold a database")
    if not path.exists():
        # Owner-only from the first byte: the file holds business and personal data.
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


def _install_sqlite_hooks(engine: Engine, *, foreign_keys: bool, busy_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # Leave transaction control to SQLAlchemy's "begin" event below.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {busy_ms}")
            cursor.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        read_only = mode == "DEFERRED"
        info = conn.connection.info
        if info.get("query_only", False) != read_only:
            conn.exec_driver_sql(f"PRAGMA query_only = {'ON' if read_only else 'OFF'}")
            info["query_only"] = read_only
        conn.exec_driver_sql(f"BEGIN {mode}")


def reading(engine: Engine) -> Engine:
    """The engine for a read: SQLite begins DEFERRED and read-only, so it never waits for a writer;
    PostgreSQL begins READ ONLY (psycopg puts it in the BEGIN: no round trip of its own)."""
    if engine.dialect.name == "postgresql":
        return engine.execution_options(postgresql_readonly=True)
    return engine.execution_options(sqlite_begin="DEFERRED")


# --- errors -----------------------------------------------------------------------------------


@contextmanager
def database_errors(url: str) -> Iterator[None]:
    """Turn driver errors into one readable line that names the database (password redacted)."""
    try:
        yield
    except BooError:
        raise
    except sa.exc.SQLAlchemyError as exc:
        raise DatabaseError(describe_failure(exc, url)) from exc


def describe_failure(exc: Exception, url: str) -> str:
    where = redact(url)
    orig = getattr(exc, "orig", None) or exc
    text = " ".join(str(orig).split()) or type(orig).__name__
    lowered = text.lower()
    if "database is locked" in lowered or "database is busy" in lowered:
        waited = busy_timeout_seconds()
        return (
            f"the database {where} is busy: another boo kept it locked for more than {waited:g} s "
            "(BOO_BUSY_TIMEOUT); nothing was changed, try again"
        )
    if "file is not a database" in lowered or "file is encrypted" in lowered:
        return f"{where} is not a SQLite database (the file exists but holds something else)"
    if "unable to open database file" in lowered:
        return f"cannot open {where}: check the path and its permissions"
    if "password authentication failed" in lowered:
        return f"cannot connect to {where}: the server refused the user name or password"
    if "readonly database" in lowered or "read-only transaction" in lowered:
        return f"cannot write to {where}: the database is read-only (check its permissions or settings)"
    if "database is locked" in lowered:
        return f"{where} is busy: another program held a lock on it too long; try again"
    if isinstance(exc, sa.exc.OperationalError) and (exc.statement is None or "connect" in lowered):
        return f"cannot connect to {where}: {_first_sentence(text)}"
    return f"database error on {where}: {_first_sentence(text)}"


def _first_sentence(text: str) -> str:
    # A statement's text and its parameters (user data, password hashes) never reach the user.
    text = re.split(r"\[SQL:|\[parameters:|\(Background on this error at:", text, maxsplit=1)[0]
    return text.strip()[:300]


def describe_escaped(exc: BaseException, db_flag: str | None = None) -> str:
    """One line for an error that reached the command-line boundary without a BooError of its own:
    a file or network failure, or a database error raised outside database_errors."""
    from boo_cli.errors import describe_os_error

    if isinstance(exc, OSError):
        return describe_os_error(exc)
    if isinstance(exc, sa.exc.SQLAlchemyError):
        try:
            url = database_url(db_flag)
        except BooError:
            url = "the database"
        return describe_failure(exc, url)
    first = (str(exc).splitlines() or [""])[0][:200]
    return f"unexpected error: {type(exc).__name__}: {first} (run with --debug for details)"


# --- schema version ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SchemaState:
    current: str | None
    head: str

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head

    @property
    def ahead(self) -> bool:
        """The database was migrated by a newer boo than this one."""
        return self.current is not None and self.current not in known_revisions()


def schema_state(engine: Engine) -> SchemaState:
    """Where the database's schema stands: one SELECT when it has one (every command asks), the
    catalog only when that SELECT fails (a new database, or not boo's)."""
    with database_errors(str(engine.url)), reading(engine).connect() as conn:
        try:
            current = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        except sa.exc.DBAPIError:
            conn.rollback()  # PostgreSQL refuses anything more in a failed transaction
            if sa.inspect(conn).has_table("alembic_version"):
                raise
            current = None
    return SchemaState(current=current, head=head_revision())


def refuse_newer(state: SchemaState, engine: Engine) -> None:
    if state.ahead:
        raise DatabaseError(
            f"the database {redact(str(engine.url))} is at schema revision {state.current}, newer than "
            f"this boo knows (head {state.head})",
            hint="Upgrade boo (pip install -U boo-cli) before using this database.",
        )


def ensure_schema(engine: Engine, notify: Notify | None = None) -> SchemaState:
    """Bring a new or older database up to date; refuse one newer than this code."""
    state = schema_state(engine)
    refuse_newer(state, engine)
    if state.up_to_date:
        return state
    from boo_cli.services.database import upgrade

    if notify and state.current is not None:
        # Only an upgrade of existing data is news; setting up a new database is silent, so that a
        # first command that fails still prints one line.
        notify(f"Upgrading the database {redact(str(engine.url))} from {state.current} to {state.head}.")
    upgrade(str(engine.url), state.head)
    return schema_state(engine)


# --- sessions ---------------------------------------------------------------------------------


@contextmanager
def session_scope(
    url: str | None = None, *, notify: Notify | None = None, migrate: bool = True, write: bool = True
) -> Iterator[Session]:
    """One unit of work: commits when the block ends, rolls back when it raises. A writer
    (`write=True`, the default) waits for the write lock when it begins; a reader never waits and
    may not write."""
    url = url or database_url()
    with database_errors(url):
        engine = get_engine(url)
        if migrate:
            ensure_schema(engine, notify)
        with new_session(engine, write=write) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise


def new_session(engine: Engine, *, write: bool = True, immediate: bool | None = None) -> Session:
    """A session with boo's hooks (row-level security actor, audit trail).

    A writer (the default) takes SQLite's write lock when its transaction begins (BEGIN IMMEDIATE),
    so writers queue behind each other for up to the busy timeout instead of failing half-way.
    `write=False` declares a read: SQLite begins DEFERRED with query_only on, PostgreSQL runs the
    transaction READ ONLY. `immediate` is the older name of `write`."""
    if immediate is not None:
        write = immediate
    session = Session(engine if write else reading(engine), expire_on_commit=False)
    session.info["read_only"] = not write
    session.info["engine"] = engine  # for a short write a read may need (services/user_sessions.py)
    _install_session_hooks(session)
    return session


def set_actor(session: Session, user_id: uuid.UUID | None) -> None:
    """Name the user acting in this session: PostgreSQL's row-level security then shows only their
    rows, and the audit trail records them as the author of every change."""
    session.info["actor_id"] = user_id
    if session.in_transaction():
        connection = session.connection()  # may begin it, and the begin names the actor already
        if session.info.get("actor_applied") != (session.get_transaction(), user_id):
            _apply_actor(connection, user_id)
            _note_applied(session, user_id)


def actor_column(user_id_column):
    """A column that names user_id_column's value as the acting user (PostgreSQL): added to a
    transaction's first read, it saves the round trip of set_actor when that read tells whom the
    transaction acts for. Call actor_read(session, user_id) with the id the read returned."""
    return sa.func.set_config("boo.user_id", sa.cast(user_id_column, sa.String), True)


def actor_read(session: Session, user_id: uuid.UUID) -> None:
    """After a read with actor_column: the actor is named (PostgreSQL) or only needs noting (SQLite)."""
    session.info["actor_id"] = user_id
    if session.connection().dialect.name == "postgresql":
        _note_applied(session, user_id)


def _note_applied(session: Session, user_id: uuid.UUID | None) -> None:
    """Remember that this transaction has named user_id as its actor, so it is not named twice."""
    session.info["actor_applied"] = (session.get_transaction(), user_id)


def actor_of(session: Session) -> uuid.UUID | None:
    return session.info.get("actor_id")


def _apply_actor(connection: sa.Connection, user_id: uuid.UUID | None) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(
            sa.text("SELECT set_config('boo.user_id', :uid, true)"),
            {"uid": str(user_id) if user_id else ""},
        )


def _install_session_hooks(session: Session) -> None:
    @event.listens_for(session, "after_begin")
    def _after_begin(sess, _transaction, connection):
        if sess.info.get("actor_id"):
            _apply_actor(connection, sess.info["actor_id"])
        _note_applied(sess, sess.info.get("actor_id"))

    event.listen(session, "before_flush", _record_changes)


def _record_changes(session: Session, flush_context, instances) -> None:
    # The audit trail's module (and its table class) loads with the first change: a read never does.
    from boo_cli.services.audit_trail import record_changes

    record_changes(session, flush_context, instances)


# --- serialising a user's check-then-write rules ----------------------------------------------

# The first key of boo's PostgreSQL advisory locks on a user's bookings ("boo" and 1, as an int4).
BOOKING_LOCK_CLASS = 0x626F6F01


def lock_bookings(session: Session, user_id: uuid.UUID) -> None:
    """Hold the user's booking lock until this transaction ends, so that checking a slot is free and
    taking it happen as one step: no other transaction checks the same user's calendar in between.

    PostgreSQL: a transaction-scoped advisory lock keyed on the user (read committed then shows the
    check every booking committed before the lock was granted). SQLite: nothing to do, since a
    writer's transaction began IMMEDIATE and already holds the database's only write lock."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return
    key = int.from_bytes(user_id.bytes[:4], "big", signed=True)  # collisions only serialise more
    connection.execute(
        sa.text("SELECT pg_advisory_xact_lock(:kind, :key)"), {"kind": BOOKING_LOCK_CLASS, "key": key}
    )


# --- portable query pieces --------------------------------------------------------------------


# At most this many values in one IN (…): PostgreSQL takes at most 65,535 bind parameters a statement,
# and a statement's cost should not grow with the rows a command happens to hold.
IN_CHUNK = 1000


def chunks(values: list, size: int = IN_CHUNK) -> Iterator[list]:
    """values in consecutive pieces of at most size, for an IN (…) each."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


class _WrittenOrder(Join):
    inherit_cache = True


@compiles(_WrittenOrder, "sqlite")
def _cross_join(join: _WrittenOrder, compiler: Any, **kw: Any) -> str:
    written = compiler.visit_join(join, **kw)
    left = compiler.preparer.format_table(join.left) + " JOIN "  # a table's name, always
    if not written.startswith(left):  # pragma: no cover
        raise AssertionError(written)
    return written[: len(left) - len("JOIN ")] + "CROSS JOIN " + written[len(left) :]


def in_written_order(left, right, onclause):
    """left JOIN right, which SQLite must run from left to right (its CROSS JOIN; elsewhere a plain
    join). For a list read in the order of an index on left, or a full-text search read from its
    FTS table: SQLite's planner, especially before ANALYZE has run (boo never runs it), may start
    from right when a scope filter on it has an index, and then sort or probe every row of it
    (counting a common word's 20,000 hits took 1.5 s that way, 11 ms from the FTS side).
    https://sqlite.org/optoverview.html#crossjoin"""
    return _WrittenOrder(left, right, onclause)


def uuid_prefix_clause(column, prefix: str):
    """`column` (a UUID) starts with `prefix` (hex, dashes optional), on either backend.

    SQLite keeps UUIDs as 32 hex characters; PostgreSQL's text form has dashes, so both sides are
    compared without them.
    """
    bare = prefix.replace("-", "").lower()
    text = sa.cast(column, sa.String)
    return sa.func.replace(text, "-", "").like(f"{bare}%")


def insert_or_skip(session: Session, table: sa.Table, rows: list[dict]) -> None:
    """Insert rows, skipping any whose key is already there (two runners may add the same row at
    once): INSERT … ON CONFLICT DO NOTHING, which both backends speak in their own dialect."""
    if not rows:
        return
    if session.connection().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    session.execute(insert(table).values(rows).on_conflict_do_nothing())
