"""`boo consult …` on a fixed clock: DST, overlaps, status, privacy, exports, isolation, the editor."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
import typer

from tests.conftest import add_user, init_user, login
from tests.golden import assert_golden

# Friday 27 March 2026, 10:00 in Berlin (the user's zone); Berlin springs forward on Sunday the 29th.
NOW = "2026-03-27 09:00:00+00:00"
SECRET = "SECRET: the client is close to burnout"
DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def ann(cli, clock):
    init_user(cli)
    return cli


def book(cli, *args: str) -> dict:
    return cli.json("consult", "book", *args)


def one_line_error(result, code: int) -> str:
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stderr.startswith("boo: ")
    assert len(result.stderr.strip().splitlines()) == 1
    return result.stderr


def everything(cli) -> list[dict]:
    return cli.json("consult", "list", "--any-time")


# --- booking and time zones -------------------------------------------------------------------


def test_booking_reads_and_shows_the_users_zone(ann):
    later = book(ann, "--at", "+3d 10:00", "--link", "https://meet.example.com/ann")
    sooner = book(ann, "--at", "tomorrow 10:00", "--type", "follow-up", "--duration", "30")
    # Across the change the wall-clock time typed is kept: 10:00 is 09:00Z before it, 08:00Z after.
    assert (sooner["scheduled_at"], later["scheduled_at"]) == (
        "2026-03-28T09:00:00+00:00",
        "2026-03-30T08:00:00+00:00",
    )
    assert (later["local_start"], later["zone"]) == ("2026-03-30T10:00:00+02:00", "Europe/Berlin")
    assert (sooner["type"], sooner["duration_minutes"], sooner["ends_at"]) == (
        "follow_up",
        30,
        "2026-03-28T09:30:00+00:00",
    )
    listed = ann("consult", "list")
    assert listed.exit_code == 0
    lines = listed.stdout.splitlines()
    assert lines[0].split("\t") == ["id", "when", "min", "type", "client", "title", "status", "link", "note"]
    assert "2026-03-28 10:00 CET" in lines[1] and "2026-03-30 10:00 CEST" in lines[2]
    shown = ann("consult", "show", later["id"][:8])
    assert "2026-03-30 10:00 CEST to 11:00 CEST" in shown.stdout
    assert (
        "Booked the strategy consultation on 2026-04-01 10:00 CEST"
        in ann("consult", "book", "--at", "2026-04-01 10:00").stderr
    )


def test_a_time_in_the_spring_gap_is_refused_and_nothing_written(ann):
    error = one_line_error(ann("consult", "book", "--at", "2026-03-29 02:30"), 2)
    assert "--at: 2026-03-29 02:30 does not exist in Europe/Berlin" in error
    assert "from 02:00 to 03:00" in error
    ny = one_line_error(ann("consult", "book", "--at", "2026-03-08 02:30", "--tz", "America/New_York"), 2)
    assert "does not exist in America/New_York" in ny
    assert everything(ann) == []


def test_the_fall_back_hour_needs_a_fold_and_honours_it(ann):
    args = ["consult", "book", "--tz", "America/New_York", "--at", "2026-11-01 01:30"]
    error = one_line_error(ann(*args), 2)
    assert "happens twice in America/New_York" in error and "--fold 0" in error
    first = ann.json(*args, "--fold", "0")
    second = ann.json(*args, "--fold", "1")  # starts as the first ends: back to back is fine
    assert (first["scheduled_at"], second["scheduled_at"]) == (
        "2026-11-01T05:30:00+00:00",
        "2026-11-01T06:30:00+00:00",
    )
    offset = ann.json("consult", "book", "--at", "2026-11-01T01:30-05:00", "--allow-overlap")
    assert offset["scheduled_at"] == second["scheduled_at"]
    # The viewer's zone, not the zone it was typed in: Ann sees Berlin time.
    assert "2026-11-01 06:30 CET" in ann("consult", "show", first["id"]).stdout
    assert one_line_error(ann(*args, "--fold", "2"), 2)
    assert len(everything(ann)) == 3


def test_a_new_york_user_sees_new_york_time(ann):
    add_user(ann, "bob@example.com")
    login(ann, "bob@example.com")
    first = book(ann, "--at", "2026-11-01 01:30", "--fold", "0")
    second = book(ann, "--at", "2026-11-01 01:30", "--fold", "1")
    assert (first["local_start"], second["local_start"]) == (
        "2026-11-01T01:30:00-04:00",
        "2026-11-01T01:30:00-05:00",
    )
    listed = ann("consult", "list").stdout
    assert "2026-11-01 01:30 EDT" in listed and "2026-11-01 01:30 EST" in listed


def test_overlap_edges(ann):
    taken = book(ann, "--at", "2026-03-30 10:00")
    book(ann, "--at", "2026-03-30 11:00")  # back to back after
    book(ann, "--at", "2026-03-30 09:30", "--duration", "30")  # back to back before
    error = one_line_error(ann("consult", "book", "--at", "2026-03-30 10:59"), 1)
    assert taken["id"][:8] in error and "2026-03-30 10:00 CEST" in error and "--allow-overlap" in error
    one_line_error(ann("consult", "book", "--at", "2026-03-30 09:01", "--duration", "60"), 1)
    assert len(everything(ann)) == 3
    book(ann, "--at", "2026-03-30 10:59", "--allow-overlap")
    assert len(everything(ann)) == 4


def test_the_past_needs_past(ann):
    error = one_line_error(ann("consult", "book", "--at", "2026-03-26 10:00"), 2)
    assert "in the past" in error and "--past" in error
    logged = book(ann, "--at", "2026-03-26 10:00", "--past")
    assert logged["scheduled_at"] == "2026-03-26T09:00:00+00:00"
    assert ann.json("consult", "list") == []
    assert [c["id"] for c in ann.json("consult", "list", "--past")] == [logged["id"]]


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["--at", "whenever"], 2, "--at: 'whenever' is not a date and time"),
        (["--at", "2026-02-30 10:00"], 2, "--at"),
        (["--at", "tomorrow 10:00", "--tz", "Mars/Olympus"], 2, "--tz"),
        (["--at", "tomorrow 10:00", "--duration", "0"], 2, "--duration"),
        (["--at", "tomorrow 10:00", "--duration", "481"], 2, "1 to 480"),
        (["--at", "tomorrow 10:00", "--duration", "long"], 2, "--duration"),
        (["--at", "tomorrow 10:00", "--link", "ftp://example.com/x"], 2, "--link"),
        (["--at", "tomorrow 10:00", "--link", "meet.example.com"], 2, "http(s)"),
        (["--at", "tomorrow 10:00", "--type", "lunch"], 2, "--type"),
        (["--at", "tomorrow 10:00", "--fold", "3"], 2, "--fold"),
        ([], 2, "--at is required when boo cannot ask"),
    ],
)
def test_bad_booking_input_is_one_line_and_writes_nothing(ann, args, code, words):
    assert words in one_line_error(ann("consult", "book", *args), code)
    assert everything(ann) == []


# --- status -----------------------------------------------------------------------------------


def test_reschedule_cancel_and_complete(ann, clock):
    c = book(ann, "--at", "2026-03-30 10:00")
    moved = ann.json("consult", "reschedule", c["id"][:8], "--at", "2026-03-31 15:00", "--duration", "90")
    assert (moved["id"], moved["scheduled_at"], moved["duration_minutes"], moved["sequence"]) == (
        c["id"],
        "2026-03-31T13:00:00+00:00",
        90,
        1,
    )
    assert len(everything(ann)) == 1
    assert "--at is required" in one_line_error(ann("consult", "reschedule", c["id"]), 2)
    assert one_line_error(ann("consult", "cancel", c["id"]), 2).endswith(
        "--reason is required when boo cannot ask (no terminal or --no-input)\n"
    )
    cancelled = ann.json("consult", "cancel", c["id"], "--reason", "Client is ill")
    assert (cancelled["status"], cancelled["cancel_reason"], cancelled["sequence"]) == (
        "cancelled",
        "Client is ill",
        2,
    )
    assert cancelled["cancelled_at"] == "2026-03-27T09:00:00+00:00"
    assert "cannot be rescheduled" in one_line_error(
        ann("consult", "reschedule", c["id"], "--at", "2026-04-02 10:00"), 1
    )
    assert "only a scheduled one" in one_line_error(ann("consult", "complete", c["id"]), 1)
    assert "it takes no notes" in one_line_error(ann("consult", "note", c["id"], "--summary", "x"), 1)
    assert ann.json("consult", "list") == []
    assert [x["id"] for x in ann.json("consult", "list", "--status", "cancelled")] == [c["id"]]

    held = book(ann, "--at", "2026-03-27 14:00")
    assert "has not started yet" in one_line_error(ann("consult", "complete", held["id"]), 1)
    clock.move_to("2026-03-27 14:30:00+00:00")
    done = ann.json("consult", "complete", held["id"])
    assert (done["status"], done["completed_at"], done["sequence"]) == (
        "completed",
        "2026-03-27T14:30:00+00:00",
        0,
    )


def test_an_unknown_or_short_reference_is_refused(ann):
    book(ann, "--at", "2026-03-30 10:00")
    assert "no consultation 'abc'" in one_line_error(ann("consult", "show", "abc"), 1)
    assert "no consultation" in one_line_error(ann("consult", "show", "ffffffff"), 1)


# --- notes ------------------------------------------------------------------------------------


def test_notes_from_flags_then_edited(ann, clock):
    c = book(ann, "--at", "2026-03-27 11:00")
    written = ann.json(
        "consult",
        "note",
        c["id"][:8],
        "--summary",
        "Pricing and focus",
        "--insight",
        "Raise prices",
        "--insight",
        "Niche down",
        "--action",
        "New price page",
        "--follow-up",
    )
    assert (written["key_insights"], written["action_items"], written["follow_up_required"]) == (
        ["Raise prices", "Niche down"],
        ["New price page"],
        True,
    )
    assert written["updated_at"] == "2026-03-27T09:00:00+00:00"
    clock.move_to("2026-03-27 12:00:00+00:00")
    edited = ann.json("consult", "note", "edit", c["id"], "--no-follow-up", "--action", "A", "--action", "B")
    assert (edited["id"], edited["summary"], edited["action_items"], edited["follow_up_required"]) == (
        written["id"],
        "Pricing and focus",
        ["A", "B"],
        False,
    )
    assert edited["updated_at"] == "2026-03-27T12:00:00+00:00"
    assert edited["created_at"] == written["created_at"]
    again = ann.json("consult", "note", "add", c["id"], "--summary", "")
    assert (again["id"], again["summary"]) == (written["id"], None)

    other = book(ann, "--at", "2026-03-30 10:00")
    assert "has no note yet" in one_line_error(
        ann("consult", "note", "edit", other["id"], "--summary", "x"), 1
    )
    assert "has no note yet" in one_line_error(ann("consult", "note", "show", other["id"]), 1)
    assert "--summary is required" in one_line_error(ann("consult", "note", other["id"]), 2)
    assert "no consultation" in one_line_error(ann("consult", "note", "nope", "--summary", "x"), 1)


def test_action_items_become_milestones(ann):
    ann("profile", "add", "Ann's Bakery")
    ann("strategy", "add", "Raise prices")
    c = book(ann, "--at", "2026-03-27 11:00")
    ann("consult", "note", c["id"], "--action", "New price page", "--action", "Tell clients")
    first = ann("consult", "actions", c["id"], "--to-strategy", "Raise prices")
    assert first.exit_code == 0, first.stderr
    assert "Added 2 milestones to 'Raise prices'." in first.stderr
    assert ann.json("consult", "actions", c["id"], "--to-strategy", "Raise prices") == []
    milestones = ann.json("strategy", "milestone", "list", "Raise prices")
    assert [m["milestone"] for m in milestones] == ["New price page", "Tell clients"]
    assert "no strategy named" in one_line_error(
        ann("consult", "actions", c["id"], "--to-strategy", "Nope"), 1
    )


# --- privacy ----------------------------------------------------------------------------------


def test_private_notes_stay_out_of_every_output_unless_asked_for(ann, tmp_path):
    c = book(ann, "--at", "2026-03-27 11:00", "--link", "https://meet.example.com/x")
    ref = c["id"][:8]
    plain = [
        ["consult", "note", ref, "--summary", "Public summary", "--action", "Do it", "--internal", SECRET],
        ["consult", "note", "edit", ref, "--insight", "An insight"],
        ["consult", "list"],
        ["consult", "list", "--any-time"],
        ["consult", "show", ref],
        ["consult", "note", "show", ref],
        ["consult", "export", ref],
        ["consult", "export", ref, "--format", "md"],
        ["consult", "export", "--ics", str(tmp_path / "cal.ics")],
        ["consult", "export", "--format", "ics"],
        ["consult", "reschedule", ref, "--at", "2026-03-27 12:00"],
    ]
    for args in plain:
        for prefix in ([], ["--json"]):
            result = ann(*prefix, *args)
            # With --json, a Markdown or ICS document on stdout is refused (exit 2): it is not JSON.
            refused = prefix and args[:2] == ["consult", "export"] and "--ics" not in args
            assert result.exit_code == (2 if refused else 0), (args, result.stderr)
            assert SECRET not in result.stdout + result.stderr, args
            assert "internal_notes" not in result.stdout, args
            assert "private notes" not in result.stdout.lower(), args
    assert SECRET not in (tmp_path / "cal.ics").read_text()
    ann("consult", "export", ref, "-o", str(tmp_path / "summary.md"))
    assert SECRET not in (tmp_path / "summary.md").read_text()

    for args in (
        ["consult", "list", "--include-internal"],
        ["consult", "list", "--any-time", "--include-internal"],
        ["consult", "show", ref, "--include-internal"],
        ["consult", "note", "show", ref, "--include-internal"],
        ["consult", "export", ref, "--include-internal"],
    ):
        assert SECRET in ann(*args).stdout, args
    assert ann.json("consult", "show", ref, "--include-internal")["note"]["internal_notes"] == SECRET
    assert ann.json("consult", "list", "--include-internal")[0]["note"]["internal_notes"] == SECRET
    assert ann.json("consult", "note", "show", ref, "--include-internal")["internal_notes"] == SECRET
    assert "never holds notes" in one_line_error(
        ann("consult", "export", "--ics", "x.ics", "--include-internal"), 2
    )


# --- exports ----------------------------------------------------------------------------------


def test_the_calendar_round_trips_with_stable_uids_and_growing_sequence(ann, tmp_path):
    from icalendar import Calendar

    first = book(ann, "--at", "+3d 10:00", "--link", "https://meet.example.com/ann")
    second = book(ann, "--at", "2026-04-01 14:00", "--type", "audit", "--duration", "45")
    held = book(ann, "--at", "2026-03-26 10:00", "--past")
    ann("consult", "complete", held["id"])
    target = tmp_path / "consultations.ics"
    assert ann("consult", "export", "--ics", str(target)).exit_code == 0
    before = Calendar.from_ical(target.read_bytes())

    ann("consult", "reschedule", first["id"], "--at", "2026-03-31 11:00")
    ann("consult", "cancel", second["id"], "--reason", "Double-booked")
    result = ann("consult", "export", "--format", "ics")
    assert result.exit_code == 0, result.stderr
    assert b"\r\n" in result.stdout_bytes and b"\r\n" in target.read_bytes()  # iCalendar's line ends
    assert_golden("consultation.ics", result.stdout)  # (the runner's stdout reads CRLF as \n)
    after = Calendar.from_ical(result.stdout.encode())

    assert (str(after["version"]), str(after["prodid"])) == ("2.0", "-//boo//boo consult//EN")

    def events(calendar) -> dict[str, object]:
        return {str(e["uid"]): e for e in calendar.walk("VEVENT")}

    old, new = events(before), events(after)
    assert set(old) == set(new) == {f"{c['id']}@boo" for c in (first, second, held)}
    moved = new[f"{first['id']}@boo"]
    assert (int(old[f"{first['id']}@boo"]["sequence"]), int(moved["sequence"])) == (0, 1)
    assert moved.decoded("dtstart") == datetime(2026, 3, 31, 9, tzinfo=UTC)
    assert moved.decoded("dtend") - moved.decoded("dtstart") == timedelta(hours=1)
    assert moved.decoded("dtstart").utcoffset() == timedelta(0)
    assert str(moved["url"]) == "https://meet.example.com/ann"
    assert str(moved["status"]) == "CONFIRMED"
    dropped = new[f"{second['id']}@boo"]
    assert (str(dropped["status"]), int(dropped["sequence"])) == ("CANCELLED", 1)
    assert dropped.decoded("dtend") - dropped.decoded("dtstart") == timedelta(minutes=45)
    assert "Double-booked" not in result.stdout  # reasons stay in boo
    assert str(new[f"{held['id']}@boo"]["status"]) == "CONFIRMED"
    assert "DTSTART:20260331T090000Z" in result.stdout

    single = ann("consult", "export", first["id"], "--format", "ics")
    assert [str(e["uid"]) for e in Calendar.from_ical(single.stdout.encode()).walk("VEVENT")] == [
        f"{first['id']}@boo"
    ]


def test_the_session_summary_matches_its_golden_file(ann, tmp_path):
    c = book(ann, "--at", "2026-03-27 11:00", "--link", "https://meet.example.com/ann", "--duration", "90")
    ann(
        "consult",
        "note",
        c["id"],
        "--summary",
        "We looked at pricing.\nPrices have not moved since 2023.",
        "--insight",
        "Two clients bring 70% of revenue",
        "--insight",
        "The cheapest plan | loses money",
        "--action",
        "Raise prices by 15% in May",
        "--action",
        "Write to the two big clients",
        "--follow-up",
        "--internal",
        SECRET,
    )
    result = ann("consult", "export", c["id"][:8])
    assert result.exit_code == 0, result.stderr
    assert_golden("consultation.md", result.stdout)
    target = tmp_path / "session.md"
    assert ann("consult", "export", c["id"], "--format", "md", "-o", str(target)).exit_code == 0
    assert target.read_text() == result.stdout


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--format", "pdf"], "--format"),
        (["--format", "md"], "name the consultation"),
        (["--ics", "a.ics", "-o", "b.ics"], "--ics"),
    ],
)
def test_bad_export_requests(ann, args, words):
    assert words in one_line_error(ann("consult", "export", *args), 2)


# --- isolation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["show", "{id}"],
        ["show", "{prefix}", "--include-internal"],
        ["note", "{id}", "--summary", "mine now"],
        ["note", "edit", "{id}", "--summary", "mine now"],
        ["note", "show", "{prefix}", "--include-internal"],
        ["cancel", "{id}", "--reason", "spite"],
        ["reschedule", "{prefix}", "--at", "2026-04-05 10:00"],
        ["edit", "{id}", "--title", "mine now"],
        ["complete", "{id}"],
        ["export", "{id}"],
        ["export", "{id}", "--format", "ics"],
        ["actions", "{id}", "--to-strategy", "Plan"],
    ],
    ids=lambda c: "-".join(w for w in c if not w.startswith(("{", "-"))),
)
def test_another_user_cannot_reach_a_consultation(ann, command):
    c = book(ann, "--at", "2026-03-27 08:00", "--past")
    ann("consult", "note", c["id"], "--summary", "Ann's", "--action", "Ann's step", "--internal", SECRET)
    add_user(ann, "bob@example.com")
    login(ann, "bob@example.com")
    ann("profile", "add", "Bob Co")
    ann("strategy", "add", "Plan")
    args = [part.format(id=c["id"], prefix=c["id"][:8]) for part in command]
    result = ann("consult", *args)
    assert "no consultation" in one_line_error(result, 1)
    assert SECRET not in result.stdout
    assert ann.json("consult", "list", "--any-time") == []
    assert "VEVENT" not in ann("consult", "export", "--format", "ics").stdout
    login(ann, "ann@example.com")
    still = ann.json("consult", "show", c["id"], "--include-internal")
    assert (still["status"], still["sequence"], still["scheduled_at"]) == ("scheduled", 0, c["scheduled_at"])
    assert (still["note"]["summary"], still["note"]["internal_notes"]) == ("Ann's", SECRET)


# --- the terminal -----------------------------------------------------------------------------


def test_every_consult_command_has_help_and_a_line_in_the_docs():
    from boo_cli.cli import consult

    def walk(prefix: str, command) -> list[tuple[str, object]]:
        subcommands = getattr(command, "commands", None)
        if not subcommands:
            return [(prefix, command)]
        return [(prefix, command)] + [
            found for name, sub in subcommands.items() for found in walk(f"{prefix} {name}", sub)
        ]

    paths = walk("boo consult", typer.main.get_command(consult.app))
    names = {path for path, _ in paths}
    assert {"boo consult book", "boo consult note", "boo consult note show", "boo consult export"} <= names
    text = (DOCS / "consult.md").read_text()
    assert [path for path, command in paths if not (command.help or "").strip()] == []
    assert [path for path in names if f"`{path}" not in text] == []


def write_editor(tmp_path: Path, body: str) -> str:
    """A stand-in for $EDITOR: a Python script that rewrites the file it is given."""
    script = tmp_path / "editor.py"
    script.write_text(
        "import pathlib, sys\npath = pathlib.Path(sys.argv[1])\ntext = path.read_text()\n" + body
    )
    return f"{sys.executable} {script}"


def test_run_editor_returns_the_edit_or_none(tmp_path, monkeypatch):
    from boo_cli.cli.consult_notes import run_editor
    from boo_cli.errors import BooError

    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv(
        "EDITOR",
        write_editor(
            tmp_path,
            "import os, stat\nassert stat.S_IMODE(os.stat(path).st_mode) == 0o600\n"
            "path.write_text(text.replace('old', 'new'))\n",
        ),
    )
    assert run_editor("keep old") == "keep new"
    assert run_editor("unchanged") is None
    monkeypatch.setenv("EDITOR", write_editor(tmp_path, "sys.exit(3)\n"))
    with pytest.raises(BooError, match="status 3"):
        run_editor("x")
    monkeypatch.setenv("EDITOR", "/no/such/editor")
    with pytest.raises(BooError, match="cannot run the editor"):
        run_editor("x")
    monkeypatch.setenv("EDITOR", write_editor(tmp_path, "path.write_bytes(b'caf\\xe9')\n"))
    with pytest.raises(BooError, match="not UTF-8 text; nothing saved") as caught:
        run_editor("x")
    assert caught.value.exit_code == 2


def spawn(url: str, *args: str, **env: str):
    pexpect = pytest.importorskip("pexpect")
    environment = {**os.environ, "TERM": "xterm", "NO_COLOR": "1", "PROMPT_TOOLKIT_NO_CPR": "1", **env}
    return pexpect.spawn(
        sys.executable,
        ["-m", "boo_cli", "--db", url, *args],
        env=environment,
        encoding="utf-8",
        timeout=60,
        dimensions=(40, 160),
    )


def test_the_note_opens_in_the_editor_on_a_terminal(cli, url, tmp_path):
    pexpect = pytest.importorskip("pexpect")
    init_user(cli)
    c = cli.json("consult", "book", "--at", "2031-05-06 10:00", "--link", "https://meet.example.com/pty")
    editor = write_editor(
        tmp_path,
        "fill = {'## Summary': 'Typed in the editor', '## Key insights': '- Focus wins',\n"
        "        '## Action items': '- Ship the page\\n- Call Bo', '# Only for you': 'Private via editor'}\n"
        "lines = []\n"
        "for line in text.splitlines():\n"
        "    lines.append('yes' if line == 'no' else line)\n"
        "    for key, value in fill.items():\n"
        "        if line.startswith(key):\n"
        "            lines.append(value)\n"
        "path.write_text('\\n'.join(lines) + '\\n')\n",
    )
    child = spawn(url, "consult", "note", c["id"][:8], EDITOR=editor, VISUAL="")
    child.expect("Saved the note")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    assert "Private via editor" not in child.before  # the printed note hides it
    note = cli.json("consult", "note", "show", c["id"], "--include-internal")
    assert (note["summary"], note["key_insights"], note["action_items"]) == (
        "Typed in the editor",
        ["Focus wins"],
        ["Ship the page", "Call Bo"],
    )
    assert (note["follow_up_required"], note["internal_notes"]) == (True, "Private via editor")

    unchanged = spawn(url, "consult", "note", "edit", c["id"], EDITOR=write_editor(tmp_path, ""), VISUAL="")
    unchanged.expect("No changes; nothing saved")
    unchanged.expect(pexpect.EOF)
    unchanged.close()
    assert unchanged.exitstatus == 0
    assert cli.json("consult", "note", "show", c["id"])["updated_at"] == note["updated_at"]


def test_book_asks_for_what_is_missing_on_a_terminal(cli, url):
    pexpect = pytest.importorskip("pexpect")
    init_user(cli)
    child = spawn(url, "consult", "book")
    child.expect(r"When \(Europe/Berlin\)\?")
    child.sendline("2031-03-30 02:30")  # Berlin's spring gap in 2031: refused on the spot
    child.expect("does not exist")
    child.send("\x15")  # Ctrl-U clears the answer
    child.sendline("2031-03-30 10:00")
    child.expect("Type:")
    child.sendline("")  # the first choice, strategy
    child.expect("Duration in minutes:")
    child.sendline("")  # the default, 60
    child.expect("Meeting link")
    child.sendline("https://meet.example.com/asked")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    shown = subprocess.run(
        [sys.executable, "-m", "boo_cli", "--db", url, "--json", "consult", "list"],
        capture_output=True,
        text=True,
        check=True,
    )
    [booked] = json.loads(shown.stdout)
    assert (booked["scheduled_at"], booked["type"], booked["duration_minutes"], booked["meeting_link"]) == (
        "2031-03-30T08:00:00+00:00",
        "strategy",
        60,
        "https://meet.example.com/asked",
    )
