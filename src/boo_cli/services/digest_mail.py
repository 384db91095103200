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
    from boo_cli.services.resources import load_library

    rows = [r for r in newsletter.subscriptions(session, user) if r.is_active]
    if not rows:
        return f"{user.email} has no active newsletter subscription."
    library = load_library()
    lines = []
    for row in rows:
        if not newsletter.due_for_digest(row, user, now):
            lines.append(f"{row.email}: already sent this {row.frequency.value} period")
            continue
        send_digest(session, newsletter.build_digest(session, user, row, library, now=now), now=now)
        lines.append(f"{row.email}: sent the {row.frequency.value} digest")
    return "\n".join(lines)
