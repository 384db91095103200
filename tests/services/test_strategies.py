"""Strategies and milestones: transitions, progress, overdue, lists and isolation, with a fixed day."""

from __future__ import annotations

from datetime import date

import pytest

from boo_cli.errors import Conflict, Invalid, NotFound
from boo_cli.models.enums import MilestoneStatus, StrategyStatus
from boo_cli.models.types import Span
from boo_cli.services import accounts, profiles, strategies
from boo_cli.services.paging import Page
from tests.conftest import PASSWORD

TODAY = date(2026, 3, 2)


@pytest.fixture
def business(session, owner):
    return profiles.add_profile(session, owner, name="Olive Oils")


def add(session, owner, business, name="Paid newsletter", **extra):
    return strategies.add_strategy(session, owner, business, name=name, today=TODAY, **extra)


def test_add_sets_defaults_due_date_and_resources(session, owner, business):
    s = add(session, owner, business, timeline="3 months", resources=["budget=500", "an email tool"])
    assert (s.status, s.priority) == (StrategyStatus.DRAFT, strategies.Priority.MEDIUM)
    assert s.target_timeline == Span(months=3)
    assert s.due_date == date(2026, 6, 2)
    assert s.resources_required == [{"name": "budget", "value": "500"}, {"name": "an email tool"}]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": ""}, "NAME"),
        ({"name": "n" * 256}, "NAME"),
        ({"priority": "urgent"}, "--priority"),
        ({"status": "done"}, "--status"),
        ({"timeline": "soonish"}, "--timeline"),
    ],
)
def test_bad_fields_are_refused(session, owner, business, fields, field):
    with pytest.raises(Invalid, match=field):
        add(session, owner, business, **fields)


@pytest.mark.parametrize(
    ("start", "target", "allowed"),
    [
        ("draft", "active", True),
        ("draft", "paused", False),
        ("draft", "completed", False),
        ("active", "paused", True),
        ("active", "completed", True),
        ("paused", "active", True),
        ("paused", "completed", False),
        ("completed", "active", False),
    ],
)
def test_status_moves_only_along_the_allowed_transitions(session, owner, business, start, target, allowed):
    s = add(session, owner, business, status=start)
    if allowed:
        strategies.change_status(session, owner, s, StrategyStatus(target))
        assert s.status is StrategyStatus(target)
    else:
        with pytest.raises(Conflict, match=f"from {start}:"):
            strategies.change_status(session, owner, s, StrategyStatus(target))
        assert s.status is StrategyStatus(start)


def test_completing_with_open_milestones_needs_force_and_says_how_many(session, owner, business):
    s = add(session, owner, business, status="active")
    for name in ("one", "two"):
        strategies.add_milestone(session, owner, s, name=name)
    with pytest.raises(Conflict, match="2 milestones are not completed"):
        strategies.change_status(session, owner, s, StrategyStatus.COMPLETED)
    strategies.change_status(session, owner, s, StrategyStatus.COMPLETED, force=True)
    assert s.status is StrategyStatus.COMPLETED


def test_progress_and_overdue_on_a_fixed_day(session, owner, business):
    s = add(session, owner, business, timeline="30d", status="active")
    done = strategies.add_milestone(session, owner, s, name="done", target_date=date(2026, 3, 1)).milestone
    late = strategies.add_milestone(session, owner, s, name="late", target_date=date(2026, 3, 1)).milestone
    strategies.add_milestone(session, owner, s, name="later", target_date=date(2026, 3, 20))
    strategies.move_milestone(session, done, MilestoneStatus.COMPLETED, on=date(2026, 3, 1))
    row = strategies.strategy_row(session, s, TODAY)
    assert (row.done, row.total, row.overdue_milestones, row.overdue) == (1, 3, 1, True)
    assert strategies.milestone_overdue(late, TODAY)
    assert not strategies.milestone_overdue(late, date(2026, 3, 1))  # due today is not late yet
    assert [
        m.milestone_name
        for m in strategies.find_milestones(session, owner, profile=business, overdue_on=TODAY)
    ] == ["late"]
    strategies.move_milestone(session, late, MilestoneStatus.COMPLETED, on=TODAY)
    assert strategies.strategy_row(session, s, TODAY).overdue is False
    assert strategies.strategy_row(session, s, date(2026, 4, 2)).overdue is True  # past its due date


def test_list_filters_sorts_and_pages(session, owner, business):
    low = add(session, owner, business, name="Low", priority="low", timeline="10d")
    high = add(session, owner, business, name="High", priority="high", timeline="90d", status="active")
    mid = add(session, owner, business, name="Mid", timeline="1d")
    names = lambda page: [r.strategy.strategy_name for r in page.rows]  # noqa: E731
    assert names(strategies.list_strategies(session, owner, business, today=TODAY, sort="priority")) == [
        "High",
        "Mid",
        "Low",
    ]
    assert names(strategies.list_strategies(session, owner, business, today=TODAY, sort="due")) == [
        "Mid",
        "Low",
        "High",
    ]
    assert names(strategies.list_strategies(session, owner, business, today=TODAY, status="active")) == [
        "High"
    ]
    assert names(
        strategies.list_strategies(session, owner, business, today=date(2026, 3, 5), overdue=True)
    ) == ["Mid"]
    first = strategies.list_strategies(session, owner, business, today=TODAY, sort="name", page=Page(2))
    assert (names(first), first.more) == (["High", "Low"], 1)
    page = strategies.list_strategies(session, owner, business, today=TODAY, sort="name", page=Page(2, 2))
    assert (names(page), page.more) == (["Mid"], 0)
    assert {low.id, high.id, mid.id} == {
        r.strategy.id
        for r in strategies.board(session, owner, business, today=TODAY, per_column=9)[
            StrategyStatus.DRAFT
        ].rows
        + strategies.board(session, owner, business, today=TODAY, per_column=1)[StrategyStatus.ACTIVE].rows
    }
    with pytest.raises(Invalid, match="--sort"):
        strategies.list_strategies(session, owner, business, today=TODAY, sort="mood")


def test_a_new_timeline_moves_the_due_date(session, owner, business):
    s = add(session, owner, business, timeline="1m")
    start = strategies.local_date(owner, s.created_at)
    strategies.edit_strategy(session, owner, s, timeline="2 months")
    assert s.due_date == Span(months=2).add_to(start)
    strategies.edit_strategy(session, owner, s, timeline="")
    assert (s.target_timeline, s.due_date) == (None, None)


def test_milestone_transitions_and_completion_day(session, owner, business):
    s = add(session, owner, business)
    m = strategies.add_milestone(session, owner, s, name="step").milestone
    strategies.move_milestone(session, m, MilestoneStatus.IN_PROGRESS)
    with pytest.raises(Conflict):
        strategies.move_milestone(session, m, MilestoneStatus.IN_PROGRESS)
    strategies.move_milestone(session, m, MilestoneStatus.COMPLETED, on=date(2026, 3, 1))
    assert m.completed_date == date(2026, 3, 1)
    with pytest.raises(Conflict, match="already completed"):
        strategies.move_milestone(session, m, MilestoneStatus.COMPLETED, on=TODAY)


def test_a_milestone_dated_before_the_strategy_began_warns_but_is_kept(session, owner, business):
    s = add(session, owner, business)
    began = strategies.local_date(owner, s.created_at)
    added = strategies.add_milestone(session, owner, s, name="early", target_date=date(2000, 1, 1))
    assert added.warnings == [f"the target date 2000-01-01 is before the strategy began ({began})"]
    assert strategies.milestones_of(session, owner, s) == [added.milestone]


def test_another_users_strategies_and_milestones_cannot_be_named(session, owner, business):
    s = add(session, owner, business, name="Secret plan")
    m = strategies.add_milestone(session, owner, s, name="Secret step").milestone
    other = accounts.create_user(
        session, email="eve@example.com", first_name="Eve", last_name="E", password=PASSWORD
    )
    for ref in (str(s.id), str(s.id)[:8], "Secret plan"):
        with pytest.raises(NotFound):
            strategies.get_strategy(session, other, ref, business)  # even given the owner's business
    for ref in (str(m.id), str(m.id)[:8], "Secret step"):
        with pytest.raises(NotFound):
            strategies.get_milestone(session, other, ref, business)
    eve_business = profiles.add_profile(session, other, name="Eve Co")
    assert strategies.list_strategies(session, other, eve_business, today=TODAY).rows == []
    with pytest.raises(Exception, match="not yours"):
        strategies.add_strategy(session, other, business, name="Plant", today=TODAY)


def test_names_and_prefixes_are_read_in_one_business_and_a_full_id_in_any(session, owner, business):
    from boo_cli.errors import Ambiguous

    other = profiles.add_profile(session, owner, name="Other Oils")
    mine, theirs = add(session, owner, business, name="Plan"), add(session, owner, other, name="Plan")
    step = strategies.add_milestone(session, owner, theirs, name="Step").milestone
    assert strategies.get_strategy(session, owner, "Plan", business).id == mine.id
    assert strategies.get_strategy(session, owner, "plan", other).id == theirs.id
    assert strategies.get_strategy(session, owner, str(theirs.id), business).id == theirs.id
    assert strategies.get_strategy(session, owner, str(theirs.id), None).id == theirs.id
    with pytest.raises(NotFound):
        strategies.get_strategy(session, owner, str(theirs.id)[:8], business)
    with pytest.raises(NotFound):
        strategies.get_strategy(session, owner, "Plan", None)  # no business: only a full id names it
    assert strategies.get_milestone(session, owner, "Step", other).id == step.id
    assert strategies.get_milestone(session, owner, str(step.id), business).id == step.id
    with pytest.raises(NotFound):
        strategies.get_milestone(session, owner, "Step", business)
    twin = add(session, owner, business, name="Plan")
    with pytest.raises(Ambiguous, match="matches several strategies") as caught:
        strategies.get_strategy(session, owner, "Plan", business)
    assert str(mine.id)[:8] in caught.value.message and str(twin.id)[:8] in caught.value.message
    assert str(theirs.id)[:8] not in caught.value.message


def test_search_stays_in_the_business_and_ranks(session, owner, business):
    from boo_cli.services.search import search_strategies

    add(session, owner, business, name="Newsletter", description="A paid newsletter for newsletter fans")
    add(session, owner, business, name="Podcast", description="Mention the newsletter")
    other = profiles.add_profile(session, owner, name="Second business")
    add(session, owner, other, name="Other newsletter")
    found = search_strategies(session, owner.id, "newsletter", profile_id=business.id)
    assert [s.strategy_name for s in found.rows] == ["Newsletter", "Podcast"]
