"""Accounts: validation, argon2id passwords, and who the acting user is."""

from __future__ import annotations

import pytest

from boo_cli.errors import Conflict, Invalid, NotAllowed, NotFound
from boo_cli.services import accounts
from tests.conftest import PASSWORD


def make(session, email: str, **extra):
    fields = {"first_name": "A", "last_name": "B", "password": PASSWORD, "timezone": "UTC", **extra}
    return accounts.create_user(session, email=email, **fields)


def test_emails_are_stored_lower_case_and_unique_whatever_the_case(session):
    user = make(session, "Ann.Lee@Example.COM")
    assert user.email == "ann.lee@example.com"
    with pytest.raises(Conflict, match="already exists"):
        make(session, "ANN.LEE@example.com")


@pytest.mark.parametrize(
    "email", ["", "not-an-email", "a@", "@b.com", "a b@c.com", "x" * 250 + "@example.com"]
)
def test_invalid_emails_are_refused(session, email):
    with pytest.raises(Invalid, match="--email"):
        make(session, email)


def test_passwords_are_hashed_with_argon2id_and_never_kept_plain(session):
    user = make(session, "p@example.com")
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    assert accounts.password_matches(user, PASSWORD)
    assert not accounts.password_matches(user, PASSWORD + "!")


def test_short_passwords_are_refused(session):
    with pytest.raises(Invalid, match="at least 8"):
        make(session, "short@example.com", password="1234567")


@pytest.mark.parametrize("zone", ["Mars/Olympus", "CET+1", "", "../../etc/passwd"])
def test_unknown_time_zones_are_refused(session, zone):
    with pytest.raises(Invalid, match="--timezone"):
        make(session, "tz@example.com", timezone=zone)


def test_time_zone_case_is_forgiven(session):
    assert make(session, "tz@example.com", timezone="europe/berlin").timezone == "Europe/Berlin"


def test_names_longer_than_the_column_are_refused(session):
    with pytest.raises(Invalid, match="the most is 100"):
        make(session, "long@example.com", first_name="x" * 101)


def test_authenticate_says_the_same_for_a_wrong_email_or_password(session):
    make(session, "who@example.com")
    assert accounts.authenticate(session, "WHO@example.com", PASSWORD).email == "who@example.com"
    with pytest.raises(NotAllowed, match="wrong email or password"):
        accounts.authenticate(session, "who@example.com", "nope-nope")
    with pytest.raises(NotAllowed, match="wrong email or password"):
        accounts.authenticate(session, "nobody@example.com", PASSWORD)


def test_change_password_needs_the_current_one(session):
    user = make(session, "pw@example.com")
    with pytest.raises(NotAllowed):
        accounts.change_password(session, user, current="wrong-one", new="brand new secret")
    accounts.change_password(session, user, current=PASSWORD, new="brand new secret")
    assert accounts.password_matches(user, "brand new secret")


def test_the_only_user_is_current_without_logging_in(session):
    with pytest.raises(NotFound, match="boo init"):
        accounts.current_user(session, lambda: None)
    only = make(session, "only@example.com")
    assert accounts.current_user(session, lambda: pytest.fail("no need to ask the keyring")) is only


def test_with_several_users_the_logged_in_one_is_current(session):
    first, second = make(session, "one@example.com"), make(session, "two@example.com")
    with pytest.raises(NotAllowed, match="boo user login"):
        accounts.current_user(session, lambda: None)
    from boo_cli.services import user_sessions
    from boo_cli.services.dates import now_utc

    tokens = {user.email: user_sessions.open_session(session, user, now_utc())[0] for user in (first, second)}
    assert accounts.current_user(session, lambda: tokens["two@example.com"]) is second
    assert accounts.current_user(session, lambda: tokens["one@example.com"]) is first
    for not_a_login in (second.id, str(second.id), "", tokens["one@example.com"] + "x"):
        with pytest.raises(NotAllowed, match="boo user login"):
            accounts.current_user(session, lambda value=not_a_login: value)


def test_editing_the_email_keeps_it_unique(session):
    first, second = make(session, "one@example.com"), make(session, "two@example.com")
    with pytest.raises(Conflict):
        accounts.edit_user(session, second, email="ONE@example.com")
    accounts.edit_user(session, second, email="Second@Example.com", phone="+49 30 1234567")
    assert second.email == "second@example.com"
    assert first.email == "one@example.com"
