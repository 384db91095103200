"""All rendering in one place: records become a Rich table on a terminal or JSON with --json.

stdout carries data, stderr carries talk. Colour is off with NO_COLOR or when stdout is not a
terminal (Rich does both by itself).

User text is data: every value reaches Rich as a `Text` (never a markup string), so a name like
`[/b]` or `:smile:` prints as typed. What is printed goes through the context's writer, which holds it
back until the command's unit of work has committed.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from boo_cli.cli.context import app_context
from boo_cli.plain import to_jsonable


def out_console():
    from rich.console import Console

    return Console(soft_wrap=False)


def show(renderable: Any) -> None:
    """Draw a Rich renderable for stdout, handed to the context's writer (so it waits for the commit)."""
    app_context().write_out(_rendered(renderable))


def cell(value: Any, style: str | None = None):
    """A value as Rich Text: literal characters, never markup or emoji codes, control characters
    shown rather than obeyed. Renderables our own code built (a score bar) pass through."""
    from rich.text import Text

    if hasattr(value, "__rich_console__") or hasattr(value, "__rich__"):
        return value
    return Text(shown_on_terminal(display(value), always=True), style=style or "")


def shown_on_terminal(text: str, *, always: bool = False) -> str:
    """On a terminal (or always), control characters other than line breaks and tabs become visible
    escapes: text a user typed or a task printed must not move the cursor or retitle the window.
    Through a pipe text goes as it is, unless always."""
    if not always and not sys.stdout.isatty():
        return text
    return "".join(
        ch if ch in "\n\t" or not (ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0) else repr(ch)[1:-1] for ch in text
    )


def print_json(data: Any) -> None:
    app_context().write_out(json.dumps(to_jsonable(data), indent=2, ensure_ascii=False) + "\n")


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


def local_time(value: datetime, zone: str | None = None) -> str:
    """An instant shown in a time zone (default: the current user's), with the zone's abbreviation."""
    from zoneinfo import ZoneInfo

    return value.astimezone(ZoneInfo(zone or app_context().zone)).strftime("%Y-%m-%d %H:%M %Z")


def emit_table(
    rows: Sequence[Any],
    columns: Sequence[Column],
    *,
    title: str | None = None,
    json_data: Any = None,
    empty: str = "Nothing to show.",
) -> None:
    """A list of records: a Rich table, or with --json a JSON array (json_data overrides the rows;
    a callable is called only for --json, so a table never pays for the JSON it does not show)."""
    if app_context().json:
        data = json_data() if callable(json_data) else json_data
        print_json(data if data is not None else list(rows))
        return
    if not rows:
        app_context().say(empty)
        return
    if not sys.stdout.isatty():
        emit_plain_rows(rows, columns)
        return
    table = _table(rows, columns)
    if title:
        table.title = cell(title)
    show(table)


def emit_rows(
    found: Any,
    columns: Sequence[Column],
    *,
    record: Callable[[Any], Any],
    empty: str = "Nothing to show.",
) -> None:
    """The rows of a list (services.paging.Paged), batch by batch: a Rich table on a terminal,
    tab-separated lines through a pipe, a JSON array (one record(row) each) with --json.

    A page is held back like any output. Every row (--all) is written as each batch is read, so memory
    stays flat: the command only reads, so there is no commit to wait for."""
    ctx = app_context()
    streaming = found.stream is not None
    write = ctx.write_now if streaming else ctx.write_out
    shown = 0
    widths: list[int] | None = None
    for batch in found.batches():
        if not batch:
            continue
        if ctx.json:
            write(_json_items(batch, record, first=not shown))
        elif not sys.stdout.isatty():
            lines = [] if shown else ["\t".join(c.header for c in columns)]
            lines += ["\t".join(plain_cell(c.value(row)) for c in columns) for row in batch]
            write("\n".join(lines) + "\n")
        else:
            if streaming and widths is None:
                widths = _widths(batch, columns)
            write(_rendered(_table(batch, columns, header=not shown, widths=widths)))
        shown += len(batch)
    if ctx.json:
        write("\n]\n" if shown else "[]\n")
    elif not shown:
        ctx.say(empty)


def _json_items(batch: Sequence[Any], record: Callable[[Any], Any], *, first: bool, depth: int = 1) -> str:
    """A batch of a JSON array's items, laid out as print_json lays out the whole array."""
    pad = "  " * depth
    # split("\n"), never splitlines(): JSON escapes a newline in a string, but leaves U+2028, U+2029
    # and U+0085 as they are, and splitlines() would break the string at them.
    items = (
        "\n".join(
            pad + line
            for line in json.dumps(to_jsonable(record(row)), indent=2, ensure_ascii=False).split("\n")
        )
        for row in batch
    )
    return ("[\n" if first else ",\n") + ",\n".join(items)


def emit_json_groups(groups: Iterable[tuple[str, Any]], *, record: Callable[[Any], Any]) -> None:
    """A JSON object of arrays (name -> rows of a services.paging.Paged), written as the rows are
    read: every strategy of a board, in flat memory. Laid out as print_json would lay it out."""
    write = app_context().write_now
    write("{")
    named = 0
    for name, found in groups:
        write(("," if named else "") + "\n  " + json.dumps(name, ensure_ascii=False) + ": ")
        named += 1
        shown = 0
        for batch in found.batches():
            if batch:
                write(_json_items(batch, record, first=not shown, depth=2))
                shown += len(batch)
        write("\n  ]" if shown else "[]")
    write("\n}\n" if named else "}\n")


def _widths(batch: Sequence[Any], columns: Sequence[Column]) -> list[int]:
    """Column widths from the first batch, so later batches of a streamed table line up under it."""
    return [min(max([len(c.header)] + [len(plain_cell(c.value(row))) for row in batch]), 60) for c in columns]


def _table(rows: Sequence[Any], columns: Sequence[Column], *, header: bool = True, widths=None):
    from rich.table import Table

    table = Table(header_style="bold", show_edge=False, pad_edge=False, show_header=header)
    for n, column in enumerate(columns):
        table.add_column(
            "" if column.marker else column.header,
            justify=column.justify,
            style=column.style,
            overflow="fold",
            width=widths[n] if widths else None,
        )
    for row in rows:
        table.add_row(*(cell(column.value(row)) for column in columns))
    return table


def _rendered(renderable: Any) -> str:
    console = out_console()
    with console.capture() as capture:
        console.print(renderable)
    return capture.get()


def emit_plain_rows(rows: Sequence[Any], columns: Sequence[Column]) -> None:
    """Tab-separated lines with a header, for pipes (grep, cut, awk); --json is for programs."""
    lines = ["\t".join(c.header for c in columns)]
    for row in rows:
        lines.append("\t".join(plain_cell(c.value(row)) for c in columns))
    app_context().write_out("\n".join(lines) + "\n")


def emit_record(fields: Iterable[tuple[str, Any]], *, json_data: Any, title: str | None = None) -> None:
    """One record: a two-column panel of label and value, or with --json a JSON object."""
    if app_context().json:
        print_json(json_data)
        return
    if not sys.stdout.isatty():
        emit_plain_record(fields, title)
        return
    from rich.panel import Panel
    from rich.table import Table

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column(overflow="fold")  # a long URL or error wraps; never cut
    for label, value in fields:
        grid.add_row(cell(label), cell(value))
    show(Panel(grid, title=cell(title), expand=False) if title else grid)


def emit_plain_record(fields: Iterable[tuple[str, Any]], title: str | None) -> None:
    """A record for pipes: the title, then a tab-separated label and value per line, nothing cut."""
    lines = [title] if title else []
    lines += [f"{label}\t{plain_cell(value)}" for label, value in fields]
    app_context().write_out("\n".join(lines) + "\n")


def plain_cell(value: Any) -> str:
    """A value on one tab-separated line: its own tabs and line breaks become spaces."""
    if hasattr(value, "plain"):  # a Rich Text our code built (a score bar)
        value = value.plain
    return display(value).replace("\t", " ").replace("\r", " ").replace("\n", " ")


def emit_text(text: str) -> None:
    """A plain line of data on stdout."""
    app_context().write_out(text + "\n")


def board_columns(columns: dict[str, tuple[list[tuple[str, str, bool]], int]]) -> None:
    """Cards in side-by-side columns: for each, the cards shown (name, a detail line, and whether to
    flag it as late) and how many the column holds."""
    from rich.columns import Columns
    from rich.panel import Panel
    from rich.text import Text

    panels = []
    for title, (cards, total) in columns.items():
        body = Text()
        for name, detail, late in cards:
            body.append(name, style="bold red" if late else "bold")
            body.append(f"\n  {detail}\n")
        if total > len(cards):
            body.append(f"… and {total - len(cards):,} more\n", style="dim")
        if not cards:
            body.append("(none)", style="dim")
        panels.append(Panel(body, title=cell(f"{title} ({total:,})"), width=34))
    show(Columns(panels))


def document_format(given: str | None, default: str, *, has_json: bool) -> str:
    """The format of a document command: as given, else JSON under --json where the command has it."""
    if given:
        return given.lower()
    return "json" if has_json and app_context().json else default


def write_document(text: str | Iterable[str], path: Path | None, *, fmt: str) -> None:
    """A document (format fmt) to stdout, or to a file, written whole: a failed write leaves no half
    file. Under --json stdout holds JSON only: a JSON document, or JSON that describes the file
    written; any other document is refused there, with the way to get it.

    text may come in pieces, made as they are written (a calendar of every consultation): only a
    command that reads passes pieces, so on stdout they go out at once, with nothing to commit."""
    from boo_cli.files import means_stdout, write_output

    ctx = app_context()
    if path is None or means_stdout(path):
        if ctx.json and fmt != "json":
            from boo_cli.errors import Invalid

            raise Invalid(
                f"--json prints JSON only, and this is a {fmt} document",
                hint="Write it to a file with -o FILE (boo then prints JSON about the file), or drop --json.",
            )
        if isinstance(text, str):
            ctx.write_out(text)
        else:
            for piece in text:
                ctx.write_now(piece)
        return
    written = [0]

    def counted(pieces: Iterable[str]) -> Iterator[str]:
        for piece in pieces:
            written[0] += len(piece.encode("utf-8"))
            yield piece

    target = write_output(path, counted([text] if isinstance(text, str) else text))
    ctx.say(f"Wrote {target}.")
    if ctx.json:
        print_json({"path": str(target), "format": fmt, "bytes": written[0]})


def emit_done(message: str, json_data: Any) -> None:
    """The outcome of a change: said on stderr, and with --json given as JSON on stdout."""
    ctx = app_context()
    ctx.say(message)
    if ctx.json:
        print_json(json_data)
