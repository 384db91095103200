"""Domain errors: each carries a message a user can read and the exit code the CLI gives it.

Exit codes follow the house rules: 1 for operational errors (not found, conflict, not allowed,
database unreachable), 2 for usage and validation errors.
"""

from __future__ import annotations


class BooError(Exception):
    """Base class of every error boo reports to a user as one line."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if not self.hint:
            return self.message
        joint = " " if self.message.endswith((".", ":", "?", "!")) else ". "
        return f"{self.message}{joint}{self.hint}"


class Invalid(BooError):
    """The user gave a value that cannot be accepted (exit 2)."""

    exit_code = 2

    def __init__(self, message: str, *, field: str | None = None, hint: str | None = None) -> None:
        super().__init__(f"{field}: {message}" if field else message, hint=hint)
        self.field = field


class NotFound(BooError):
    """The named record does not exist for this user."""


class Ambiguous(BooError):
    """A prefix or name matches more than one record."""


class Conflict(BooError):
    """The change would break a uniqueness or state rule."""


class NotAllowed(BooError):
    """The acting user may not do this."""


class DatabaseError(BooError):
    """The database cannot be reached, opened or used as it is."""


class ConfigError(BooError):
    """A setting or the config file is wrong (exit 2)."""

    exit_code = 2


_OS_HINTS = {
    "EACCES": "check its permissions",
    "EPERM": "check its permissions",
    "EROFS": "the file system is read-only; choose another place",
    "ENOSPC": "the disk is full; free some space",
    "EDQUOT": "the disk quota is used up; free some space",
    "ENAMETOOLONG": "use a shorter name",
    "ECONNREFUSED": "is the server running, and are the host and port right?",
    "ETIMEDOUT": "the server did not answer; check the host and your network",
    "EHOSTUNREACH": "check the host and your network",
    "ENETUNREACH": "check your network",
}


def describe_os_error(exc: OSError, target: object = None, *, doing: str = "use") -> str:
    """One line for a failed file or network operation: what, where, why and what to do."""
    import errno

    where = target if target is not None else (exc.filename or "")
    reason = exc.strerror or type(exc).__name__
    hint = _OS_HINTS.get(errno.errorcode.get(exc.errno or 0, ""))
    text = f"cannot {doing} {where}: {reason}" if where else f"a file or network operation failed: {reason}"
    return f"{text} ({hint})" if hint else text


def one_line(text: str) -> str:
    """text with every control character and line separator shown as an escape (\\r, \\n, \\x1b…), so a
    message holding what the user typed stays one line and cannot move the terminal's cursor."""
    import unicodedata

    def shown(char: str) -> str:
        if unicodedata.category(char) not in {"Cc", "Zl", "Zp"}:
            return char
        return repr(char)[1:-1] if char.isascii() else f"\\u{ord(char):04x}"

    return "".join(map(shown, text))
