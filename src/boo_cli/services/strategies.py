"""Growth strategies and their milestones: plans with a timeline, a status, and progress.

Status moves only along TRANSITIONS (draft → active → paused ↔ active → completed); milestones go
pending → in progress → completed. A strategy past its due date, or a milestone past its target date,
that is not completed is overdue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, select

from boo_cli.errors import Conflict, Invalid, NotAllowed
from boo_cli.models import BusinessProfile, GrowthStrategy, StrategyMilestone, User
from boo_cli.models.enums import MilestoneStatus, Priority, StrategyStatus
from boo_cli.services import validation
from boo_cli.services.dates import parse_span
from boo_cli.services.lookup import resolve
from boo_cli.services.paging import Page, Paged, fetch

TRANSITIONS: dict[StrategyStatus, frozenset[StrategyStatus]] = {
    StrategyStatus.DRAFT: frozenset({StrategyStatus.ACTIVE}),
    StrategyStatus.ACTIVE: frozenset({StrategyStatus.PAUSED, StrategyStatus.COMPLETED}),
    StrategyStatus.PAUSED: frozenset({StrategyStatus.ACTIVE}),
    StrategyStatus.COMPLETED: frozenset(),
}
MILESTONE_TRANSITIONS: dict[MilestoneStatus, frozenset[MilestoneStatus]] = {
    MilestoneStatus.PENDING: frozenset({MilestoneStatus.IN_PROGRESS, MilestoneStatus.COMPLETED}),
    MilestoneStatus.IN_PROGRESS: frozenset({MilestoneStatus.COMPLETED}),
    MilestoneStatus.COMPLETED: frozenset(),
}
PRIORITY_RANK = {Priority.HIGH: 0, Priority.MEDIUM: 1, Priority.LOW: 2}
SORTS = ("created", "due", "priority", "name", "status")


# --- scoping ----------------------------------------------------------------------------------


def owned_profiles(user: User):
    return select(BusinessProfile.id).where(BusinessProfile.user_id == user.id)


def strategy_scope(user: User, profile: BusinessProfile | None = None) -> list[Any]:
    """Filters that keep strategy queries within the user's businesses (and one business if given)."""
    scope = [GrowthStrategy.business_profile_id.in_(owned_profiles(user))]
    if profile is not None:
        scope.append(GrowthStrategy.business_profile_id == profile.id)
    return scope


def milestone_scope(user: User, strategy: GrowthStrategy | None = None) -> list[Any]:
    owned = select(GrowthStrategy.id).where(*strategy_scope(user))
    scope = [StrategyMilestone.growth_strategy_id.in_(owned)]
    if strategy is not None:
        scope.append(StrategyMilestone.growth_strategy_id == strategy.id)
    return scope


def local_date(user: User, instant: datetime | None) -> date | None:
    if instant is None:
        return None
    return instant.astimezone(ZoneInfo(user.timezone or "UTC")).date()


# --- rules ------------------------------------------------------------------------------------


def milestone_overdue(milestone: StrategyMilestone, today: date) -> bool:
    return (
        milestone.target_date is not None
        and milestone.target_date < today
        and milestone.status is not MilestoneStatus.COMPLETED
    )


def strategy_overdue(strategy: GrowthStrategy, today: date) -> bool:
    return (
        strategy.due_date is not None
        and strategy.due_date < today
        and strategy.status is not StrategyStatus.COMPLETED
    )


def parse_resources(items: list[str] | None) -> list[dict[str, str]] | None:
    """--resource values: 'key=value' becomes {name, value}; free text becomes {name}."""
    cleaned = validation.items(items, field="--resource")
    if cleaned is None:
        return None
    resources = []
    for item in cleaned:
        key, sep, value = item.partition("=")
        if sep and key.strip():
            resources.append({"name": key.strip(), "value": value.strip()})
        else:
            resources.append({"name": item})
    return resources


# --- strategies -------------------------------------------------------------------------------


def add_strategy(
    session: Session,
    user: User,
    profile: BusinessProfile,
    *,
    name: str,
    today: date,
    description: str | None = None,
    timeline: str | None = None,
    priority: str | None = None,
    status: str | None = None,
    impact: str | None = None,
    resources: list[str] | None = None,
) -> GrowthStrategy:
    """A new plan for one of the user's businesses; due = today + timeline."""
    if profile.user_id != user.id:
        raise NotAllowed("that business profile is not yours")
    span = parse_span(timeline, field="--timeline")
    strategy = GrowthStrategy(
        business_profile_id=profile.id,
        strategy_name=validation.text(name, GrowthStrategy, "strategy_name", field="NAME", required=True),
        description=validation.text(description, GrowthStrategy, "description", field="--description"),
        target_timeline=span,
        priority=validation.choice(priority, Priority, field="--priority") or Priority.MEDIUM,
        status=validation.choice(status, StrategyStatus, field="--status") or StrategyStatus.DRAFT,
        expected_impact=validation.text(impact, GrowthStrategy, "expected_impact", field="--impact"),
        resources_required=parse_resources(resources) or [],
        due_date=span.add_to(today) if span else None,
    )
    session.add(strategy)
    session.flush()
    return strategy


def get_strategy(session: Session, user: User, ref: str, profile: BusinessProfile | None) -> GrowthStrategy:
    """The user's strategy named by a full id (any of their businesses), or by an id prefix or exact
    name within profile, the current business (None: only a full id names it)."""
    return resolve(
        session,
        GrowthStrategy,
        ref,
        name_column=GrowthStrategy.strategy_name,
        scope=strategy_scope(user),
        name_scope=None if profile is None else [GrowthStrategy.business_profile_id == profile.id],
        noun="strategy",
        plural="strategies",
    )


@dataclass(frozen=True)
class StrategyRow:
    strategy: GrowthStrategy
    done: int
    total: int
    overdue_milestones: int
    overdue: bool

    @property
    def progress(self) -> float:
        return self.done / self.total if self.total else 0.0


def _overdue_clause(today: date):
    late_milestone = (
        select(StrategyMilestone.id)
        .where(
            StrategyMilestone.growth_strategy_id == GrowthStrategy.id,
            StrategyMilestone.target_date < today,
            sa.or_(StrategyMilestone.status.is_(None), StrategyMilestone.status != MilestoneStatus.COMPLETED),
        )
        .exists()
    )
    return sa.or_(
        sa.and_(GrowthStrategy.due_date < today, GrowthStrategy.status != StrategyStatus.COMPLETED),
        sa.and_(GrowthStrategy.status != StrategyStatus.COMPLETED, late_milestone),
    )


def _order(sort: str):
    if sort == "due":
        return [GrowthStrategy.due_date.is_(None), GrowthStrategy.due_date, GrowthStrategy.created_at.desc()]
    if sort == "priority":
        rank = sa.case(PRIORITY_RANK, value=GrowthStrategy.priority, else_=len(PRIORITY_RANK))
        return [rank, GrowthStrategy.created_at.desc()]
    if sort == "name":
        return [GrowthStrategy.strategy_name, GrowthStrategy.created_at.desc()]
    if sort == "status":
        rank = sa.case(
            {
                StrategyStatus.ACTIVE: 0,
                StrategyStatus.PAUSED: 1,
                StrategyStatus.DRAFT: 2,
                StrategyStatus.COMPLETED: 3,
            },
            value=GrowthStrategy.status,
            else_=4,
        )
        return [rank, GrowthStrategy.created_at.desc()]
    if sort == "created":
        return [GrowthStrategy.created_at.desc()]
    raise Invalid(f"{sort!r} is not a sort order; use one of: {', '.join(SORTS)}", field="--sort")


def list_strategies(
    session: Session,
    user: User,
    profile: BusinessProfile | None,
    *,
    today: date,
    status: str | None = None,
    priority: str | None = None,
    overdue: bool = False,
    sort: str = "created",
    page: Page | None = None,
) -> Paged[StrategyRow]:
    """A page of a business's strategies (profile None: of all the user's businesses) with their
    progress; filters and sorting run in SQL, progress is read for the rows shown only."""
    filters = strategy_scope(user, profile)
    chosen_status = validation.choice(status, StrategyStatus, field="--status")
    chosen_priority = validation.choice(priority, Priority, field="--priority")
    if chosen_status is not None:
        filters.append(GrowthStrategy.status == chosen_status)
    if chosen_priority is not None:
        filters.append(GrowthStrategy.priority == chosen_priority)
    if overdue:
        filters.append(_overdue_clause(today))
    query = select(GrowthStrategy).where(*filters).order_by(*_order(sort), GrowthStrategy.id)
    found = fetch(session, query, page or Page())
    return found.each(lambda strategies: rows_with_progress(session, strategies, today))


def rows_with_progress(session: Session, strategies: list[GrowthStrategy], today: date) -> list[StrategyRow]:
    """Progress and overdue counts for the given strategies, in one grouped query."""
    if not strategies:
        return []
    completed = sa.case((StrategyMilestone.status == MilestoneStatus.COMPLETED, 1), else_=0)
    late = sa.case(
        (
            sa.and_(
                StrategyMilestone.target_date < today,
                sa.or_(
                    StrategyMilestone.status.is_(None), StrategyMilestone.status != MilestoneStatus.COMPLETED
                ),
            ),
            1,
        ),
        else_=0,
    )
    from boo_cli.db import chunks

    stats = {}
    for ids in chunks([s.id for s in strategies]):
        query = (
            select(
                StrategyMilestone.growth_strategy_id,
                sa.func.count(),
                sa.func.sum(completed),
                sa.func.sum(late),
            )
            .where(StrategyMilestone.growth_strategy_id.in_(ids))
            .group_by(StrategyMilestone.growth_strategy_id)
        )
        stats.update(
            (row[0], (int(row[1]), int(row[2] or 0), int(row[3] or 0))) for row in session.exec(query)
        )
    rows = []
    for strategy in strategies:
        total, done, late_count = stats.get(strategy.id, (0, 0, 0))
        overdue = strategy_overdue(strategy, today) or (
            late_count > 0 and strategy.status is not StrategyStatus.COMPLETED
        )
        rows.append(StrategyRow(strategy, done, total, late_count, overdue))
    return rows


def strategy_row(session: Session, strategy: GrowthStrategy, today: date) -> StrategyRow:
    return rows_with_progress(session, [strategy], today)[0]


def edit_strategy(
    session: Session,
    user: User,
    strategy: GrowthStrategy,
    *,
    name: str | None = None,
    description: str | None = None,
    timeline: str | None = None,
    priority: str | None = None,
    impact: str | None = None,
    resources: list[str] | None = None,
) -> GrowthStrategy:
    """Change the given fields ('' clears an optional one); a new timeline moves the due date."""
    if name is not None:
        strategy.strategy_name = validation.text(
            name, GrowthStrategy, "strategy_name", field="--name", required=True
        )
    if description is not None:
        strategy.description = validation.text(
            description, GrowthStrategy, "description", field="--description"
        )
    if timeline is not None:
        span = parse_span(timeline, field="--timeline")
        strategy.target_timeline = span
        start = local_date(user, strategy.created_at)
        strategy.due_date = span.add_to(start) if span and start else None
    if priority is not None:
        strategy.priority = validation.choice(priority, Priority, field="--priority")
    if impact is not None:
        strategy.expected_impact = validation.text(
            impact, GrowthStrategy, "expected_impact", field="--impact"
        )
    if resources is not None:
        strategy.resources_required = parse_resources(resources)
    session.add(strategy)
    session.flush()
    return strategy


def change_status(
    session: Session, user: User, strategy: GrowthStrategy, target: StrategyStatus, *, force: bool = False
) -> GrowthStrategy:
    """Move a strategy along the allowed transitions; completing with open milestones needs force."""
    current = strategy.status or StrategyStatus.DRAFT
    allowed = TRANSITIONS[current]
    if target not in allowed:
        names = ", ".join(sorted(s.value for s in allowed)) or "none (it is finished)"
        raise Conflict(f"cannot go from {current.value} to {target.value}; from {current.value}: {names}")
    if target is StrategyStatus.COMPLETED and not force:
        open_count = session.exec(
            select(sa.func.count())
            .select_from(StrategyMilestone)
            .where(
                StrategyMilestone.growth_strategy_id == strategy.id,
                sa.or_(
                    StrategyMilestone.status.is_(None), StrategyMilestone.status != MilestoneStatus.COMPLETED
                ),
            )
        ).one()
        if open_count:
            noun = "milestone is" if open_count == 1 else "milestones are"
            raise Conflict(
                f"{open_count} {noun} not completed", hint="Use --force to complete the strategy anyway."
            )
    strategy.status = target
    session.add(strategy)
    session.flush()
    return strategy


def delete_strategy(session: Session, user: User, strategy: GrowthStrategy) -> int:
    """Delete a strategy; its milestones go with it. Returns how many milestones went."""
    count = len(milestones_of(session, user, strategy))
    session.delete(strategy)
    session.flush()
    return count


def board(
    session: Session, user: User, profile: BusinessProfile, *, today: date, per_column: int | None = None
) -> dict[StrategyStatus, Paged[StrategyRow]]:
    """A business's strategies in status columns, most urgent first in each: per_column of each with
    how many more there are, or (None) every one, streamed column by column."""
    columns = {}
    for status in StrategyStatus:
        in_column = GrowthStrategy.status == status
        if status is StrategyStatus.DRAFT:
            in_column = sa.or_(in_column, GrowthStrategy.status.is_(None))
        query = (
            select(GrowthStrategy)
            .where(*strategy_scope(user, profile), in_column)
            .order_by(*_order("priority"), GrowthStrategy.id)
        )
        found = fetch(session, query, Page(per_column), exact=True)  # the column heads show totals
        columns[status] = found.each(lambda batch: rows_with_progress(session, batch, today))
    return columns


# --- milestones -------------------------------------------------------------------------------


def milestones_of(session: Session, user: User, strategy: GrowthStrategy) -> list[StrategyMilestone]:
    return find_milestones(session, user, strategy=strategy)


def find_milestones(
    session: Session,
    user: User,
    *,
    strategy: GrowthStrategy | None = None,
    profile: BusinessProfile | None = None,
    overdue_on: date | None = None,
    limit: int | None = None,
) -> list[StrategyMilestone]:
    """Milestones of one strategy, or of every strategy of a business (of every business of the user
    when neither is given); with overdue_on, only those past their target date on that day and not
    completed. Earliest target first; at most limit."""
    query = _milestones_query(user, StrategyMilestone, strategy, profile, overdue_on, limit)
    return list(session.exec(query))


def find_milestones_by_business(
    session: Session,
    user: User,
    *,
    strategy: GrowthStrategy | None = None,
    profile: BusinessProfile | None = None,
    overdue_on: date | None = None,
    page: Page | None = None,
) -> Paged:
    """A page of find_milestones, each with the id of the business it belongs to (same query)."""
    query = _milestones_query(
        user, (StrategyMilestone, GrowthStrategy.business_profile_id), strategy, profile, overdue_on, None
    )
    return fetch(session, query, page or Page())


def _milestones_query(user, columns, strategy, profile, overdue_on, limit):
    columns = columns if isinstance(columns, tuple) else (columns,)
    from boo_cli.db import in_written_order

    # Milestones first, in the order of their date index: the first page reads about 30 of them.
    joined = in_written_order(
        StrategyMilestone.__table__,
        GrowthStrategy.__table__,
        GrowthStrategy.id == StrategyMilestone.growth_strategy_id,
    )
    query = select(*columns).select_from(joined).where(*strategy_scope(user, profile))
    if strategy is not None:
        query = query.where(StrategyMilestone.growth_strategy_id == strategy.id)
    if overdue_on is not None:
        query = query.where(
            StrategyMilestone.target_date < overdue_on,
            sa.or_(StrategyMilestone.status.is_(None), StrategyMilestone.status != MilestoneStatus.COMPLETED),
        )
    order = (StrategyMilestone.target_date, StrategyMilestone.created_at)
    if overdue_on is None:  # undated ones last (an overdue one has a date: the index then gives the order)
        order = (StrategyMilestone.target_date.is_(None), *order)
    query = query.order_by(*order)
    return query if limit is None else query.limit(limit)


@dataclass(frozen=True)
class Added:
    milestone: StrategyMilestone
    warnings: list[str]


def add_milestone(
    session: Session,
    user: User,
    strategy: GrowthStrategy,
    *,
    name: str,
    description: str | None = None,
    target_date: date | None = None,
) -> Added:
    """A new pending milestone; a target before the strategy began is kept, with a warning."""
    milestone = StrategyMilestone(
        growth_strategy_id=strategy.id,
        milestone_name=validation.text(
            name, StrategyMilestone, "milestone_name", field="NAME", required=True
        ),
        description=validation.text(description, StrategyMilestone, "description", field="--description"),
        target_date=target_date,
        status=MilestoneStatus.PENDING,
    )
    warnings = []
    began = local_date(user, strategy.created_at)
    if target_date is not None and began is not None and target_date < began:
        warnings.append(f"the target date {target_date} is before the strategy began ({began})")
    session.add(milestone)
    session.flush()
    return Added(milestone, warnings)


def get_milestone(
    session: Session,
    user: User,
    ref: str,
    profile: BusinessProfile | None,
    strategy: GrowthStrategy | None = None,
) -> StrategyMilestone:
    """The user's milestone named by a full id (any of their businesses), or by an id prefix or exact
    name within strategy if given, else within profile, the current business (None: only a full id)."""
    if strategy is not None:
        names = [StrategyMilestone.growth_strategy_id == strategy.id]
    elif profile is not None:
        in_business = select(GrowthStrategy.id).where(GrowthStrategy.business_profile_id == profile.id)
        names = [StrategyMilestone.growth_strategy_id.in_(in_business)]
    else:
        names = None
    return resolve(
        session,
        StrategyMilestone,
        ref,
        name_column=StrategyMilestone.milestone_name,
        scope=milestone_scope(user, strategy),
        name_scope=names,
        noun="milestone",
        plural="milestones",
    )


def move_milestone(
    session: Session, milestone: StrategyMilestone, target: MilestoneStatus, *, on: date | None = None
) -> StrategyMilestone:
    """Advance a milestone (pending → in progress → completed); completing stamps the day."""
    current = milestone.status or MilestoneStatus.PENDING
    if target not in MILESTONE_TRANSITIONS[current]:
        raise Conflict(f"the milestone is already {current.value.replace('_', ' ')}")
    milestone.status = target
    if target is MilestoneStatus.COMPLETED:
        milestone.completed_date = on
    session.add(milestone)
    session.flush()
    return milestone


def edit_milestone(
    session: Session,
    milestone: StrategyMilestone,
    *,
    name: str | None = None,
    description: str | None = None,
    target_date: date | None = None,
    clear_target: bool = False,
) -> StrategyMilestone:
    if name is not None:
        milestone.milestone_name = validation.text(
            name, StrategyMilestone, "milestone_name", field="--name", required=True
        )
    if description is not None:
        milestone.description = validation.text(
            description, StrategyMilestone, "description", field="--description"
        )
    if clear_target:
        milestone.target_date = None
    elif target_date is not None:
        milestone.target_date = target_date
    session.add(milestone)
    session.flush()
    return milestone


def delete_milestone(session: Session, milestone: StrategyMilestone) -> None:
    session.delete(milestone)
    session.flush()
