"""How run-due fits this machine: who may run shell commands here, the crontab line, and whether
cron still calls run-due."""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from boo_cli.config import load_settings, redact
from boo_cli.models import User

STALE_AFTER = timedelta(minutes=5)


class ShellPolicy:
    """Whose shell tasks run on this host: decided by user id, never by email (an account can change
    its email to one this host trusts). `users`: the ids, each with why (logins.shell_users)."""

    def __init__(self, users: dict[str, str]) -> None:
        self.users = users

    def __call__(self, owner: User) -> str | None:
        if str(owner.id) in self.users:
            return None
        return (
            f"shell tasks of {owner.email} do not run on this host: it was not allowed to run them "
            f"(run 'boo automate allow {owner.email}' on the host that should)"
        )


def legacy_shell_users_error() -> str | None:
    """Why the config file's old `automation.shell_users` (emails) cannot be followed, or None."""
    from boo_cli.config import paths

    if "shell_users" not in (load_settings().get("automation") or {}):
        return None
    return (
        f"automation.shell_users in {paths().config_file} lists emails, which an account can change, "
        "so boo no longer reads it: run 'boo automate allow EMAIL' on this host for each user it "
        "lists, then remove it"
    )


def shell_policy(url: str) -> ShellPolicy:
    """Shell actions run arbitrary commands as the OS user running run-due, so on a shared database
    they run only for the users this host trusts, by id: the accounts created here, plus those
    allowed with `boo automate allow`, less those denied with `boo automate deny`. The config file's
    old email list is refused (ConfigError) rather than guessed at."""
    from boo_cli.errors import ConfigError
    from boo_cli.services import logins

    legacy = legacy_shell_users_error()
    if legacy:
        raise ConfigError(legacy)
    return ShellPolicy(logins.shell_users(url))


def boo_executable() -> str:
    """The absolute path of the boo command that is running, for a crontab line."""
    here = Path(sys.argv[0])
    if here.name == "boo" and here.exists():
        return str(here.resolve())
    found = shutil.which("boo")
    return str(Path(found).resolve()) if found else f"{Path(sys.executable).resolve()} -m boo_cli"


def crontab_line(db_flag: str | None = None) -> str:
    """The line to paste into `crontab -e`: every minute, with the settings this shell has."""
    env = []
    for name in ("BOO_HOME", "BOO_DATABASE_URL"):
        if os.environ.get(name):
            value = redact(os.environ[name]) if name == "BOO_DATABASE_URL" else os.environ[name]
            env.append(f"{name}={shlex.quote(value)}")
    db = f" --db {shlex.quote(redact(db_flag))}" if db_flag else ""
    return " ".join(["* * * * *", *env, f"{boo_executable()}{db} automate run-due"])


def health(last: dict[str, Any] | None, *, now: datetime) -> dict[str, Any]:
    """What the last run-due on this machine says about cron."""
    if not last:
        return {
            "last_started": None,
            "state": "run-due has never run here",
            "warning": "nothing has called run-due on this machine yet: add the crontab line below",
        }
    started = datetime.fromisoformat(last["started"])
    age = now - started
    warning = None
    if age > STALE_AFTER:
        warning = (
            f"run-due last ran {int(age.total_seconds() // 60)} minutes ago: cron seems to have "
            "stopped calling it (check 'crontab -l' and the cron log)"
        )
    state = f"{last.get('ran', 0)} run(s), {last.get('failed', 0)} failed"
    return {
        "last_started": started,
        "state": state,
        "warning": warning,
        **{k: last[k] for k in last if k not in {"started"}},
    }


PING_TIMEOUT_SECONDS = 10


def ping_url() -> str | None:
    """Where run-due reports each call, healthchecks-style: BOO_PING_URL, else `automation.ping_url`
    in the config file; None when neither is set."""
    import httpx

    from boo_cli.errors import ConfigError

    configured = os.environ.get("BOO_PING_URL") or (load_settings().get("automation") or {}).get("ping_url")
    if configured in (None, ""):
        return None
    problem = ConfigError("automation.ping_url (or BOO_PING_URL) must be an http or https URL")
    if not isinstance(configured, str) or not configured.startswith(("http://", "https://")):
        raise problem
    try:
        httpx.URL(configured)
    except httpx.InvalidURL as exc:
        raise problem from exc
    return configured


def ping(url: str, *, ok: bool) -> str | None:
    """Tell a monitor that run-due ran: GET url on success, url/fail after any failure (the
    healthchecks.io convention). The owner of the machine sets the URL, so it may be private. Returns
    why the ping failed, or None."""
    import httpx

    base = httpx.URL(url)
    target = base if ok else base.copy_with(path=base.path.rstrip("/") + "/fail")
    # A monitor's URL carries its secret in the path: name only the host in what cron mails.
    where = f"the monitor at {base.host}"
    try:
        response = httpx.get(target, timeout=PING_TIMEOUT_SECONDS, follow_redirects=True)
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        return f"cannot ping {where}: {type(exc).__name__}"
    if response.status_code >= 400:
        return f"cannot ping {where}: it answered {response.status_code}"
    return None
