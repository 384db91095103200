"""Users: accounts, passwords (argon2id), and who the acting user is."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import cache

import sqlalchemy as sa
from sqlmodel import Session, select

from boo_cli.errors import Conflict, Invalid, NotAllowed, NotFound
from boo_cli.models import User
from boo_cli.services import validation
from boo_cli.services.paging import Page, Paged, fetch

MIN_PASSWORD = 8
MAX_PASSWORD = 1024


@cache
def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()  # argon2id with the library's current recommended parameters


def hash_password(password: str) -> str:
    """An argon2id hash of a password that meets the length rule."""
    if len(password) < MIN_PASSWORD:
        raise Invalid(f"must be at least {MIN_PASSWORD} characters", field="password")
    if len(password) > MAX_PASSWORD:
        raise Invalid(f"must be at most {MAX_PASSWORD} characters", field="password")
    return _hasher().hash(password)


def password_matches(user: User, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return _hasher().verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def normalize_email(raw: str | None, *, field: str = "--email") -> str:
    """A syntactically valid address, lower-cased so that uniqueness ignores case (no DNS lookups)."""
    from email_validator import EmailNotValidError, validate_email

    value = (raw or "").strip()
    if not value:
        raise Invalid("an email address is required", field=field)
    try:
        normalized = validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise Invalid(f"{value!r} is not a valid email address: {exc}", field=field) from exc
    return validation.text(normalized.lower(), User, "email", field=field, required=True)


@cache
def _zones() -> frozenset[str]:
    import zoneinfo

    return frozenset(zoneinfo.available_timezones())


def normalize_timezone(raw: str | None, *, field: str = "--timezone") -> str:
    """An IANA time zone name (Europe/Berlin, America/New_York, UTC)."""
    value = (raw or "").strip()
    if value in _zones():
        return value
    folded = {z.lower(): z for z in _zones()}
    if value.lower() in folded:
        return folded[value.lower()]
    raise Invalid(f"{value!r} is not a time zone of the IANA database (e.g. Europe/Berlin, UTC)", field=field)


def local_timezone() -> str:
    """This machine's IANA zone name, or UTC when it cannot be told."""
    try:
        import tzlocal

        name = tzlocal.get_localzone_name()
    except Exception:
        return "UTC"
    return name if name in _zones() else "UTC"


def _check_email_free(session: Session, email: str, *, other_than: uuid.UUID | None = None) -> None:
    query = select(User.id).where(sa.func.lower(User.email) == email)
    if other_than is not None:
        query = query.where(User.id != other_than)
    if session.exec(query).first() is not None:
        raise Conflict(f"a user with email {email} already exists")


def create_user(
    session: Session,
    *,
    email: str,
    first_name: str,
    last_name: str,
    password: str,
    timezone: str = "UTC",
    phone: str | None = None,
) -> User:
    """A new account. Email unique (ignoring case), time zone from the IANA database, password hashed."""
    user = User(
        email=normalize_email(email),
        first_name=validation.text(first_name, User, "first_name", field="--first-name", required=True),
        last_name=validation.text(last_name, User, "last_name", field="--last-name", required=True),
        phone=validation.text(phone, User, "phone", field="--phone"),
        timezone=normalize_timezone(timezone),
        password_hash="",
    )
    user.password_hash = hash_password(password)
    _check_email_free(session, user.email)
    session.add(user)
    session.flush()
    return user


def list_users(session: Session) -> list[User]:
    return list(session.exec(_users_query()))


def users_page(session: Session, page: Page) -> Paged[User]:
    """A page of the accounts, oldest first (what `user list` shows)."""
    return fetch(session, _users_query(), page)


def _users_query():
    return select(User).order_by(User.created_at, User.email, User.id)


def count_active_users(session: Session) -> int:
    return session.exec(select(sa.func.count()).select_from(User).where(User.is_active.is_not(False))).one()


def find_by_email(session: Session, email: str) -> User:
    address = (email or "").strip().lower()
    user = session.exec(select(User).where(sa.func.lower(User.email) == address)).first()
    if user is None:
        raise NotFound(f"no user with email {address}")
    return user


def authenticate(session: Session, email: str, password: str) -> User:
    """The user whose email and password match; the same message for either mistake."""
    try:
        user = find_by_email(session, email)
    except NotFound:
        _hasher().hash(password or "x")  # spend the same time as a real check
        raise NotAllowed("wrong email or password") from None
    if not password_matches(user, password):
        raise NotAllowed("wrong email or password")
    if user.is_active is False:
        raise NotAllowed(f"the account {user.email} is disabled")
    if _hasher().check_needs_rehash(user.password_hash):
        user.password_hash = _hasher().hash(password)
    return user


def change_password(session: Session, user: User, *, current: str, new: str) -> None:
    """Replace the password after checking the current one."""
    if not password_matches(user, current):
        raise NotAllowed("the current password is wrong")
    user.password_hash = hash_password(new)
    session.add(user)


def edit_user(
    session: Session,
    user: User,
    *,
    email: str | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
    phone: str | None = None,
    timezone: str | None = None,
) -> User:
    """Change the given fields of the acting user's own account ('' clears the phone)."""
    if email is not None:
        address = normalize_email(email)
        _check_email_free(session, address, other_than=user.id)
        user.email = address
    if first_name is not None:
        user.first_name = validation.text(first_name, User, "first_name", field="--first-name", required=True)
    if last_name is not None:
        user.last_name = validation.text(last_name, User, "last_name", field="--last-name", required=True)
    if phone is not None:
        user.phone = validation.text(phone, User, "phone", field="--phone")
    if timezone is not None:
        user.timezone = normalize_timezone(timezone)
    session.add(user)
    session.flush()
    return user


def delete_user(session: Session, user: User, *, password: str) -> None:
    """Erase an account and everything it owns (profiles, audits, strategies, tasks, consultations,
    downloads, subscriptions go with it by ON DELETE CASCADE); the password must be confirmed."""
    if not password_matches(user, password):
        raise NotAllowed("the password is wrong; nothing was deleted")
    session.delete(user)  # its change history goes with it (ON DELETE CASCADE on the author)
    session.flush()


def current_user(session: Session, remembered: Callable[[], str | None]) -> User:
    """Who is acting: the only user when there is just one, else the user whose live login token
    this machine keeps (services/user_sessions.py).

    `remembered` is asked only when several users share the database (it may read the keyring).
    """
    from boo_cli.services import user_sessions
    from boo_cli.services.dates import now_utc

    active = session.exec(select(User).where(User.is_active.is_not(False)).limit(2)).all()
    if not active:
        raise NotFound("this database has no user yet", hint="Run 'boo init' to create one.")
    if len(active) == 1:
        return active[0]
    return user_sessions.user_for(session, remembered(), now_utc())
