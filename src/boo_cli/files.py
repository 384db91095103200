"""Writing files so that a failure leaves nothing half-written."""

from __future__ import annotations

from pathlib import Path

from boo_cli.errors import BooError


def write_text_atomically(target: Path, text: str) -> None:
    """Write text to a temporary file beside target, then rename it over target in one step."""
    tmp = target.with_name(f".{target.name}.boo-tmp")
    try:
        tmp.write_text(text, encoding="utf-8", newline="")  # as given: iCalendar's CRLF stays CRLF
        tmp.replace(target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise BooError(f"cannot write {target}: {exc.strerror}") from exc
