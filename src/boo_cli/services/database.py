"""Schema migrations: upgrade, downgrade, history and the drift check behind `boo db`.

Alembic is imported here only, and only when one of these runs.
"""

from __future__ import annotations

from dataclasses import dataclass

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
from boo_cli.errors import DatabaseError, Invalid

# Tables and indexes that the migrations own but the models cannot declare (SQLite FTS5 tables
# and their shadow tables, PostgreSQL expression indexes): the drift check leaves them out.
FULL_TEXT_OBJECTS = (
    "business_profiles_fts",
    "growth_strategies_fts",
    "idx_business_profiles_search",
    "idx_growth_strategies_search",
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


def downgrade(url: str, target: str) -> SchemaState:
    """Undo revisions down to target ('base' removes every table and, on PostgreSQL, enum type)."""
    return _run("downgrade", url, _resolve_target(target))


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
