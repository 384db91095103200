"""`boo profile`: the businesses you run, and which one the other commands work on."""

from __future__ import annotations

from typing import Annotated

import typer

from boo_cli.cli.context import app_context
from boo_cli.cli.options import JsonOption, YesOption
from boo_cli.cli.output import Column, emit_done, emit_record, emit_rows
from boo_cli.cli.paging import SEARCH_SYNTAX, AllOption, LimitOption, OffsetOption

app = typer.Typer(help="Add, show and switch between your business profiles.", no_args_is_help=True)


def complete_profile(incomplete: str) -> list[str]:
    """Shell completion: the current user's profile names (nothing at all on any error)."""
    try:
        from boo_cli.cli.identity import acting_user
        from boo_cli.services import profiles

        with app_context().session(write=False) as session:
            names = [p.business_name for p in profiles.list_profiles(session, acting_user(session))]
    except Exception:
        return []
    return [n for n in names if n.lower().startswith(incomplete.lower())]


ProfileRef = Annotated[
    str | None,
    typer.Argument(
        metavar="[PROFILE]",
        help="Name, id or id prefix (default: the current profile).",
        autocompletion=complete_profile,
    ),
]
IndustryOpt = Annotated[str | None, typer.Option("--industry", help="Industry, e.g. 'web design'.")]
StageOpt = Annotated[str | None, typer.Option("--stage", help="idea, startup, growing or established.")]
AnnualOpt = Annotated[
    str | None,
    typer.Option("--annual-revenue", help="Current annual revenue: 120000, 120k, 1.2m, $1,200.50."),
]
TargetOpt = Annotated[str | None, typer.Option("--target-revenue", help="Target annual revenue, same forms.")]
ModelOpt = Annotated[str | None, typer.Option("--model", help="How the business makes money.")]
ChallengeOpt = Annotated[
    list[str] | None, typer.Option("--challenge", help="A main challenge (repeat for several).")
]


def money(value) -> str:
    return "" if value is None else f"{value:,.2f}"


def profile_json(profile, *, current: bool | None = None, **extra) -> dict:
    data = {
        "id": profile.id,
        "business_name": profile.business_name,
        "industry": profile.industry,
        "business_stage": profile.business_stage,
        "annual_revenue": profile.annual_revenue,
        "target_revenue": profile.target_revenue,
        "business_model": profile.business_model,
        "main_challenges": profile.main_challenges or [],
        "created_at": profile.created_at,
        "updated_at": profile.updated_at,
    }
    if current is not None:
        data["current"] = current
    return {**data, **extra}


def _ask_profile_fields() -> dict:
    from boo_cli.cli.prompts import ask_choice, ask_text
    from boo_cli.models.enums import BusinessStage
    from boo_cli.services.profiles import parse_money

    def check_money(field):
        return lambda text: parse_money(text, field=field)

    name = ask_text("Business name:", flag="NAME")
    challenges = ask_text("Main challenges (comma-separated, optional):", flag="--challenge", required=False)
    return {
        "name": name,
        "industry": ask_text("Industry (optional):", flag="--industry", required=False),
        "stage": ask_choice("Stage:", ["(skip)", *[s.value for s in BusinessStage]], flag="--stage"),
        "annual_revenue": ask_text(
            "Annual revenue (optional):",
            flag="--annual-revenue",
            required=False,
            check=check_money("revenue"),
        ),
        "target_revenue": ask_text(
            "Target revenue (optional):", flag="--target-revenue", required=False, check=check_money("target")
        ),
        "business_model": ask_text("Business model (optional):", flag="--model", required=False),
        "challenges": [c for c in (challenges or "").split(",") if c.strip()],
    }


@app.command()
def add(
    name: Annotated[str | None, typer.Argument(help="The business's name.")] = None,
    industry: IndustryOpt = None,
    stage: StageOpt = None,
    annual_revenue: AnnualOpt = None,
    target_revenue: TargetOpt = None,
    model: ModelOpt = None,
    challenge: ChallengeOpt = None,
    _json: JsonOption = False,
) -> None:
    """Add a business profile (with no NAME on a terminal, asks for each field)."""
    from boo_cli.cli.identity import acting_user
    from boo_cli.services import logins, profiles

    ctx = app_context()
    fields = (
        _ask_profile_fields()
        if name is None
        else {
            "name": name,
            "industry": industry,
            "stage": stage,
            "annual_revenue": annual_revenue,
            "target_revenue": target_revenue,
            "business_model": model,
            "challenges": challenge,
        }
    )
    with ctx.session() as session:
        user = acting_user(session)
        profile = profiles.add_profile(session, user, **fields)
        if len(profiles.list_profiles(session, user)) == 1:
            logins.choose_profile(ctx.database_url(), user.id, profile.id)
        ctx.say(f"Added '{profile.business_name}' ({str(profile.id)[:8]}).")
        _show(session, profile)


@app.command("list")
def list_(
    limit: LimitOption = None, offset: OffsetOption = 0, every: AllOption = False, _json: JsonOption = False
) -> None:
    """List your business profiles; * marks the current one."""
    from boo_cli.cli.identity import acting_user, current_business
    from boo_cli.cli.paging import page_of, say_rest
    from boo_cli.errors import BooError
    from boo_cli.services import profiles

    page = page_of(limit, offset, every)
    with app_context().session(write=False) as session:
        user = acting_user(session)
        try:
            current = current_business(session, user).id
        except BooError:  # none yet, or several and none chosen
            current = None
        found = profiles.profiles_page(session, user, page)
        emit_rows(
            found,
            [
                Column("current", lambda p: "*" if p.id == current else "", marker=True),
                Column("id", lambda p: str(p.id)[:8], style="dim"),
                Column("name", lambda p: p.business_name, style="bold"),
                Column("industry", lambda p: p.industry),
                Column("stage", lambda p: p.business_stage),
                Column("annual revenue", lambda p: money(p.annual_revenue), justify="right"),
                Column("target", lambda p: money(p.target_revenue), justify="right"),
            ],
            record=lambda p: profile_json(p, current=p.id == current),
            empty="No business profiles yet: boo profile add NAME",
        )
        say_rest(found)


def _show(session, profile) -> None:
    from dataclasses import asdict

    from boo_cli.services import profiles

    counts = profiles.counts(session, profile)
    gap = profiles.revenue_gap(profile)
    emit_record(
        [
            ("id", str(profile.id)),
            ("industry", profile.industry),
            ("stage", profile.business_stage),
            ("annual revenue", money(profile.annual_revenue)),
            ("target revenue", money(profile.target_revenue)),
            ("revenue gap", money(gap)),
            ("business model", profile.business_model),
            ("main challenges", profile.main_challenges),
            ("audits", counts.audits),
            ("strategies", f"{counts.strategies} ({counts.milestones} milestones)"),
            ("automation tasks", counts.tasks),
            ("created", profile.created_at),
        ],
        title=profile.business_name,
        json_data=profile_json(profile, revenue_gap=gap, counts=asdict(counts)),
    )


@app.command()
def show(ref: ProfileRef = None, _json: JsonOption = False) -> None:
    """Show a profile with its revenue gap and what it holds."""
    from boo_cli.cli.identity import acting_user, current_business

    with app_context().session(write=False) as session:
        user = acting_user(session)
        _show(session, current_business(session, user, ref))


@app.command()
def edit(
    ref: ProfileRef = None,
    name: Annotated[str | None, typer.Option("--name", help="New name.")] = None,
    industry: IndustryOpt = None,
    stage: StageOpt = None,
    annual_revenue: AnnualOpt = None,
    target_revenue: TargetOpt = None,
    model: ModelOpt = None,
    challenge: ChallengeOpt = None,
    _json: JsonOption = False,
) -> None:
    """Change a profile's fields ('' clears an optional one; --challenge replaces the list)."""
    from boo_cli.cli.identity import acting_user, current_business
    from boo_cli.errors import Invalid
    from boo_cli.services import profiles

    changes = {
        "name": name,
        "industry": industry,
        "stage": stage,
        "annual_revenue": annual_revenue,
        "target_revenue": target_revenue,
        "business_model": model,
        "challenges": challenge,
    }
    if all(v is None for v in changes.values()):
        raise Invalid("nothing to change: give at least one option (see 'boo profile edit --help')")
    with app_context().session() as session:
        user = acting_user(session)
        profile = profiles.edit_profile(session, user, current_business(session, user, ref), **changes)
        _show(session, profile)


@app.command()
def delete(
    ref: Annotated[
        str, typer.Argument(metavar="PROFILE", help="Name, id or id prefix.", autocompletion=complete_profile)
    ],
    yes: YesOption = False,
) -> None:
    """Delete a profile with its audits, strategies and tasks (lists them and asks first)."""
    from boo_cli.cli.identity import acting_user
    from boo_cli.errors import Invalid
    from boo_cli.services import logins, profiles

    ctx = app_context()
    with ctx.session() as session:
        user = acting_user(session)
        profile = profiles.get_profile(session, user, ref)
        c = profiles.counts(session, profile)
        # Told in the refusal, the question and after the deed, never on a line of its own before an error.
        held = (
            f"{c.audits} audits, {c.strategies} strategies ({c.milestones} milestones) and "
            f"{c.tasks} automation tasks ({c.executions} runs)"
        )
        if not yes and not ctx.can_prompt():
            raise Invalid(
                f"'{profile.business_name}' holds {held}: pass --yes to delete it without a terminal"
            )
        if not ctx.confirm(f"Delete '{profile.business_name}' and all it holds: {held}?", yes=yes):
            raise typer.Exit(1)
        profiles.delete_profile(session, user, profile)
        if logins.chosen_profile(ctx.database_url(), user.id) == profile.id:
            logins.choose_profile(ctx.database_url(), user.id, None)
        ctx.say(f"Deleted '{profile.business_name}' and all it held: {held}.")


@app.command()
def use(
    ref: Annotated[
        str, typer.Argument(metavar="PROFILE", help="Name, id or id prefix.", autocompletion=complete_profile)
    ],
) -> None:
    """Make a profile the current one: other commands work on it unless --profile says otherwise."""
    from boo_cli.cli.identity import acting_user
    from boo_cli.services import logins, profiles

    ctx = app_context()
    with ctx.session() as session:
        user = acting_user(session)
        profile = profiles.get_profile(session, user, ref)
        logins.choose_profile(ctx.database_url(), user.id, profile.id)
        emit_done(f"Now working on '{profile.business_name}'.", profile_json(profile, current=True))


@app.command()
def search(
    query: Annotated[
        str, typer.Argument(help=f"Words to find in profile names and industries. {SEARCH_SYNTAX}")
    ],
    limit: LimitOption = None,
    offset: OffsetOption = 0,
    every: AllOption = False,
    _json: JsonOption = False,
) -> None:
    """Full-text search over your profiles' names and industries, best match first."""
    from boo_cli.cli.identity import acting_user
    from boo_cli.cli.paging import page_of, say_rest
    from boo_cli.services.search import search_profiles

    page = page_of(limit, offset, every)
    with app_context().session(write=False) as session:
        found = search_profiles(session, acting_user(session).id, query, page=page)
        emit_rows(
            found,
            [
                Column("id", lambda p: str(p.id)[:8], style="dim"),
                Column("name", lambda p: p.business_name, style="bold"),
                Column("industry", lambda p: p.industry),
                Column("stage", lambda p: p.business_stage),
            ],
            record=profile_json,
            empty=f"No profile matches {query!r}.",
        )
        say_rest(found)
