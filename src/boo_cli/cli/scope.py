"""Which business a command sees: the current one for lookups, the current one or all for lists.

A record is named by a full id (found in any business the user owns), or by an id prefix or name
looked up in the current business only, so two businesses can each have a strategy "Plan". A list
shows the current business, or every business of the user with `--all-profiles` (and a business
column, `business` in JSON).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

import typer

from boo_cli.cli.context import app_context
from boo_cli.cli.output import Column

if TYPE_CHECKING:
    from sqlmodel import Session

    from boo_cli.models import BusinessProfile, User

AllProfilesOption = Annotated[
    bool,
    typer.Option(
        "--all-profiles", help="Every business of yours, not only the current one (with a business column)."
    ),
]


def lookup_business(session: Session, user: User, ref: str | None) -> BusinessProfile | None:
    """The business ref is looked up in: the current one. A full id needs none, so with no business
    current (and no --profile), it is looked up on its own (None)."""
    from boo_cli.cli.identity import current_business
    from boo_cli.errors import NotAllowed, NotFound
    from boo_cli.services.lookup import is_full_id

    if is_full_id(ref) and not app_context().profile:
        try:
            return current_business(session, user)
        except (NotFound, NotAllowed):  # no business yet, or several and none chosen
            return None
    return current_business(session, user)


@dataclass
class Listing:
    """The businesses a list shows: one (profile), or every one of the user's (names of them all)."""

    profile: BusinessProfile | None
    names: dict[Any, str] | None = None  # business id -> name, only when every business is shown

    @property
    def every_business(self) -> bool:
        return self.names is not None

    def columns(self, columns: list[Column], business_id: Callable[[Any], Any]) -> list[Column]:
        """columns, led by a business column when every business is shown."""
        if not self.every_business:
            return columns
        return [Column("business", lambda row: self.names[business_id(row)]), *columns]

    def record(self, data: dict, business_id: Any) -> dict:
        """A row's JSON, with the business's name when every business is shown."""
        if not self.every_business:
            return data
        return {"business": self.names[business_id], **data}


def listing(session: Session, user: User, all_profiles: bool) -> Listing:
    """The current business, or with all_profiles every business of the user (one query for names)."""
    from boo_cli.cli.identity import current_business
    from boo_cli.services import profiles

    if not all_profiles:
        return Listing(current_business(session, user))
    return Listing(None, {p.id: p.business_name for p in profiles.list_profiles(session, user)})
