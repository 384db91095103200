"""The state every command shares: global options, the database URL, and how to talk to the user.

Said after the commit: while a unit of work is open (`AppContext.session()`), everything written to
stdout or stderr through the context waits; it goes out once the transaction has committed, and is
dropped when the command fails, so boo never announces what did not happen. A question to the user
first lets out what is waiting (the user needs it to answer).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
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
    # Output held back while a unit of work is open: (stream name, text) in order; None when not holding.
    _held: list[tuple[str, str]] | None = field(default=None, repr=False)
    wrote_data: bool = False  # anything went to stdout in this invocation
    said: list[str] = field(default_factory=list)  # with --json: what was said, for the closing JSON

    def database_url(self) -> str:
        from boo_cli.config import database_url

        return database_url(self.db)

    @contextmanager
    def session(self, *, write: bool = True) -> Iterator[Session]:
        """A unit of work on the selected database, migrated first when it needs to be.

        A command that only reads says `write=False`: on SQLite it then never waits for the write
        lock (run-due or another command may hold it) and cannot write. Everything else is a writer,
        which takes the lock as it begins and waits its turn (BOO_BUSY_TIMEOUT) rather than failing.
        """
        from boo_cli.db import session_scope

        outermost = self._held is None
        if outermost:
            self._held = []
        try:
            with session_scope(self.database_url(), notify=self._say_now, write=write) as session:
                yield session
        except BaseException as exc:
            if outermost:
                # typer.Exit is a command ending on purpose: what it said stands. Anything else failed.
                keep = type(exc).__name__ == "Exit"
                held, self._held = self._held, None
                if keep:
                    self._write(held)
            raise
        if outermost:
            held, self._held = self._held, None
            self._write(held)

    def write_out(self, text: str) -> None:
        """Data for stdout (held until the commit while a unit of work is open)."""
        self._emit("stdout", text)

    def write_now(self, text: str) -> None:
        """Data for stdout at once, after what is held: rows a read-only command streams (there is
        no commit to wait for, and holding every row would hold them all in memory)."""
        self.release()
        self.wrote_data = True
        self._write([("stdout", text)])

    def say(self, message: str) -> None:
        """Talk to the user on stderr, unless --quiet; held until the commit like stdout."""
        if self.json:
            self.said.append(message)
        if not self.quiet:
            self._emit("stderr", message + "\n")

    def _say_now(self, message: str) -> None:
        if not self.quiet:
            self._write([("stderr", message + "\n")])

    def release(self) -> None:
        """Let out what is held so far (before a question: the user needs to see it to answer)."""
        if self._held:
            held, self._held = self._held, []
            self._write(held)

    def _emit(self, stream: str, text: str) -> None:
        self.wrote_data = self.wrote_data or stream == "stdout"
        if self._held is not None:
            self._held.append((stream, text))
        else:
            self._write([(stream, text)])

    @staticmethod
    def _write(items: list[tuple[str, str]]) -> None:
        closed: str | None = None
        for stream, text in items:
            if stream == closed:
                continue  # its reader left; what goes to the other stream still matters
            out = sys.stdout if stream == "stdout" else sys.stderr
            try:
                out.write(text)
                out.flush()
            except BrokenPipeError:
                closed = closed or stream
        if closed:
            raise OutputClosed(closed)

    def close_json(self) -> None:
        """With --json, a command that printed no data still leaves one JSON document: what it did,
        in the words it said on stderr."""
        if self.json and not self.wrote_data:
            import json

            self._emit("stdout", json.dumps({"ok": True, "messages": self.said}, ensure_ascii=False) + "\n")

    def can_prompt(self) -> bool:
        return not self.no_input and sys.stdin.isatty()

    def require_input(self, flag: str) -> None:
        """Refuse to prompt when there is no terminal: name the flag that would have answered."""
        if not self.can_prompt():
            raise Invalid(f"{flag} is required when boo cannot ask (no terminal or --no-input)")
        self.release()

    def confirm(self, question: str, *, yes: bool) -> bool:
        """Ask before destroying data; --yes answers for the user."""
        if yes:
            return True
        if not self.can_prompt():
            raise Invalid("this would delete data: pass --yes to confirm without a terminal")
        self.release()  # what would be deleted, said just before: the user needs it to answer
        import questionary

        answer = questionary.confirm(question, default=False).ask()
        return bool(answer)


class OutputClosed(Exception):
    """The reader of stdout or stderr went away (`boo … | head`): stop quietly, as Unix tools do."""


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
