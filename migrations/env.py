"""Alembic environment. boo runs Alembic in code (services/database.py) and hands it a connection;
a developer may also run `alembic` from the checkout, which then uses boo's own URL settings."""

from __future__ import annotations

from alembic import context

from boo_cli.models import metadata
from boo_cli.services.database import comparison_options

config = context.config


def run_migrations(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        transaction_per_migration=True,
        **comparison_options(),
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_migrations(connection)
        return
    from boo_cli.db import get_engine

    with get_engine(migrating=True).connect() as connection:
        run_migrations(connection)
        connection.commit()


if context.is_offline_mode():
    raise SystemExit("boo's migrations run online only: point BOO_DATABASE_URL at a database")
run_online()
