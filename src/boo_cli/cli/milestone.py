"""`boo strategy milestone`: the steps of a strategy, from pending to completed."""

from __future__ import annotations

from typing import Annotated

import typer

from boo_cli.cli.context import app_context
from boo_cli.cli.options import JsonOption, YesOption
from boo_cli.cli.output import Column, emit_record, emit_rows
from boo_cli.cli.paging import AllOption, LimitOption, OffsetOption
from boo_cli.cli.scope import AllProfilesOption

app = typer.Typer(help="Break a strategy into milestones and mark them done.", no_args_is_help=True)

MilestoneRef = Annotated[str, typer.Argument(metavar="MILESTONE", help="Name, id or id prefix.")]
StrategyOpt = Annotated[
    str | None, typer.Option("--strategy", "-s", help="The strategy it belongs to (narrows a name search).")
]
DATE_HELP = "A date: 2026-03-31, today, +10d, +2w, +3m, friday."


def milestone_columns(today, of=lambda row: row):
    """The columns of a milestone table; of(row) gives the milestone of a row."""
    from boo_cli.services.strategies import milestone_overdue

    return [
        Column("id", lambda r: str(of(r).id)[:8], style="dim"),
        Column("milestone", lambda r: of(r).milestone_name, style="bold"),
        Column("status", lambda r: of(r).status),
        Column("target", lambda r: of(r).target_date),
        Column("done on", lambda r: of(r).completed_date),
        Column(
            "overdue",
            lambda r: "OVERDUE" if milestone_overdue(of(r), today) else "",
            style="bold red",
            marker=True,
        ),
    ]


def milestone_json(m, today) -> dict:
    from boo_cli.reports.strategy import milestone_record

    return {**milestone_record(m, today), "strategy_id": str(m.growth_strategy_id)}


def _show(m, today) -> None:
    from boo_cli.services.strategies import milestone_overdue

    emit_record(
        [
            ("id", str(m.id)),
            ("status", m.status),
            ("target", m.target_date),
            ("done on", m.completed_date),
            ("description", m.description),
            ("overdue", milestone_overdue(m, today)),
        ],
        title=m.milestone_name,
        json_data=milestone_json(m, today),
    )


def _context(session, ref: str | None, strategy_ref: str | None):
    from boo_cli.cli.identity import acting_user, today_for
    from boo_cli.cli.scope import lookup_business
    from boo_cli.cli.strategy import find_strategy
    from boo_cli.services import strategies

    user = acting_user(session)
    # '' is a name given empty (refused by the lookup), not a name left out.
    strategy = find_strategy(session, user, strategy_ref) if strategy_ref is not None else None
    milestone = None
    if ref is not None:
        # Within --strategy when given (already found in the current business), else the business.
        profile = None if strategy else lookup_business(session, user, ref)
        milestone = strategies.get_milestone(session, user, ref, profile, strategy)
    return user, strategy, milestone, today_for(user)


@app.command()
def add(
    strategy: Annotated[
        str, typer.Argument(metavar="STRATEGY", help="Name, id or id prefix of the strategy.")
    ],
    name: Annotated[str, typer.Argument(help="The milestone, e.g. 'Landing page live'.")],
    target: Annotated[str | None, typer.Option("--target", help=DATE_HELP)] = None,
    description: Annotated[str | None, typer.Option("--description", "-d", help="Details.")] = None,
    _json: JsonOption = False,
) -> None:
    """Add a milestone to a strategy."""
    from boo_cli.services import strategies
    from boo_cli.services.dates import parse_day

    ctx = app_context()
    with ctx.session() as session:
        user, owner, _, today = _context(session, None, strategy)
        added = strategies.add_milestone(
            session,
            user,
            owner,
            name=name,
            description=description,
            target_date=parse_day(target, today=today, field="--target"),
        )
        for warning in added.warnings:
            ctx.say(f"Warning: {warning}.")
        _show(added.milestone, today)


@app.command("list")
def list_(
    strategy: Annotated[
        str | None, typer.Argument(metavar="[STRATEGY]", help="Default: every strategy's.")
    ] = None,
    overdue: Annotated[
        bool, typer.Option("--overdue", help="Only milestones past their target date.")
    ] = False,
    limit: LimitOption = None,
    offset: OffsetOption = 0,
    every: AllOption = False,
    all_profiles: AllProfilesOption = False,
    _json: JsonOption = False,
) -> None:
    """List the milestones of a strategy, or of the current business (--all-profiles: of every one)."""
    from boo_cli.cli.paging import page_of, say_rest
    from boo_cli.cli.scope import Listing, listing
    from boo_cli.errors import Invalid
    from boo_cli.services import strategies

    page = page_of(limit, offset, every)

    if strategy and all_profiles:
        raise Invalid(
            "a strategy is of one business: give STRATEGY or --all-profiles", field="--all-profiles"
        )
    with app_context().session(write=False) as session:
        user, owner, _, today = _context(session, None, strategy)
        # A strategy's milestones are of its business; without one, of the business(es) listed.
        seen = Listing(None) if owner else listing(session, user, all_profiles)
        found = strategies.find_milestones_by_business(
            session,
            user,
            strategy=owner,
            profile=seen.profile,
            overdue_on=today if overdue else None,
            page=page,
        )
        emit_rows(
            found,
            seen.columns(milestone_columns(today, lambda r: r[0]), lambda r: r[1]),
            record=lambda r: seen.record(milestone_json(r[0], today), r[1]),
            empty="No milestones match.",
        )
        say_rest(found)


@app.command()
def start(ref: MilestoneRef, strategy: StrategyOpt = None, _json: JsonOption = False) -> None:
    """Mark a milestone in progress."""
    from boo_cli.models.enums import MilestoneStatus
    from boo_cli.services import strategies

    with app_context().session() as session:
        _, _, milestone, today = _context(session, ref, strategy)
        _show(strategies.move_milestone(session, milestone, MilestoneStatus.IN_PROGRESS), today)


@app.command()
def done(
    ref: MilestoneRef,
    strategy: StrategyOpt = None,
    on: Annotated[
        str | None, typer.Option("--on", help="The day it was done (default today). " + DATE_HELP)
    ] = None,
    _json: JsonOption = False,
) -> None:
    """Mark a milestone completed, today or --on a given day."""
    from boo_cli.models.enums import MilestoneStatus
    from boo_cli.services import strategies
    from boo_cli.services.dates import parse_day

    with app_context().session() as session:
        _, _, milestone, today = _context(session, ref, strategy)
        day = parse_day(on, today=today, field="--on") or today
        _show(strategies.move_milestone(session, milestone, MilestoneStatus.COMPLETED, on=day), today)


@app.command()
def edit(
    ref: MilestoneRef,
    strategy: StrategyOpt = None,
    name: Annotated[str | None, typer.Option("--name", help="New name.")] = None,
    target: Annotated[str | None, typer.Option("--target", help=DATE_HELP + " '' removes it.")] = None,
    description: Annotated[str | None, typer.Option("--description", "-d", help="Details.")] = None,
    _json: JsonOption = False,
) -> None:
    """Change a milestone's name, target date or description."""
    from boo_cli.errors import Invalid
    from boo_cli.services import strategies
    from boo_cli.services.dates import parse_day

    if name is None and target is None and description is None:
        raise Invalid("nothing to change: give --name, --target or --description")
    with app_context().session() as session:
        _, _, milestone, today = _context(session, ref, strategy)
        strategies.edit_milestone(
            session,
            milestone,
            name=name,
            description=description,
            target_date=parse_day(target, today=today, field="--target"),
            clear_target=target is not None and not target.strip(),
        )
        _show(milestone, today)


@app.command()
def delete(ref: MilestoneRef, strategy: StrategyOpt = None, yes: YesOption = False) -> None:
    """Delete a milestone (asks first)."""
    from boo_cli.services import strategies

    ctx = app_context()
    with ctx.session() as session:
        _, _, milestone, _ = _context(session, ref, strategy)
        if not ctx.confirm(f"Delete the milestone '{milestone.milestone_name}'?", yes=yes):
            raise typer.Exit(1)
        strategies.delete_milestone(session, milestone)
        ctx.say(f"Deleted '{milestone.milestone_name}'.")
