"""What this machine remembers between commands: who is logged in to which database (a secret, kept
in the OS keyring, or in an owner-only file where no keyring exists) and each user's current
business (not a secret, kept in the state folder)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from boo_cli.config import ensure_private_dir, paths

KEYRING_SERVICE = "boo"
Notify = Callable[[str], None]


def database_key(url: str) -> str:
    """A stable name for a database that does not reveal its password."""
    import sqlalchemy as sa

    parsed = sa.make_url(url)
    safe = parsed.set(password=None).render_as_string(hide_password=False)
    return hashlib.sha256(safe.encode()).hexdigest()[:24]


# --- small private JSON files -----------------------------------------------------------------


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        return {}  # a damaged state file only forgets choices; it never blocks a command
    return data if isinstance(data, dict) else {}


def _write_json(path: Path, data: dict[str, Any]) -> None:
    """Replace the file whole. Each writer has its own temporary file (mkstemp, mode 0600), because
    several run-due processes started by cron in the same minute write the same state file."""
    import tempfile

    ensure_private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --- login sessions ---------------------------------------------------------------------------


def _sessions_file() -> Path:
    return paths().state_dir / "sessions.json"


def _usable_keyring():
    """The OS keyring, or None where only keyring's fail/null backends exist (servers, CI, cron)."""
    if os.environ.get("BOO_KEYRING", "").lower() in {"file", "none", "off"}:
        return None
    import keyring
    from keyring.backends import fail

    backend = keyring.get_keyring()
    names = {type(b).__module__ for b in getattr(backend, "backends", [backend])}
    if isinstance(backend, fail.Keyring) or names <= {"keyring.backends.fail", "keyring.backends.null"}:
        return None
    return keyring


def remember_login(url: str, token: str, notify: Notify | None = None) -> str:
    """Keep this machine's login token for this database; returns where it went ('keyring' or the
    file's path). The token is the login: it is kept as a secret, never printed."""
    key = database_key(url)
    store = _usable_keyring()
    if store is not None:
        try:
            store.set_password(KEYRING_SERVICE, f"session:{key}", token)
        except Exception:  # a locked or broken keyring falls back like a missing one
            pass
        else:
            _drop_from_file(key)  # the file is read first: an older login there must not win
            return "keyring"
    path = _sessions_file()
    first_time = not path.exists()
    data = _read_json(path)
    data[key] = {"token": token}
    _write_json(path, data)
    if first_time and notify:
        notify(f"No system keyring here: the login is kept in {path} (readable by you only).")
    return str(path)


def remembered_login(url: str) -> str | None:
    """The login token kept for this database, or None. The owner-only file is read first: where no
    keyring works (servers, cron) the login is there, and finding out that no keyring works costs
    keyring's backend discovery (about 85 ms, a quarter of boo's start-up) on every command.

    What an older boo kept (a bare user id) comes back as it is and logs no one in: the database
    knows only tokens (services/user_sessions.py)."""
    key = database_key(url)
    entry = _read_json(_sessions_file()).get(key)
    if isinstance(entry, dict):  # written by this boo, which drops it when a later login goes to the keyring
        value = entry.get("token")
    else:  # none, or a bare id an older boo wrote and may have left behind a newer keyring login
        value = None
        store = _usable_keyring()
        if store is not None:
            try:
                value = store.get_password(KEYRING_SERVICE, f"session:{key}")
            except Exception:
                value = None
        value = value or entry
    return value if isinstance(value, str) and value else None


def forget_login(url: str) -> bool:
    """Log out of this database; True when there was a login to forget."""
    key = database_key(url)
    forgot = False
    store = _usable_keyring()
    if store is not None:
        try:
            if store.get_password(KEYRING_SERVICE, f"session:{key}") is not None:
                store.delete_password(KEYRING_SERVICE, f"session:{key}")
                forgot = True
        except Exception:
            pass
    return _drop_from_file(key) or forgot


def _drop_from_file(key: str) -> bool:
    path = _sessions_file()
    data = _read_json(path)
    if data.pop(key, None) is None:
        return False
    _write_json(path, data)
    return True


# --- current business -------------------------------------------------------------------------


def _state_file() -> Path:
    return paths().state_dir / "current-profile.json"


def choose_profile(url: str, user_id: uuid.UUID, profile_id: uuid.UUID | None) -> None:
    data = _read_json(_state_file())
    slot = f"{database_key(url)}:{user_id}"
    if profile_id is None:
        data.pop(slot, None)
    else:
        data[slot] = str(profile_id)
    _write_json(_state_file(), data)


def chosen_profile(url: str, user_id: uuid.UUID) -> uuid.UUID | None:
    value = _read_json(_state_file()).get(f"{database_key(url)}:{user_id}")
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


# --- users created on this machine, and run-due's heartbeat --------------------------------------


def _machine_file() -> Path:
    return paths().state_dir / "machine.json"


def remember_local_user(url: str, user_id: uuid.UUID) -> None:
    """Note that this account was created here: its shell tasks may run on this machine."""
    _change_shell_users(url, created=user_id)


def local_users(url: str) -> set[str]:
    """The accounts created here: older boo kept them in machine.json, newer in shell-users.json."""
    older = _read_json(_machine_file()).get("local_users", {}).get(database_key(url), [])
    return {*older, *_shell_users_of(url).get("created", [])}


# --- whose shell tasks this host runs, and the host's id -----------------------------------------


def _shell_users_file() -> Path:
    # Its own file, not machine.json: run-due rewrites machine.json every minute, and a choice made
    # between its read and its write would be lost.
    return paths().state_dir / "shell-users.json"


def _shell_users_of(url: str) -> dict[str, list[str]]:
    entry = _read_json(_shell_users_file()).get(database_key(url))
    return entry if isinstance(entry, dict) else {}


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on path's companion .lock file (where the OS has flock), so that
    two commands changing the same state file one after the other both keep their change."""
    ensure_private_dir(path.parent)
    try:
        import fcntl
    except ImportError:  # Windows: no cron, and one boo at a time
        yield
        return
    fd = os.open(path.with_suffix(".lock"), os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _change_shell_users(
    url: str,
    *,
    created: uuid.UUID | None = None,
    allowed: uuid.UUID | None = None,
    denied: uuid.UUID | None = None,
) -> None:
    path = _shell_users_file()
    with _locked(path):
        data = _read_json(path)
        entry = data.get(database_key(url))
        entry = entry if isinstance(entry, dict) else {}
        lists = {name: [str(i) for i in entry.get(name, [])] for name in ("created", "allowed", "denied")}

        def put(name: str, user_id: uuid.UUID) -> None:
            if str(user_id) not in lists[name]:
                lists[name].append(str(user_id))

        def drop(name: str, user_id: uuid.UUID) -> None:
            lists[name] = [i for i in lists[name] if i != str(user_id)]

        if created is not None:
            put("created", created)
        if allowed is not None:
            put("allowed", allowed)
            drop("denied", allowed)
        if denied is not None:
            put("denied", denied)
            drop("allowed", denied)
        data[database_key(url)] = lists
        _write_json(path, data)


def allow_shell_user(url: str, user_id: uuid.UUID) -> None:
    """This host runs the user's shell tasks from now on (`boo automate allow`)."""
    _change_shell_users(url, allowed=user_id)


def deny_shell_user(url: str, user_id: uuid.UUID) -> None:
    """This host no longer runs the user's shell tasks, even an account created here."""
    _change_shell_users(url, denied=user_id)


def shell_users(url: str) -> dict[str, str]:
    """The ids of the users whose shell tasks this host runs, each with why: 'created here' (by
    default every account created on this machine) or 'allowed' (`boo automate allow`), less
    those denied (`boo automate deny`)."""
    entry = _shell_users_of(url)
    denied = set(entry.get("denied", []))
    users = {i: "created here" for i in local_users(url)}
    users.update({i: "allowed" for i in entry.get("allowed", [])})
    return {i: why for i, why in users.items() if i not in denied}


def host_id() -> uuid.UUID:
    """This BOO_HOME's id as a run-due host, made once and kept in the state folder. Several
    run-due processes may start at once: the first file linked into place wins, the others read it."""
    import tempfile

    path = paths().state_dir / "host-id"
    for _ in range(3):
        try:
            return uuid.UUID(path.read_text(encoding="utf-8").strip())
        except FileNotFoundError:
            pass
        except (OSError, ValueError) as exc:
            from boo_cli.errors import ConfigError

            raise ConfigError(f"{path} does not hold a host id; remove it to get a new one") from exc
        ensure_private_dir(path.parent)
        fd, tmp = tempfile.mkstemp(prefix=".host-id-", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(f"{uuid.uuid4()}\n")
            with contextlib.suppress(FileExistsError):  # another process put its id there first
                os.link(tmp, path)  # the file appears whole, or not at all
        finally:
            Path(tmp).unlink(missing_ok=True)
    raise OSError(f"cannot create {path}")


def record_run_due(url: str, **facts: Any) -> None:
    data = _read_json(_machine_file())
    data.setdefault("run_due", {})[database_key(url)] = facts
    _write_json(_machine_file(), data)


def last_run_due(url: str) -> dict[str, Any] | None:
    return _read_json(_machine_file()).get("run_due", {}).get(database_key(url))
