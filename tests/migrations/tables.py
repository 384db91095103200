"""Tables as a migration test writes them at an older revision: plain SQLAlchemy tables of the columns
it needs (the models describe head, not the revision under test), and an owner to hang rows on."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

users = sa.table(
    "users",
    sa.column("id", sa.Uuid()),
    sa.column("email", sa.String()),
    sa.column("password_hash", sa.String()),
    sa.column("first_name", sa.String()),
    sa.column("last_name", sa.String()),
)
profiles = sa.table(
    "business_profiles",
    sa.column("id", sa.Uuid()),
    sa.column("user_id", sa.Uuid()),
    sa.column("business_name"),
)


def add_owner(conn, *businesses: str) -> tuple[uuid.UUID, list[uuid.UUID]]:
    """A user with a business profile of each name; their ids."""
    user = uuid.uuid4()
    conn.execute(
        users.insert().values(
            id=user, email="m@example.com", password_hash="x", first_name="M", last_name="N"
        )
    )
    ids = [uuid.uuid4() for _ in businesses]
    for profile, name in zip(ids, businesses, strict=True):
        conn.execute(profiles.insert().values(id=profile, user_id=user, business_name=name))
    return user, ids
