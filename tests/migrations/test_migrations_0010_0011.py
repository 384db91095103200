"""Revisions 0010 (only fully answered audits stay finished) and 0011 (a consultation's client and
title), with rows in the tables: up, down one, up again, on both backends."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from boo_cli import db
from boo_cli.errors import Conflict
from boo_cli.models.types import JSONDocument, UTCDateTime
from boo_cli.services import database
from boo_cli.services.audit_bank import load_bank
from tests.migrations.tables import add_owner

audits = sa.table(
    "business_audits",
    sa.column("id", sa.Uuid()),
    sa.column("business_profile_id", sa.Uuid()),
    sa.column("audit_date", sa.Date()),
    sa.column("answers", JSONDocument()),
    sa.column("bank_version", sa.String()),
    sa.column("sections", JSONDocument()),
    sa.column("status", sa.String()),
    sa.column("completed_at", UTCDateTime()),
)
consultations = sa.table(
    "consultations",
    sa.column("id", sa.Uuid()),
    sa.column("user_id", sa.Uuid()),
    sa.column("scheduled_at", UTCDateTime()),
    sa.column("duration_minutes", sa.Integer()),
)
DONE = datetime(2026, 1, 5, 9, tzinfo=UTC)


def _owner(conn) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:
    user, (one, two) = add_owner(conn, "One", "Two")
    return user, one, two


def _statuses(url: str) -> dict[uuid.UUID, tuple]:
    with db.get_engine(url).connect() as conn:
        rows = conn.execute(sa.select(audits.c.id, audits.c.status, audits.c.answers, audits.c.completed_at))
        return {row.id: (row.status, row.answers, row.completed_at) for row in rows}


def test_0010_keeps_finished_only_what_is_fully_answered_and_its_downgrade_restores_the_rows(empty_url):
    database.upgrade(empty_url, "0008")
    bank = load_bank()
    every = {q.id: 4 for q in bank.questions}
    finance = {q.id: 2 for q in bank.questions if q.section == "finance"}
    partial = {"finance.tax-set-aside": 3, "operations.workload": None}
    with db.get_engine(empty_url).begin() as conn:
        _, one, two = _owner(conn)
        names = ["full", "newest", "older", "legacy", "finance", "open", "busy"]
        ids = {name: uuid.uuid4() for name in names}

        def audit(name, profile, day, answers, status="completed", sections=None, completed=DONE):
            conn.execute(
                audits.insert().values(
                    id=ids[name],
                    business_profile_id=profile,
                    audit_date=date(2026, 1, day),
                    answers=answers,
                    bank_version=None if answers is None else bank.version,
                    sections=sections,
                    status=status,
                    completed_at=completed,
                )
            )

        audit("full", one, 20, every)  # everything answered: stays finished
        audit("newest", one, 10, partial)  # the newest half-answered one: resumable
        audit("older", one, 3, {**every, "technology.backups": None})  # one skip is enough to be unfinished
        audit("legacy", one, 1, None)  # scores only, from before answers were kept: left alone
        audit("finance", one, 2, finance, sections=["finance"])  # its one section fully answered
        audit("open", two, 9, partial, status="in_progress", completed=None)  # genuinely in progress
        audit("busy", two, 8, partial)  # its business already has one in progress
    before = _statuses(empty_url)

    database.upgrade(empty_url, "0010")
    after = _statuses(empty_url)
    assert {name: after[i][0] for name, i in ids.items()} == {
        "full": "completed",
        "newest": "in_progress",
        "older": "incomplete",
        "legacy": "completed",
        "finance": "completed",
        "open": "in_progress",
        "busy": "incomplete",
    }
    assert {i: row[1:] for i, row in after.items()} == {i: row[1:] for i, row in before.items()}
    with db.get_engine(empty_url).connect() as conn:  # the new value passes the CHECK, others still fail
        conn.execute(audits.update().where(audits.c.id == ids["full"]).values(status="incomplete"))
        try:
            conn.execute(audits.update().where(audits.c.id == ids["full"]).values(status="abandoned"))
        except sa.exc.IntegrityError:
            pass
        else:
            raise AssertionError("the CHECK let an unknown status through")
        conn.rollback()

    database.downgrade(empty_url, "0008")
    assert _statuses(empty_url) == before  # every row as it was, genuinely open audit included

    database.upgrade(empty_url, "0010")
    assert _statuses(empty_url) == after
    assert database.check(empty_url).state.current == "0010"


def test_0011_adds_client_and_title_that_old_rows_lack_and_its_downgrade_keeps_the_rows(empty_url):
    database.upgrade(empty_url, "0010")
    booked = uuid.uuid4()
    with db.get_engine(empty_url).begin() as conn:
        user, _, _ = _owner(conn)
        conn.execute(
            consultations.insert().values(id=booked, user_id=user, scheduled_at=DONE, duration_minutes=45)
        )

    database.upgrade(empty_url, "0011")
    with db.get_engine(empty_url).begin() as conn:
        row = conn.execute(sa.text("SELECT client_name, client_email, title FROM consultations")).one()
        assert tuple(row) == (None, None, None)
        conn.execute(
            sa.text("UPDATE consultations SET client_name = :n, client_email = :e, title = :t"),
            {"n": "Zoë 'Quote' Müller", "e": "zoe@example.com", "t": "x" * 255},
        )
        row = conn.execute(sa.text("SELECT client_name, client_email, title FROM consultations")).one()
        assert tuple(row) == ("Zoë 'Quote' Müller", "zoe@example.com", "x" * 255)

    with pytest.raises(Conflict, match=r"consultations\.client_name \(1 row\)"):
        database.downgrade(empty_url, "0010")  # the guard names what would be lost
    database.downgrade(empty_url, "0010", force=True)
    with db.get_engine(empty_url).connect() as conn:
        columns = {c["name"] for c in sa.inspect(conn).get_columns("consultations")}
        assert not columns & {"client_name", "client_email", "title"}
        kept = conn.execute(sa.select(consultations)).one()
        assert (kept.id, kept.scheduled_at, kept.duration_minutes) == (booked, DONE, 45)

    database.upgrade(empty_url, "0011")
    with db.get_engine(empty_url).connect() as conn:
        kept = conn.execute(
            sa.text("SELECT id, duration_minutes, client_name, client_email, title FROM consultations")
        ).one()
        assert kept[1:] == (45, None, None, None)
    database.upgrade(empty_url)  # the revisions after 0011 too
    assert database.check(empty_url).ok
