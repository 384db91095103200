"""`boo consult …` with a client and a title: shown in list, show, --json, the calendar file (SUMMARY,
ATTENDEE), the Markdown summary and the digest; searchable; editable; and hostile names kept as typed."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine

from tests.conftest import init_user

NOW = "2026-03-27 09:00:00+00:00"
CORPUS_FILE = Path(__file__).resolve().parents[1] / "testdata" / "hostile-text.json"
CORPUS = [value for group in json.loads(CORPUS_FILE.read_text())["cases"].values() for value in group]


@pytest.fixture
def ann(cli):
    with time_machine.travel(NOW, tick=False):
        init_user(cli)
        yield cli


def events(ics: str) -> list:
    from icalendar import Calendar

    return list(Calendar.from_ical(ics.encode()).walk("VEVENT"))


def ics_of(cli, ref: str) -> object:
    result = cli("consult", "export", ref, "--format", "ics")
    assert result.exit_code == 0, result.stderr
    (event,) = events(result.stdout)
    return event


def test_client_and_title_show_in_list_show_json_calendar_and_summary(ann):
    booked = ann.json(
        "consult",
        "book",
        "--at",
        "2026-04-01 10:00",
        "--client",
        "Zoë Müller",
        "--client-email",
        "Zoe@Example.COM",
        "--title",
        "Pricing review",
    )
    assert (booked["client_name"], booked["client_email"], booked["title"]) == (
        "Zoë Müller",
        "zoe@example.com",  # checked and lower-cased as account emails are
        "Pricing review",
    )
    assert booked["event_title"] == "Pricing review"
    listed = ann("consult", "list")
    header, row = listed.stdout.splitlines()[:2]
    cells = dict(zip(header.split("\t"), row.split("\t"), strict=True))
    assert (cells["client"], cells["title"]) == ("Zoë Müller", "Pricing review")
    shown = ann("consult", "show", booked["id"][:8])
    assert "Pricing review" in shown.stdout and "zoe@example.com" in shown.stdout
    assert "Zoë Müller" in shown.stdout

    event = ics_of(ann, booked["id"])
    assert str(event["summary"]) == "Pricing review"
    attendee = event["attendee"]
    assert str(attendee) == "mailto:zoe@example.com"
    assert attendee.params["cn"] == "Zoë Müller"

    md = ann("consult", "export", booked["id"], "--format", "md").stdout
    assert md.startswith("# Pricing review, 2026-04-01")
    assert "- **Client:** Zoë Müller" in md and "- **Client email:** zoe@example.com" in md


def test_without_a_title_the_calendar_names_type_and_client_and_old_rows_keep_working(ann):
    with_client = ann.json(
        "consult", "book", "--at", "2026-04-01 10:00", "--client", "Ann Lee", "--type", "audit"
    )
    bare = ann.json("consult", "book", "--at", "2026-04-02 10:00")
    assert (bare["client_name"], bare["client_email"], bare["title"]) == (None, None, None)
    assert str(ics_of(ann, with_client["id"])["summary"]) == "Audit consultation with Ann Lee"
    plain = ics_of(ann, bare["id"])
    assert str(plain["summary"]) == "Strategy consultation"
    assert "attendee" not in plain  # no email, no attendee
    assert "attendee" not in ics_of(ann, with_client["id"])
    md = ann("consult", "export", bare["id"], "--format", "md").stdout
    assert md.startswith("# Strategy consultation, 2026-04-02") and "Client" not in md


def test_search_matches_client_email_or_title_ignoring_case(ann):
    ann("consult", "book", "--at", "2026-04-01 10:00", "--client", "Acme GmbH", "--title", "Kick-off")
    ann(
        "consult", "book", "--at", "2026-04-02 10:00", "--client", "Bolt Ltd", "--client-email", "ceo@bolt.io"
    )
    ann("consult", "book", "--at", "2026-04-03 10:00", "--title", "100% growth plan")
    ann("consult", "book", "--at", "2026-04-04 10:00")

    def found(text: str) -> list[str]:
        return [c["event_title"] for c in ann.json("consult", "list", "--any-time", "--search", text)]

    assert found("acme") == ["Kick-off"]
    assert found("KICK") == ["Kick-off"]
    assert found("BOLT.IO") == ["Strategy consultation with Bolt Ltd"]
    assert found("100%") == ["100% growth plan"]
    assert found("%") == ["100% growth plan"]  # % is a character here, not a wildcard
    assert found("_") == []
    assert len(found("consult")) == 0  # the made-up event title is not searched, only what was typed
    assert len(ann.json("consult", "list", "--any-time")) == 4
    empty = ann("consult", "list", "--search", "nobody")
    assert empty.exit_code == 0 and "No consultations match." in empty.stderr + empty.stdout


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--client-email", "not-an-email"], "--client-email"),
        (["--client-email", "a@b"], "--client-email"),
        (["--client", "x" * 256], "--client: is 256 characters long"),
        (["--title", "x" * 256], "--title: is 256 characters long"),
    ],
)
def test_bad_client_details_are_refused_and_nothing_booked(ann, args, words):
    result = ann("consult", "book", "--at", "2026-04-01 10:00", *args)
    assert result.exit_code == 2, result.stdout
    assert words in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert ann.json("consult", "list", "--any-time") == []


def test_edit_changes_and_clears_details_and_the_calendar_sees_a_new_sequence(ann):
    booked = ann.json("consult", "book", "--at", "2026-04-01 10:00", "--client", "Ann Lee")
    edited = ann.json(
        "consult", "edit", booked["id"][:8], "--title", "Cash flow", "--client-email", "a@lee.example"
    )
    assert (edited["title"], edited["client_email"], edited["client_name"]) == (
        "Cash flow",
        "a@lee.example",
        "Ann Lee",
    )
    assert edited["sequence"] == booked["sequence"] + 1
    cleared = ann.json("consult", "edit", booked["id"], "--title", "", "--client", "")
    assert (cleared["title"], cleared["client_name"]) == (None, None)
    event = ics_of(ann, booked["id"])
    assert str(event["summary"]) == "Strategy consultation"
    assert str(event["attendee"]) == "mailto:a@lee.example" and "cn" not in event["attendee"].params
    same = ann("consult", "edit", booked["id"], "--client", "")
    assert same.exit_code == 0 and "Nothing to change" in same.stderr
    assert ann.json("consult", "show", booked["id"])["sequence"] == cleared["sequence"]
    nothing = ann("consult", "edit", booked["id"])
    assert nothing.exit_code == 2 and "--client" in nothing.stderr


def test_hostile_client_names_and_titles_round_trip_through_json_and_the_calendar(ann):
    start = 0
    for value in CORPUS:
        expected = value.strip()
        start += 1
        args = [
            "consult",
            "book",
            "--at",
            f"+{start}d 10:00",  # a day apart: no overlaps
            "--client",
            value,
            "--title",
            value,
        ]
        result = ann("--json", *args, "--client-email", "client@example.com")
        assert result.exit_code in (0, 2), (value, result.stderr)
        assert "Traceback" not in result.stderr and "unexpected error" not in result.stderr
        if result.exit_code == 2:  # empty after trimming is absent, not an error; only too long is refused
            assert len(expected) > 255 and "characters long" in result.stderr, (value, result.stderr)
            continue
        booked = json.loads(result.stdout)
        shown = expected or None
        assert (booked["client_name"], booked["title"]) == (shown, shown), value
        event = ics_of(ann, booked["id"])
        assert str(event["summary"]) == (expected or "Strategy consultation"), value
        if expected:
            assert event["attendee"].params["cn"] == expected, value


def test_the_digest_names_each_consultation_by_its_event_title(session, owner):
    from datetime import UTC, datetime

    from boo_cli.reports import digest as reports
    from boo_cli.services import consultations, newsletter
    from boo_cli.services.resources import Library

    now = datetime(2026, 3, 27, 9, tzinfo=UTC)
    consultations.book(session, owner, when="2026-03-30 10:00", client="<b>Ann</b> & *Co*", now=now)
    consultations.book(session, owner, when="2026-03-31 10:00", title="Pricing | review", now=now)
    consultations.book(session, owner, when="2026-04-01 10:00", now=now)
    row = newsletter.subscribe(session, owner, now=now - timedelta(days=10))
    built = newsletter.build_digest(session, owner, row, Library([], []), now=now)
    assert [title for _, title in built.consultations] == [
        "Strategy consultation with <b>Ann</b> & *Co*",
        "Pricing | review",
        "Strategy consultation",
    ]
    assert "Strategy consultation with <b>Ann</b> & *Co*" in reports.to_text(built)
    html = reports.to_html(built)
    assert "&lt;b&gt;Ann&lt;/b&gt; &amp; *Co*" in html and "<b>Ann" not in html
    md = reports.to_markdown(built)
    assert "\\<b\\>Ann\\</b\\> \\& \\*Co\\*" in md and "Pricing \\| review" in md
