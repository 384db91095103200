"""`boo audit`: business health checks, their scores and reports."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Annotated

import typer

from boo_cli.cli.context import app_context
from boo_cli.cli.identity import today_for
from boo_cli.cli.options import JsonOption, YesOption
from boo_cli.cli.output import Column, emit_record, emit_rows, emit_table, print_json
from boo_cli.cli.paging import AllOption, LimitOption, OffsetOption
from boo_cli.cli.scope import AllProfilesOption

app = typer.Typer(
    help="Audit your business: a health check with scores, recommendations and reports.",
    no_args_is_help=True,
)

AuditRef = Annotated[
    str, typer.Argument(metavar="AUDIT", help="Id, id prefix, date (YYYY-MM-DD), latest or previous.")
]
SectionOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--section", "-s", help="Only this section (repeatable): operations, marketing, finance, technology."
    ),
]
OutputOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write to this file (default: stdout).")
]
BAR_WIDTH = 20


def _bank():
    from boo_cli.services.audit_bank import load_bank

    return load_bank()


def _find(session, user, ref: str):
    """The audit ref names: a full id anywhere the user owns; an id prefix, a date, latest or
    previous in the current business."""
    from boo_cli.cli.scope import lookup_business
    from boo_cli.services import audits

    return audits.get_audit(session, user, ref, lookup_business(session, user, ref))


def score_bar(score: Decimal | None):
    """A bar of BAR_WIDTH cells, half a point each, in the colour of the score's band."""
    from rich.text import Text

    from boo_cli.services.audit_bank import band_of

    if score is None:
        return Text("not scored", style="dim")
    filled = int((score * BAR_WIDTH / 10).to_integral_value(rounding=ROUND_HALF_UP))
    band = band_of(score)
    return Text("█" * filled, style=band.colour).append("░" * (BAR_WIDTH - filled), style="dim")


def show_audit(session, user, audit, bank) -> None:
    """An audit: who and when, the score bars by band, and the best recommendations."""
    from boo_cli.reports.audit import audit_record
    from boo_cli.services import audits

    business = audits.business_of(session, user, audit).business_name
    record = audit_record(audit, bank)
    if app_context().json:
        print_json({**record, "business": business})
        return
    progress = record["progress"]
    emit_record(
        [
            ("id", str(audit.id)),
            ("date", audit.audit_date),
            ("status", status_text(audit, long=True)),
            (
                "questions",
                f"{progress['seen']} of {progress['total']} seen, {audits.answered(audit)} answered"
                + (f", {len(progress['missing'])} required unanswered" if progress["missing"] else ""),
            ),
            ("question bank", audit.bank_version),
        ],
        title=f"Audit of {business}",
        json_data=None,
    )
    emit_table(audits.area_scores(bank, audit, None), AREA_COLUMNS)
    recs = audit.recommendations or []
    emit_table(recs[:5], RECOMMENDATION_COLUMNS, title="Top recommendations", empty="No recommendations.")
    if len(recs) > 5:
        app_context().say(f"{len(recs) - 5} more in the report: boo audit export {str(audit.id)[:8]}")


AREA_COLUMNS = [
    Column("area", lambda r: r.title, style="bold"),
    Column("score", lambda r: score_bar(r.score)),
    Column("", lambda r: r.score, justify="right"),
    Column("band", lambda r: r.band),
]
RECOMMENDATION_COLUMNS = [
    Column("#", lambda r: r["rank"], justify="right"),
    Column("recommendation", lambda r: r["title"], style="bold"),
    Column("area", lambda r: r["section"]),
    Column("impact", lambda r: r["impact"]),
    Column("effort", lambda r: r["effort"]),
    Column("resource", lambda r: r.get("resource_title") or ""),
]
AUDIT_COLUMNS = [
    Column("id", lambda a: str(a.id)[:8], style="dim"),
    Column("date", lambda a: a.audit_date),
    Column("status", lambda a: status_text(a)),
    Column("overall", lambda a: a.overall_score, justify="right", style="bold"),
    Column("band", lambda a: _band(a.overall_score)),
    *(
        Column(section, lambda a, s=section: a.score_of(s), justify="right")
        for section in ("operations", "marketing", "finance", "technology")
    ),
]


STATUS_TEXT = {
    "completed": ("finished", "finished"),
    "in_progress": ("in progress", "in progress: finish it with boo audit resume"),
    "incomplete": ("incomplete", "incomplete: stored as finished by an older boo; not scored against"),
}


def status_text(audit, long: bool = False) -> str:
    short, longer = STATUS_TEXT.get(str(audit.status), (str(audit.status), str(audit.status)))
    return longer if long else short


def _band(score) -> str:
    from boo_cli.services.audit_bank import band_name

    return band_name(score) or ""


@app.command()
def start(
    section: SectionOpt = None,
    answers: Annotated[
        str | None,
        typer.Option(
            "--answers", metavar="FILE|-", help="Take every answer from a TOML or JSON file ('-': stdin)."
        ),
    ] = None,
    _json: JsonOption = False,
) -> None:
    """Take the health check: question by question on a terminal, or all at once from --answers."""
    from boo_cli.cli import audit_flow

    if answers is not None:
        audit_flow.start_from_file(answers, section)
    else:
        audit_flow.start_interactive(section)


@app.command()
def resume() -> None:
    """Finish the current business's audit in progress: asks every question not yet seen or still
    required (skipped), and finishes it once every required question has an answer."""
    from boo_cli.cli import audit_flow

    audit_flow.resume()


@app.command()
def template(
    format: Annotated[
        str | None,
        typer.Option(
            "--format", "-f", help="toml (default, with the scales as comments) or json (with --json)."
        ),
    ] = None,
    section: SectionOpt = None,
    output: OutputOpt = None,
) -> None:
    """Print an answers file to fill in for `boo audit start --answers FILE`."""
    from boo_cli.cli.output import document_format, write_document
    from boo_cli.errors import Invalid
    from boo_cli.reports.audit import answers_template
    from boo_cli.services.audits import choose_sections

    format = document_format(format, "toml", has_json=True)
    if format not in ("toml", "json"):
        raise Invalid(f"{format!r} is not a format; use toml or json", field="--format")
    write_document(answers_template(_bank(), format, choose_sections(section)), output, fmt=format)


@app.command("list")
def list_(
    limit: LimitOption = None,
    offset: OffsetOption = 0,
    every: AllOption = False,
    all_profiles: AllProfilesOption = False,
    _json: JsonOption = False,
) -> None:
    """The current business's audits (--all-profiles: every business's): the one in progress first,
    then newest first, with status and scores."""
    from boo_cli.cli.identity import acting_user
    from boo_cli.cli.paging import page_of, say_rest
    from boo_cli.cli.scope import listing
    from boo_cli.reports.audit import audit_record
    from boo_cli.services import audits

    page = page_of(limit, offset, every)
    bank = _bank()
    with app_context().session(write=False) as session:
        user = acting_user(session)
        seen = listing(session, user, all_profiles)
        found = audits.list_audits(session, user, seen.profile, page=page)
        emit_rows(
            found,
            seen.columns(AUDIT_COLUMNS, lambda a: a.business_profile_id),
            record=lambda a: seen.record(audit_record(a, bank), a.business_profile_id),
            empty="No audits yet: boo audit start",
        )
        say_rest(found)


@app.command()
def show(ref: AuditRef = "latest", _json: JsonOption = False) -> None:
    """Show an audit: section scores as bars in their band's colour, and the top recommendations."""
    from boo_cli.cli.identity import acting_user

    with app_context().session(write=False) as session:
        user = acting_user(session)
        show_audit(session, user, _find(session, user, ref), _bank())


@app.command()
def compare(
    before: Annotated[
        str, typer.Argument(metavar="A", help="The earlier audit (default: previous).")
    ] = "previous",
    after: Annotated[str, typer.Argument(metavar="B", help="The later audit (default: latest).")] = "latest",
    _json: JsonOption = False,
) -> None:
    """Compare two audits of a business: the change in every score, and the answers that moved."""
    from boo_cli.cli.identity import acting_user
    from boo_cli.reports.audit import comparison_record
    from boo_cli.services import audits

    bank, ctx = _bank(), app_context()
    with ctx.session(write=False) as session:
        user = acting_user(session)
        result = audits.compare_audits(bank, _find(session, user, before), _find(session, user, after))
        record = comparison_record(result)
        if not ctx.json:
            ctx.say(f"From {record['before']['audit_date']} to {record['after']['audit_date']}:")
        emit_table(record["areas"], COMPARE_COLUMNS, json_data=record)
        if record["changes"] and not ctx.json:
            emit_table(record["changes"], CHANGE_COLUMNS)
        if not result.same_bank:
            ctx.say("The two audits used different question banks; compare section scores with care.")


COMPARE_COLUMNS = [
    Column("area", lambda a: a["title"], style="bold"),
    Column("before", lambda a: a["previous"], justify="right"),
    Column("after", lambda a: a["score"], justify="right"),
    Column("change", lambda a: a["change_text"], justify="right"),
    Column("band", lambda a: f"{a['previous_band'] or '—'} → {a['band'] or '—'}"),
]
CHANGE_COLUMNS = [
    Column("question", lambda c: c["question"]),
    Column("before", lambda c: c["before"] if c["before"] is not None else "skipped", justify="right"),
    Column("after", lambda c: c["after"] if c["after"] is not None else "skipped", justify="right"),
]
TREND_COLUMNS = [
    Column("area", lambda r: r["title"], style="bold"),
    Column("trend", lambda r: r["sparkline"]),
    Column("first", lambda r: r["scores"][0], justify="right"),
    Column("latest", lambda r: r["scores"][-1], justify="right"),
    Column("change", lambda r: r["change_text"], justify="right"),
]


@app.command()
def trend(
    last: Annotated[
        int, typer.Option("--last", min=2, max=1000, help="How many of the latest finished audits.")
    ] = 12,
    _json: JsonOption = False,
) -> None:
    """Every section's score across the latest finished audits of the current business (12 unless
    --last says), as a sparkline."""
    from boo_cli.cli.identity import acting_user, current_business
    from boo_cli.reports.audit import trend_record
    from boo_cli.services import audits

    ctx = app_context()
    with ctx.session(write=False) as session:
        user = acting_user(session)
        record = trend_record(
            audits.trend(session, user, current_business(session, user), _bank(), last=last)
        )
        dates = [a["audit_date"] for a in record["audits"]]
        if dates and not ctx.json:
            ctx.say(f"{len(dates)} finished audits, {dates[0]} to {dates[-1]}:")
        emit_table(
            record["areas"] if dates else [],
            TREND_COLUMNS,
            json_data=record,
            empty="No finished audits yet: boo audit start",
        )


@app.command()
def delete(ref: AuditRef, yes: YesOption = False) -> None:
    """Delete an audit, finished or not (asks first); this is how an unfinished one is discarded."""
    from boo_cli.cli.identity import acting_user
    from boo_cli.services import audits

    ctx = app_context()
    with ctx.session() as session:
        user = acting_user(session)
        audit = _find(session, user, ref)
        what = f"the audit of {audit.audit_date} ({str(audit.id)[:8]})"
        if not ctx.confirm(f"Delete {what}?", yes=yes):
            raise typer.Exit(1)
        audits.delete_audit(session, user, audit)
        ctx.say(f"Deleted {what}.")


@app.command()
def export(
    ref: AuditRef = "latest",
    format: Annotated[
        str | None, typer.Option("--format", "-f", help="md (default; json with --json), html or json.")
    ] = None,
    output: OutputOpt = None,
) -> None:
    """Export the report a consultant sends: scores with bands and changes, findings, recommendations."""
    from boo_cli.cli.identity import acting_user
    from boo_cli.cli.output import document_format, write_document
    from boo_cli.errors import Conflict, Invalid
    from boo_cli.reports.audit import RENDERERS, AuditReport
    from boo_cli.services import audits

    format = document_format(format, "md", has_json=True)
    if format not in RENDERERS:
        raise Invalid(f"{format!r} is not a format; use md, html or json", field="--format")
    with app_context().session(write=False) as session:
        user = acting_user(session)
        audit = _find(session, user, ref)
        if not audit.finished:
            raise Conflict("this audit is not finished", hint="Finish it first: boo audit resume")
        report = AuditReport(
            business=audits.business_of(session, user, audit).business_name,
            audit=audit,
            previous=audits.previous_of(session, user, audit),
            bank=_bank(),
            today=today_for(user),
        )
        write_document(RENDERERS[format](report), output, fmt=format)


@app.command()
def plan(
    ref: AuditRef = "latest",
    top: Annotated[int, typer.Option("--top", "-n", help="How many strategies to propose (1-20).")] = 3,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Create them without asking.")] = False,
    _json: JsonOption = False,
) -> None:
    """Turn the top recommendations of the weakest sections into draft strategies with milestones."""
    from boo_cli.cli import audit_flow

    audit_flow.plan(ref, top=top, yes=yes)
