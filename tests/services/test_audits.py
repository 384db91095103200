"""Audits: the question bank's rules, scoring by hand, recommendations, answers files, storage on both
backends, naming, comparison, trend, plans and isolation."""

from __future__ import annotations

import copy
import dataclasses
import json
import tomllib
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from boo_cli.errors import Conflict, Invalid, NotAllowed, NotFound
from boo_cli.models import BusinessAudit
from boo_cli.models.audits import AuditStatus
from boo_cli.services import accounts, audit_bank, audits, profiles, strategies
from boo_cli.services.audit_bank import (
    BankError,
    Question,
    Section,
    band_name,
    check_answer,
    load_bank,
    overall_score,
    parse_bank,
    recommendations,
    resource_titles,
    section_score,
)
from tests.conftest import PASSWORD

TODAY = date(2026, 3, 2)
ALL = audit_bank.SECTION_IDS


@pytest.fixture
def bank():
    return load_bank()


def raw_bank() -> dict:
    return tomllib.loads(audit_bank.bank_path().read_text(encoding="utf-8"))


def q(qid: str, weight: str, allow_na: bool = False) -> Question:
    return Question(
        qid, qid.split(".")[0], qid, None, Fraction(weight), allow_na, ("a", "b", "c", "d", "e"), ()
    )


# --- the bank ---------------------------------------------------------------------------------


def test_the_bundled_bank_loads_with_four_sections_of_eight_to_twelve_questions(bank):
    assert [s.id for s in bank.sections] == list(ALL)
    assert all(8 <= len(s.questions) <= 12 for s in bank.sections)
    assert len({q.id for q in bank.questions}) == len(bank.questions)
    assert all(len(q.scale) == 5 for q in bank.questions)
    assert bank.version


def test_every_recommendation_names_a_bundled_resource_with_a_title(bank):
    titles = resource_titles()
    named = {r.resource for q in bank.questions for r in q.rules if r.resource}
    assert named <= set(titles)
    assert titles["backups-and-continuity"] == "Backups and business continuity"
    assert titles["cash-flow-13-week"] == "13-week cash-flow forecast"  # CSV front matter too


def break_first_question(data, **changes):
    data["sections"][0]["questions"][0].update(changes)
    return data


def break_first_rule(data, **changes):
    data["sections"][0]["questions"][0]["recommendations"][0].update(changes)
    return data


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        (lambda d: d.pop("version"), "'version'"),
        (lambda d: d.update(version="x" * 21), "longer than 20"),
        (lambda d: d["sections"].reverse(), "exactly"),
        (lambda d: d["sections"].pop(), "exactly"),
        (lambda d: d["sections"][0].update(questions=d["sections"][0]["questions"][:7]), "8 to 12"),
        (lambda d: break_first_question(d, scale=["a", "b", "c", "d"]), "scale of 5"),
        (lambda d: break_first_question(d, scale=["a", "b", "", "d", "e"]), "scale of 5"),
        (lambda d: break_first_question(d, weight=0), "weight"),
        (lambda d: break_first_question(d, weight="heavy"), "weight"),
        (lambda d: break_first_question(d, allow_na="yes"), "allow_na"),
        (lambda d: break_first_question(d, id="written-procedures"), "must be 'operations."),
        (lambda d: break_first_question(d, text=""), "'text'"),
        (lambda d: break_first_question(d, id=d["sections"][0]["questions"][1]["id"]), "appears twice"),
        (lambda d: break_first_rule(d, when_at_most=5), "when_at_most"),
        (lambda d: break_first_rule(d, when_at_most=0), "when_at_most"),
        (lambda d: break_first_rule(d, impact="huge"), "impact"),
        (lambda d: break_first_rule(d, effort="none"), "effort"),
        (lambda d: break_first_rule(d, resource="no-such-guide"), "not a bundled resource"),
        (lambda d: break_first_rule(d, first_step=" "), "'first_step'"),
    ],
)
def test_a_malformed_bank_is_refused_with_what_is_wrong(damage, words):
    data = copy.deepcopy(raw_bank())
    damage(data)
    with pytest.raises(BankError, match=words):
        parse_bank(data, resource_titles())


# --- scoring ----------------------------------------------------------------------------------


def test_section_score_weights_answers_and_leaves_out_na_and_skips():
    section = Section(
        "operations",
        "Operations",
        Fraction(1),
        "",
        (
            q("operations.a", "2"),
            q("operations.b", "1"),
            q("operations.c", "1.5", True),
            q("operations.d", "1"),
        ),
    )
    # 10 * (2*(5-1) + 1*(2-1)) / (4 * (2 + 1)) = 90 / 12 = 7.5; c is n/a, d skipped, neither counts.
    answers = {"operations.a": 5, "operations.b": 2, "operations.c": "na", "operations.d": None}
    assert section_score(section, answers) == Decimal("7.50")


def test_scores_round_half_up_to_two_places():
    section = Section("finance", "Finance", Fraction(1), "", (q("finance.a", "1.5"), q("finance.b", "0.5")))
    # 10 * (1.5*2 + 0.5*3) / (4 * 2) = 45 / 8 = 5.625: half up gives 5.63 (half even would give 5.62).
    assert section_score(section, {"finance.a": 3, "finance.b": 4}) == Decimal("5.63")


def test_a_section_with_nothing_answered_has_no_score():
    section = Section("finance", "Finance", Fraction(1), "", (q("finance.a", "1", True),))
    assert section_score(section, {}) is None
    assert section_score(section, {"finance.a": "na"}) is None


def test_overall_is_the_section_weighted_mean_of_the_stored_section_scores(bank):
    weighted = dataclasses.replace(
        bank,
        sections=tuple(
            dataclasses.replace(s, weight=Fraction(2)) if s.id == "finance" else s for s in bank.sections
        ),
    )
    scores = {
        "operations": Decimal("7.50"),
        "marketing": None,
        "finance": Decimal("5.63"),
        "technology": None,
    }
    # (1 * 7.50 + 2 * 5.63) / 3 = 18.76 / 3 = 6.2533...
    assert overall_score(weighted, scores) == Decimal("6.25")
    assert overall_score(weighted, dict.fromkeys(ALL)) is None


def test_the_real_bank_scores_by_hand(bank):
    # operations: written-procedures (weight 1.5) = 5, holiday-cover (1.5) = 1, suppliers n/a:
    # 10 * (1.5*4 + 1.5*0) / (4 * 3) = 5.00. finance: cash-flow-forecast (2.0) = 4 -> 7.50.
    answers = {
        "operations.written-procedures": 5,
        "operations.holiday-cover": 1,
        "operations.suppliers": "na",
        "finance.cash-flow-forecast": 4,
    }
    scores = audit_bank.score(bank, answers)
    assert scores.sections == {
        "operations": Decimal("5.00"),
        "marketing": None,
        "finance": Decimal("7.50"),
        "technology": None,
    }
    assert scores.overall == Decimal("6.25")  # (5.00 + 7.50) / 2
    every = {q.id: 5 for q in bank.questions}
    assert audit_bank.score(bank, every).overall == Decimal("10.00")
    assert audit_bank.score(bank, dict.fromkeys(every, 1)).overall == Decimal("0.00")


@pytest.mark.parametrize(
    ("score", "band"),
    [
        ("0", "critical"),
        ("3.99", "critical"),
        ("4.00", "weak"),
        ("5.99", "weak"),
        ("6", "fair"),
        ("7.99", "fair"),
        ("8.00", "strong"),
        ("10", "strong"),
    ],
)
def test_bands_have_one_definition_with_lower_bounds_inclusive(score, band):
    assert band_name(Decimal(score)) == band


def test_bands_described_in_words():
    assert audit_bank.describe_bands() == (
        "critical below 4, weak 4 to under 6, fair 6 to under 8, strong 8 and above"
    )
    assert band_name(None) is None


# --- recommendations --------------------------------------------------------------------------


def test_recommendations_rank_by_impact_then_effort_then_weight(bank):
    answers = {
        "technology.passwords-and-2fa": 3,  # high impact, high effort
        "operations.client-onboarding": 3,  # high, medium
        "finance.paying-yourself": 2,  # medium, low
        "marketing.positioning": 3,  # high, low, weight 1.0
        "technology.backups": 3,  # high, low, weight 2.0
        "finance.separate-accounts": 4,  # above every rule: nothing
    }
    recs = recommendations(bank, answers)
    assert [r["title"] for r in recs] == [
        "Test restoring a file from your backup",
        "Write a one-sentence statement of what you do and for whom",
        "Build a new-client checklist and welcome email",
        "Move all your passwords into a password manager",
        "Pay yourself a fixed amount on a fixed date",
    ]
    assert [r["rank"] for r in recs] == [1, 2, 3, 4, 5]
    first = recs[0]
    assert (first["why"], first["first_step"]) != ("", "")
    assert (first["resource"], first["resource_title"]) == (
        "backups-and-continuity",
        "Backups and business continuity",
    )
    assert first["answer_label"] == "Automatic backup to one place, never tested"


def test_a_low_answer_fires_every_rule_at_or_above_it(bank):
    recs = recommendations(bank, {"technology.backups": 1})
    assert [r["title"] for r in recs] == [
        "Set up automatic backups of your work files",
        "Test restoring a file from your backup",
    ]
    assert recommendations(bank, {"technology.backups": "na", "finance.paying-yourself": None}) == []


# --- answers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "stored"),
    [(1, 1), (5, 5), (None, None), ("skip", None), ("SKIP", None), ("na", "na"), ("N/A", "na")],
)
def test_accepted_answers(bank, value, stored):
    assert check_answer(bank.question("operations.suppliers"), value) == stored


@pytest.mark.parametrize("value", [0, 6, -1, "3", 3.0, True, [3], "maybe"])
def test_refused_answers_name_the_question(bank, value):
    with pytest.raises(Invalid, match=r"operations\.suppliers"):
        check_answer(bank.question("operations.suppliers"), value)


def test_na_only_where_the_bank_allows_it(bank):
    with pytest.raises(Invalid, match="'na' is not allowed"):
        check_answer(bank.question("operations.written-procedures"), "na")


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ('operations.written-procedures = 3\n"finance.tax-set-aside" = "na"', "a.toml"),
        ('[operations]\nwritten-procedures = 3\n[finance]\ntax-set-aside = "na"', "a.toml"),
        ('{"operations.written-procedures": 3, "finance.tax-set-aside": "na"}', "a.json"),
        ('{"operations": {"written-procedures": 3}, "finance": {"tax-set-aside": "na"}}', "standard input"),
    ],
)
def test_answers_files_read_flat_or_nested_in_toml_or_json(text, source):
    assert audits.read_answers(text, source=source) == {
        "operations.written-procedures": 3,
        "finance.tax-set-aside": "na",
    }


@pytest.mark.parametrize(
    ("text", "source", "words"),
    [
        ("operations.written-procedures = ", "a.toml", "not valid TOML"),
        ('{"operations.written-procedures": 3', "a.json", "not valid JSON"),
        ("[1, 2, 3]", "a.json", "must hold a table"),
        ("just words", "standard input", "not valid TOML"),
    ],
)
def test_malformed_answers_files_are_usage_errors(text, source, words):
    with pytest.raises(Invalid, match=words) as caught:
        audits.read_answers(text, source=source)
    assert caught.value.field == "--answers"


answer_values = st.one_of(
    st.none(), st.booleans(), st.integers(-10, 10), st.floats(allow_nan=True), st.text(max_size=10)
)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    text=st.one_of(
        st.text(max_size=300),
        st.dictionaries(st.text(max_size=40), answer_values, max_size=8).map(json.dumps),
        st.just("[" * 5000),
        st.just("a = " + "[" * 5000),
    ),
    source=st.sampled_from(["a.toml", "a.json", "standard input"]),
)
def test_any_answers_file_is_read_or_refused_as_a_usage_error(text, source):
    bank = load_bank()
    try:
        raw = audits.read_answers(text, source=source)
        checked = audits.check_answers(bank, raw, ALL)
    except Invalid as exc:
        assert exc.exit_code == 2
        return
    assert set(checked) <= {q.id for q in bank.questions}


def test_check_answers_names_the_first_problem_and_counts_the_rest(bank):
    raw = {"operations.capacity-planing": 3, "operations.workload": 7, "finance.tax-set-aside": 2}
    with pytest.raises(Invalid) as caught:
        audits.check_answers(bank, raw, ALL)
    message = str(caught.value)
    assert "operations.capacity-planing" in message
    assert "and 1 more" in message
    assert "Did you mean operations.capacity-planning?" in message


def test_check_answers_keeps_to_the_chosen_sections_and_needs_one_answer(bank):
    with pytest.raises(Invalid, match="not in --section"):
        audits.check_answers(bank, {"finance.tax-set-aside": 2}, ("operations",))
    with pytest.raises(Invalid, match="answers no question"):
        audits.check_answers(bank, {"finance.tax-set-aside": "skip"}, ALL)


def test_unknown_sections_are_refused():
    assert audits.choose_sections(["Finance", "operations"]) == ("operations", "finance")
    assert audits.choose_sections(None) == ALL
    with pytest.raises(Invalid, match="--section"):
        audits.choose_sections(["sales"])


# --- storage (both backends) ------------------------------------------------------------------


@pytest.fixture
def business(session, owner):
    return profiles.add_profile(session, owner, name="Olive Oils")


def everything(bank, answers, sections=ALL) -> dict:
    """Every question of the sections answered (so the audit is finished): the given answers, and 5,
    which triggers no advice, for the rest."""
    return {**{q.id: 5 for q in audits.audit_questions(bank, sections)}, **answers}


def take(session, owner, business, bank, answers, *, today=TODAY, sections=ALL, finished=True):
    if finished:
        answers = everything(bank, answers, sections)
    return audits.import_audit(
        session, owner, business, bank, answers=answers, sections=sections, today=today
    )


def test_a_partial_import_is_kept_in_progress_with_its_answers_scores_and_what_is_missing(
    session, owner, business, bank
):
    answers = {
        "operations.written-procedures": 5,
        "operations.holiday-cover": 1,
        "operations.suppliers": "na",
        "finance.tax-set-aside": None,  # "skip": seen, yet a required question without an answer
    }
    audit = take(session, owner, business, bank, answers, finished=False)
    session.commit()
    session.expunge_all()
    stored = session.get(BusinessAudit, audit.id)
    assert stored.status == AuditStatus.IN_PROGRESS and not stored.finished
    assert stored.completed_at is None
    assert stored.answers == answers  # nothing made up for the questions the file left out
    missing = audits.missing_answers(bank, stored)
    assert len(missing) == 37 and "finance.tax-set-aside" in missing
    assert "operations.suppliers" not in missing  # "na" answers a question that allows it
    assert missing == [q.id for q in bank.questions if q.id in missing]  # bank order
    assert (stored.operations_score, stored.finance_score, stored.overall_score) == (
        Decimal("5.00"),
        None,
        Decimal("5.00"),
    )
    assert [r["title"] for r in stored.recommendations] == [
        "Write a one-page plan for when you are out of action",
        "Agree a stand-in arrangement with a peer",
    ]
    assert audits.unfinished_audit(session, owner, business).id == audit.id
    assert audits.finished_audits(session, owner, business) == []
    with pytest.raises(NotFound, match="no finished audit"):
        audits.get_audit(session, owner, "latest", business)
    with pytest.raises(Conflict, match="not finished"):
        audits.propose_plan(session, owner, stored, bank, top=3)
    with pytest.raises(Conflict, match="37 unanswered questions"):
        audits.complete_audit(session, owner, stored, bank, today=TODAY)


def test_a_complete_import_is_finished_at_once(session, owner, business, bank):
    audit = take(session, owner, business, bank, {"operations.suppliers": "na"})
    assert audit.status == AuditStatus.COMPLETED and audit.completed_at is not None
    assert audits.missing_answers(bank, audit) == []
    assert audits.get_audit(session, owner, "latest", business).id == audit.id


def test_answers_are_saved_one_by_one_and_the_audit_finishes_when_all_required_are_answered(
    session, owner, business, bank
):
    audit = audits.start_audit(session, owner, business, bank, sections=("finance",), today=TODAY)
    questions = audits.audit_questions(bank, audit.sections)
    assert audits.pending_questions(bank, audit) == questions
    audits.record_answer(session, owner, audit, bank, questions[0].id, 4)
    audits.record_answer(session, owner, audit, bank, questions[1].id, None)
    assert audits.pending_questions(bank, audit) == questions[1:]  # a skipped question is asked again
    assert audit.finance_score == Decimal("7.50")
    assert audit.operations_score is None
    with pytest.raises(Conflict, match="unanswered"):
        audits.complete_audit(session, owner, audit, bank, today=TODAY)
    with pytest.raises(Invalid, match="no such question"):
        audits.record_answer(session, owner, audit, bank, "operations.workload", 3)
    for question in questions[2:]:
        audits.record_answer(session, owner, audit, bank, question.id, 5)
    with pytest.raises(Conflict, match=f"has 1 unanswered question: {questions[1].id}\\."):
        audits.complete_audit(session, owner, audit, bank, today=TODAY)  # every one seen is not enough
    audits.record_answer(session, owner, audit, bank, questions[1].id, 2)
    assert audits.pending_questions(bank, audit) == []
    audits.complete_audit(session, owner, audit, bank, today=date(2026, 3, 9))
    assert (audit.status, audit.audit_date) == (AuditStatus.COMPLETED, date(2026, 3, 9))
    with pytest.raises(Conflict, match="finished"):
        audits.record_answer(session, owner, audit, bank, questions[0].id, 1)


def test_an_optional_question_may_stay_skipped_and_na_counts_only_where_allowed(bank):
    optional = dataclasses.replace(bank.question("finance.tax-set-aside"), required=False)
    sections = tuple(
        dataclasses.replace(s, questions=tuple(optional if q.id == optional.id else q for q in s.questions))
        for s in bank.sections
    )
    relaxed = dataclasses.replace(bank, sections=sections)
    audit = BusinessAudit(sections=["finance"], answers=everything(bank, {}, ("finance",)))
    del audit.answers["finance.tax-set-aside"]
    assert audits.missing_answers(bank, audit) == ["finance.tax-set-aside"]
    assert audits.missing_answers(relaxed, audit) == []
    audit.answers = {**audit.answers, "finance.tax-set-aside": None}  # skipped
    assert audits.missing_answers(bank, audit) == ["finance.tax-set-aside"]
    assert audits.missing_answers(relaxed, audit) == []
    assert audits.pending_questions(relaxed, audit) == []
    with pytest.raises(Invalid, match="'na' is not allowed"):
        check_answer(bank.question("finance.tax-set-aside"), "na")


def test_the_bank_says_which_questions_are_optional_and_nothing_else(bank):
    assert all(q.required for q in bank.questions)  # the bundled bank: every question is required
    data = raw_bank()
    data["sections"][2]["questions"][0]["required"] = False
    assert not parse_bank(data, resource_titles()).sections[2].questions[0].required
    data["sections"][2]["questions"][0]["required"] = "no"
    with pytest.raises(BankError, match="required must be true or false"):
        parse_bank(data, resource_titles())


def test_an_incomplete_audit_is_neither_resumed_nor_finished(session, owner, business, bank):
    audit = take(session, owner, business, bank, {"finance.tax-set-aside": 2}, finished=False)
    audit.status = AuditStatus.INCOMPLETE  # what revision 0010 makes of an old, wrongly finished audit
    session.flush()
    assert audits.unfinished_audit(session, owner, business) is None
    with pytest.raises(Conflict, match="incomplete"):
        audits.record_answer(session, owner, audit, bank, "finance.pricing-review", 3)
    with pytest.raises(Conflict, match="incomplete"):
        audits.complete_audit(session, owner, audit, bank, today=TODAY)
    assert audits.list_audits(session, owner, business).rows == [audit]
    assert audits.finished_audits(session, owner, business) == []
    fresh = audits.start_audit(session, owner, business, bank, sections=ALL, today=TODAY)
    assert audits.unfinished_audit(session, owner, business).id == fresh.id


def test_a_second_unfinished_audit_is_refused_by_the_service_and_the_database(session, owner, business, bank):
    first = audits.start_audit(session, owner, business, bank, sections=ALL, today=TODAY)
    with pytest.raises(Conflict, match="boo audit resume"):
        audits.start_audit(session, owner, business, bank, sections=ALL, today=TODAY)
    with pytest.raises(Conflict, match="unfinished audit"):
        take(session, owner, business, bank, {"finance.tax-set-aside": 2})
    session.commit()
    session.add(
        BusinessAudit(business_profile_id=business.id, audit_date=TODAY, status=AuditStatus.IN_PROGRESS)
    )
    with pytest.raises(sa.exc.IntegrityError):
        session.flush()
    session.rollback()
    assert audits.unfinished_audit(session, owner, business).id == first.id


def test_two_starts_racing_end_in_a_conflict_not_a_crash(session, owner, business, bank, monkeypatch):
    audits.start_audit(session, owner, business, bank, sections=ALL, today=TODAY)
    session.commit()
    monkeypatch.setattr(audits, "unfinished_audit", lambda *args: None)  # both passed the check
    with pytest.raises(Conflict, match="same moment"):
        audits.start_audit(session, owner, business, bank, sections=ALL, today=TODAY)
    session.rollback()


def test_an_audit_from_another_bank_version_cannot_be_continued(session, owner, business, bank):
    audit = audits.start_audit(session, owner, business, bank, sections=ALL, today=TODAY)
    audit.bank_version = "2001.1"
    with pytest.raises(Conflict, match=r"bank 2001\.1"):
        audits.record_answer(session, owner, audit, bank, "finance.tax-set-aside", 2)


def test_audits_are_named_by_latest_previous_date_id_and_prefix(session, owner, business, bank):
    older = take(session, owner, business, bank, {"finance.tax-set-aside": 2}, today=date(2026, 1, 5))
    newer = take(session, owner, business, bank, {"finance.tax-set-aside": 4}, today=TODAY)
    assert audits.get_audit(session, owner, "latest", business).id == newer.id
    assert audits.get_audit(session, owner, "previous", business).id == older.id
    assert audits.get_audit(session, owner, "2026-01-05", business).id == older.id
    assert audits.get_audit(session, owner, str(older.id), business).id == older.id
    assert audits.get_audit(session, owner, str(older.id), None).id == older.id  # a full id needs no business
    assert audits.get_audit(session, owner, str(newer.id)[:8], business).id == newer.id
    assert audits.previous_of(session, owner, newer).id == older.id
    assert audits.previous_of(session, owner, older) is None
    with pytest.raises(NotFound):
        audits.get_audit(session, owner, "2025-12-31", business)
    with pytest.raises(Invalid):
        audits.get_audit(session, owner, "2026-02-30", business)


def test_compare_and_trend_follow_the_scores(session, owner, business, bank):
    covered = ("finance", "technology")
    first = take(
        session,
        owner,
        business,
        bank,
        {"finance.tax-set-aside": 2, "technology.backups": 1},
        sections=covered,
    )
    second = take(
        session,
        owner,
        business,
        bank,
        {"finance.tax-set-aside": 4, "technology.backups": 1},
        sections=covered,
    )
    result = audits.compare_audits(bank, first, second)
    by_area = {a.area: a for a in result.areas}
    assert (by_area["finance"].before, by_area["finance"].score, by_area["finance"].delta) == (
        Decimal("9.20"),
        Decimal("9.73"),
        Decimal("0.53"),
    )
    assert by_area["technology"].delta == Decimal("0.00")
    assert by_area["operations"].delta is None
    assert [(c.question, c.before, c.after) for c in result.changes] == [("finance.tax-set-aside", 2, 4)]
    found = audits.trend(session, owner, business, bank)
    assert [a.id for a in found.audits] == [first.id, second.id]
    assert dict((k, v) for k, _, v in found.areas)["finance"] == [Decimal("9.20"), Decimal("9.73")]
    latest = audits.trend(session, owner, business, bank, last=1)  # the latest, however many there are
    assert [a.id for a in latest.audits] == [second.id]


def test_plan_turns_the_weakest_sections_advice_into_draft_strategies_once(session, owner, business, bank):
    answers = {
        "finance.cash-flow-forecast": 1,
        "technology.backups": 3,
        "operations.capacity-planning": 2,
    }  # every other question 5
    audit = take(session, owner, business, bank, answers)
    weakest_first = ("finance", "technology", "operations")
    assert [audit.score_of(s) for s in weakest_first] == [Decimal("8.57"), Decimal("9.20"), Decimal("9.25")]
    proposals = audits.propose_plan(session, owner, audit, bank, top=3)
    assert [(p.section, p.name) for p in proposals] == [
        ("Finance", "List what comes in and goes out over the next month"),
        ("Technology", "Test restoring a file from your backup"),
        ("Operations", "Set a weekly limit on billable hours"),
    ]
    created = audits.create_plan(session, owner, business, proposals, today=TODAY)
    assert [s.status.value for s in created] == ["draft"] * 3
    cash = created[0]
    assert cash.priority.value == "high" and cash.due_date == date(2026, 4, 2)
    assert cash.resources_required == [
        {"name": "Cash flow basics for a one-person business", "value": "cash-flow-basics"}
    ]
    milestones = strategies.milestones_of(session, owner, cash)
    assert [(m.milestone_name, m.target_date) for m in milestones] == [
        ("Take the first step", date(2026, 3, 9)),
        ("Check the result", date(2026, 4, 2)),
    ]
    again = audits.propose_plan(session, owner, audit, bank, top=4)
    assert [p.already_planned for p in again] == [True, True, True, False]
    assert again[3].name == "Build a rolling 13-week cash forecast"
    with pytest.raises(Invalid, match="--top"):
        audits.propose_plan(session, owner, audit, bank, top=0)


def test_another_user_reaches_none_of_the_owners_audits(session, owner, business, bank):
    audit = take(session, owner, business, bank, {"finance.tax-set-aside": 2})
    other = accounts.create_user(
        session,
        email="eve@example.com",
        first_name="Eve",
        last_name="Else",
        password=PASSWORD,
        timezone="UTC",
    )
    theirs = profiles.add_profile(session, other, name="Eve's Shop")
    for ref in (str(audit.id), str(audit.id)[:8]):
        for where in (theirs, business):  # even given the owner's business
            with pytest.raises(NotFound, match="no audit named"):
                audits.get_audit(session, other, ref, where)
    with pytest.raises(NotFound):
        audits.get_audit_by_id(session, other, audit.id)
    with pytest.raises(NotFound):
        audits.get_audit(session, other, "latest", theirs)
    assert audits.list_audits(session, other, theirs).rows == []
    assert audits.list_audits(session, other, business).rows == []  # even given the owner's business
    with pytest.raises(NotAllowed):
        audits.start_audit(session, other, business, bank, sections=ALL, today=TODAY)
