"""Checks on the raw command line, before Click reads it: text boo cannot store is refused by name."""

from __future__ import annotations

import re

from boo_cli.config import redact
from boo_cli.errors import Invalid

# Python hands bytes that are not UTF-8 to a program as lone surrogates (surrogateescape); no
# database column or file boo writes can hold them.
_SURROGATE = re.compile("[\ud800-\udfff]")


def refuse_unstorable(argv: list[str]) -> None:
    """Refuse an argument that is not valid UTF-8 or holds a NUL character (PostgreSQL stores neither)."""
    for index, arg in enumerate(argv):
        if "\x00" in arg:
            problem, fix = "contains a NUL character", "remove it"
        elif _SURROGATE.search(arg):
            problem, fix = (
                "is not valid UTF-8",
                "boo needs UTF-8 (check the terminal's encoding)",
            )
        else:
            continue
        shown = _shown(redact(arg) if "://" in arg else arg)  # a --db URL may hold a password
        raise Invalid(f"{_name(argv, index)} ({shown}) {problem}; {fix}")


def _name(argv: list[str], index: int) -> str:
    # Not "argument 3": global options have been moved to the front, so positions differ from the line.
    arg = argv[index]
    if arg.startswith("--") and "=" in arg:
        return f"the value of {arg.split('=', 1)[0]}"
    previous = argv[index - 1] if index else ""
    if previous.startswith("-") and previous != "--" and "=" not in previous:
        return f"the value of {previous}"
    return "an argument"


def _shown(arg: str) -> str:
    try:
        readable = arg.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:
        readable = arg.encode("utf-8", "backslashreplace").decode("ascii")
    readable = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in readable[:60])
    return f"'{readable}{'…' if len(arg) > 60 else ''}'"
