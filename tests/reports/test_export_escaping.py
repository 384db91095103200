"""Every export shows what the user typed as text: never as Markdown, HTML, a link, a formula or a new
calendar property (issue 14). Data is seeded through the services on both backends with every value of
tests/testdata/hostile-text.json, and each export is parsed back the way a reader would."""

from __future__ import annotations

import csv
import dataclasses
import io
import itertools
import json
import tomllib
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boo_cli.errors import Invalid
from boo_cli.models.enums import ConsultationStatus
from boo_cli.services import audit_bank, audits, consultations, newsletter, profiles, strategies
from boo_cli.services.resources import Library

TODAY = date(2026, 3, 2)
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CORPUS = json.loads((Path(__file__).parents[1] / "testdata" / "hostile-text.json").read_text("utf-8"))
VALUES = [v for values in CORPUS["cases"].values() for v in values if v]
BENIGN = "Acme"
LINK_SCHEMES = ("http:", "https:", "mailto:")
CSP = "default-src 'none'"


def normal(text: str) -> str:
    """Whitespace as a reader sees it: newlines and tabs are spaces, runs of them one, ends trimmed."""
    return " ".join(text.split())


# --- Markdown -------------------------------------------------------------------------------------


def parsers():
    from markdown_it import MarkdownIt

    return [
        MarkdownIt("commonmark", {"html": False}).enable("table"),
        MarkdownIt("commonmark", {"html": True}).enable("table"),
    ]


MARKUP_FREE = {"text", "text_special", "softbreak", "hardbreak"}


def shape(tokens) -> list:
    """The document's structure: block tokens, and the inline markup inside each (text left out)."""
    out = []
    for token in tokens:
        if token.type == "inline":
            out.append(("inline", [c.type for c in token.children or [] if c.type not in MARKUP_FREE]))
        else:
            out.append((token.type, token.tag, token.nesting))
    return out


def inline_texts(tokens) -> list[str]:
    texts = []
    for token in tokens:
        if token.type != "inline":
            continue
        parts = []
        for child in token.children or []:
            if child.type in {"softbreak", "hardbreak"}:
                parts.append("\n")
            else:
                parts.append(child.content)
        texts.append(normal("".join(parts)))
    return texts


def walk(tokens):
    for token in tokens:
        yield token
        yield from walk(token.children or [])


def markdown_problems(doc: str, baseline: str, value: str) -> list[str]:
    """What is wrong with doc, a render with value where baseline has BENIGN."""
    problems = []
    for md in parsers():
        tokens, base = md.parse(doc), md.parse(baseline)
        mode = "html" if md.options["html"] else "no-html"
        for token in walk(tokens):
            if token.type in {"html_inline", "html_block"}:
                problems.append(f"{mode}: raw HTML {token.content!r}")
            if token.type in {"link_open", "image"}:
                href = token.attrGet("href") or token.attrGet("src") or ""
                if not href.lower().startswith(LINK_SCHEMES):
                    problems.append(f"{mode}: link to {href!r}")
        if shape(tokens) != shape(base):
            problems.append(f"{mode}: the document's structure changed")
        if not any(normal(value) in text for text in inline_texts(tokens)):
            problems.append(f"{mode}: the value is not in the text")
    return problems


def check_markdown(render, values=VALUES):
    """render(value) -> Markdown; every value must come back as text in an unchanged structure."""
    baseline = render(BENIGN)
    failures = {}
    for value in values:
        problems = markdown_problems(render(value), baseline, value)
        if problems:
            failures[value] = problems
    assert not failures, failures


# --- HTML -----------------------------------------------------------------------------------------


class Page(HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list = []
        self.data: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.events.append(("start", tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.events.append(("start", tag, attrs))

    def handle_endtag(self, tag):
        self.events.append(("end", tag))

    def handle_data(self, data):
        self.data.append(data)

    def handle_comment(self, data):
        self.events.append(("comment", data))

    @property
    def csp(self) -> str | None:
        for kind, tag, *rest in self.events:
            attrs = dict(rest[0]) if rest else {}
            if kind == "start" and tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy":
                return attrs.get("content")
        return None


def check_html(render, values=VALUES):
    base = Page(render(BENIGN))
    assert base.csp and CSP in base.csp and "script-src" not in base.csp
    failures = {}
    for value in values:
        page, problems = Page(render(value)), []
        if page.events != base.events:
            problems.append("tags or attributes differ from the template's own")
        if any(name.startswith("on") for e in page.events if e[0] == "start" for name, _ in e[2]):
            problems.append("an on* attribute")
        if normal(value) not in normal("".join(page.data)):
            problems.append("the value is not in the text")
        if page.csp != base.csp:
            problems.append("no CSP")
        if problems:
            failures[value] = problems
    assert not failures, failures


# --- seeding --------------------------------------------------------------------------------------


@pytest.fixture
def bank():
    return audit_bank.load_bank()


def stored(make, value):
    """The service's own rules (length, trimming) decide what is stored; None when it refuses."""
    try:
        return make(value)
    except Invalid:
        return None


def audit_report(session, owner, bank, name):
    from boo_cli.reports.audit import AuditReport

    profile = profiles.add_profile(session, owner, name=name)
    answers = {q.id: 1 + n % 5 for n, q in enumerate(bank.questions)}
    audit = audits.import_audit(
        session, owner, profile, bank, answers=answers, sections=audit_bank.SECTION_IDS, today=TODAY
    )
    return AuditReport(business=profile.business_name, audit=audit, previous=None, bank=bank, today=TODAY)


def seeded(session, owner, make, values=VALUES):
    """{stored value: the object made from it} for every value the service accepts."""
    made = {}
    for value in values:
        obj = stored(make, value)
        if obj is not None:
            made[value] = obj
    return made


def test_audit_markdown_and_html_keep_a_hostile_business_name_as_text(session, owner, bank):
    from boo_cli.reports import audit

    reports = seeded(session, owner, lambda v: audit_report(session, owner, bank, v), [*VALUES, BENIGN])
    hostile = [v for v in reports if v != BENIGN]
    check_markdown(lambda v: audit.to_markdown(reports[v]), hostile)
    check_html(lambda v: audit.to_html(reports[v]), hostile)


def strategy_report(session, owner, profile, value):
    from boo_cli.reports.strategy import StrategyReport

    s = strategies.add_strategy(
        session,
        owner,
        profile,
        name=value,
        description=value,
        impact=value,
        resources=[value],
        timeline="3 months",
        status="active",
        today=TODAY,
    )
    strategies.add_milestone(session, owner, s, name=value, description=value, target_date=TODAY)
    strategies.add_milestone(session, owner, s, name=value, target_date=TODAY + timedelta(days=20))
    strategies.add_milestone(session, owner, s, name=value)
    return StrategyReport(
        business=profile.business_name,
        row=strategies.strategy_row(session, s, TODAY),
        milestones=strategies.milestones_of(session, owner, s),
        started=TODAY - timedelta(days=30),
        today=TODAY + timedelta(days=1),
    )


@pytest.fixture
def strategy_reports(session, owner):
    plain = profiles.add_profile(session, owner, name=BENIGN)
    by_value = seeded(session, owner, lambda v: strategy_report(session, owner, plain, v), [*VALUES, BENIGN])
    by_business = seeded(
        session,
        owner,
        lambda v: strategy_report(session, owner, profiles.add_profile(session, owner, name=v), BENIGN),
    )
    return by_value, by_business


def test_strategy_markdown_keeps_hostile_names_descriptions_and_milestones_as_text(strategy_reports):
    from boo_cli.reports import strategy

    by_value, by_business = strategy_reports
    check_markdown(lambda v: strategy.to_markdown(by_value[v]), [v for v in by_value if v != BENIGN])
    by_business[BENIGN] = by_value[BENIGN]
    check_markdown(lambda v: strategy.to_markdown(by_business[v]), [v for v in by_business if v != BENIGN])


def test_the_milestone_table_keeps_its_columns_and_the_whole_name_in_its_cell(strategy_reports):
    from markdown_it import MarkdownIt

    from boo_cli.reports import strategy

    by_value, _ = strategy_reports
    for value, report in by_value.items():
        tokens = MarkdownIt("commonmark").enable("table").parse(strategy.to_markdown(report))
        rows, row = [], None
        table = 0
        for token in tokens:
            if token.type == "table_open":
                table += 1
            elif table == 2 and token.type == "tr_open":
                row = []
            elif table == 2 and token.type == "inline" and row is not None:
                row.append(inline_texts([token])[0])
            elif table == 2 and token.type == "tr_close":
                rows.append(row)
                row = None
        assert [len(r) for r in rows] == [4] * 4, (value, rows)
        name = report.milestones[0].milestone_name
        assert [r[0].removesuffix(" (overdue)") for r in rows[1:]] == [normal(name)] * 3, value


def csv_expected(text: str) -> str:
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def test_strategy_csv_neutralises_formulas(strategy_reports):
    from boo_cli.reports import strategy

    by_value, _ = strategy_reports
    for value, report in by_value.items():
        rows = list(csv.reader(io.StringIO(strategy.to_csv(report))))
        assert rows[0] == strategy.CSV_COLUMNS
        for row, m in zip(rows[1:], report.milestones, strict=True):
            assert row[0] == csv_expected(m.milestone_name), value
            assert row[5] == csv_expected(m.description or ""), value
            for cell in row:
                assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r"), (value, cell)


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (Decimal("-1.50"), "-1.50"),
        (-3, "-3"),
        (2.5, "2.5"),
        ("-2+3", "'-2+3"),
        ("\t=cmd", "'\t=cmd"),
        ("\r=cmd", "'\r=cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("a=b", "a=b"),
        (None, ""),
    ],
)
def test_a_csv_cell_is_text_that_cannot_start_a_formula_and_numbers_stay_numbers(value, cell):
    from boo_cli.reports.rendering import csv_cell

    assert csv_cell(value) == cell


DAYS = itertools.count(1)


def consultation_report(session, owner, value, *, cancelled=False):
    from boo_cli.reports.consultation import SessionReport

    when = NOW + timedelta(days=next(DAYS))
    c = consultations.book(session, owner, when=when.isoformat(), now=NOW, allow_overlap=True)
    note = None
    if cancelled:
        consultations.change_status(session, owner, c, ConsultationStatus.CANCELLED, reason=value)
    else:
        fields = consultations.NoteFields(
            summary=value, insights=[value], actions=[value], follow_up=True, internal=value
        )
        note = consultations.write_note(session, owner, c, fields)
    return SessionReport(c, note, zone="Europe/Berlin", today=TODAY, include_internal=True)


def test_consultation_markdown_keeps_hostile_notes_as_text(session, owner):
    from boo_cli.reports import consultation

    noted = seeded(session, owner, lambda v: consultation_report(session, owner, v), [*VALUES, BENIGN])
    check_markdown(lambda v: consultation.to_markdown(noted[v]), [v for v in noted if v != BENIGN])
    cancelled = seeded(
        session, owner, lambda v: consultation_report(session, owner, v, cancelled=True), [*VALUES, BENIGN]
    )
    check_markdown(lambda v: consultation.to_markdown(cancelled[v]), [v for v in cancelled if v != BENIGN])


def client_report(session, owner, value, *, titled: bool):
    from boo_cli.reports.consultation import SessionReport

    when = NOW + timedelta(days=next(DAYS))
    c = consultations.book(
        session,
        owner,
        when=when.isoformat(),
        now=NOW,
        allow_overlap=True,
        client=value,
        client_email="client@example.com",
        title=value if titled else None,
    )
    return SessionReport(c, None, zone="Europe/Berlin", today=TODAY)


@pytest.mark.parametrize("titled", [True, False], ids=["title", "client-in-heading"])
def test_consultation_markdown_keeps_a_hostile_client_and_title_as_text(session, owner, titled):
    from boo_cli.reports import consultation

    made = seeded(
        session, owner, lambda v: client_report(session, owner, v, titled=titled), [*VALUES, BENIGN]
    )
    assert len(made) > len(VALUES) // 2  # most values are stored, so the check below has teeth
    check_markdown(lambda v: consultation.to_markdown(made[v]), [v for v in made if v != BENIGN])


def test_only_http_links_become_links_in_the_session_summary():
    from boo_cli.reports.rendering import markdown_link

    assert markdown_link("https://meet.example.com/a") == "<https://meet.example.com/a>"
    for hostile in ("javascript:alert(1)", "https://x.example/<script>", "data:text/html,x", "https://a b"):
        md = markdown_link(hostile)
        for parser in parsers():
            tokens = list(walk(parser.parse(md)))
            assert not [t for t in tokens if t.type in {"link_open", "html_inline", "html_block"}], hostile
            assert normal(hostile) in inline_texts(tokens)


def test_the_calendar_round_trips_hostile_links(session, owner):
    from icalendar import Calendar

    from boo_cli.reports.consultation import to_ics

    booked = []
    for n, value in enumerate(VALUES):
        link = f"https://meet.example.com/{value}?q={value}"
        when = (NOW + timedelta(days=n + 1)).isoformat()
        c = stored(lambda v, when=when: consultations.book(session, owner, when=when, now=NOW, link=v), link)
        if c is not None:
            booked.append(c)
    assert len(booked) > 10
    calendar = Calendar.from_ical(to_ics(booked, now=NOW))
    events = calendar.walk("VEVENT")
    assert len(events) == len(booked)
    for event, c in zip(events, booked, strict=True):
        assert str(event["URL"]) == c.meeting_link
        assert str(event["LOCATION"]) == c.meeting_link
        assert str(event["SUMMARY"]) == "Strategy consultation"
        assert str(event["DESCRIPTION"]).endswith(f"\nJoin: {c.meeting_link}")


@pytest.fixture
def digest(session, owner):
    profile = profiles.add_profile(session, owner, name=BENIGN)
    plan = strategies.add_strategy(session, owner, profile, name=BENIGN, today=TODAY)
    strategies.add_milestone(session, owner, plan, name=BENIGN, target_date=TODAY - timedelta(days=3))
    strategies.add_milestone(session, owner, plan, name=BENIGN, target_date=TODAY + timedelta(days=3))
    bank = audit_bank.load_bank()
    answers = {q.id: 3 for q in bank.questions}
    audits.import_audit(session, owner, profile, bank, answers=answers, sections=("finance",), today=TODAY)
    row = newsletter.subscribe(session, owner, now=NOW - timedelta(days=10))
    built = newsletter.build_digest(session, owner, row, Library([], []), now=NOW)
    assert built.overdue and built.upcoming and built.audit
    return built


def digest_with(digest, value: str):
    """The digest with value wherever a user's text shows: their name, milestones, plans, business."""
    return dataclasses.replace(
        digest,
        user=SimpleNamespace(first_name=value),
        overdue=[(value, value, t) for _, _, t in digest.overdue],
        upcoming=[(value, value, t) for _, _, t in digest.upcoming],
        audit={**digest.audit, "business": value},
    )


def test_the_digest_keeps_hostile_names_as_text_in_markdown_html_and_plain_text(digest):
    from boo_cli.reports import digest as reports

    check_markdown(lambda v: reports.to_markdown(digest_with(digest, v)))
    check_html(lambda v: reports.to_html(digest_with(digest, v)))
    for value in VALUES:
        assert f"{value} ({value}), due" in reports.to_text(digest_with(digest, value))


def test_the_answers_template_stays_valid_toml_whatever_the_bank_says(bank):
    from boo_cli.reports.audit import answers_template

    for value in VALUES:
        hostile = dataclasses.replace(
            bank,
            title=value,
            sections=tuple(
                dataclasses.replace(
                    s,
                    title=value,
                    description=value,
                    questions=tuple(
                        dataclasses.replace(q, id=f"{s.id}.{value}{n}", text=value, scale=(value,) * 5)
                        for n, q in enumerate(s.questions)
                    ),
                )
                for s in bank.sections
            ),
        )
        text = answers_template(hostile, "toml")
        tomllib.loads(text)  # valid TOML, or this raises
        answers = audits.read_answers(text, source="answers.toml")
        assert answers == {q.id: "skip" for q in hostile.questions}, value


# --- the escaping itself, in every place a template puts a value -----------------------------------

CONTEXTS = {
    "paragraph": "{}\n",
    "mid-line": "Before {} after\n",
    "list item": "- {}\n- two\n",
    "heading": "# Title: {}\n",
    "after a hard break": "**Label:** x  \n{}\n",
    "table cell": "| a | b |\n| --- | --- |\n| {} | z |\n",
}
PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(PUNCTUATION + " \t\n\r1a\u00a0"), max_size=10).filter(normal))
def test_inline_markdown_renders_to_its_text_wherever_it_stands(text):
    """(Blank text is left out: the services store none.)"""
    from boo_cli.reports.rendering import markdown_block, markdown_text

    for context in CONTEXTS.values():
        problems = markdown_problems(context.format(markdown_text(text)), context.format(BENIGN), text)
        assert not problems, (context, problems)
    doc = f"Intro\n\n{markdown_block(text)}\n\nOutro\n"
    for md in parsers():
        tokens = md.parse(doc)
        assert {t.type for t in tokens} <= {"paragraph_open", "paragraph_close", "inline"}, doc
        assert normal(text) in normal(" ".join(inline_texts(tokens)))


@pytest.mark.parametrize("text", ["|\n:-", "-:", "a|b\n-|-", "x\n|-|", "a|b\n:-:|---", "| a |\n| --- |"])
def test_lines_that_look_like_a_table_delimiter_stay_text(text):
    """Found by the property test: a line of dashes and colons under a line with a pipe made a table."""
    from markdown_it import MarkdownIt

    from boo_cli.reports.rendering import markdown_block

    for options in ({}, {"html": True}):
        tokens = MarkdownIt("commonmark", options).enable("table").parse(str(markdown_block(text)))
        assert not [t.type for t in tokens if t.type.startswith(("table", "thead", "tr"))]
