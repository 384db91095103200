"""The audit question bank (package data, not code) and the scoring rules that read it.

Scoring, defined once here:
- an answer runs from 1 (worst) to 5 (best); "na" (not applicable) and skipped questions count for
  nothing, neither for nor against;
- a section scores 10 * sum(w * (a - 1) / 4) / sum(w) over its answered questions (w the question's
  weight), so all 1s give 0 and all 5s give 10; a section with no answers has no score;
- the overall score is the mean of the section scores, weighted by the sections' weights, over the
  sections that have a score. It is taken from the stored, two-decimal section scores, so anyone can
  recompute it from the score table;
- scores are rounded half up to two decimals.

The bank is checked when it is loaded: a bank that breaks a rule below is a bug in boo, reported as
BankError, never half used.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import cache
from importlib import resources
from typing import Any

from boo_cli.errors import BooError, Invalid

SECTION_IDS = ("operations", "marketing", "finance", "technology")  # one score column each
SCALE_POINTS = 5
QUESTIONS_PER_SECTION = range(8, 13)
IMPACTS = ("high", "medium", "low")  # ranking order: high impact first
EFFORTS = ("low", "medium", "high")  # then low effort first
NA = "na"
SKIP = "skip"
TWO_PLACES = Decimal("0.01")

Answer = int | str | None  # 1..5, "na", or None for a question seen and skipped


class BankError(BooError):
    """The bundled question bank breaks its own rules: a bug in boo, not in the user's input."""


# --- score bands ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    name: str
    below: Decimal | None  # the score this band stops at (None: up to 10)
    colour: str  # a colour name terminals understand; reports use the name only


BANDS = (
    Band("critical", Decimal(4), "red"),
    Band("weak", Decimal(6), "dark_orange"),
    Band("fair", Decimal(8), "yellow"),
    Band("strong", None, "green"),
)


def band_of(score: Decimal | None) -> Band | None:
    if score is None:
        return None
    return next(b for b in BANDS if b.below is None or score < b.below)


def band_name(score: Decimal | None) -> str | None:
    band = band_of(score)
    return band.name if band else None


def describe_bands() -> str:
    """critical below 4, weak 4 to 6, …: the bands in words, for reports and help."""
    parts, low = [], Decimal(0)
    for b in BANDS:
        if b.below is None:
            parts.append(f"{b.name} {low:g} and above")
        elif low == 0:
            parts.append(f"{b.name} below {b.below:g}")
        else:
            parts.append(f"{b.name} {low:g} to under {b.below:g}")
        low = b.below or low
    return ", ".join(parts)


# --- the bank ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    when_at_most: int
    title: str
    why: str
    first_step: str
    impact: str
    effort: str
    resource: str | None


@dataclass(frozen=True)
class Question:
    id: str
    section: str
    text: str
    help: str | None
    weight: Fraction
    allow_na: bool
    scale: tuple[str, ...]
    rules: tuple[Rule, ...]
    required: bool = True  # an optional question (required = false) may stay skipped in a finished audit

    def label(self, answer: Answer) -> str:
        if answer == NA:
            return "not applicable"
        if isinstance(answer, int):
            return self.scale[answer - 1]
        return "skipped"


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    weight: Fraction
    description: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Bank:
    version: str
    title: str
    sections: tuple[Section, ...]

    def section(self, section_id: str) -> Section:
        return next(s for s in self.sections if s.id == section_id)

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for s in self.sections for q in s.questions)

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def position(self, question_id: str) -> int:
        """Where a question stands in the bank (for stable ordering)."""
        ids = [q.id for q in self.questions]
        return ids.index(question_id) if question_id in ids else len(ids)


def bank_path():
    return resources.files("boo_cli") / "data" / "audit" / "questions.toml"


@cache
def load_bank() -> Bank:
    """The bundled bank, read and checked once per process."""
    try:
        data = tomllib.loads(bank_path().read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise BankError(f"the audit question bank cannot be read: {exc}") from exc
    return parse_bank(data, resource_titles())


def parse_bank(data: Mapping[str, Any], known_resources: Mapping[str, str]) -> Bank:
    """A Bank from the TOML's data, or BankError naming the first thing wrong with it."""
    version = _text(data, "version", "the bank")
    if len(version) > 20:
        raise BankError(f"the bank's version {version!r} is longer than 20 characters")
    sections = [_section(s, known_resources) for s in _list(data, "sections", "the bank")]
    found = tuple(s.id for s in sections)
    if found != SECTION_IDS:
        raise BankError(f"the bank's sections are {found}; boo scores exactly {SECTION_IDS}, in that order")
    seen: set[str] = set()
    for question in (q for s in sections for q in s.questions):
        if question.id in seen:
            raise BankError(f"question id {question.id!r} appears twice in the bank")
        seen.add(question.id)
    return Bank(version=version, title=_text(data, "title", "the bank"), sections=tuple(sections))


def _section(data: Any, known_resources: Mapping[str, str]) -> Section:
    if not isinstance(data, Mapping):
        raise BankError("every entry of [[sections]] must be a table")
    sid = _text(data, "id", "a section")
    questions = tuple(_question(q, sid, known_resources) for q in _list(data, "questions", sid))
    if len(questions) not in QUESTIONS_PER_SECTION:
        raise BankError(
            f"section {sid!r} has {len(questions)} questions; it needs "
            f"{QUESTIONS_PER_SECTION.start} to {QUESTIONS_PER_SECTION.stop - 1}"
        )
    return Section(
        id=sid,
        title=_text(data, "title", sid),
        weight=_weight(data, sid),
        description=_text(data, "description", sid),
        questions=questions,
    )


def _question(data: Any, section: str, known_resources: Mapping[str, str]) -> Question:
    if not isinstance(data, Mapping):
        raise BankError(f"every question of section {section!r} must be a table")
    qid = _text(data, "id", f"a question of {section!r}")
    if not qid.startswith(f"{section}.") or qid.count(".") != 1:
        raise BankError(f"question id {qid!r} must be '{section}.<name>'")
    scale = data.get("scale")
    if (
        not isinstance(scale, list)
        or len(scale) != SCALE_POINTS
        or not all(isinstance(p, str) and p.strip() for p in scale)
    ):
        raise BankError(f"question {qid!r} needs a scale of {SCALE_POINTS} described points")
    allow_na = data.get("allow_na", False)
    if not isinstance(allow_na, bool):
        raise BankError(f"question {qid!r}: allow_na must be true or false")
    required = data.get("required", True)
    if not isinstance(required, bool):
        raise BankError(f"question {qid!r}: required must be true or false")
    help_text = data.get("help")
    if help_text is not None and not (isinstance(help_text, str) and help_text.strip()):
        raise BankError(f"question {qid!r}: help must be text")
    rules = tuple(_rule(r, qid, known_resources) for r in data.get("recommendations", []))
    return Question(
        id=qid,
        section=section,
        text=_text(data, "text", qid),
        help=help_text,
        weight=_weight(data, qid),
        allow_na=allow_na,
        scale=tuple(scale),
        rules=rules,
        required=required,
    )


def _rule(data: Any, qid: str, known_resources: Mapping[str, str]) -> Rule:
    if not isinstance(data, Mapping):
        raise BankError(f"question {qid!r}: every recommendation must be a table")
    at_most = data.get("when_at_most")
    # 5 would fire on every answer, which is advice for everyone rather than a finding.
    if not isinstance(at_most, int) or isinstance(at_most, bool) or not 1 <= at_most < SCALE_POINTS:
        raise BankError(f"question {qid!r}: when_at_most must be a whole number from 1 to {SCALE_POINTS - 1}")
    impact, effort = data.get("impact"), data.get("effort")
    if impact not in IMPACTS:
        raise BankError(f"question {qid!r}: impact {impact!r} is not one of {', '.join(IMPACTS)}")
    if effort not in EFFORTS:
        raise BankError(f"question {qid!r}: effort {effort!r} is not one of {', '.join(EFFORTS)}")
    resource = data.get("resource")
    if resource is not None and resource not in known_resources:
        raise BankError(f"question {qid!r}: resource {resource!r} is not a bundled resource")
    return Rule(
        when_at_most=at_most,
        title=_text(data, "title", qid),
        why=_text(data, "why", qid),
        first_step=_text(data, "first_step", qid),
        impact=impact,
        effort=effort,
        resource=resource,
    )


def _text(data: Mapping[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise BankError(f"{where}: {key!r} must be non-empty text")
    return value.strip()


def _list(data: Mapping[str, Any], key: str, where: str) -> list[Any]:
    value = data.get(key)
    if not isinstance(value, list) or not value:
        raise BankError(f"{where}: {key!r} must be a non-empty list")
    return value


def _weight(data: Mapping[str, Any], where: str) -> Fraction:
    value = data.get("weight")
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 10:
        raise BankError(f"{where}: weight must be a number above 0 and at most 10")
    return Fraction(str(value))  # str(): 1.5 stays exactly 3/2, not the nearest binary float


# --- bundled resources (front matter only) ----------------------------------------------------


@cache
def resource_titles() -> dict[str, str]:
    """Slug → title of every bundled resource, read from the TOML front matter between `+++` lines."""
    folder = resources.files("boo_cli") / "data" / "resources"
    titles = {}
    for entry in folder.iterdir():
        if not entry.name.endswith((".md", ".csv")):
            continue
        meta = _front_matter(entry)
        slug = meta.get("slug") or entry.name.rsplit(".", 1)[0]
        titles[str(slug)] = str(meta.get("title") or slug)
    return titles


def _front_matter(entry) -> dict[str, Any]:
    lines: list[str] = []
    with entry.open("r", encoding="utf-8") as handle:
        if handle.readline().strip() != "+++":
            return {}
        for line in handle:  # stop at the closing marker: the body is never read
            if line.strip() == "+++":
                try:
                    return tomllib.loads("".join(lines))
                except tomllib.TOMLDecodeError:
                    return {}
            lines.append(line)
    return {}


# --- answers ----------------------------------------------------------------------------------


def check_answer(question: Question, value: Any) -> Answer:
    """One answer as given (1..5, "na", "skip"/None): the stored form, or Invalid naming the question."""
    if value is None or (isinstance(value, str) and value.strip().lower() == SKIP):
        return None
    if isinstance(value, str) and value.strip().lower() in {NA, "n/a"}:
        if not question.allow_na:
            raise Invalid(f"{question.id}: 'na' is not allowed for this question; answer 1 to 5 or skip it")
        return NA
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= SCALE_POINTS:
        return value
    allowed = f"1 to {SCALE_POINTS}" + (", 'na'" if question.allow_na else "") + " or 'skip'"
    raise Invalid(f"{question.id}: {value!r} is not an answer; use {allowed}")


def unknown_question(bank: Bank, question_id: str) -> Invalid:
    close = difflib.get_close_matches(question_id, [q.id for q in bank.questions], n=1, cutoff=0.6)
    hint = f"Did you mean {close[0]}?" if close else "See `boo audit template` for every question id."
    return Invalid(f"{question_id}: there is no such question in bank {bank.version}", hint=hint)


# --- scoring ----------------------------------------------------------------------------------


def to_score(value: Fraction | None) -> Decimal | None:
    if value is None:
        return None
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def section_score(section: Section, answers: Mapping[str, Answer]) -> Decimal | None:
    """10 * sum(w * (a - 1) / 4) / sum(w) over the answered questions; None when none is answered."""
    points = weights = Fraction(0)
    for question in section.questions:
        answer = answers.get(question.id)
        if isinstance(answer, int) and not isinstance(answer, bool):
            points += question.weight * (answer - 1)
            weights += question.weight
    if not weights:
        return None
    return to_score(10 * points / ((SCALE_POINTS - 1) * weights))


def overall_score(bank: Bank, section_scores: Mapping[str, Decimal | None]) -> Decimal | None:
    """The section-weighted mean of the (two-decimal) section scores that exist."""
    total = weights = Fraction(0)
    for section in bank.sections:
        score = section_scores.get(section.id)
        if score is not None:
            total += section.weight * Fraction(score)
            weights += section.weight
    return to_score(total / weights) if weights else None


@dataclass(frozen=True)
class Scores:
    overall: Decimal | None
    sections: dict[str, Decimal | None]


def score(bank: Bank, answers: Mapping[str, Answer], sections: tuple[str, ...] | None = None) -> Scores:
    chosen = sections or SECTION_IDS
    by_section = {s.id: section_score(s, answers) if s.id in chosen else None for s in bank.sections}
    return Scores(overall=overall_score(bank, by_section), sections=by_section)


# --- recommendations --------------------------------------------------------------------------

RECOMMENDATION_KEYS = (
    "rank",
    "title",
    "section",
    "question",
    "question_text",
    "answer",
    "answer_label",
    "why",
    "first_step",
    "impact",
    "effort",
    "resource",
    "resource_title",
)


def recommendations(bank: Bank, answers: Mapping[str, Answer]) -> list[dict[str, Any]]:
    """Every rule the answers trigger (answer ≤ when_at_most), ranked: high impact first, then low
    effort, then heavier questions, then lower answers, then bank order.

    Each entry carries everything a report needs, so an audit reads the same after the bank changes."""
    titles = resource_titles()
    found = []
    for position, question in enumerate(bank.questions):
        answer = answers.get(question.id)
        if not isinstance(answer, int) or isinstance(answer, bool):
            continue
        for order, rule in enumerate(question.rules):
            if answer > rule.when_at_most:
                continue
            key = (
                IMPACTS.index(rule.impact),
                EFFORTS.index(rule.effort),
                -question.weight,
                answer,
                position,
                order,
            )
            entry = {
                "title": rule.title,
                "section": question.section,
                "question": question.id,
                "question_text": question.text,
                "answer": answer,
                "answer_label": question.label(answer),
                "why": rule.why,
                "first_step": rule.first_step,
                "impact": rule.impact,
                "effort": rule.effort,
                "resource": rule.resource,
                "resource_title": titles.get(rule.resource) if rule.resource else None,
            }
            found.append((key, entry))
    found.sort(key=lambda item: item[0])
    return [{"rank": n, **entry} for n, (_, entry) in enumerate(found, start=1)]
