"""Who is acting and on which business, for commands that touch a user's data."""

from __future__ import annotations

from typing import TYPE_CHECKING

from boo_cli.cli.context import app_context

if TYPE_CHECKING:
    from datetime import date

    from sqlmodel import Session

    from boo_cli.models import BusinessProfile, User


def acting_user(session: Session) -> User:
    """The current user; from here on the session's queries and changes are theirs."""
    from boo_cli import db
    from boo_cli.services import accounts, logins

    ctx = app_context()
    url = ctx.database_url()
    user = accounts.current_user(session, lambda: logins.remembered_login(url))
    db.set_actor(session, user.id)
    ctx.zone = user.timezone or "UTC"
    return user


def today_for(user: User) -> date:
    """Today's date where the acting user is."""
    from boo_cli.services.dates import today_in

    return today_in(user.timezone)


def current_business(session: Session, user: User, ref: str | None = None) -> BusinessProfile:
    """The business a command works on: ref, else --profile/BOO_PROFILE, else the one chosen with
    `boo profile use`, else the user's only one."""
    from boo_cli.services import logins, profiles

    ctx = app_context()
    chosen = logins.chosen_profile(ctx.database_url(), user.id)
    return profiles.current_profile(session, user, ref or ctx.profile, chosen)
