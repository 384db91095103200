"""The first run: one user and, optionally, their first business, in one unit of work."""

from __future__ import annotations

from sqlmodel import Session

from boo_cli.errors import Conflict
from boo_cli.models import BusinessProfile, User
from boo_cli.services import accounts, profiles


def ensure_first_run(session: Session) -> None:
    """Refuse to initialise a database that already has users."""
    existing = accounts.count_active_users(session)
    if existing:
        raise Conflict(
            f"boo is already set up on this database ({existing} user{'s' if existing > 1 else ''})",
            hint="Add another account with 'boo user add'.",
        )


def first_run(
    session: Session, *, business: str | None = None, **user_fields: str
) -> tuple[User, BusinessProfile | None]:
    """Create the first user and, when a business name is given, their first profile."""
    ensure_first_run(session)
    user = accounts.create_user(session, **user_fields)
    profile = profiles.add_profile(session, user, name=business) if business and business.strip() else None
    return user, profile
