"""`boo history`: every add, edit and delete, with its values before and after (both backends)."""

from __future__ import annotations

import json

import sqlalchemy as sa
import time_machine

from tests.automation.conftest import add_task
from tests.conftest import PASSWORD, add_user, init_user, login

NOW = "2026-03-27 09:00:00+00:00"
PRIVATE = "PRIVATE: the client is close to burnout"
TOKEN = "Bearer s3cr3t-webhook-token"


def _of(cli, record: str) -> list[dict]:
    """The history of one record, oldest first."""
    return list(reversed(cli.json("history", "--record", record, "--all")))


def _changes(entry: dict) -> dict:
    return {c["column"]: (c["before"], c["after"]) for c in entry["changes"]}


def _trail(cli) -> str:
    from boo_cli import db

    with db.get_engine(cli.url).connect() as conn:
        rows = conn.execute(sa.text("SELECT * FROM audit_trail")).mappings().all()
    return json.dumps([dict(r) for r in rows], default=str)


def test_adding_editing_and_deleting_leave_one_entry_each_with_before_and_after(cli):
    with time_machine.travel(NOW):  # ticking: each change has its own time
        init_user(cli, business="Ann's Bakery")
        profile = cli.json("profile", "add", "Side Shop", "--industry", "retail")
        cli("profile", "edit", "Side Shop", "--industry", "wholesale", "--target-revenue", "120k")
        cli("profile", "delete", "Side Shop", "--yes")
        strategy = cli.json("strategy", "add", "Launch [b]x[/b]", "--priority", "low")
        cli("strategy", "edit", "Launch [b]x[/b]", "--priority", "high")
        cli("strategy", "delete", "Launch [b]x[/b]", "--yes")
        booked = cli.json("consult", "book", "--at", "tomorrow 10:00", "--client", "Bob =1+1")
        cli("consult", "edit", booked["id"], "--title", "Pricing review")
        cli("consult", "cancel", booked["id"], "--reason", "ill")

    added, edited, deleted = _of(cli, profile["id"])
    assert [added["action"], edited["action"], deleted["action"]] == ["insert", "update", "delete"]
    assert _changes(added)["business_name"] == (None, "Side Shop")
    assert _changes(edited) == {"industry": ("retail", "wholesale"), "target_revenue": (None, "120000.00")}
    assert _changes(deleted)["industry"] == ("wholesale", None)

    added, edited, deleted = _of(cli, strategy["id"])
    assert _changes(added)["strategy_name"] == (None, "Launch [b]x[/b]")
    assert _changes(edited) == {"priority": ("low", "high")}
    assert deleted["action"] == "delete" and _changes(deleted)["strategy_name"] == ("Launch [b]x[/b]", None)

    added, edited, cancelled = _of(cli, booked["id"])
    assert added["action"] == "insert" and _changes(added)["client_name"] == (None, "Bob =1+1")
    assert _changes(edited)["title"] == (None, "Pricing review")
    assert _changes(cancelled)["status"] == ("scheduled", "cancelled")

    newest = cli.json("history", "--limit", "1")[0]
    assert newest["table"] == "consultations" and newest["changed_at"].endswith("+00:00")
    shown = cli("history", "show", newest["id"][:8])
    assert shown.exit_code == 0 and "cancelled" in shown.stdout
    only = cli.json("history", "--table", "growth_strategies", "--all")
    assert {e["record_id"] for e in only} == {strategy["id"]}


def test_secrets_and_private_notes_are_named_as_changed_without_their_values(cli):
    with time_machine.travel(NOW):  # ticking: each change has its own time
        init_user(cli, business="Ann's Bakery")
        booked = cli.json("consult", "book", "--at", "tomorrow 10:00", "--client", "Bob")
        cli("consult", "note", "add", booked["id"], "--summary", "pricing", "--internal", PRIVATE)
        cli("consult", "note", "edit", booked["id"], "--internal", PRIVATE + " (later)")
        changed = cli("user", "passwd", "--password-stdin", input=f"{PASSWORD}\nanother long password\n")
        assert changed.exit_code == 0, changed.stderr
    add_task(
        cli,
        "ping",
        "--every",
        "1h",
        "--webhook",
        "http://127.0.0.1:9/hook",
        "--allow-private-host",
        "--header",
        f"Authorization: {TOKEN}",
    )
    trail = _trail(cli)
    assert PRIVATE not in trail and "s3cr3t" not in trail and "argon2" not in trail
    note_edit = next(
        e
        for e in cli.json("history", "--all")
        if e["table"] == "consultation_notes" and e["action"] == "update"
    )
    assert {c["column"]: c["value_kept"] for c in note_edit["changes"]} == {"internal_notes": False}
    password = next(e for e in cli.json("history", "--table", "users", "--all") if e["action"] == "update")
    assert password["changes"] == [
        {"column": "password_hash", "before": None, "after": None, "value_kept": False}
    ]
    shown = cli("history", "show", note_edit["id"])
    assert "(changed; value not kept)" in shown.stdout and PRIVATE not in shown.stdout


def test_each_user_sees_only_their_own_changes_and_an_erased_user_leaves_none(cli):
    init_user(cli, business="Ann's Bakery")
    add_user(cli, "bob@example.com")  # no one acts yet: bob's account is the author of its making
    login(cli, "bob@example.com")
    cli("profile", "add", "Bob's Bikes")
    bobs = cli.json("history", "--all")
    assert {e["table"] for e in bobs} >= {"business_profiles"} and "Ann" not in json.dumps(bobs)
    login(cli, "ann@example.com")
    anns = cli.json("history", "--all")
    assert "Bob's Bikes" not in json.dumps(anns)
    refused = cli("history", "show", bobs[0]["id"])
    assert refused.exit_code == 1 and "no change" in refused.stderr
    login(cli, "bob@example.com")
    gone = cli("user", "delete", "--yes", "--password-stdin", input=PASSWORD + "\n")
    assert gone.exit_code == 0, gone.stderr
    trail = _trail(cli)
    assert "bob@example.com" not in trail and "Bob's Bikes" not in trail


def test_bad_filters_are_one_line_and_exit_2(cli):
    init_user(cli)
    for args, words in (
        (("--table", "secrets"), "not a table boo keeps"),
        (("--record", "xy"), "not a record id"),
        (("--since", "someday"), "--since"),
        (("--all", "--limit", "3"), "--all"),
    ):
        result = cli("history", *args)
        assert result.exit_code == 2, (args, result.stderr)
        assert words in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert cli("history", "show", "zz").exit_code == 2
    assert cli("history", "show", "abcd").exit_code == 1  # well formed, and no such change


def test_an_entry_from_before_values_were_kept_says_so(cli):
    """Entries written before revision 0017 name their columns only: not "changed to nothing"."""
    import uuid

    from boo_cli import db
    from boo_cli.models import AuditTrailEntry

    init_user(cli)
    me = cli.json("user", "whoami")["id"]
    entry = uuid.uuid4()
    with db.get_engine(cli.url).begin() as conn:
        conn.execute(
            sa.insert(AuditTrailEntry.__table__).values(
                id=entry,
                user_id=uuid.UUID(me),
                table_name="business_profiles",
                row_id=uuid.uuid4(),
                action="update",
                changed_columns=["industry"],
                old_values=sa.null(),
                new_values=sa.null(),
            )
        )
    (change,) = cli.json("history", "show", str(entry))["changes"]
    assert change == {"column": "industry", "before": None, "after": None, "value_kept": False}
    assert "(changed; value not kept)" in cli("history", "show", str(entry)).stdout
