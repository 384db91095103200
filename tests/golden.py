"""Golden files: reports compared with a reviewed copy in tests/golden/.

Run with BOO_UPDATE_GOLDEN=1 to rewrite them after a deliberate change, then read the diff by eye.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent / "golden"
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def stable(text: str) -> str:
    """Ids differ on every run; everything else must not."""
    seen: dict[str, str] = {}
    return _UUID.sub(lambda m: seen.setdefault(m.group(0), f"<id-{len(seen) + 1}>"), text)


def assert_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    actual = stable(text)
    if os.environ.get("BOO_UPDATE_GOLDEN") == "1" or not path.exists():
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), f"{name} differs from tests/golden/{name}"
