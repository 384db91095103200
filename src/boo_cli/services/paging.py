"""One page of a list: at most `limit` rows after `offset`, and how many rows follow it.

Every list command pages the same way (cli/paging.py gives the options): the query runs with
LIMIT limit + 1, so a page costs the rows it shows whatever the table holds, and only when a further
row exists does a COUNT over the same filters say how many more there are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from sqlmodel import Session

T = TypeVar("T")
DEFAULT_LIMIT = 30


@dataclass(frozen=True)
class Page:
    limit: int | None = DEFAULT_LIMIT  # None: every row
    offset: int = 0


@dataclass
class Paged(Generic[T]):
    rows: list[T]
    offset: int
    more: int  # rows after this page


def fetch(session: Session, query: Any, page: Page) -> Paged:
    """The page of query's rows (query ordered, unlimited); rows as session.exec gives them."""
    import sqlalchemy as sa

    paged = query.offset(page.offset) if page.offset else query
    if page.limit is not None:
        paged = paged.limit(page.limit + 1)
    rows = list(session.exec(paged))
    more = 0
    if page.limit is not None and len(rows) > page.limit:
        rows = rows[: page.limit]
        counted = sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
        more = max(session.execute(counted).scalar_one() - page.offset - len(rows), 1)
    return Paged(rows, page.offset, more)
