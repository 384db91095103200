"""Full-text search over the two searchable tables, through whichever index the backend has.

One query language on both backends, the one web search engines taught everybody (PostgreSQL's
`websearch_to_tsquery`), plus a trailing `*` for a prefix:

    pricing plan          both words (stemmed: "pricing" finds "prices")
    "rare zebra"          the words side by side, in that order
    zebra OR lion         either (OR binds loosest: `a b OR c` is a and b, or c)
    plan -draft           plan but not draft
    grow*                 any word that starts with grow

The query is parsed here into words (letters and digits only) and compiled for each backend, so no
text a user types is ever read as the backend's own syntax, and a malformed query is one clear
error, never an SQL one.

PostgreSQL: matching goes through the spec's GIN expression indexes (the condition repeats the
indexed expression word for word); ranking reads the stored `search_vector` column (revision 0014),
so no hit's text is parsed again to rank it. SQLite: the FTS5 tables kept by triggers (revision
0002); the FTS query orders by FTS5's own `rank` (bm25), which FTS5 sorts itself.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from boo_cli.db import in_written_order
from boo_cli.errors import Invalid
from boo_cli.models import BusinessProfile, GrowthStrategy
from boo_cli.services.paging import Page, Paged, fetch

MAX_TERMS = 16
# PostgreSQL's `english` configuration leaves these words out of a query (its english.stop list);
# FTS5 would look for them. The parser drops them on both backends, so a query finds the same rows.
_ENGLISH_STOP = (
    "i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she "
    "her hers herself it its itself they them their theirs themselves what which who whom this that "
    "these those am is are was were be been being have has had having do does did doing a an the and "
    "but if or because as until while of at by for with about against between into through during "
    "before after above below to from up down in out on off over under again further then once here "
    "there when where why how all any both each few more most other some such no nor not only own "
    "same so than too very s t can will just don should now"
)
STOP_WORDS = frozenset(_ENGLISH_STOP.split())


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


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # one word, or a phrase's words in order
    prefix: bool = False  # the last word is a prefix (word*)
    excluded: bool = False  # -word


@dataclass(frozen=True)
class Query:
    alternatives: tuple[tuple[Term, ...], ...]  # OR of (AND of terms)


# A minus excludes only at the start of a word ("e-mail" is two words, not e without mail). A word is
# letters and digits: both backends' tokenizers split at anything else, the underscore included.
_WORD = r"[^\W_]+"
_TOKENS = re.compile(rf'(?:(?<!\S)(-))?"([^"]*)"?|(?:(?<!\S)(-))?({_WORD})(\*?)|\S')


def parse(text: str) -> Query:
    """A search as typed, in the web-search syntax above. Punctuation other than the syntax is a
    separator, as it is between words; an unclosed quote runs to the end."""
    alternatives: list[list[Term]] = [[]]
    dropped: list[str] = []
    count = 0
    for match in _TOKENS.finditer(text or ""):
        quote_minus, phrase, minus, word, star = match.groups()
        if phrase is not None:
            words = tuple(re.findall(_WORD, phrase))
            term = Term(words, excluded=bool(quote_minus)) if words else None
        elif word is not None:
            if word.upper() == "OR" and not minus and not star:
                if alternatives[-1]:
                    alternatives.append([])
                continue
            if word.lower() in STOP_WORDS:
                dropped.append(word)
                continue
            term = Term((word,), prefix=bool(star), excluded=bool(minus))
        else:
            continue  # punctuation on its own
        if term is None:
            continue
        count += len(term.words)
        if count > MAX_TERMS:
            raise Invalid(f"a search takes at most {MAX_TERMS} words", field="QUERY")
        alternatives[-1].append(term)
    kept = tuple(tuple(a) for a in alternatives if a)
    if not kept and dropped:
        raise Invalid(
            f"{', '.join(repr(w) for w in dropped)}: too common a word to search for",
            field="QUERY",
            hint="Search for a word that says more.",
        )
    if not kept:
        raise Invalid("give at least one word to search for", field="QUERY")
    for alternative in kept:
        if all(t.excluded for t in alternative):
            raise Invalid(
                "a search needs a word to find, not only words to leave out (-word)",
                field="QUERY",
                hint='Add a word to look for: boo strategy search "pricing -draft"',
            )
    return Query(kept)


def to_tsquery(query: Query) -> str:
    """The query in to_tsquery's syntax; every word is quoted, and holds only letters and digits."""

    def term(t: Term) -> str:
        words = [f"'{w}'" for w in t.words]
        if t.prefix:
            words[-1] += ":*"
        text = " <-> ".join(words)
        text = f"({text})" if len(words) > 1 else text
        return f"!{text}" if t.excluded else text

    return " | ".join("(" + " & ".join(term(t) for t in alt) + ")" for alt in query.alternatives)


def to_fts5(query: Query) -> str:
    """The query in FTS5's syntax: each word or phrase a quoted string, NOT after what it excludes."""

    def term(t: Term) -> str:
        return '"' + " ".join(t.words) + '"' + ("*" if t.prefix else "")

    parts = []
    for alt in query.alternatives:
        found = "(" + " AND ".join(term(t) for t in alt if not t.excluded) + ")"
        for t in alt:
            if t.excluded:
                found = f"({found} NOT {term(t)})"
        parts.append(found)
    return " OR ".join(parts)


def ranked(session: Session, target: Searchable, text: str, *scope: Any, page: Page) -> Paged:
    """A page of the rows of target matching the query, best first, within the scope filters."""
    return fetch(session, statement(session, target, text, *scope), page)


def statement(session: Session, target: Searchable, text: str, *scope: Any) -> Any:
    """The ranked search as one SELECT of target's rows, for the session's backend."""
    query = parse(text)
    model = target.model
    if session.get_bind().dialect.name == "postgresql":
        tsquery = sa.func.to_tsquery(sa.literal_column("'english'"), to_tsquery(query))
        matches = sa.literal_column(target.pg_vector).op("@@")(tsquery)
        stored = sa.literal_column(f"{model.__tablename__}.search_vector")
        return (
            select(model).where(matches, *scope).order_by(sa.func.ts_rank(stored, tsquery).desc(), model.id)
        )
    fts = sa.table(target.fts_table, sa.column("rowid"), sa.column("rank"))
    rowid = sa.literal_column(f"{model.__tablename__}.rowid")
    # FROM the FTS table first, ordered by its rank column alone: FTS5 then sorts the hits itself.
    return (
        select(model)
        # FTS first even when a scope filter has an index of its own (db.in_written_order says why).
        .select_from(in_written_order(fts, model.__table__, rowid == fts.c.rowid))
        .where(sa.literal_column(target.fts_table).op("MATCH")(to_fts5(query)), *scope)
        .order_by(fts.c.rank)
    )


def search_profiles(session: Session, user_id: uuid.UUID, text: str, *, page: Page | None = None) -> Paged:
    """A page of the user's business profiles whose name or industry match the query, best first."""
    return ranked(session, PROFILES, text, BusinessProfile.user_id == user_id, page=page or Page(20))


def search_strategies(
    session: Session,
    user_id: uuid.UUID,
    text: str,
    *,
    profile_id: uuid.UUID | None = None,
    page: Page | None = None,
) -> Paged:
    """A page of the user's growth strategies (of one business when profile_id is given) matching
    the query, best first."""
    owned = select(BusinessProfile.id).where(BusinessProfile.user_id == user_id)
    scope = [GrowthStrategy.business_profile_id.in_(owned)]
    if profile_id is not None:
        scope.append(GrowthStrategy.business_profile_id == profile_id)
    return ranked(session, STRATEGIES, text, *scope, page=page or Page(20))
