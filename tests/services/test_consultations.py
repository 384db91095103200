"""Consultations and notes: time zones and DST, overlaps, status rules, notes, isolation; fixed clock."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boo_cli.errors import Ambiguous, Conflict, Invalid, NotFound
from boo_cli.models import Consultation
from boo_cli.models.enums import ConsultationStatus, ConsultationType
from boo_cli.services import accounts, consultations, dates, profiles, strategies
from boo_cli.services.consultations import NoteFields
from boo_cli.services.paging import Page
from tests.conftest import PASSWORD

# Friday 27 March 2026, 10:00 in Berlin; Berlin springs forward on Sunday 29 March at 02:00.
NOW = datetime(2026, 3, 27, 9, 0, tzinfo=UTC)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def book(session, user, when, **extra):
    extra.setdefault("now", NOW)
    return consultations.book(session, user, when=when, **extra)


@pytest.fixture
def other(session):
    user = accounts.create_user(
        session,
        email="eve@example.com",
        first_name="Eve",
        last_name="E",
        password=PASSWORD,
        timezone="America/New_York",
    )
    session.commit()
    return user


# --- reading times ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-28 14:00", utc(2026, 3, 28, 13)),  # CET, UTC+1
        ("2026-03-29 14:00", utc(2026, 3, 29, 12)),  # CEST, UTC+2: same wall clock, one hour less UTC
        ("2026-03-29T14:00", utc(2026, 3, 29, 12)),
        ("tomorrow 14:00", utc(2026, 3, 28, 13)),
        ("+2d 14:00", utc(2026, 3, 29, 12)),
        ("sunday 2pm", utc(2026, 3, 29, 12)),
        ("friday 9:30", utc(2026, 4, 3, 7, 30)),  # the next Friday, never today
        ("next monday at 9:15am", utc(2026, 3, 30, 7, 15)),
        ("Tomorrow 2 PM", utc(2026, 3, 28, 13)),
        ("tomorrow 12am", utc(2026, 3, 27, 23)),  # midnight starting the 28th
        ("12:30", utc(2026, 3, 27, 11, 30)),  # a time alone is today
        ("2026-03-29T14:00+02:00", utc(2026, 3, 29, 12)),
        ("2026-03-29T12:00Z", utc(2026, 3, 29, 12)),
        ("2026-03-29 02:30+01:00", utc(2026, 3, 29, 1, 30)),  # an offset names an instant, even in the gap
    ],
)
def test_times_are_read_in_the_zone_and_kept_in_utc(text, expected):
    assert dates.parse_when(text, zone="Europe/Berlin", now=NOW) == expected


@pytest.mark.parametrize(
    ("zone", "text", "gap"),
    [
        ("Europe/Berlin", "2026-03-29 02:30", "from 02:00 to 03:00 (CET to CEST)"),
        ("Europe/Berlin", "2026-03-29 02:00", "from 02:00 to 03:00"),
        ("America/New_York", "2026-03-08 02:59", "from 02:00 to 03:00 (EST to EDT)"),
    ],
)
def test_a_time_in_the_spring_gap_is_refused_naming_the_gap(zone, text, gap):
    with pytest.raises(Invalid, match="does not exist") as caught:
        dates.parse_when(text, zone=zone, now=NOW, fold=0)
    assert gap in str(caught.value)
    assert caught.value.field == "--at"


def test_the_edges_of_the_gap_exist():
    assert dates.parse_when("2026-03-29 01:59", zone="Europe/Berlin", now=NOW) == utc(2026, 3, 29, 0, 59)
    assert dates.parse_when("2026-03-29 03:00", zone="Europe/Berlin", now=NOW) == utc(2026, 3, 29, 1)


@pytest.mark.parametrize(
    ("zone", "text", "first", "second"),
    [
        ("America/New_York", "2026-11-01 01:30", utc(2026, 11, 1, 5, 30), utc(2026, 11, 1, 6, 30)),
        ("Europe/Berlin", "2026-10-25 02:30", utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 1, 30)),
    ],
)
def test_a_repeated_time_needs_a_fold_and_honours_it(zone, text, first, second):
    with pytest.raises(Invalid, match="happens twice") as caught:
        dates.parse_when(text, zone=zone, now=NOW)
    assert "--fold 0" in str(caught.value) and "--fold 1" in str(caught.value)
    assert dates.parse_when(text, zone=zone, now=NOW, fold=0) == first
    assert dates.parse_when(text, zone=zone, now=NOW, fold=1) == second


def test_an_offset_settles_a_repeated_time_without_a_fold():
    assert dates.parse_when("2026-11-01T01:30-05:00", zone="America/New_York", now=NOW) == utc(
        2026, 11, 1, 6, 30
    )


def test_the_new_york_fall_back_message_names_both_readings():
    with pytest.raises(Invalid) as caught:
        dates.parse_when("2026-11-01 01:30", zone="America/New_York", now=NOW)
    message = str(caught.value)
    assert "from 02:00 to 01:00" in message
    assert "EDT, 05:30 UTC" in message and "EST, 06:30 UTC" in message


@pytest.mark.parametrize(
    "text",
    [
        "",
        "soon",
        "2026-02-30 10:00",
        "friday 14",
        "25:00",
        "13pm",
        "2026-03-29",
        "tomorrow 9:75",
        "20260329",
        "9999-12-31 23:30",
        "0001-01-01 00:10",
        "+2d",
    ],
)
def test_unreadable_times_are_refused(text):
    with pytest.raises(Invalid, match="--at"):
        dates.parse_when(text, zone="Europe/Berlin", now=NOW)


# --- booking ----------------------------------------------------------------------------------


def test_booking_across_the_change_keeps_the_wall_clock_time(session, owner):
    before = book(session, owner, "tomorrow 10:00")
    after = book(session, owner, "+3d 10:00")
    assert (before.scheduled_at, after.scheduled_at) == (utc(2026, 3, 28, 9), utc(2026, 3, 30, 8))
    assert [consultations.local_label(c.scheduled_at, owner.timezone) for c in (before, after)] == [
        "2026-03-28 10:00 CET",
        "2026-03-30 10:00 CEST",
    ]


def test_new_york_bookings_across_its_own_change(session, other):
    now = utc(2026, 3, 6, 15)
    before = consultations.book(session, other, when="2026-03-07 10:00", now=now)
    after = consultations.book(session, other, when="2026-03-09 10:00", now=now)
    assert (before.scheduled_at, after.scheduled_at) == (utc(2026, 3, 7, 15), utc(2026, 3, 9, 14))


def test_tz_reads_the_time_elsewhere_and_storage_is_utc(session, owner):
    c = book(session, owner, "2026-11-01 01:30", zone="america/new_york", fold=1)
    session.expire_all()
    stored = session.get(Consultation, c.id)
    assert stored.scheduled_at == utc(2026, 11, 1, 6, 30)
    assert stored.scheduled_at.tzinfo is not None
    with pytest.raises(Invalid, match="--tz"):
        book(session, owner, "tomorrow 10:00", zone="Mars/Olympus")


def test_defaults_and_the_stored_record(session, owner):
    c = book(session, owner, "tomorrow 10:00")
    assert (c.duration_minutes, c.type, c.status, c.sequence) == (
        60,
        ConsultationType.STRATEGY,
        ConsultationStatus.SCHEDULED,
        0,
    )
    assert c.user_id == owner.id


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"duration": 0}, "--duration"),
        ({"duration": 481}, "--duration"),
        ({"duration": "an hour"}, "--duration"),
        ({"link": "ftp://files.example.com"}, "--link"),
        ({"link": "meet.example.com/abc"}, "--link"),
        ({"link": "https://"}, "--link"),
        ({"link": "https://meet example.com"}, "--link"),
        ({"link": "javascript:alert(1)"}, "--link"),
        ({"link": "https://" + "x" * 500 + ".com"}, "--link"),
        ({"type": "lunch"}, "--type"),
    ],
)
def test_bad_fields_are_refused_and_nothing_is_written(session, owner, fields, field):
    with pytest.raises(Invalid, match=field):
        book(session, owner, "tomorrow 10:00", **fields)
    assert list(consultations.all_consultations(session, owner)) == []


@pytest.mark.parametrize("minutes", [1, 480])
def test_the_duration_range_is_inclusive(session, owner, minutes):
    assert book(session, owner, "tomorrow 10:00", duration=minutes).duration_minutes == minutes


def test_links_keep_http_and_https(session, owner):
    c = book(session, owner, "tomorrow 10:00", link=" https://meet.example.com/abc-def ")
    assert c.meeting_link == "https://meet.example.com/abc-def"
    assert book(session, owner, "tomorrow 12:00", link="http://localhost:8080/x").meeting_link


def test_a_time_in_the_past_needs_past(session, owner):
    with pytest.raises(Invalid, match="in the past") as caught:
        book(session, owner, "2026-03-26 10:00")
    assert "--past" in str(caught.value)
    logged = book(session, owner, "2026-03-26 10:00", past=True)
    assert logged.scheduled_at == utc(2026, 3, 26, 9)


@pytest.mark.parametrize(
    ("when", "minutes", "clash"),
    [
        ("2026-03-30 11:00", 60, False),  # starts as the other ends
        ("2026-03-30 09:00", 60, False),  # ends as the other starts
        ("2026-03-30 10:59", 60, True),  # one minute inside the end
        ("2026-03-30 09:01", 60, True),  # one minute inside the start
        ("2026-03-30 09:00", 180, True),  # around it
        ("2026-03-30 10:15", 15, True),  # within it
        ("2026-03-30 10:00", 60, True),  # the same slot
    ],
)
def test_overlap_edges(session, owner, when, minutes, clash):
    taken = book(session, owner, "2026-03-30 10:00", duration=60)
    if clash:
        with pytest.raises(Conflict, match=str(taken.id)[:8]) as caught:
            book(session, owner, when, duration=minutes)
        assert "--allow-overlap" in str(caught.value)
        assert book(session, owner, when, duration=minutes, allow_overlap=True).id != taken.id
    else:
        book(session, owner, when, duration=minutes)


def test_a_long_earlier_booking_still_clashes(session, owner):
    long = book(session, owner, "2026-03-30 06:00", duration=480)  # until 14:00
    with pytest.raises(Conflict, match=str(long.id)[:8]):
        book(session, owner, "2026-03-30 13:30", duration=15)


def test_only_scheduled_consultations_of_the_same_user_clash(session, owner, other):
    taken = book(session, owner, "2026-03-30 10:00")
    consultations.book(session, other, when="2026-03-30T10:00+02:00", now=NOW)
    consultations.change_status(session, owner, taken, ConsultationStatus.CANCELLED, reason="ill", now=NOW)
    book(session, owner, "2026-03-30 10:00")


# --- finding ----------------------------------------------------------------------------------


def test_a_consultation_is_named_by_id_or_prefix_only_within_its_user(session, owner, other):
    c = book(session, owner, "tomorrow 10:00")
    for ref in (str(c.id), str(c.id)[:8], str(c.id).replace("-", "")[:12], str(c.id).upper()):
        assert consultations.get_consultation(session, owner, ref).id == c.id
    for ref in (str(c.id), str(c.id)[:8]):
        with pytest.raises(NotFound):
            consultations.get_consultation(session, other, ref)
    with pytest.raises(NotFound, match="4"):
        consultations.get_consultation(session, owner, str(c.id)[:3])
    with pytest.raises(NotFound):
        consultations.get_consultation(session, owner, "tomorrow")
    with pytest.raises(Invalid):
        consultations.get_consultation(session, owner, " ")


def test_an_ambiguous_prefix_lists_the_candidates(session, owner):
    ids = [
        uuid.UUID("abcd1234-0000-4000-8000-000000000001"),
        uuid.UUID("abcd5678-0000-4000-8000-000000000002"),
    ]
    for n, id_ in enumerate(ids):
        session.add(
            Consultation(
                id=id_,
                user_id=owner.id,
                scheduled_at=utc(2026, 4, 1 + n, 8),
                duration_minutes=60,
                status=ConsultationStatus.SCHEDULED,
            )
        )
    session.flush()
    with pytest.raises(Ambiguous) as caught:
        consultations.get_consultation(session, owner, "abcd")
    assert "abcd1234 on 2026-04-01 10:00 CEST" in str(caught.value)
    assert "abcd5678" in str(caught.value)
    assert consultations.get_consultation(session, owner, "abcd5").id == ids[1]


# --- listing ----------------------------------------------------------------------------------


def test_list_windows_filters_and_order(session, owner, other):
    done = book(session, owner, "2026-03-26 10:00", past=True)
    running = book(session, owner, "2026-03-27 09:30", past=True, duration=90)  # 08:30-10:00 UTC
    soon = book(session, owner, "2026-03-30 10:00", type="audit")
    later = book(session, owner, "2026-04-02 10:00")
    dropped = book(session, owner, "2026-04-03 10:00")
    consultations.change_status(session, owner, dropped, ConsultationStatus.CANCELLED, now=NOW)
    consultations.book(session, other, when="2026-04-01 10:00", now=NOW)

    def ids(**kw):
        found = consultations.list_consultations(session, owner, now=NOW, **kw)
        return [r.consultation.id for r in found.rows]

    def page(limit, offset=0):
        found = consultations.list_consultations(session, owner, now=NOW, page=Page(limit, offset))
        return [r.consultation.id for r in found.rows], found.more

    assert ids() == [running.id, soon.id, later.id]
    # The one in progress is read apart from the rest; pages run across the seam alike.
    assert page(1) == ([running.id], 2)
    assert page(2) == ([running.id, soon.id], 1)
    assert page(1, 1) == ([soon.id], 1)
    assert page(5, 2) == ([later.id], 0)
    assert page(5, 3) == ([], 0)
    assert ids(window="past") == [done.id]
    assert ids(window="any") == [dropped.id, later.id, soon.id, running.id, done.id]
    assert ids(window="any", status="cancelled") == [dropped.id]
    assert ids(status="cancelled") == [dropped.id]
    assert ids(type="audit") == [soon.id]
    assert ids(window="past", type="follow-up") == []
    with pytest.raises(Invalid, match="--status"):
        ids(status="postponed")


def test_list_returns_each_note_with_its_consultation(session, owner):
    a = book(session, owner, "2026-03-30 10:00")
    b = book(session, owner, "2026-03-31 10:00")
    note = consultations.write_note(session, owner, b, NoteFields(summary="Pricing"))
    rows = consultations.list_consultations(session, owner, now=NOW).rows
    assert [(r.consultation.id, r.note) for r in rows] == [(a.id, None), (b.id, note)]


# --- status -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "then"),
    [
        ("completed", "cancelled"),
        ("completed", "completed"),
        ("cancelled", "completed"),
        ("cancelled", "cancelled"),
    ],
)
def test_status_moves_only_from_scheduled(session, owner, first, then):
    c = book(session, owner, "2026-03-26 10:00", past=True)
    consultations.change_status(session, owner, c, ConsultationStatus(first), reason="r", now=NOW)
    with pytest.raises(Conflict, match=f"is {first}; only a scheduled one"):
        consultations.change_status(session, owner, c, ConsultationStatus(then), now=NOW)
    assert c.status is ConsultationStatus(first)


def test_complete_stamps_the_time_and_waits_for_the_start(session, owner):
    c = book(session, owner, "2026-03-27 12:00")
    with pytest.raises(Conflict, match="not started"):
        consultations.change_status(session, owner, c, ConsultationStatus.COMPLETED, now=NOW)
    later = utc(2026, 3, 27, 12)
    consultations.change_status(session, owner, c, ConsultationStatus.COMPLETED, now=later)
    assert (c.status, c.completed_at, c.cancelled_at, c.sequence) == (
        ConsultationStatus.COMPLETED,
        later,
        None,
        0,
    )


def test_cancel_keeps_the_reason_and_bumps_the_sequence(session, owner):
    c = book(session, owner, "tomorrow 10:00")
    consultations.change_status(
        session, owner, c, ConsultationStatus.CANCELLED, reason="  Client is ill  ", now=NOW
    )
    session.expire_all()
    stored = session.get(Consultation, c.id)
    assert (stored.status, stored.cancel_reason, stored.cancelled_at, stored.sequence) == (
        ConsultationStatus.CANCELLED,
        "Client is ill",
        NOW,
        1,
    )


def test_reschedule_moves_the_same_record_and_bumps_the_sequence(session, owner, other):
    c = book(session, owner, "2026-03-30 10:00")
    blocker = book(session, owner, "2026-03-31 10:00")
    consultations.reschedule(session, owner, c, when="2026-03-30 10:30", now=NOW)  # overlaps only itself
    assert (c.scheduled_at, c.sequence) == (utc(2026, 3, 30, 8, 30), 1)
    consultations.reschedule(session, owner, c, when="2026-03-31 11:00", duration=30, now=NOW)
    assert (c.scheduled_at, c.duration_minutes, c.sequence) == (utc(2026, 3, 31, 9), 30, 2)
    with pytest.raises(Conflict, match=str(blocker.id)[:8]):
        consultations.reschedule(session, owner, c, when="2026-03-31 10:30", now=NOW)
    with pytest.raises(Invalid, match="does not exist"):
        consultations.reschedule(session, owner, c, when="2026-03-29 02:15", now=NOW)
    with pytest.raises(Invalid, match="in the past"):
        consultations.reschedule(session, owner, c, when="2026-03-20 10:00", now=NOW)
    with pytest.raises(Invalid, match="--duration"):
        consultations.reschedule(session, owner, c, when="2026-04-01 10:00", duration=481, now=NOW)
    assert (c.scheduled_at, c.sequence) == (utc(2026, 3, 31, 9), 2)
    assert len(list(consultations.all_consultations(session, owner))) == 2


@pytest.mark.parametrize("status", ["cancelled", "completed"])
def test_a_finished_consultation_cannot_be_rescheduled(session, owner, status):
    c = book(session, owner, "2026-03-26 10:00", past=True)
    consultations.change_status(session, owner, c, ConsultationStatus(status), now=NOW)
    with pytest.raises(Conflict, match="cannot be rescheduled"):
        consultations.reschedule(session, owner, c, when="2026-04-01 10:00", now=NOW)
    assert c.scheduled_at == utc(2026, 3, 26, 9)


# --- notes ------------------------------------------------------------------------------------


def test_a_note_is_created_once_then_changed_field_by_field(session, owner):
    c = book(session, owner, "tomorrow 10:00")
    note = consultations.write_note(
        session,
        owner,
        c,
        NoteFields(
            summary=" Pricing ", insights=["Raise prices", " "], actions=["New page"], internal="stressed"
        ),
    )
    assert (note.summary, note.key_insights, note.action_items, note.follow_up_required) == (
        "Pricing",
        ["Raise prices"],
        ["New page"],
        False,
    )
    same = consultations.write_note(session, owner, c, NoteFields(follow_up=True, actions=["A", "B"]))
    assert same.id == note.id
    assert (same.summary, same.action_items, same.follow_up_required, same.internal_notes) == (
        "Pricing",
        ["A", "B"],
        True,
        "stressed",
    )
    consultations.write_note(session, owner, c, NoteFields(summary="", internal=""))
    assert (note.summary, note.internal_notes) == (None, None)


def test_notes_are_stored_as_json_arrays(session, owner):
    c = book(session, owner, "tomorrow 10:00")
    consultations.write_note(session, owner, c, NoteFields(insights=["one", "two"], actions=["do"]))
    session.commit()
    session.expire_all()
    note = consultations.get_note(session, owner, c)
    assert (note.key_insights, note.action_items) == (["one", "two"], ["do"])


def test_note_rules(session, owner, other):
    c = book(session, owner, "tomorrow 10:00")
    with pytest.raises(Invalid, match="nothing to write"):
        consultations.write_note(session, owner, c, NoteFields())
    with pytest.raises(NotFound, match="no note yet"):
        consultations.write_note(session, owner, c, NoteFields(summary="x"), must_exist=True)
    with pytest.raises(Invalid, match="--action"):
        consultations.write_note(session, owner, c, NoteFields(actions=["a" * 256]))
    consultations.write_note(session, owner, c, NoteFields(summary="x"))
    assert consultations.get_note(session, other, c) is None  # scoped, even given the record
    consultations.change_status(session, owner, c, ConsultationStatus.CANCELLED, now=NOW)
    with pytest.raises(Conflict, match="cancelled"):
        consultations.write_note(session, owner, c, NoteFields(summary="y"))


def test_the_editor_document_round_trips(session, owner):
    c = book(session, owner, "tomorrow 10:00")
    note = consultations.write_note(
        session,
        owner,
        c,
        NoteFields(
            summary="Line one\nLine two",
            insights=["Raise prices"],
            actions=["- starts with a dash", "Call Bo"],
            follow_up=True,
            internal="private",
        ),
    )
    document = consultations.note_document(c, note, "Europe/Berlin")
    assert "2026-03-28 10:00 CET" in document
    parsed = consultations.parse_note_document(document)
    assert parsed == NoteFields(
        summary="Line one\nLine two",
        insights=["Raise prices"],
        actions=["- starts with a dash", "Call Bo"],  # only the one bullet the document added comes off
        follow_up=True,
        internal="private",
    )
    empty = consultations.parse_note_document(consultations.note_document(c, None, "UTC"))
    assert empty == NoteFields(summary="", insights=[], actions=[], follow_up=False, internal="")


def test_an_edited_document_is_read_strictly():
    with pytest.raises(Invalid, match="unknown section 'Notes'"):
        consultations.parse_note_document("## Notes\nx\n")
    with pytest.raises(Invalid, match="yes or no"):
        consultations.parse_note_document("## Follow-up required\nmaybe\n")
    with pytest.raises(Invalid, match="line 1"):
        consultations.parse_note_document("stray text\n## Summary\n")
    text = "# comment\n## summary\nSaid things\n## ACTION ITEMS\n* one\n\n  two  \n## Follow-up required\nY\n"
    assert consultations.parse_note_document(text) == NoteFields(
        summary="Said things", insights=[], actions=["one", "two"], follow_up=True, internal=""
    )


# --- action items to milestones ---------------------------------------------------------------


def test_action_items_become_milestones_once(session, owner, other):
    business = profiles.add_profile(session, owner, name="Olive Oils")
    plan = strategies.add_strategy(session, owner, business, name="Grow", today=NOW.date())
    c = book(session, owner, "tomorrow 10:00")
    with pytest.raises(NotFound, match="no note yet"):
        consultations.actions_to_milestones(session, owner, c, "Grow", business)
    consultations.write_note(session, owner, c, NoteFields(summary="x"))
    with pytest.raises(Conflict, match="no action items"):
        consultations.actions_to_milestones(session, owner, c, "Grow", business)
    consultations.write_note(session, owner, c, NoteFields(actions=["New price page", "Email clients"]))
    moved = consultations.actions_to_milestones(session, owner, c, "Grow", business)
    assert [m.milestone_name for m in moved.added] == ["New price page", "Email clients"]
    assert moved.strategy.id == plan.id
    assert all(m.description.startswith("Action item from the strategy consultation") for m in moved.added)
    again = consultations.actions_to_milestones(session, owner, c, str(plan.id)[:8], business)
    assert (again.added, again.skipped) == ([], ["New price page", "Email clients"])
    assert len(strategies.milestones_of(session, owner, plan)) == 2
    eve_business = profiles.add_profile(session, other, name="Eve Co")
    strategies.add_strategy(session, other, eve_business, name="Eve plan", today=NOW.date())
    with pytest.raises(NotFound):
        consultations.actions_to_milestones(session, owner, c, "Eve plan", business)
    with pytest.raises(NotFound):
        # through the note's owner
        consultations.actions_to_milestones(session, other, c, "Eve plan", eve_business)


def test_starts_and_ends_use_the_spec_default_duration():
    c = Consultation(user_id=uuid.uuid4(), scheduled_at=utc(2026, 4, 1, 8), duration_minutes=None)
    assert consultations.starts_and_ends(c) == (utc(2026, 4, 1, 8), utc(2026, 4, 1, 8) + timedelta(hours=1))


# --- anything typed ---------------------------------------------------------------------------

FUZZ = settings(max_examples=300, deadline=None, derandomize=True)
typed = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)
clockish = st.from_regex(
    r"\A(today|tomorrow|friday|next mon|\+\d{1,6}[dwmy]|\d{4}-\d{2}-\d{2})?[ T]?\d{1,3}(:\d{1,3})?\s?(am|pm)?"
    r"([+-]\d{2}:\d{2}|Z)?\Z"
)


@FUZZ
@given(
    text=typed | clockish,
    zone=st.sampled_from(["Europe/Berlin", "America/New_York", "UTC", "Asia/Kathmandu"]),
)
def test_any_time_text_is_read_or_refused_as_invalid(text, zone):
    try:
        instant = dates.parse_when(text, zone=zone, now=NOW, fold=0)
    except Invalid:
        return
    assert instant.utcoffset() == timedelta(0)


@FUZZ
@given(link=typed | st.from_regex(r"\A(https?|ftp)://[^\s]{0,30}\Z"))
def test_any_link_is_kept_or_refused_as_invalid(link):
    try:
        kept = consultations.check_link(link)
    except Invalid:
        return
    assert kept is None or kept.lower().startswith(("http://", "https://"))
