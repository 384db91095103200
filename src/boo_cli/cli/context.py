"""The state every command shares: global options, the database URL, and how to talk to the user."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING

from boo_cli.errors import Invalid

if TYPE_CHECKING:
    from sqlmodel import Session


def env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


@dataclass
class AppContext:
    db: str | None = None
    json: bool = False
    profile: str | None = None
    no_input: bool = False
    quiet: bool = False
    debug: bool = False
    zone: str = "UTC"  # the viewer's time zone, once the acting user is known

    def database_url(self) -> str:
        from boo_cli.config import database_url

        return database_url(self.db)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work on the selected database, migrated first when it needs to be."""
        from boo_cli.db import session_scope

        with session_scope(self.database_url(), notify=self.say) as session:
            yield session

    def say(self, message: str) -> None:
        """Talk to the user on stderr, unless --quiet."""
        if not self.quiet:
            from boo_cli.cli.output import err_console

            err_console().print(message, highlight=False, markup=False)

    def can_prompt(self) -> bool:
        return not self.no_input and sys.stdin.isatty()

    def require_input(self, flag: str) -> None:
        """Refuse to prompt when there is no terminal: name the flag that would have answered."""
        if not self.can_prompt():
            raise Invalid(f"{flag} is required when boo cannot ask (no terminal or --no-input)")

    def confirm(self, question: str, *, yes: bool) -> bool:
        """Ask before destroying data; --yes answers for the user."""
        if yes:
            return True
        if not self.can_prompt():
            raise Invalid("this would delete data: pass --yes to confirm without a terminal")
        import questionary

        answer = questionary.confirm(question, default=False).ask()
        return bool(answer)


_current: ContextVar[AppContext | None] = ContextVar("boo_app_context", default=None)


def start_context(context: AppContext) -> AppContext:
    """Make context the one every command of this invocation sees (the root callback calls it)."""
    _current.set(context)
    return context


def app_context() -> AppContext:
    context = _current.get()
    if context is None:
        context = start_context(AppContext(debug=env_flag("BOO_DEBUG")))
    return context
