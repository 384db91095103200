"""Schema migrations: upgrade, downgrade, history and the drift check behind `boo db`.

Alembic is imported here only, and only when one of these runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import sqlalchemy as sa

from boo_cli.db import (
    SchemaState,
    database_errors,
    get_engine,
    known_revisions,
    migrations_dir,
    reading,
    refuse_newer,
    schema_state,
)
from boo_cli.errors import Conflict, DatabaseError, Invalid

# Tables and indexes that the migrations own but the models cannot declare (SQLite FTS5 tables
# and their shadow tables, PostgreSQL expression indexes): the drift check leaves them out.
FULL_TEXT_OBJECTS = (
    "business_profiles_fts",
    "growth_strategies_fts",
    "idx_business_profiles_search",
    "idx_growth_strategies_search",
    "search_vector",  # PostgreSQL: the stored tsvector that ranks search hits (revision 0014)
)


def is_full_text_object(name: str | None) -> bool:
    return bool(name) and name.startswith(FULL_TEXT_OBJECTS)


def _config(connection):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()).replace("%", "%%"))
    cfg.attributes["connection"] = connection
    return cfg


def _resolve_target(target: str) -> str:
    if target in {"head", "base"}:
        return target
    if target in known_revisions():
        return target
    if target.lstrip("-+").isdigit() and target[0] in "+-":
        return target
    raise Invalid(
        f"unknown revision {target!r}",
        field="REVISION",
        hint=f"Known: base, {', '.join(known_revisions())}, head.",
    )


def current(url: str) -> SchemaState:
    return schema_state(get_engine(url))


def upgrade(url: str, target: str = "head") -> SchemaState:
    """Apply revisions up to target, each in its own transaction."""
    return _run("upgrade", url, _resolve_target(target))


def downgrade(url: str, target: str, *, force: bool = False) -> SchemaState:
    """Undo revisions down to target ('base' removes every table and, on PostgreSQL, enum type).

    Refused, with nothing changed, when it would drop a column or table that holds data, unless
    force: the message names each table.column and how many rows would lose it."""
    target = _resolve_target(target)
    check_downgrade(url, target, force=force)
    return _run("downgrade", url, target)


def check_downgrade(url: str, target: str, *, force: bool) -> list[Loss]:
    """The data downgrading to target would drop; refused (Conflict) unless force."""
    losses = data_lost_by_downgrade(url, _resolve_target(target))
    if losses and not force:
        raise Conflict(
            f"downgrading to {target} would lose data: {describe_losses(losses)}; nothing was changed",
            hint="Export what you need first, or add --force to downgrade anyway.",
        )
    return losses


@dataclass(frozen=True)
class Loss:
    """Data a downgrade would drop: a column's non-empty values, or a whole table's rows."""

    table: str
    column: str | None  # None: the whole table
    rows: int

    def __str__(self) -> str:
        where = f"{self.table}.{self.column}" if self.column else f"table {self.table}"
        return f"{where} ({self.rows} row{'s' if self.rows != 1 else ''})"


def describe_losses(losses: list[Loss]) -> str:
    return ", ".join(map(str, losses))


def data_lost_by_downgrade(url: str, target: str) -> list[Loss]:
    """What downgrading to target would drop that holds data, found by comparing the database's
    tables and columns with those the migrations build up to target (in a scratch SQLite database),
    so every revision's downgrade is covered without each one declaring what it drops."""
    engine = get_engine(url)
    state = schema_state(engine)
    revisions = known_revisions()
    if state.current is None or state.current not in revisions:
        return []
    goal = _absolute_target(target, state.current)
    if goal != "base" and revisions.index(goal) >= revisions.index(state.current):
        return []
    keeps = _schema_at(goal)
    losses: list[Loss] = []
    with database_errors(url), reading(engine).connect() as conn:
        inspector = sa.inspect(conn)
        for table in sorted(inspector.get_table_names()):
            if table == "alembic_version" or is_full_text_object(table):
                continue
            quoted = conn.dialect.identifier_preparer.quote
            if table not in keeps:
                rows = conn.execute(sa.text(f"SELECT count(*) FROM {quoted(table)}")).scalar_one()
                if rows:
                    losses.append(Loss(table, None, rows))
                continue
            for column in (c["name"] for c in inspector.get_columns(table)):
                if column in keeps[table] or is_full_text_object(column):
                    continue  # (a search vector is made from columns that stay: nothing is lost)
                rows = conn.execute(
                    sa.text(f"SELECT count(*) FROM {quoted(table)} WHERE {quoted(column)} IS NOT NULL")
                ).scalar_one()
                if rows:
                    losses.append(Loss(table, column, rows))
    return losses


def _absolute_target(target: str, current: str) -> str:
    if target in {"base", "head"} or target in known_revisions():
        return known_revisions()[-1] if target == "head" else target
    revisions = ("base", *known_revisions())
    index = revisions.index(current) + int(target)  # a relative step, e.g. -1
    if index < 0:
        raise Invalid(f"{target} goes below base (the database is at {current})", field="REVISION")
    return revisions[min(index, len(revisions) - 1)]


@cache
def _schema_at(revision: str) -> dict[str, set[str]]:
    """Tables and their columns as the migrations build them up to revision (none at base)."""
    import tempfile
    from pathlib import Path

    from boo_cli.db import forget_engine

    if revision == "base":
        return {}
    with tempfile.TemporaryDirectory(prefix="boo-schema-") as folder:
        scratch = f"sqlite:///{Path(folder) / 'schema.db'}"
        try:
            _run("upgrade", scratch, revision)
            with get_engine(scratch).connect() as conn:
                inspector = sa.inspect(conn)
                return {
                    table: {c["name"] for c in inspector.get_columns(table)}
                    for table in inspector.get_table_names()
                }
        finally:
            forget_engine(scratch)


def _run(direction: str, url: str, target: str) -> SchemaState:
    from alembic import command

    state = schema_state(get_engine(url))
    refuse_newer(state, get_engine(url))
    engine = get_engine(url, migrating=True)
    with database_errors(url), engine.connect() as conn:
        getattr(command, direction)(_config(conn), target)
        if target == "base":
            # Alembic keeps its (now empty) version table; base means nothing of boo's is left.
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        if conn.in_transaction():
            conn.commit()
        if conn.dialect.name == "sqlite":
            _check_foreign_keys(conn)
    return schema_state(get_engine(url))


def _check_foreign_keys(conn: sa.Connection) -> None:
    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    conn.rollback()
    if broken:
        tables = sorted({row[0] for row in broken})
        raise DatabaseError(f"the migration left rows pointing at missing parents in: {', '.join(tables)}")


@dataclass(frozen=True)
class Revision:
    revision: str
    down_revision: str | None
    message: str
    is_current: bool


def history(url: str | None) -> list[Revision]:
    """Every revision this package ships, newest first, marking the database's own when a URL is given."""
    from alembic.script import ScriptDirectory

    cfg = _config(None)
    scripts = ScriptDirectory.from_config(cfg)
    at = schema_state(get_engine(url)).current if url else None
    return [
        Revision(s.revision, s.down_revision, s.doc or "", s.revision == at) for s in scripts.walk_revisions()
    ]


@dataclass(frozen=True)
class CheckResult:
    state: SchemaState
    differences: list[str]

    @property
    def ok(self) -> bool:
        return self.state.up_to_date and not self.differences


def check(url: str) -> CheckResult:
    """Compare the database with the head revision and the models with what the migrations built."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from boo_cli.models import metadata

    engine = get_engine(url)
    state = schema_state(engine)
    refuse_newer(state, engine)
    if not state.up_to_date:
        return CheckResult(state, [])
    with database_errors(url), reading(engine).connect() as conn:
        context = MigrationContext.configure(conn, opts=comparison_options())
        diffs = compare_metadata(context, metadata)
    return CheckResult(state, [_describe_diff(d) for d in diffs])


def comparison_options() -> dict:
    """Alembic options shared by the drift check and env.py's autogenerate."""

    def include_name(name, type_, parent_names):
        if type_ == "table" and name == "alembic_version":
            return False
        return not is_full_text_object(name)

    return {"include_name": include_name, "compare_type": True, "render_as_batch": True}


def _describe_diff(diff) -> str:
    if isinstance(diff, list):
        return "; ".join(_describe_diff(d) for d in diff)
    kind, *rest = diff
    subject = next((getattr(r, "name", None) for r in rest if getattr(r, "name", None)), None)
    if subject is None:
        subject = " ".join(str(r) for r in rest if isinstance(r, str))
    return f"{kind.replace('_', ' ')}: {subject}"
