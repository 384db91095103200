"""`boo strategy`: growth plans with a timeline, status changes, progress, search and export."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from boo_cli.cli.context import app_context
from boo_cli.cli.identity import today_for
from boo_cli.cli.options import JsonOption, YesOption
from boo_cli.cli.output import Column, emit_record, emit_rows, emit_table, print_json
from boo_cli.cli.paging import SEARCH_SYNTAX, AllOption, LimitOption, OffsetOption
from boo_cli.cli.scope import AllProfilesOption

app = typer.Typer(
    help="Plan growth: strategies with timelines, milestones and progress.", no_args_is_help=True
)

StrategyRef = Annotated[str, typer.Argument(metavar="STRATEGY", help="Name, id or id prefix.")]
DescriptionOpt = Annotated[str | None, typer.Option("--description", "-d", help="What the plan is.")]
TimelineOpt = Annotated[
    str | None,
    typer.Option("--timeline", "-t", help="How long it should take: 90d, 12w, 3 months, 1y 2m, P3M."),
]
PriorityOpt = Annotated[str | None, typer.Option("--priority", "-p", help="low, medium or high.")]
ImpactOpt = Annotated[str | None, typer.Option("--impact", help="The business impact you expect.")]
ResourceOpt = Annotated[
    list[str] | None, typer.Option("--resource", help="A resource it needs: text or key=value (repeatable).")
]


def find_strategy(session, user, ref: str):
    """The strategy ref names: a full id anywhere the user owns, a name or id prefix in the current
    business."""
    from boo_cli.cli.scope import lookup_business
    from boo_cli.services import strategies

    return strategies.get_strategy(session, user, ref, lookup_business(session, user, ref))


def bar(done: int, total: int, width: int = 10) -> str:
    if not total:
        return "no milestones"
    filled = round(width * done / total)
    return f"{'█' * filled}{'░' * (width - filled)} {done}/{total}"


def row_json(row) -> dict:
    from boo_cli.reports.strategy import strategy_record

    return {
        **strategy_record(row.strategy),
        "progress": {"done": row.done, "total": row.total},
        "overdue": row.overdue,
        "overdue_milestones": row.overdue_milestones,
    }


STRATEGY_COLUMNS = [
    Column("id", lambda r: str(r.strategy.id)[:8], style="dim"),
    Column("strategy", lambda r: r.strategy.strategy_name, style="bold"),
    Column("status", lambda r: r.strategy.status),
    Column("priority", lambda r: r.strategy.priority),
    Column("progress", lambda r: bar(r.done, r.total)),
    Column("due", lambda r: r.strategy.due_date),
    Column("overdue", lambda r: "OVERDUE" if r.overdue else "", style="bold red", marker=True),
]


@app.command()
def add(
    name: Annotated[str | None, typer.Argument(help="The plan, e.g. 'Launch a paid newsletter'.")] = None,
    description: DescriptionOpt = None,
    timeline: TimelineOpt = None,
    priority: PriorityOpt = None,
    status: Annotated[str | None, typer.Option("--status", help="draft (default), active, paused.")] = None,
    impact: ImpactOpt = None,
    resource: ResourceOpt = None,
    _json: JsonOption = False,
) -> None:
    """Record a growth strategy for the current business (asks on a terminal for what is missing)."""
    from boo_cli.cli.identity import acting_user, current_business
    from boo_cli.cli.prompts import ask_choice, ask_text
    from boo_cli.services import strategies
    from boo_cli.services.dates import SPAN_EXAMPLES, parse_span

    if name is None:
        name = ask_text("Strategy:", flag="NAME")
        description = description or ask_text("Description (optional):", flag="--description", required=False)
        timeline = timeline or ask_text(
            f"Timeline (optional; {SPAN_EXAMPLES}):",
            flag="--timeline",
            required=False,
            check=lambda t: parse_span(t, field="timeline"),
        )
        priority = priority or ask_choice("Priority:", ["medium", "high", "low"], flag="--priority")
    with app_context().session() as session:
        user = acting_user(session)
        profile = current_business(session, user)
        strategy = strategies.add_strategy(
            session,
            user,
            profile,
            name=name,
            today=today_for(user),
            description=description,
            timeline=timeline,
            priority=priority,
            status=status,
            impact=impact,
            resources=resource,
        )
        app_context().say(
            f"Added '{strategy.strategy_name}' ({str(strategy.id)[:8]}) to {profile.business_name}."
        )
        _show(session, user, strategy)


@app.command("list")
def list_(
    status: Annotated[str | None, typer.Option("--status", help="Only this status.")] = None,
    priority: PriorityOpt = None,
    overdue: Annotated[
        bool, typer.Option("--overdue", help="Only strategies that are late or have late milestones.")
    ] = False,
    sort: Annotated[str, typer.Option("--sort", help="created, due, priority, name or status.")] = "created",
    limit: LimitOption = None,
    offset: OffsetOption = 0,
    every: AllOption = False,
    all_profiles: AllProfilesOption = False,
    _json: JsonOption = False,
) -> None:
    """List the current business's strategies (--all-profiles: every business's) with progress."""
    from boo_cli.cli.identity import acting_user
    from boo_cli.cli.paging import page_of, say_rest
    from boo_cli.cli.scope import listing
    from boo_cli.services import strategies

    page = page_of(limit, offset, every)
    with app_context().session(write=False) as session:
        user = acting_user(session)
        seen = listing(session, user, all_profiles)
        found = strategies.list_strategies(
            session,
            user,
            seen.profile,
            today=today_for(user),
            status=status,
            priority=priority,
            overdue=overdue,
            sort=sort,
            page=page,
        )
        emit_rows(
            found,
            seen.columns(STRATEGY_COLUMNS, lambda r: r.strategy.business_profile_id),
            record=lambda r: seen.record(row_json(r), r.strategy.business_profile_id),
            empty="No strategies match."
            if status or priority or overdue
            else "No strategies yet: boo strategy add NAME",
        )
        say_rest(found)


def _show(session, user, strategy) -> None:
    from boo_cli.services import strategies
    from boo_cli.services.dates import describe_span

    today = today_for(user)
    row = strategies.strategy_row(session, strategy, today)
    milestones = strategies.milestones_of(session, user, strategy)
    from boo_cli.reports.strategy import milestone_record

    if app_context().json:
        print_json({**row_json(row), "milestones": [milestone_record(m, today) for m in milestones]})
        return
    emit_record(
        [
            ("id", str(strategy.id)),
            ("status", strategy.status),
            ("priority", strategy.priority),
            ("description", strategy.description),
            ("timeline", describe_span(strategy.target_timeline)),
            ("due", f"{strategy.due_date or ''}{'  OVERDUE' if row.overdue else ''}"),
            ("progress", bar(row.done, row.total)),
            ("expected impact", strategy.expected_impact),
            (
                "resources",
                [
                    r.get("name", "") + (f": {r['value']}" if r.get("value") else "")
                    for r in strategy.resources_required or []
                ],
            ),
        ],
        title=strategy.strategy_name,
        json_data=None,
    )
    from boo_cli.cli.milestone import milestone_columns

    emit_table(milestones, milestone_columns(today), empty="No milestones yet: boo strategy milestone add")


@app.command()
def show(ref: StrategyRef, _json: JsonOption = False) -> None:
    """Show a strategy with its milestones."""
    from boo_cli.cli.identity import acting_user

    with app_context().session(write=False) as session:
        user = acting_user(session)
        _show(session, user, find_strategy(session, user, ref))


@app.command()
def edit(
    ref: StrategyRef,
    name: Annotated[str | None, typer.Option("--name", help="New name.")] = None,
    description: DescriptionOpt = None,
    timeline: TimelineOpt = None,
    priority: PriorityOpt = None,
    impact: ImpactOpt = None,
    resource: ResourceOpt = None,
    _json: JsonOption = False,
) -> None:
    """Change a strategy's fields ('' clears an optional one; --resource replaces the list)."""
    from boo_cli.cli.identity import acting_user
    from boo_cli.errors import Invalid
    from boo_cli.services import strategies

    changes = {
        "name": name,
        "description": description,
        "timeline": timeline,
        "priority": priority,
        "impact": impact,
        "resources": resource,
    }
    if all(v is None for v in changes.values()):
        raise Invalid("nothing to change: give at least one option (see 'boo strategy edit --help')")
    with app_context().session() as session:
        user = acting_user(session)
        strategy = strategies.edit_strategy(session, user, find_strategy(session, user, ref), **changes)
        _show(session, user, strategy)


@app.command()
def delete(ref: StrategyRef, yes: YesOption = False) -> None:
    """Delete a strategy and its milestones (asks first)."""
    from boo_cli.cli.identity import acting_user
    from boo_cli.services import strategies

    ctx = app_context()
    with ctx.session() as session:
        user = acting_user(session)
        strategy = find_strategy(session, user, ref)
        count = len(strategies.milestones_of(session, user, strategy))
        if not ctx.confirm(f"Delete '{strategy.strategy_name}' and its {count} milestones?", yes=yes):
            raise typer.Exit(1)
        strategies.delete_strategy(session, user, strategy)
        ctx.say(f"Deleted '{strategy.strategy_name}' and {count} milestones.")


def _move(ref: str, target: str, force: bool = False) -> None:
    from boo_cli.cli.identity import acting_user
    from boo_cli.models.enums import StrategyStatus
    from boo_cli.services import strategies

    with app_context().session() as session:
        user = acting_user(session)
        strategy = find_strategy(session, user, ref)
        strategies.change_status(session, user, strategy, StrategyStatus(target), force=force)
        app_context().say(f"'{strategy.strategy_name}' is now {target}.")
        _show(session, user, strategy)


@app.command()
def activate(ref: StrategyRef, _json: JsonOption = False) -> None:
    """Start working on a draft strategy (draft → active)."""
    _move(ref, "active")


@app.command()
def pause(ref: StrategyRef, _json: JsonOption = False) -> None:
    """Put an active strategy on hold (active → paused)."""
    _move(ref, "paused")


@app.command()
def resume(ref: StrategyRef, _json: JsonOption = False) -> None:
    """Pick a paused strategy up again (paused → active)."""
    _move(ref, "active")


@app.command()
def complete(
    ref: StrategyRef,
    force: Annotated[bool, typer.Option("--force", help="Complete even with unfinished milestones.")] = False,
    _json: JsonOption = False,
) -> None:
    """Mark an active strategy completed (needs --force while milestones are open)."""
    _move(ref, "completed", force)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help=f"Words to find in names and descriptions. {SEARCH_SYNTAX}")],
    limit: LimitOption = None,
    offset: OffsetOption = 0,
    every: AllOption = False,
    _json: JsonOption = False,
) -> None:
    """Full-text search over the current business's strategies, best match first."""
    from boo_cli.cli.identity import acting_user, current_business
    from boo_cli.cli.paging import page_of, say_rest
    from boo_cli.services import strategies
    from boo_cli.services.search import search_strategies

    page = page_of(limit, offset, every)
    with app_context().session(write=False) as session:
        user = acting_user(session)
        profile = current_business(session, user)
        today = today_for(user)
        found = search_strategies(session, user.id, query, profile_id=profile.id, page=page)
        emit_rows(
            found.each(lambda batch: strategies.rows_with_progress(session, batch, today)),
            STRATEGY_COLUMNS,
            record=row_json,
            empty=f"No strategy matches {query!r}.",
        )
        say_rest(found)


@app.command()
def board(
    per_column: Annotated[
        int, typer.Option("--per-column", min=1, max=1000, help="Cards shown in each column.")
    ] = 15,
    _json: JsonOption = False,
) -> None:
    """The current business's strategies in status columns: the whole plan at a glance (--json: every
    strategy, streamed)."""
    from boo_cli.cli.identity import acting_user, current_business
    from boo_cli.cli.output import board_columns, emit_json_groups
    from boo_cli.services import strategies

    ctx = app_context()
    with ctx.session(write=False) as session:
        user = acting_user(session)
        profile = current_business(session, user)
        columns = strategies.board(
            session, user, profile, today=today_for(user), per_column=None if ctx.json else per_column
        )
        if ctx.json:
            emit_json_groups(((status.value, found) for status, found in columns.items()), record=row_json)
            return
        board_columns(
            {
                status.value: (
                    [(r.strategy.strategy_name, bar(r.done, r.total, 6), r.overdue) for r in found.rows],
                    len(found.rows) + found.more,
                )
                for status, found in columns.items()
            }
        )


@app.command()
def export(
    ref: StrategyRef,
    format: Annotated[
        str | None, typer.Option("--format", "-f", help="md (default; json with --json), json or csv.")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file (default: stdout).")
    ] = None,
) -> None:
    """Export a strategy as a document: Markdown with a gantt chart, JSON, or CSV of milestones."""
    from boo_cli.cli.identity import acting_user
    from boo_cli.cli.output import document_format, write_document
    from boo_cli.errors import Invalid
    from boo_cli.reports.strategy import RENDERERS, StrategyReport
    from boo_cli.services import profiles, strategies

    format = document_format(format, "md", has_json=True)
    if format not in RENDERERS:
        raise Invalid(f"{format!r} is not a format; use md, json or csv", field="--format")
    with app_context().session(write=False) as session:
        user = acting_user(session)
        strategy = find_strategy(session, user, ref)
        today = today_for(user)
        report = StrategyReport(
            business=profiles.get_profile_by_id(session, user, strategy.business_profile_id).business_name,
            row=strategies.strategy_row(session, strategy, today),
            milestones=strategies.milestones_of(session, user, strategy),
            started=strategies.local_date(user, strategy.created_at),
            today=today,
        )
        write_document(RENDERERS[format](report), output, fmt=format)


def _register() -> None:
    from boo_cli.cli import milestone

    app.add_typer(milestone.app, name="milestone")


_register()
