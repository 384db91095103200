"""All rendering in one place: records become a Rich table on a terminal or JSON with --json.

stdout carries data, stderr carries talk. Colour is off with NO_COLOR or when stdout is not a
terminal (Rich does both by itself).
"""

from __future__ import annotations

import dataclasses
import enum
import json
import sys
import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from boo_cli.cli.context import app_context


@cache
def err_console():
    from rich.console import Console

    return Console(stderr=True, soft_wrap=True)


def out_console():
    from rich.console import Console

    return Console(soft_wrap=False)


def to_jsonable(value: Any) -> Any:
    """Plain JSON values: ISO 8601 times with offset, decimals as strings, ids as full UUIDs."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "to_iso"):
        return value.to_iso()
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in value]
    if dataclasses.is_dataclass(value):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if hasattr(value, "model_dump"):
        return {k: to_jsonable(v) for k, v in value.model_dump().items()}
    return str(value)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(to_jsonable(data), indent=2, ensure_ascii=False) + "\n")


@dataclasses.dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], Any]
    justify: str = "left"
    style: str | None = None
    marker: bool = False  # a flag column: no header on a terminal, named in tab-separated output


def display(value: Any) -> str:
    """A value as a person reads it in a table cell."""
    if value is None:
        return ""
    if isinstance(value, enum.Enum):
        return str(value.value).replace("_", " ")
    if isinstance(value, datetime):
        return local_time(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(display(v) for v in value)
    return str(value)


def local_time(value: datetime) -> str:
    """An instant shown in the current user's time zone, with the zone's name."""
    from zoneinfo import ZoneInfo

    return value.astimezone(ZoneInfo(app_context().zone)).strftime("%Y-%m-%d %H:%M %Z")


def emit_table(
    rows: Sequence[Any],
    columns: Sequence[Column],
    *,
    title: str | None = None,
    json_data: Any = None,
    empty: str = "Nothing to show.",
) -> None:
    """A list of records: a Rich table, or with --json a JSON array (json_data overrides the rows)."""
    if app_context().json:
        print_json(json_data if json_data is not None else list(rows))
        return
    if not rows:
        app_context().say(empty)
        return
    if not sys.stdout.isatty():
        emit_plain_rows(rows, columns)
        return
    from rich.table import Table

    table = Table(title=title, header_style="bold", show_edge=False, pad_edge=False)
    for column in columns:
        table.add_column("" if column.marker else column.header, justify=column.justify, style=column.style)
    for row in rows:
        table.add_row(*(display(column.value(row)) for column in columns))
    out_console().print(table)


def emit_plain_rows(rows: Sequence[Any], columns: Sequence[Column]) -> None:
    """Tab-separated lines with a header, for pipes (grep, cut, awk); --json is for programs."""
    lines = ["\t".join(c.header for c in columns)]
    for row in rows:
        lines.append("\t".join(display(c.value(row)).replace("\t", " ").replace("\n", " ") for c in columns))
    sys.stdout.write("\n".join(lines) + "\n")


def emit_record(fields: Iterable[tuple[str, Any]], *, json_data: Any, title: str | None = None) -> None:
    """One record: a two-column panel of label and value, or with --json a JSON object."""
    if app_context().json:
        print_json(json_data)
        return
    from rich.panel import Panel
    from rich.table import Table

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    for label, value in fields:
        grid.add_row(label, display(value))
    out_console().print(Panel(grid, title=title, expand=False) if title else grid)


def emit_text(text: str) -> None:
    """A plain line of data on stdout."""
    sys.stdout.write(text + "\n")


def board_columns(columns: dict[str, list[tuple[str, str, bool]]], *, per_column: int = 15) -> None:
    """Cards in side-by-side columns (name, a detail line, and whether to flag it as late)."""
    from rich.columns import Columns
    from rich.panel import Panel
    from rich.text import Text

    panels = []
    for title, cards in columns.items():
        body = Text()
        for name, detail, late in cards[:per_column]:
            body.append(name, style="bold red" if late else "bold")
            body.append(f"\n  {detail}\n")
        if len(cards) > per_column:
            body.append(f"… and {len(cards) - per_column} more\n", style="dim")
        if not cards:
            body.append("(none)", style="dim")
        panels.append(Panel(body, title=f"{title} ({len(cards)})", width=34))
    out_console().print(Columns(panels))


def write_document(text: str, path: Path | None) -> None:
    """A report to stdout, or to a file (written whole: a failed write leaves no half file)."""
    if path is None:
        sys.stdout.write(text)
        return
    from boo_cli.files import write_output

    if (target := write_output(path, text)) is not None:
        app_context().say(f"Wrote {target}.")
