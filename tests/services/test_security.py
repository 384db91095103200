"""The spec's security points: an audit trail of changes, and row-level security on PostgreSQL."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from sqlmodel import select

from boo_cli import db
from boo_cli.models import AuditTrailEntry, BusinessProfile, User
from boo_cli.models.enums import ChangeAction


def add_user(session, email: str) -> User:
    user = User(email=email, password_hash="h", first_name="F", last_name="L")
    session.add(user)
    session.flush()
    return user


def test_every_change_is_in_the_audit_trail_with_its_author_and_its_values(session):
    owner = add_user(session, "owner@example.com")
    db.set_actor(session, owner.id)
    profile = BusinessProfile(user_id=owner.id, business_name="Secretive Ltd", industry="spy novels")
    session.add(profile)
    session.flush()
    profile.industry = "thrillers"
    session.flush()
    session.delete(profile)
    session.flush()
    trail = session.exec(
        select(AuditTrailEntry)
        .where(AuditTrailEntry.row_id == profile.id)
        .order_by(AuditTrailEntry.changed_at)
    ).all()
    assert [e.action for e in trail] == [ChangeAction.INSERT, ChangeAction.UPDATE, ChangeAction.DELETE]
    assert {e.user_id for e in trail} == {owner.id}
    assert trail[1].changed_columns == ["industry"]
    assert (trail[1].old_values, trail[1].new_values) == (
        {"industry": "spy novels"},
        {"industry": "thrillers"},
    )
    assert trail[0].old_values is None and trail[0].new_values["business_name"] == "Secretive Ltd"
    assert trail[2].new_values is None and trail[2].old_values["industry"] == "thrillers"
    hashed = session.exec(
        select(AuditTrailEntry).where(AuditTrailEntry.row_id == owner.id)
    ).one()  # the account's own insert: its password hash named, never kept
    assert "password_hash" in hashed.changed_columns and "password_hash" not in hashed.new_values


def test_an_account_erasing_itself_leaves_no_entry_behind(session):
    owner = add_user(session, "gone@example.com")
    db.set_actor(session, owner.id)
    session.delete(owner)
    session.flush()
    left = session.exec(select(AuditTrailEntry).where(AuditTrailEntry.row_id == owner.id)).all()
    assert left == []


@pytest.fixture
def unprivileged(engine):
    """A PostgreSQL role that is not a superuser (superusers bypass row-level security)."""
    role = f"boo_rls_{uuid.uuid4().hex[:8]}"
    with engine.begin() as conn:
        conn.execute(sa.text(f"CREATE ROLE {role} NOLOGIN"))
        conn.execute(
            sa.text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}")
        )
    yield role
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP OWNED BY {role}"))
        conn.execute(sa.text(f"DROP ROLE {role}"))


# Row-level security is PostgreSQL's; on SQLite the service layer's scoping is the guard.
@pytest.mark.parametrize("backend", ["postgres"])
def test_row_level_security_shows_each_user_only_their_rows(url, unprivileged):
    with db.session_scope(url, migrate=False) as session:
        ada, bob = add_user(session, "ada@example.com"), add_user(session, "bob@example.com")
        session.add(BusinessProfile(user_id=ada.id, business_name="Ada Co"))
        session.add(BusinessProfile(user_id=bob.id, business_name="Bob Co"))
    with db.session_scope(url, migrate=False) as session:
        session.execute(sa.text(f"SET LOCAL ROLE {unprivileged}"))
        db.set_actor(session, ada.id)
        visible = session.exec(select(BusinessProfile.business_name)).all()
        users = session.exec(select(User.email)).all()
        assert visible == ["Ada Co"]
        assert users == ["ada@example.com"]
        session.add(BusinessProfile(user_id=bob.id, business_name="Planted"))
        with pytest.raises(sa.exc.ProgrammingError, match="row-level security"):
            session.flush()
        session.rollback()
