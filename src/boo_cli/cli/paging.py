"""The paging options every list command takes, and the line that says what is left."""

from __future__ import annotations

from typing import Annotated

import typer

from boo_cli.services.paging import DEFAULT_LIMIT, Page, Paged

MOST = 1_000_000_000  # a bound the databases' LIMIT and OFFSET take on every platform

LimitOption = Annotated[
    int | None,
    typer.Option(
        "--limit",
        "-L",
        min=1,
        max=MOST,
        help=f"At most this many rows (default {DEFAULT_LIMIT}; --all for every row).",
    ),
]
OffsetOption = Annotated[
    int,
    typer.Option("--offset", min=0, max=MOST, help="Skip this many rows first (the next page: --offset 30)."),
]
AllOption = Annotated[bool, typer.Option("--all", help="Every row, no limit.")]
SEARCH_SYNTAX = '"two words" for a phrase, OR for either, -word to leave out, word* for a prefix.'


def page_of(limit: int | None, offset: int, every: bool) -> Page:
    from boo_cli.errors import Invalid

    if every and limit is not None:
        raise Invalid("--all shows every row: give it without --limit", field="--all")
    return Page(None if every else (limit or DEFAULT_LIMIT), offset)


def say_rest(paged: Paged) -> None:
    """On stderr (never in JSON): which rows these were, how many follow, and how to see them."""
    from boo_cli.cli.context import app_context

    ctx = app_context()
    if not paged.more or ctx.json:
        return
    first, last = paged.offset + 1, paged.offset + len(paged.rows)
    total = f"more than {last + paged.more:,}" if paged.at_least else f"{last + paged.more:,}"
    ctx.say(f"Showing {first}-{last} of {total}; the next page: --offset {last} (every row: --all).")
