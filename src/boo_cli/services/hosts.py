"""Hosts that run run-due against this database, and whose shell tasks each of them runs.

A host's choice (logins.shell_users: by user id, kept in its own state folder) is the authority; these
functions publish it to the database, where run-due claims only the shell tasks its host may run and
`boo automate status` on any host sees which users' shell tasks no host runs. The rows are machine
data, written with plain statements: no user owns them and the audit trail does not follow them.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from boo_cli import db
from boo_cli.errors import Invalid, NotFound
from boo_cli.models import AutomationHost, AutomationTask, BusinessProfile, HostShellUser, User

CHUNK = 500  # ids per statement: a host's list is short, but no statement binds one per row
ALIVE_WITHIN = timedelta(minutes=5)  # a host whose run-due ran this recently still runs (cron_setup)
REFRESH_AFTER = timedelta(minutes=2)  # run-due renews its heartbeat this often, well within ALIVE_WITHIN


@dataclass(frozen=True)
class Host:
    id: uuid.UUID
    name: str


def this_host() -> Host:
    """This BOO_HOME as a run-due host: the id from its state folder, the machine's name."""
    from boo_cli.services import logins

    return Host(logins.host_id(), (socket.gethostname() or "unknown")[:255])


def _chunks(items: Iterable, size: int = CHUNK) -> Iterator[list]:
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _ids(values: Iterable[str]) -> set[uuid.UUID]:
    found = set()
    for value in values:
        try:
            found.add(uuid.UUID(str(value)))
        except ValueError:
            continue  # a damaged state file only forgets a choice
    return found


def find_user(session: Session, ref: str) -> User:
    """The account ref names, now: its full id, or its email (any case)."""
    from boo_cli.services.accounts import find_by_email
    from boo_cli.services.lookup import is_full_id

    ref = (ref or "").strip()
    if is_full_id(ref):
        user = session.get(User, uuid.UUID(ref))
        if user is None:
            raise NotFound(f"no user with the id {ref}")
        return user
    if "@" not in ref:
        raise Invalid(f"{ref!r} is neither an email nor a full user id", field="USER")
    return find_by_email(session, ref)


def publish(session: Session, host: Host, users: Iterable[str], *, seen_at: datetime | None = None) -> None:
    """Write this host's row and the users whose shell tasks it runs (exactly `users`, by id; ids of
    users this database does not have are left out). seen_at: run-due's call, which marks it alive."""
    hosts, links = AutomationHost.__table__, HostShellUser.__table__
    values: dict = {"name": host.name}
    if seen_at is not None:
        values["last_seen_at"] = seen_at
    db.insert_or_skip(session, hosts, [{"id": host.id, **values}])
    session.execute(sa.update(hosts).where(hosts.c.id == host.id).values(**values))
    have = set(session.execute(select(links.c.user_id).where(links.c.host_id == host.id)).scalars())
    want = _ids(users)
    for chunk in _chunks(sorted(have - want)):
        session.execute(sa.delete(links).where(links.c.host_id == host.id, links.c.user_id.in_(chunk)))
    for chunk in _chunks(sorted(want - have)):
        known = session.execute(select(User.id).where(User.id.in_(chunk))).scalars()
        db.insert_or_skip(session, links, [{"host_id": host.id, "user_id": user_id} for user_id in known])


def is_published(session: Session, host: Host, users: Iterable[str], *, now: datetime) -> bool:
    """Whether the database already says what publish would, with a heartbeat younger than
    REFRESH_AFTER: then run-due need not write, and an idle run-due stays a read (on SQLite it then
    never waits for the write lock)."""
    hosts, links = AutomationHost.__table__, HostShellUser.__table__
    row = session.execute(select(hosts.c.name, hosts.c.last_seen_at).where(hosts.c.id == host.id)).first()
    if row is None or row.name != host.name or row.last_seen_at is None:
        return False
    if not timedelta(0) <= now - row.last_seen_at <= REFRESH_AFTER:
        return False
    have = set(session.execute(select(links.c.user_id).where(links.c.host_id == host.id)).scalars())
    want = _ids(users)
    if have - want:
        return False
    for chunk in _chunks(sorted(want - have)):  # ids of users this database lacks are never published
        if session.execute(select(User.id).where(User.id.in_(chunk)).limit(1)).first():
            return False
    return True


def allow(session: Session, url: str, ref: str) -> tuple[User, Host, bool]:
    """Run the user's shell tasks on this host from now on; the user is resolved to an id once,
    here, so a later change of email changes nothing. Returns (user, host, whether it changed)."""
    from boo_cli.services import logins

    user = find_user(session, ref)
    host = this_host()
    changed = str(user.id) not in logins.shell_users(url)
    logins.allow_shell_user(url, user.id)
    publish(session, host, logins.shell_users(url))
    return user, host, changed


def deny(session: Session, url: str, ref: str) -> tuple[User, Host, bool]:
    """Stop running the user's shell tasks on this host (an account created here too); they wait,
    unclaimed, for a host that runs them. Returns (user, host, whether it changed)."""
    from boo_cli.services import logins

    user = find_user(session, ref)
    host = this_host()
    changed = str(user.id) in logins.shell_users(url)
    logins.deny_shell_user(url, user.id)
    publish(session, host, logins.shell_users(url))
    return user, host, changed


@dataclass(frozen=True)
class ShellUser:
    id: uuid.UUID
    email: str
    why: str  # created here | allowed


def shell_users_here(session: Session, users: dict[str, str]) -> list[ShellUser]:
    """The users whose shell tasks this host runs, with their current emails, by email."""
    found = []
    for chunk in _chunks(sorted(_ids(users))):
        for user_id, email in session.execute(select(User.id, User.email).where(User.id.in_(chunk))):
            found.append(ShellUser(user_id, email, users[str(user_id)]))
    return sorted(found, key=lambda u: u.email)


@dataclass(frozen=True)
class Waiting:
    """A user's due shell tasks that no live host may run."""

    user_id: uuid.UUID
    email: str
    tasks: int
    hosts: list[tuple[str, datetime | None]] = field(default_factory=list)  # may run them, not alive

    @property
    def message(self) -> str:
        one = self.tasks == 1
        count = f"{self.tasks} shell task{'' if one else 's'} of {self.email} wait{'s' if one else ''}"
        them = "it" if one else "them"
        if not self.hosts:
            return (
                f"{count}: no host may run {them}; run 'boo automate allow {self.email}' on the host "
                "that should"
            )
        names = ", ".join(name if seen else f"{name}, which never ran run-due" for name, seen in self.hosts)
        return (
            f"{count}: the hosts that may run {them} ({names}) have not run run-due in the last "
            f"{int(ALIVE_WITHIN.total_seconds() // 60)} minutes"
        )


def waiting_shell_tasks(session: Session, *, now: datetime, limit: int = 20) -> tuple[list[Waiting], bool]:
    """Users whose shell tasks are due but that no host alive (run-due within ALIVE_WITHIN) may run,
    by email: at most limit of them, and whether there are more."""
    alive = (
        select(HostShellUser.user_id)
        .join(AutomationHost, AutomationHost.id == HostShellUser.host_id)
        .where(AutomationHost.last_seen_at >= now - ALIVE_WITHIN)
    )
    rows = session.execute(
        select(User.id, User.email, sa.func.count(AutomationTask.id))
        .select_from(AutomationTask)
        .join(BusinessProfile, BusinessProfile.id == AutomationTask.business_profile_id)
        .join(User, User.id == BusinessProfile.user_id)
        .where(
            AutomationTask.is_active.is_(True),
            AutomationTask.next_run_at <= now,
            AutomationTask.task_type == "shell",
            User.id.not_in(alive),
        )
        .group_by(User.id, User.email)
        .order_by(User.email)
        .limit(limit + 1)
    ).all()
    waiting = []
    for user_id, email, tasks in rows[:limit]:
        hosts = session.execute(
            select(AutomationHost.name, AutomationHost.last_seen_at)
            .join(HostShellUser, HostShellUser.host_id == AutomationHost.id)
            .where(HostShellUser.user_id == user_id)
            .order_by(AutomationHost.name)
        ).all()
        waiting.append(Waiting(user_id, email, tasks, [(name, seen) for name, seen in hosts]))
    return waiting, len(rows) > limit
