"""Revision 0012 (run-due hosts and their shell users, by id), with rows: up, down, up again, on both
backends."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from boo_cli import db
from boo_cli.errors import Conflict
from boo_cli.models.types import JSONDocument
from boo_cli.services import database, hosts
from tests.migrations.tables import add_owner

tasks = sa.table(
    "automation_tasks",
    sa.column("id", sa.Uuid()),
    sa.column("business_profile_id", sa.Uuid()),
    sa.column("task_name", sa.String()),
    sa.column("task_type", sa.String()),
    sa.column("action_config", JSONDocument()),
)


def _owner(conn) -> tuple[uuid.UUID, uuid.UUID]:
    user, (profile,) = add_owner(conn, "One")
    return user, profile


def test_0012_takes_task_type_from_the_action_and_its_downgrade_guards_published_hosts(url):
    database.downgrade(url, "0011")
    engine = db.get_engine(url)
    with engine.begin() as conn:
        user, profile = _owner(conn)
        rows = {
            "untyped": (None, {"kind": "shell", "command": "true"}),
            "mistyped": ("builtin", {"kind": "shell", "command": "true"}),
            "webhook": ("webhook", {"kind": "webhook", "url": "https://example.com"}),
        }
        for name, (kind, action) in rows.items():
            conn.execute(
                tasks.insert().values(
                    id=uuid.uuid4(),
                    business_profile_id=profile,
                    task_name=name,
                    task_type=kind,
                    action_config=action,
                )
            )
    database.upgrade(url)
    with engine.connect() as conn:
        found = dict(conn.execute(sa.select(tasks.c.task_name, tasks.c.task_type)).all())
    assert found == {"untyped": "shell", "mistyped": "shell", "webhook": "webhook"}

    with db.session_scope(url) as session:
        hosts.publish(session, hosts.Host(uuid.uuid4(), "web1"), [str(user), str(uuid.uuid4())])
    with pytest.raises(Conflict, match=r"table automation_host_shell_users \(1 row\)"):
        database.downgrade(url, "0011")
    assert database.current(url).up_to_date
    database.downgrade(url, "0011", force=True)
    assert database.current(url).current == "0011"
    with engine.connect() as conn:
        assert not sa.inspect(conn).has_table("automation_hosts")
        assert len(conn.execute(sa.select(tasks.c.id)).all()) == 3
    database.upgrade(url)
    assert database.check(url).ok
