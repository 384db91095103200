"""Finding a record the way a user names it: full UUID, unique UUID prefix (4+ characters), or exact name."""

from __future__ import annotations

import re
import uuid
from typing import Any, TypeVar

from sqlmodel import Session, select

from boo_cli.db import uuid_prefix_clause
from boo_cli.errors import Ambiguous, Invalid, NotFound

T = TypeVar("T")
MIN_PREFIX = 4
_HEX_PREFIX = re.compile(r"^[0-9a-fA-F-]+$")


def resolve(
    session: Session, model: type[T], ref: str, *, name_column: Any, scope: list[Any], noun: str
) -> T:
    """The one record of model, within scope, that ref names; NotFound or Ambiguous otherwise.

    A full UUID wins, then an exact name, then a name that differs only in case, then a UUID prefix.
    Records outside scope are never found, whatever the ref.
    """
    ref = (ref or "").strip()
    if not ref:
        raise Invalid(f"name the {noun}", field=noun)
    base = select(model).where(*scope)
    try:
        exact_id = uuid.UUID(ref)
    except ValueError:
        exact_id = None
    if exact_id is not None:
        found = session.exec(base.where(model.id == exact_id)).first()
        if found is not None:
            return found
    for clause in (name_column == ref, name_column.ilike(escape_like(ref), escape="\\")):
        matches = session.exec(base.where(clause).limit(11)).all()
        if matches:
            return _one(matches, ref, noun, name_column)
    if len(ref.replace("-", "")) >= MIN_PREFIX and _HEX_PREFIX.match(ref):
        matches = session.exec(base.where(uuid_prefix_clause(model.id, ref)).limit(11)).all()
        if matches:
            return _one(matches, ref, noun, name_column)
    raise NotFound(f"no {noun} named {ref!r}", hint=_suggest(session, base, name_column, ref))


def _suggest(session: Session, base: Any, name_column: Any, ref: str) -> str | None:
    """Names close to ref (containing it, or spelled alike), to say what the user may have meant."""
    import difflib

    names = [n for n in session.exec(base.with_only_columns(name_column).limit(500)) if n]
    close = [n for n in names if ref.lower() in n.lower()]
    close += [n for n in difflib.get_close_matches(ref, names, n=3, cutoff=0.6) if n not in close]
    if not close:
        return None
    return "Did you mean: " + ", ".join(repr(n) for n in close[:3]) + "?"


def _one(matches: list[Any], ref: str, noun: str, name_column: Any) -> Any:
    if len(matches) == 1:
        return matches[0]
    key = name_column.key
    shown = "; ".join(f"{getattr(m, key)} ({str(m.id)[:8]})" for m in matches[:10])
    more = " and more" if len(matches) > 10 else ""
    raise Ambiguous(f"{ref!r} matches several {noun}s: {shown}{more}", hint="Use a longer id prefix.")


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
