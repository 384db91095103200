"""Sending digests: by hand (`newsletter digest --send`) or from the `newsletter-digest` built-in action,
which sends each subscription's digest at most once per period however often run-due calls it."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from boo_cli.models import User
from boo_cli.services import newsletter


def send_digest(session: Session, digest: newsletter.Digest, *, now: datetime) -> None:
    from boo_cli.reports.digest import to_email
    from boo_cli.services.mail import send

    send(to_email(digest))
    newsletter.mark_sent(session, digest.subscription, now)


def send_due_digests(session: Session, user: User, *, now: datetime) -> str:
    """Send every active subscription of user whose period has no digest yet; say what happened."""
    lines, due = due_digests(session, user, now=now)
    for digest in due:
        send_digest(session, digest, now=now)
        lines.append(sent_line(digest))
    return "\n".join(lines)


def due_digests(session: Session, user: User, *, now: datetime) -> tuple[list[str], list[newsletter.Digest]]:
    """The digests due now (built, not sent), and a line for each subscription that has none due.

    run-due sends them outside any transaction and marks each sent in a short one of its own: a slow
    mail server must not hold the database's write lock."""
    from boo_cli.services.resources import load_library

    rows = [r for r in newsletter.subscriptions(session, user) if r.is_active]
    if not rows:
        return [f"{user.email} has no active newsletter subscription."], []
    library = load_library()
    lines, due = [], []
    for row in rows:
        if not newsletter.due_for_digest(row, user, now):
            lines.append(f"{row.email}: already sent this {row.frequency.value} period")
            continue
        due.append(newsletter.build_digest(session, user, row, library, now=now))
    return lines, due


def sent_line(digest: newsletter.Digest) -> str:
    return f"{digest.subscription.email}: sent the {digest.subscription.frequency.value} digest"
