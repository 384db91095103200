"""One page of a list: at most `limit` rows after `offset`, and how many rows follow it.

Every list command pages the same way (cli/paging.py gives the options): the query runs with
LIMIT limit + 1, so a page costs the rows it shows whatever the table holds, and only when a further
row exists does a COUNT over the same filters say how many more there are. That count stops at
COUNT_CAP rows ("more than 1,000"), so no page of a list costs a pass over every row; a caller that
shows exact totals (the board's column heads) asks for `exact`.

`--all` (limit None) does not load the rows: they stream from the database in batches of BATCH
(a server-side cursor on PostgreSQL), and each batch is shown before the next is read, so memory
stays flat however many rows there are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from sqlmodel import Session

T = TypeVar("T")
U = TypeVar("U")
DEFAULT_LIMIT = 30
BATCH = 500
COUNT_CAP = 1_000


@dataclass(frozen=True)
class Page:
    limit: int | None = DEFAULT_LIMIT  # None: every row
    offset: int = 0


@dataclass
class Paged(Generic[T]):
    rows: list[T]  # the page; empty while streaming
    offset: int
    more: int  # rows after this page
    stream: Iterator[list[T]] | None = None  # every row (--all): batches, read as they are shown
    at_least: bool = False  # more is a floor: the count stopped at COUNT_CAP

    def batches(self) -> Iterator[list[T]]:
        if self.stream is None:
            yield self.rows
        else:
            yield from self.stream

    def each(self, work: Callable[[list[T]], list[U]]) -> Paged[U]:
        """The same rows with work done on each batch: what a row needs beyond its own columns (its
        last run, its business) is read once per batch, and only for rows that are shown."""
        if self.stream is None:
            return Paged(work(self.rows), self.offset, self.more, at_least=self.at_least)
        return Paged([], self.offset, 0, (work(batch) for batch in self.stream))


def fetch(session: Session, query: Any, page: Page, *, exact: bool = False) -> Paged:
    """The page of query's rows (query ordered, unlimited); rows as session.exec gives them."""
    import sqlalchemy as sa

    paged = query.offset(page.offset) if page.offset else query
    if page.limit is None:
        return Paged([], page.offset, 0, _stream(session, paged))
    rows = list(session.exec(paged.limit(page.limit + 1)))
    if len(rows) <= page.limit:
        return Paged(rows, page.offset, 0)
    rows = rows[: page.limit]
    after = query.order_by(None).offset(page.offset + len(rows))
    if not exact:
        after = after.limit(COUNT_CAP + 1)
    counted = session.execute(sa.select(sa.func.count()).select_from(after.subquery())).scalar_one()
    if not exact and counted > COUNT_CAP:
        return Paged(rows, page.offset, COUNT_CAP, at_least=True)
    return Paged(rows, page.offset, max(counted, 1))


def fetch_after(session: Session, head: list, query: Any, page: Page) -> Paged:
    """The page of head (a few rows already read) followed by query's rows."""
    if page.limit is None:
        rest = fetch(session, query, Page(None, max(page.offset - len(head), 0)))
        first = head[page.offset :]
        return Paged([], page.offset, 0, _after([first] if first else [], rest.batches()))
    first = head[page.offset : page.offset + page.limit]
    # A page of head alone still asks the query (LIMIT 1) whether, and how many, rows follow it.
    tail = fetch(session, query, Page(page.limit - len(first), max(page.offset - len(head), 0)))
    more = max(len(head) - page.offset - len(first), 0) + tail.more
    return Paged(first + tail.rows, page.offset, more, at_least=tail.at_least)


def _after(first: list[list], rest: Iterator[list]) -> Iterator[list]:
    yield from first
    yield from rest


def _stream(session: Session, query: Any) -> Iterator[list]:
    for batch in session.exec(query.execution_options(yield_per=BATCH)).partitions():
        yield list(batch)


def of_list(rows: Iterable[T], page: Page) -> Paged[T]:
    """A page of rows already in memory (a short list not read from the database)."""
    everything = list(rows)
    end = None if page.limit is None else page.offset + page.limit
    shown = everything[page.offset : end]
    return Paged(shown, page.offset, max(len(everything) - page.offset - len(shown), 0))
