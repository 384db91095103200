"""Where boo keeps its files and which database it talks to.

Settings precedence: flag > BOO_* environment variable > config file > default. Nothing here runs at
import time; every value is computed by a function when it is first needed.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from boo_cli.errors import ConfigError, Invalid

APP_NAME = "boo"
SQLITE_FILENAME = "boo.db"


@dataclass(frozen=True)
class Paths:
    config_dir: Path
    data_dir: Path
    state_dir: Path

    @property
    def config_file(self) -> Path:
        return self.config_dir / "config.toml"

    @property
    def default_database(self) -> Path:
        return self.data_dir / SQLITE_FILENAME


def paths() -> Paths:
    """The folders boo uses: all under BOO_HOME when it is set, else the platform's own."""
    home = os.environ.get("BOO_HOME")
    if home:
        root = Path(home).expanduser().resolve()
        return Paths(root / "config", root / "data", root / "state")
    import platformdirs

    return Paths(
        Path(platformdirs.user_config_dir(APP_NAME)),
        Path(platformdirs.user_data_dir(APP_NAME)),
        Path(platformdirs.user_state_dir(APP_NAME)),
    )


def load_settings() -> dict[str, Any]:
    """The config file as a dict; an absent file is an empty one, a broken one is an error."""
    file = paths().config_file
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError(f"cannot read the config file {file}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"the config file {file} is not UTF-8 text (byte {exc.start})") from exc
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"the config file {file} is not valid TOML: {exc}") from exc


def database_url(flag: str | None = None) -> str:
    """The database URL to use: --db flag > BOO_DATABASE_URL > config file > SQLite in the data dir."""
    if flag is not None:  # --db '' is a mistake to name, not a flag left out
        return normalize_url(flag)
    if os.environ.get("BOO_DATABASE_URL"):
        return normalize_url(os.environ["BOO_DATABASE_URL"])
    configured = load_settings().get("database_url")
    if configured is not None:
        if not isinstance(configured, str) or not configured.strip():
            raise ConfigError(f"database_url in {paths().config_file} must be a non-empty string")
        return normalize_url(configured)
    return sqlite_url(paths().default_database)


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


_POSTGRES_SCHEMES = {"postgresql", "postgres", "postgresql+psycopg", "postgresql+psycopg3"}
_SQLITE_SCHEMES = {"sqlite", "sqlite+pysqlite"}


def normalize_url(raw: str) -> str:
    """Map what a user may type to a SQLAlchemy URL; a bare path means a SQLite file."""
    url = raw.strip()
    if not url:
        raise Invalid("the database URL is empty", field="--db")
    if "://" not in url:
        if ":" in url.split("/")[0] and not url.startswith((".", "/", "~")):
            raise Invalid(
                f"{redact(url)} is not a database URL",
                field="--db",
                hint="Use postgresql://user@host/dbname, sqlite:///path/to/file.db or a file path.",
            )
        try:
            return sqlite_url(Path(url).expanduser().resolve())
        except RuntimeError as exc:  # ~nosuchuser/…
            raise Invalid(f"{url}: {exc}", field="--db") from exc
    scheme = url.split("://", 1)[0].lower()
    if scheme in _SQLITE_SCHEMES:
        rest = url.split("://", 1)[1]
        if not rest.lstrip("/").split("?", 1)[0]:  # SQLite would keep it in memory and lose it
            raise Invalid(f"{url} names no database file", field="--db", hint="Use sqlite:///path/to/file.db")
        return "sqlite://" + rest
    if scheme in _POSTGRES_SCHEMES:
        rest = url.split("://", 1)[1]
        _check_postgres_url(rest, url)
        return "postgresql+psycopg://" + rest
    if not scheme or not scheme.replace("+", "").isalnum():
        raise Invalid(f"{redact(url)} is not a database URL", field="--db")
    raise Invalid(
        f"unsupported database scheme {scheme!r} in {redact(url)}",
        field="--db",
        hint="boo speaks SQLite (sqlite:///file.db) and PostgreSQL (postgresql://…).",
    )


def _check_postgres_url(rest: str, original: str) -> None:
    try:
        parts = urlsplit("postgresql://" + rest)
    except ValueError as exc:  # an unclosed [IPv6 address
        raise Invalid(f"{redact(original)} is not a database URL: {exc}", field="--db") from exc
    try:
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError as exc:
        raise Invalid(f"{redact(original)} has a malformed port", field="--db") from exc
    # Without a database name libpq picks one (the user's name), and boo would migrate it.
    if not parts.path.strip("/") and "dbname=" not in parts.query:
        raise Invalid(
            f"{redact(original)} names no database",
            field="--db",
            hint="Add it after the host: postgresql://user@host/dbname",
        )


def redact(url: str) -> str:
    """The URL with any password replaced by ***, safe to print or log."""
    url = url.replace("postgresql+psycopg://", "postgresql://", 1)
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparsable URL>"
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.hostname or ""
    port = f":{parts.port}" if _safe_port(parts) else ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}{port}"))


def _safe_port(parts) -> int | None:
    try:
        return parts.port
    except ValueError:
        return None


def ensure_private_dir(path: Path) -> None:
    """Create a folder readable by its owner only (it holds the database and session files)."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)


DEFAULT_BUSY_TIMEOUT_SECONDS = 10.0


def busy_timeout_seconds() -> float:
    """How long a SQLite writer waits for the write lock before it gives up:
    BOO_BUSY_TIMEOUT > `busy_timeout` in the config file > 10 seconds."""
    raw = os.environ.get("BOO_BUSY_TIMEOUT")
    where = "BOO_BUSY_TIMEOUT"
    if raw is None or not raw.strip():
        raw = load_settings().get("busy_timeout")
        where = f"busy_timeout in {paths().config_file}"
        if raw is None:
            return DEFAULT_BUSY_TIMEOUT_SECONDS
    try:
        seconds = float(str(raw).strip().removesuffix("s"))
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 3600 or seconds != seconds:
        raise ConfigError(f"{where} must be a number of seconds between 0 and 3600, not {raw!r}")
    return seconds
