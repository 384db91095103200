"""Full-text search over the two searchable tables, through whichever index the backend has.

PostgreSQL: the spec's GIN expression indexes (the query repeats the indexed expression word for word,
so the planner uses them), ranked by ts_rank. SQLite: the FTS5 tables kept by triggers (revision
0002), ranked by bm25. Never a LIKE scan. Both read the query as plain words that must all match
(stemmed: "pricing" finds "prices").
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from boo_cli.errors import Invalid
from boo_cli.models import BusinessProfile, GrowthStrategy

MAX_TERMS = 16


@dataclass(frozen=True)
class Searchable:
    model: Any
    fts_table: str
    pg_vector: str  # exactly the expression of the spec's index


PROFILES = Searchable(
    BusinessProfile,
    "business_profiles_fts",
    "to_tsvector('english', business_name || ' ' || COALESCE(industry, ''))",
)
STRATEGIES = Searchable(
    GrowthStrategy,
    "growth_strategies_fts",
    "to_tsvector('english', strategy_name || ' ' || COALESCE(description, ''))",
)


def search_terms(query: str) -> list[str]:
    """The words of a query; punctuation and operators are not syntax here, just separators."""
    terms = re.findall(r"\w+", query)
    if not terms:
        raise Invalid("give at least one word to search for", field="QUERY")
    return terms[:MAX_TERMS]


def ranked(session: Session, target: Searchable, query: str, *scope: Any, limit: int = 20) -> list[Any]:
    """Rows of target matching every word of query, best first, within the given scope filters."""
    terms = search_terms(query)
    model = target.model
    if session.get_bind().dialect.name == "postgresql":
        vector = sa.literal_column(target.pg_vector)
        tsquery = sa.func.plainto_tsquery(sa.literal_column("'english'"), " ".join(terms))
        statement = (
            select(model)
            .where(vector.op("@@")(tsquery), *scope)
            .order_by(sa.func.ts_rank(vector, tsquery).desc(), model.id)
        )
    else:
        fts = sa.table(target.fts_table, sa.column("rowid"))
        match = " ".join('"' + term.replace('"', '""') + '"' for term in terms)
        rowid = sa.literal_column(f"{model.__tablename__}.rowid")
        statement = (
            select(model)
            .join(fts, fts.c.rowid == rowid)
            .where(sa.literal_column(target.fts_table).op("MATCH")(match), *scope)
            .order_by(sa.func.bm25(sa.literal_column(target.fts_table)), model.id)
        )
    return list(session.exec(statement.limit(limit)))


def search_profiles(
    session: Session, user_id: uuid.UUID, query: str, *, limit: int = 20
) -> list[BusinessProfile]:
    """The user's business profiles whose name or industry match query, best first."""
    return ranked(session, PROFILES, query, BusinessProfile.user_id == user_id, limit=limit)


def search_strategies(
    session: Session, user_id: uuid.UUID, query: str, *, profile_id: uuid.UUID | None = None, limit: int = 20
) -> list[GrowthStrategy]:
    """The user's growth strategies (of one business when profile_id is given) matching query, best first."""
    owned = select(BusinessProfile.id).where(BusinessProfile.user_id == user_id)
    scope = [GrowthStrategy.business_profile_id.in_(owned)]
    if profile_id is not None:
        scope.append(GrowthStrategy.business_profile_id == profile_id)
    return ranked(session, STRATEGIES, query, *scope, limit=limit)
