"""`boo resources newsletter`: a digest of new material and of your own due work, by email."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from boo_cli.cli.context import app_context
from boo_cli.cli.options import JsonOption
from boo_cli.cli.output import emit_record

app = typer.Typer(
    help="Subscribe to the digest: new resources, overdue milestones, upcoming sessions.",
    no_args_is_help=True,
)

FrequencyOpt = Annotated[str | None, typer.Option("--frequency", help="daily, weekly (default) or monthly.")]
TopicOpt = Annotated[list[str] | None, typer.Option("--topic", help="Only these topics (repeatable).")]
EmailOpt = Annotated[str | None, typer.Option("--email", help="The address (default: your account's).")]


def subscription_json(row) -> dict:
    return {
        "id": row.id,
        "email": row.email,
        "frequency": row.frequency,
        "topics": row.topics or [],
        "is_active": bool(row.is_active),
        "unsubscribed_at": row.unsubscribed_at,
        "last_sent_at": row.last_sent_at,
        "created_at": row.created_at,
    }


def _show(row) -> None:
    emit_record(
        [
            ("email", row.email),
            ("frequency", row.frequency),
            ("topics", row.topics or ["all"]),
            ("active", bool(row.is_active)),
            ("last digest", row.last_sent_at),
            ("unsubscribed", row.unsubscribed_at),
        ],
        json_data=subscription_json(row),
    )


@app.command()
def subscribe(
    email: EmailOpt = None, frequency: FrequencyOpt = None, topic: TopicOpt = None, _json: JsonOption = False
) -> None:
    """Subscribe to the digest (again, if you had unsubscribed)."""
    from boo_cli.cli.identity import acting_user
    from boo_cli.services import newsletter
    from boo_cli.services.dates import now_utc

    with app_context().session() as session:
        row = newsletter.subscribe(
            session, acting_user(session), email=email, frequency=frequency, topics=topic, now=now_utc()
        )
        app_context().say(f"Subscribed {row.email} to the {row.frequency.value} digest.")
        _show(row)


@app.command()
def status(_json: JsonOption = False) -> None:
    """Your subscriptions, active or not."""
    from boo_cli.cli.identity import acting_user
    from boo_cli.cli.output import Column, emit_table
    from boo_cli.services import newsletter

    with app_context().session(write=False) as session:
        rows = newsletter.subscriptions(session, acting_user(session))
        emit_table(
            rows,
            [
                Column("email", lambda r: r.email, style="bold"),
                Column("frequency", lambda r: r.frequency),
                Column("topics", lambda r: r.topics or ["all"]),
                Column("active", lambda r: bool(r.is_active)),
                Column("last digest", lambda r: r.last_sent_at),
            ],
            json_data=[subscription_json(r) for r in rows],
            empty="Not subscribed: boo resources newsletter subscribe",
        )


@app.command()
def edit(
    email: EmailOpt = None, frequency: FrequencyOpt = None, topic: TopicOpt = None, _json: JsonOption = False
) -> None:
    """Change the frequency or topics of your subscription."""
    from boo_cli.cli.identity import acting_user
    from boo_cli.errors import Invalid
    from boo_cli.services import newsletter

    if frequency is None and topic is None:
        raise Invalid("nothing to change: give --frequency or --topic")
    with app_context().session() as session:
        user = acting_user(session)
        row = newsletter.active_subscription(session, user, email and email.strip().lower())
        _show(newsletter.edit_subscription(session, row, frequency=frequency, topics=topic))


@app.command()
def unsubscribe(email: EmailOpt = None, _json: JsonOption = False) -> None:
    """Stop the digest (subscribe again at any time)."""
    from boo_cli.cli.identity import acting_user
    from boo_cli.services import newsletter
    from boo_cli.services.dates import now_utc

    with app_context().session() as session:
        user = acting_user(session)
        row = newsletter.active_subscription(session, user, email and email.strip().lower())
        newsletter.unsubscribe(session, row, now=now_utc())
        app_context().say(f"Unsubscribed {row.email}.")
        _show(row)


@app.command()
def digest(
    format: Annotated[str, typer.Option("--format", "-f", help="md, html or text.")] = "md",
    to: Annotated[Path | None, typer.Option("--to", help="Write it to this file (default: stdout).")] = None,
    send: Annotated[
        bool, typer.Option("--send", help="Email it (text + HTML) through the SMTP settings.")
    ] = False,
) -> None:
    """Build your digest: new resources for your topics, your milestones, sessions and latest audit."""
    from boo_cli.cli.identity import acting_user
    from boo_cli.cli.library import library
    from boo_cli.cli.output import write_document
    from boo_cli.errors import Invalid
    from boo_cli.reports.digest import RENDERERS
    from boo_cli.services import newsletter
    from boo_cli.services.dates import now_utc
    from boo_cli.services.digest_mail import send_digest

    if format not in RENDERERS:
        raise Invalid(f"{format!r} is not a format; use md, html or text", field="--format")
    with app_context().session() as session:
        user = acting_user(session)
        row = newsletter.active_subscription(session, user)
        built = newsletter.build_digest(session, user, row, library(), now=now_utc())
        if send:
            send_digest(session, built, now=now_utc())
            app_context().say(f"Sent the digest to {row.email}.")
            return
        write_document(RENDERERS[format](built), to, fmt=format)
