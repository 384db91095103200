"""Writing files so that a failure leaves nothing half-written, and `-o` targets that are not files."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from boo_cli.errors import BooError, Invalid, describe_os_error

Text = str | Iterable[str]  # a whole text, or its pieces in order
STDOUT = "-"
_STDOUT_NAMES = {STDOUT, "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"}  # the stream, not a file behind it
_HINT = "Give a file name, or - for stdout."


def write_text_atomically(target: Path, text: Text) -> None:
    """Write text (a string, or its pieces as they are made) to a temporary file beside target, then
    rename it over target in one step: a failure part way, even while the pieces are still being
    made, leaves target as it was.

    The new file keeps the permission bits of the one it replaces (a new one gets the umask's)."""
    mode = _mode_for(target)
    fd, tmp_name = -1, None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".boo-tmp", dir=target.parent)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as tmp:  # CRLF of iCalendar stays CRLF
            fd = -1
            _write_pieces(tmp, text)
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, target)
    except BaseException as exc:
        if fd >= 0:
            os.close(fd)
        if tmp_name:
            Path(tmp_name).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise BooError(describe_os_error(exc, target, doing="write")) from exc
        raise


def _write_pieces(stream: Any, text: Text) -> None:
    for piece in [text] if isinstance(text, str) else text:
        stream.write(piece)


def _mode_for(target: Path) -> int:
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_output(path: Path | str, text: Text, *, field: str = "--output") -> Path:
    """Write a report where `-o` says (the caller sends `-` and /dev/stdout to stdout, see
    means_stdout): a FIFO, a device (such as /dev/null) or anything under /dev or /proc is written
    into as it is, a regular file is replaced whole (see write_text_atomically) and a symbolic link is
    followed. A folder or an empty name is refused. Returns the file written."""
    raw = os.fspath(path)
    if not raw.strip() or raw == ".":  # Typer turns '' into Path('.')
        raise Invalid("needs a file name (it is empty or the current folder)", field=field, hint=_HINT)
    target = Path(raw).expanduser()
    try:
        info = target.stat()
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise BooError(describe_os_error(exc, target, doing="write")) from exc
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise Invalid(f"{target} is a folder", field=field, hint=_HINT)
    if info is not None and (not stat.S_ISREG(info.st_mode) or _is_system_path(target)):
        # Never rename over a FIFO, a terminal or /dev/null, nor over a file the shell opened for
        # /dev/fd/N; append, as the shell's `>>` would.
        _write_into(target, text)
        return target
    if not target.parent.is_dir():
        raise BooError(f"cannot write {target}: the folder {target.parent} does not exist")
    write_text_atomically(Path(os.path.realpath(target)) if target.is_symlink() else target, text)
    return target


def means_stdout(path: Path | str) -> bool:
    """`-o -` and its spellings name the output stream itself, not a file behind it."""
    return os.fspath(path) in _STDOUT_NAMES


def _is_system_path(target: Path) -> bool:
    return target.is_absolute() and target.parts[1:2] in (("dev",), ("proc",))


def _write_into(target: Path, text: Text) -> None:
    try:
        with open(target, "a", encoding="utf-8", newline="") as stream:
            _write_pieces(stream, text)
    except OSError as exc:
        raise BooError(describe_os_error(exc, target, doing="write")) from exc
