"""Full-text search finds the right rows, best first, through each backend's index."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from boo_cli.errors import Invalid
from boo_cli.models import BusinessProfile, GrowthStrategy, User
from boo_cli.services.paging import Page
from boo_cli.services.search import search_profiles, search_strategies


def make_user(session, email: str) -> User:
    user = User(email=email, password_hash="h", first_name="F", last_name="L")
    session.add(user)
    session.flush()
    return user


@pytest.fixture
def owners(session):
    ada, bob = make_user(session, "ada@example.com"), make_user(session, "bob@example.com")
    for name, industry in [
        ("Ada Bakery", "food and drink"),
        ("Ada Web Studio", "web design"),
        ("Ada Design Consulting", "design consulting"),
    ]:
        session.add(BusinessProfile(user_id=ada.id, business_name=name, industry=industry))
    session.add(BusinessProfile(user_id=bob.id, business_name="Bob Design", industry="design"))
    session.flush()
    return ada, bob


def names(found) -> list[str]:
    return [getattr(r, "business_name", None) or r.strategy_name for r in found.rows]


def test_profile_search_matches_name_and_industry_within_the_user(session, owners):
    ada, bob = owners
    assert set(names(search_profiles(session, ada.id, "design"))) == {
        "Ada Web Studio",
        "Ada Design Consulting",
    }
    assert names(search_profiles(session, bob.id, "design")) == ["Bob Design"]
    assert names(search_profiles(session, ada.id, "bakery")) == ["Ada Bakery"]


def test_all_words_must_match_and_the_best_match_comes_first(session, owners):
    ada, _ = owners
    assert names(search_profiles(session, ada.id, "design consulting")) == ["Ada Design Consulting"]
    ranked = names(search_profiles(session, ada.id, "design"))
    assert ranked[0] == "Ada Design Consulting"  # the word is in both name and industry


def test_words_are_stemmed_alike_on_both_backends(session, owners):
    ada, _ = owners
    assert names(search_profiles(session, ada.id, "designs")) != []
    assert names(search_profiles(session, ada.id, "bakeries")) == ["Ada Bakery"]


def test_search_text_is_never_query_syntax(session, owners):
    ada, _ = owners
    for text in [
        '"design',
        "NEAR(design)",
        "design*",
        "'; DROP TABLE users; --",
        "a:b",
        "x & !y | z",
        "(bakery",
    ]:
        search_profiles(session, ada.id, text)  # no syntax error, whatever the backend
    assert names(search_profiles(session, ada.id, "NEAR(bakery)")) == []  # NEAR is a word here


def test_a_query_without_words_is_refused(session, owners):
    ada, _ = owners
    with pytest.raises(Invalid):
        search_profiles(session, ada.id, "  ?! ")


def test_edits_and_deletes_are_seen_by_the_index(session, owners):
    ada, _ = owners
    bakery = search_profiles(session, ada.id, "bakery").rows[0]
    bakery.business_name = "Ada Patisserie"
    session.flush()
    assert search_profiles(session, ada.id, "bakery").rows == []
    assert names(search_profiles(session, ada.id, "patisserie")) == ["Ada Patisserie"]
    session.delete(bakery)
    session.flush()
    assert search_profiles(session, ada.id, "patisserie").rows == []


def test_strategy_search_stays_within_the_users_businesses(session, owners):
    ada, bob = owners
    mine = search_profiles(session, ada.id, "bakery").rows[0]
    theirs = search_profiles(session, bob.id, "design").rows[0]
    session.add(
        GrowthStrategy(
            business_profile_id=mine.id,
            strategy_name="Paid newsletter",
            description="Launch a paid newsletter for regulars",
        )
    )
    session.add(
        GrowthStrategy(
            business_profile_id=mine.id, strategy_name="Catering", description="Offer office catering"
        )
    )
    session.add(
        GrowthStrategy(
            business_profile_id=theirs.id,
            strategy_name="Newsletter",
            description="A newsletter for design clients",
        )
    )
    session.flush()
    assert names(search_strategies(session, ada.id, "newsletter")) == ["Paid newsletter"]
    assert names(search_strategies(session, bob.id, "newsletter")) == ["Newsletter"]
    assert names(search_strategies(session, ada.id, "catering", profile_id=mine.id)) == ["Catering"]
    assert search_strategies(session, ada.id, "catering", profile_id=theirs.id).rows == []


# A fixed corpus: the same query finds the same rows on both backends.
CORPUS = [
    ("Rare zebra", "a rare zebra sighting"),
    ("Zebra rare", "the zebra is rare"),
    ("Lion tour", "lions and growth"),
    ("Growing pains", "growth hurts"),
    ("Old plan", "draft pricing plan"),
    ("New plan", "final pricing plan"),
    ("E-mail course", "an email course"),
]


@pytest.fixture
def corpus(session, owners):
    ada, _ = owners
    (business,) = search_profiles(session, ada.id, "bakery").rows
    for name, description in CORPUS:
        session.add(
            GrowthStrategy(business_profile_id=business.id, strategy_name=name, description=description)
        )
    session.flush()
    return ada


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('"rare zebra"', {"Rare zebra"}),  # a phrase: the words side by side, in order
        ("rare zebra", {"Rare zebra", "Zebra rare"}),
        ("zebra OR lion", {"Rare zebra", "Zebra rare", "Lion tour"}),
        ("zebra or lion", {"Rare zebra", "Zebra rare", "Lion tour"}),
        ("pricing plan -draft", {"New plan"}),
        ('zebra -"rare zebra"', {"Zebra rare"}),
        ("grow*", {"Lion tour", "Growing pains"}),
        ("plan -draft OR lions", {"New plan", "Lion tour"}),  # OR binds loosest
        ("e-mail", {"E-mail course"}),  # a hyphen inside a word excludes nothing
        ("the pricing plan", {"Old plan", "New plan"}),  # common words are left out on both backends
        ("zebra_rare", {"Rare zebra", "Zebra rare"}),  # an underscore separates words on both
    ],
)
def test_search_syntax_finds_the_same_rows_on_both_backends(session, corpus, query, expected):
    assert set(names(search_strategies(session, corpus.id, query))) == expected


def test_a_search_of_only_exclusions_is_one_clear_error(session, corpus):
    for query in ("-zebra", "plan OR -zebra", '-"rare zebra"', "the -draft"):
        with pytest.raises(Invalid, match="not only words to leave out"):
            search_strategies(session, corpus.id, query)
    with pytest.raises(Invalid, match="too common a word"):
        search_strategies(session, corpus.id, "the OR and")
    with pytest.raises(Invalid, match="at most 16 words"):
        search_strategies(session, corpus.id, " ".join(["word"] * 17))


def test_search_pages_in_rank_order(session, corpus):
    first = search_strategies(session, corpus.id, "plan OR zebra", page=Page(2))
    rest = search_strategies(session, corpus.id, "plan OR zebra", page=Page(2, 2))
    assert (len(first.rows), first.more, len(rest.rows), rest.more) == (2, 2, 2, 0)
    every = {s.id for s in first.rows + rest.rows}
    assert len(every) == 4


def explain(session, sql: str, params: dict) -> str:
    prefix = "EXPLAIN " if session.get_bind().dialect.name == "postgresql" else "EXPLAIN QUERY PLAN "
    return "\n".join(str(row[-1]) for row in session.execute(sa.text(prefix + sql), params))


def test_search_ranks_through_the_index_without_sorting_every_hit(session, corpus):
    from boo_cli.services.search import STRATEGIES, statement

    query = statement(session, STRATEGIES, "plan", GrowthStrategy.business_profile_id.is_not(None)).limit(20)
    compiled = query.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SET LOCAL enable_seqscan = off"))
        plan = explain(session, str(compiled), {})
        assert "idx_growth_strategies_search" in plan
        assert "search_vector" in str(compiled)  # ranked by the stored vector, not the text again
    else:
        plan = explain(session, str(compiled), {})
        assert "growth_strategies_fts VIRTUAL TABLE" in plan
        assert "TEMP B-TREE" not in plan  # FTS5 orders by its own rank


@pytest.mark.parametrize("backend", ["postgres"])  # SQLite's search joins its FTS5 table by construction
def test_postgres_search_uses_the_gin_index(session, owners):
    session.execute(sa.text("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(
        row[0]
        for row in session.execute(
            sa.text(
                "EXPLAIN SELECT id FROM business_profiles WHERE "
                "to_tsvector('english', business_name || ' ' || COALESCE(industry, '')) "
                "@@ plainto_tsquery('english', 'design')"
            )
        )
    )
    assert "idx_business_profiles_search" in plan
