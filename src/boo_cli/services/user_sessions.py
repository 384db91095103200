"""Login sessions: a random token on the machine, its SHA-256 in `user_sessions`.

A token is 32 random bytes (256 bits) from `secrets`; the database keeps only its SHA-256 (a hash
that needs no salt or slow function, because the token is random and long: nothing can be guessed
from it), so neither a copy of the database nor a user id logs anyone in. A session lasts
LIFETIME after it was last used; use is written down at most once per TOUCH_EVERY, so a command
that only reads stays a read almost always. Ending a session deletes its row.
"""

from __future__ import annotations

import hashlib
import secrets
import socket
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from boo_cli.errors import NotAllowed
from boo_cli.models import User, UserSession
from boo_cli.services.paging import Page, Paged, fetch

LIFETIME = timedelta(days=30)
TOUCH_EVERY = timedelta(hours=1)
TOKEN_PREFIX = "boo_"  # tells a token from the bare user id an older boo kept


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def is_token(value: object) -> bool:
    """value has the shape of a token this boo makes (anything else names no session)."""
    return isinstance(value, str) and value.startswith(TOKEN_PREFIX) and len(value) > len(TOKEN_PREFIX) + 40


def this_host() -> str:
    return socket.gethostname()[:255]


def open_session(session: Session, user: User, now: datetime) -> tuple[str, UserSession]:
    """A new login for user on this host; returns the token (to keep on the machine) and the row.
    The user's expired sessions are cleared on the way, so the table holds only live ones."""
    _drop(session, select(UserSession).where(UserSession.user_id == user.id, UserSession.expires_at <= now))
    token = new_token()
    row = UserSession(
        user_id=user.id,
        token_hash=token_hash(token),
        host=this_host(),
        created_at=now,
        last_used_at=now,
        expires_at=now + LIFETIME,
    )
    session.add(row)
    session.flush()
    return token, row


def find(session: Session, token: str | None, now: datetime) -> tuple[User, UserSession] | None:
    """The active user and session a token names; None when it names none that is live: a forged
    or malformed value, an expired or an ended session, a disabled account."""
    if not is_token(token):
        return None
    query = (
        select(User, UserSession)
        .join(UserSession, UserSession.user_id == User.id)
        .where(UserSession.token_hash == token_hash(token), UserSession.expires_at > now)
    )
    found = session.exec(query).first()
    if found is None or found[0].is_active is False:
        return None
    return found[0], found[1]


def user_for(session: Session, token: str | None, now: datetime) -> User:
    """The user a kept token logs in; refuses (exit 1) when it logs in no one."""
    found = find(session, token, now)
    if found is None:
        if token is None:
            raise NotAllowed(
                "several users share this database and none is logged in",
                hint="Run 'boo user login EMAIL' first.",
            )
        raise NotAllowed(
            "the login on this machine has expired or was ended",
            hint="Run 'boo user login EMAIL' again.",
        )
    user, row = found
    touch(session, row, now)
    return user


def touch(session: Session, row: UserSession, now: datetime) -> None:
    """Note the use and push the expiry on, when the last note is older than TOUCH_EVERY.

    The note never waits and never holds a lock for the command: on PostgreSQL it is a short
    transaction of its own that skips the row if another holds it (FOR UPDATE SKIP LOCKED); on
    SQLite a writing command notes it under the write lock it already holds, and a read tries once
    with no busy wait. A note that cannot be written now (a busy or read-only database) waits for a
    later command; the command goes on."""
    if row.last_used_at is not None and now - row.last_used_at < TOUCH_EVERY:
        return
    table = UserSession.__table__
    values = {"last_used_at": now, "expires_at": now + LIFETIME}
    engine = session.info.get("engine")
    if engine is None:
        return
    try:
        if engine.dialect.name != "sqlite":
            free = select(table.c.id).where(table.c.id == row.id).with_for_update(skip_locked=True)
            with engine.connect() as conn, conn.begin():
                conn.execute(sa.select(sa.func.set_config("boo.user_id", str(row.user_id), True)))
                conn.execute(sa.update(table).where(table.c.id.in_(free.scalar_subquery())).values(values))
            return
        change = sa.update(table).where(table.c.id == row.id).values(values)
        if not session.info.get("read_only"):
            session.execute(change)
            return
        with engine.connect() as conn:
            raw = conn.connection.dbapi_connection  # outside SQLAlchemy's transaction, which begins below
            waits = raw.execute("PRAGMA busy_timeout").fetchone()[0]
            raw.execute("PRAGMA busy_timeout = 0")
            try:
                with conn.begin():
                    conn.execute(change)
            finally:
                raw.execute(f"PRAGMA busy_timeout = {int(waits)}")
    except sa.exc.SQLAlchemyError:
        pass  # the note is a convenience; the command goes on


def sessions_page(session: Session, user: User, page: Page, now: datetime) -> Paged[UserSession]:
    """The user's live sessions, the most recently used first."""
    query = (
        select(UserSession)
        .where(UserSession.user_id == user.id, UserSession.expires_at > now)
        .order_by(UserSession.last_used_at.desc(), UserSession.id)
    )
    return fetch(session, query, page)


def end(session: Session, token: str | None) -> bool:
    """End the session a token names, whoever's it is (the token is the proof); True if there was one."""
    if not is_token(token):
        return False
    return _drop(session, select(UserSession).where(UserSession.token_hash == token_hash(token))) > 0


def end_all(session: Session, user: User, now: datetime) -> int:
    """End every session of the user, on every machine; returns how many were live."""
    live = session.exec(
        select(sa.func.count())
        .select_from(UserSession)
        .where(UserSession.user_id == user.id, UserSession.expires_at > now)
    ).one()
    _drop(session, select(UserSession).where(UserSession.user_id == user.id))
    return live


def _drop(session: Session, query) -> int:
    # Row by row through the session, so each end is in the change history like any other delete.
    rows = list(session.exec(query))
    for row in rows:
        session.delete(row)
    session.flush()
    return len(rows)
