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


def id_clause(column: Any, ref: str | None, *, noun: str, field: str, hint: str | None = None) -> Any:
    """The condition that column (a UUID) is ref: a full id, or a prefix of MIN_PREFIX+ hex
    characters; anything else is refused (exit 2) naming the field."""
    ref = (ref or "").strip()
    try:
        return column == uuid.UUID(ref)
    except ValueError:
        if len(ref.replace("-", "")) < MIN_PREFIX or not _HEX_PREFIX.match(ref):
            raise Invalid(
                f"{ref!r} is not a {noun} id: give the id or its first {MIN_PREFIX} or more characters",
                field=field,
                hint=hint,
            ) from None
        return uuid_prefix_clause(column, ref)


def only_match(matches: list[T], ref: str, *, noun: str, plural: str, label: Any, hint: str) -> T:
    """The one record an id or id prefix found (matches: up to 11 of them); NotFound when none,
    Ambiguous naming up to ten (their 8-character id and label(record)) when several."""
    ref = (ref or "").strip()
    if not matches:
        raise NotFound(f"no {noun} with the id {ref!r}", hint=hint)
    if len(matches) > 1:
        shown = "; ".join(label(m) for m in matches[:10])
        raise Ambiguous(f"{ref!r} matches several {plural}: {shown}", hint="Use a longer id prefix.")
    return matches[0]


def is_full_id(ref: str | None) -> bool:
    """Whether ref is a whole UUID (which names a row wherever the user owns it)."""
    try:
        uuid.UUID((ref or "").strip())
    except ValueError:
        return False
    return True


def resolve(
    session: Session,
    model: type[T],
    ref: str,
    *,
    name_column: Any,
    scope: list[Any],
    name_scope: list[Any] | None,
    noun: str,
    plural: str,
) -> T:
    """The one record of model that ref names; NotFound or Ambiguous otherwise.

    Two scopes: a full UUID is looked up in scope (everything the user owns); a name or an id prefix
    only in name_scope (the current business), so a name two businesses share is never ambiguous.
    name_scope None means only a full UUID can name the record (no current business to search).
    A full UUID wins, then an exact name, then a name that differs only in case, then a UUID prefix.
    Records outside scope are never found, whatever the ref.
    """
    ref = (ref or "").strip()
    if not ref:
        raise Invalid(f"name the {noun}", field=noun)
    if is_full_id(ref):
        found = session.exec(select(model).where(*scope, model.id == uuid.UUID(ref))).first()
        if found is not None:
            return found
    if name_scope is None:
        raise NotFound(f"no {noun} with the id {ref!r}")
    base = select(model).where(*scope, *name_scope)
    for clause in (name_column == ref, name_column.ilike(escape_like(ref), escape="\\")):
        matches = session.exec(base.where(clause).limit(11)).all()
        if matches:
            return _one(matches, ref, plural, name_column)
    if len(ref.replace("-", "")) >= MIN_PREFIX and _HEX_PREFIX.match(ref):
        matches = session.exec(base.where(uuid_prefix_clause(model.id, ref)).limit(11)).all()
        if matches:
            return _one(matches, ref, plural, name_column)
    raise NotFound(
        f"no {noun} named {ref!r}",
        hint=_elsewhere(session, model, scope, name_column, ref, noun)
        or _suggest(session, base, name_column, ref),
    )


def _elsewhere(
    session: Session, model: Any, scope: list[Any], name_column: Any, ref: str, noun: str
) -> str | None:
    """A hint when ref names a record of another of the user's businesses (outside name_scope)."""
    clause = name_column.ilike(escape_like(ref), escape="\\")
    if len(ref.replace("-", "")) >= MIN_PREFIX and _HEX_PREFIX.match(ref):
        clause = clause | uuid_prefix_clause(model.id, ref)
    if session.exec(select(model.id).where(*scope, clause).limit(1)).first() is None:
        return None
    return f"Another of your businesses has that {noun}: pass --profile NAME, or give its full id."


def _suggest(session: Session, base: Any, name_column: Any, ref: str) -> str | None:
    """Names close to ref (containing it, or spelled alike), to say what the user may have meant."""
    import difflib

    names = [n for n in session.exec(base.with_only_columns(name_column).limit(500)) if n]
    close = [n for n in names if ref.lower() in n.lower()]
    close += [n for n in difflib.get_close_matches(ref, names, n=3, cutoff=0.6) if n not in close]
    if not close:
        return None
    return "Did you mean: " + ", ".join(repr(n) for n in close[:3]) + "?"


def _one(matches: list[Any], ref: str, plural: str, name_column: Any) -> Any:
    if len(matches) == 1:
        return matches[0]
    key = name_column.key
    shown = "; ".join(f"{getattr(m, key)} ({str(m.id)[:8]})" for m in matches[:10])
    more = " and more" if len(matches) > 10 else ""
    raise Ambiguous(f"{ref!r} matches several {plural}: {shown}{more}", hint="Use a longer id prefix.")


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
