"""Business profiles: money parsing, naming records, the current profile, deletion."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from boo_cli.errors import Ambiguous, Invalid, NotAllowed, NotFound
from boo_cli.models import BusinessProfile, GrowthStrategy, StrategyMilestone
from boo_cli.services import profiles


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("120000", "120000.00"),
        ("120k", "120000.00"),
        ("120K", "120000.00"),
        ("1.2m", "1200000.00"),
        ("$1,200.50", "1200.50"),
        ("€ 99", "99.00"),
        ("0", "0.00"),
        ("0.50", "0.50"),
        ("1.2345k", "1234.50"),
        ("0.001k", "1.00"),
        ("2.5b", "2500000000.00"),
        ("9999999999.99", "9999999999.99"),
    ],
)
def test_money_is_read_the_way_people_write_it(text, amount):
    assert profiles.parse_money(text, field="--annual-revenue") == Decimal(amount)


@pytest.mark.parametrize(
    "text", ["-5", "$-5", "-1k", "abc", "1,20", "1.2.3", "12x", "$", "k", "10000000000", "1e5"]
)
def test_bad_or_negative_money_is_refused(text):
    with pytest.raises(Invalid, match="--annual-revenue"):
        profiles.parse_money(text, field="--annual-revenue")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("0.001", "more than two decimals"),
        ("0.005", "more than two decimals"),
        ("1.234567k", "more than two decimals"),
        ("12345678.9900000000000000000001", "more than two decimals"),
        ("1" * 40, "too large"),
        ("9" * 40 + ".99", "too large"),
        ("0." + "0" * 39 + "1", "more than two decimals"),
        ("9999999999.991", "too large"),
    ],
)
def test_money_that_would_lose_digits_is_refused(text, words):
    with pytest.raises(Invalid, match=words) as caught:
        profiles.parse_money(text, field="--annual-revenue")
    assert caught.value.exit_code == 2


@pytest.mark.parametrize("text", ["1.234,56", "1.234.567,89", "12,50", "1234,5"])
def test_money_in_a_comma_decimal_form_is_refused_with_a_hint(text):
    with pytest.raises(Invalid, match="after a dot and no dot between thousands"):
        profiles.parse_money(text, field="--annual-revenue")


def test_a_dot_that_may_separate_thousands_gets_a_hint():
    with pytest.raises(Invalid, match="If the dot separates thousands, leave it out"):
        profiles.parse_money("1.234", field="--annual-revenue")


def test_add_stores_every_spec_field(session, owner):
    profile = profiles.add_profile(
        session,
        owner,
        name="  Olive Oils  ",
        industry="food",
        stage="Growing",
        annual_revenue="120k",
        target_revenue="$1,000,000",
        business_model="online shop",
        challenges=["cash flow", " ", "hiring"],
    )
    assert profile.business_name == "Olive Oils"
    assert profile.business_stage.value == "growing"
    assert profile.main_challenges == ["cash flow", "hiring"]
    assert profiles.revenue_gap(profile) == Decimal("880000.00")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": ""}, "NAME"),
        ({"name": "x" * 256}, "NAME"),
        ({"name": "ok", "stage": "unicorn"}, "--stage"),
        ({"name": "ok", "industry": "i" * 101}, "--industry"),
        ({"name": "ok", "annual_revenue": "-1"}, "--annual-revenue"),
    ],
)
def test_bad_fields_are_named(session, owner, fields, field):
    with pytest.raises(Invalid, match=field):
        profiles.add_profile(session, owner, **fields)


def test_profiles_are_named_by_id_prefix_or_exact_name(session, owner):
    one = profiles.add_profile(session, owner, name="Alpha")
    profiles.add_profile(session, owner, name="Beta")
    assert profiles.get_profile(session, owner, str(one.id)) is one
    assert profiles.get_profile(session, owner, str(one.id)[:6]) is one
    assert profiles.get_profile(session, owner, one.id.hex[:10]) is one
    assert profiles.get_profile(session, owner, "Alpha") is one
    assert profiles.get_profile(session, owner, "alpha") is one
    with pytest.raises(NotFound, match="Did you mean"):
        profiles.get_profile(session, owner, "Alph")


def test_an_ambiguous_name_lists_the_candidates(session, owner):
    a = profiles.add_profile(session, owner, name="Twin")
    b = profiles.add_profile(session, owner, name="Twin")
    with pytest.raises(Ambiguous) as caught:
        profiles.get_profile(session, owner, "Twin")
    assert str(a.id)[:8] in str(caught.value) and str(b.id)[:8] in str(caught.value)


def test_an_ambiguous_prefix_lists_the_candidates(session, owner):
    shared = "abcd"
    for n in range(2):
        session.add(
            BusinessProfile(id=uuid.UUID(shared + f"{n:028x}"), user_id=owner.id, business_name=f"P{n}")
        )
    session.flush()
    with pytest.raises(Ambiguous, match="P0"):
        profiles.get_profile(session, owner, shared)


def test_the_current_profile_is_the_named_then_the_chosen_then_the_only_one(session, owner):
    with pytest.raises(NotFound, match="boo profile add"):
        profiles.current_profile(session, owner, None, None)
    first = profiles.add_profile(session, owner, name="First")
    assert profiles.current_profile(session, owner, None, None) is first
    second = profiles.add_profile(session, owner, name="Second")
    with pytest.raises(NotAllowed, match="boo profile use"):
        profiles.current_profile(session, owner, None, None)
    assert profiles.current_profile(session, owner, None, second.id) is second
    assert profiles.current_profile(session, owner, "First", second.id) is first
    with pytest.raises(NotAllowed):  # a remembered choice that no longer exists is ignored
        profiles.current_profile(session, owner, None, uuid.uuid4())


def test_deleting_a_profile_takes_its_strategies_and_milestones(session, owner):
    profile = profiles.add_profile(session, owner, name="Doomed")
    strategy = GrowthStrategy(business_profile_id=profile.id, strategy_name="S")
    session.add(strategy)
    session.flush()
    session.add(StrategyMilestone(growth_strategy_id=strategy.id, milestone_name="M"))
    session.flush()
    counts = profiles.counts(session, profile)
    assert (counts.strategies, counts.milestones) == (1, 1)
    profiles.delete_profile(session, owner, profile)
    session.expunge_all()
    assert session.get(GrowthStrategy, strategy.id) is None
