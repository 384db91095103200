"""Business audits: a health check answered question by question, scored, and turned into advice.

An audit starts unfinished (status in_progress) and is finished (completed) only when every required
question of its sections has an answer: 1..5, or "na" where the bank allows it. A skip answers only a
question the bank marks optional (required = false). A business has at most one unfinished audit.
Audits that boo once stored as finished without being so are "incomplete" (revision 0010): kept to
read, never resumed, never scored against. Answers are kept raw (question id → 1..5,
"na", or None for skipped); scores and recommendations are recomputed from them on every change, so
the stored columns always agree with the answers. Scoring rules: services/audit_bank.py.

Audits are named by full id, a unique id prefix (4+ characters), the audit date (YYYY-MM-DD), or
`latest` / `previous` (the newest finished audit of the current business and the one before it).
"""

from __future__ import annotations

import json
import re
import tomllib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from boo_cli.db import uuid_prefix_clause
from boo_cli.errors import Ambiguous, Conflict, Invalid, NotAllowed, NotFound
from boo_cli.models import BusinessAudit, BusinessProfile, GrowthStrategy, User
from boo_cli.models.audits import AuditStatus
from boo_cli.services import strategies
from boo_cli.services.audit_bank import (
    SECTION_IDS,
    Answer,
    Bank,
    Question,
    band_name,
    check_answer,
    recommendations,
    score,
    unknown_question,
)
from boo_cli.services.dates import now_utc
from boo_cli.services.lookup import MIN_PREFIX, is_full_id
from boo_cli.services.paging import Page, Paged, fetch_after

LATEST, PREVIOUS = "latest", "previous"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HEX = re.compile(r"^[0-9a-fA-F-]+$")


# --- scoping ----------------------------------------------------------------------------------


def audit_scope(user: User, profile: BusinessProfile | None = None) -> list[Any]:
    """Filters that keep audit queries within the user's businesses (and one business if given)."""
    owned = select(BusinessProfile.id).where(BusinessProfile.user_id == user.id)
    scope = [BusinessAudit.business_profile_id.in_(owned)]
    if profile is not None:
        scope.append(BusinessAudit.business_profile_id == profile.id)
    return scope


_NEWEST_FIRST = (
    BusinessAudit.audit_date.desc(),
    BusinessAudit.completed_at.desc(),
    BusinessAudit.created_at.desc(),
    BusinessAudit.id.desc(),
)  # in the order of ix_business_audits_profile_newest, read backwards (revision 0015)


def finished_audits(session: Session, user: User, profile: BusinessProfile) -> list[BusinessAudit]:
    """The business's finished audits, newest first."""
    query = select(BusinessAudit).where(
        *audit_scope(user, profile), BusinessAudit.status == AuditStatus.COMPLETED
    )
    return list(session.exec(query.order_by(*_NEWEST_FIRST)))


def list_audits(
    session: Session, user: User, profile: BusinessProfile | None, *, page: Page | None = None
) -> Paged:
    """A page of the audits of the business (None: of every business of the user), unfinished ones
    first, then newest first."""
    unfinished = BusinessAudit.status == AuditStatus.IN_PROGRESS
    query = select(BusinessAudit).where(*audit_scope(user, profile))
    # The few unfinished ones (one per business at most), then the rest straight off the index.
    head = list(session.exec(query.where(unfinished).order_by(*_NEWEST_FIRST)))
    rest = query.where(sa.or_(BusinessAudit.status.is_(None), ~unfinished)).order_by(*_NEWEST_FIRST)
    return fetch_after(session, head, rest, page or Page())


def unfinished_audit(session: Session, user: User, profile: BusinessProfile) -> BusinessAudit | None:
    query = select(BusinessAudit).where(
        *audit_scope(user, profile), BusinessAudit.status == AuditStatus.IN_PROGRESS
    )
    return session.exec(query).first()


def needs_business(ref: str) -> bool:
    """Whether ref is read within the current business (latest, previous, a date) rather than an id."""
    ref = (ref or "").strip().lower()
    return ref in (LATEST, PREVIOUS) or bool(_DATE.match(ref))


def get_audit(session: Session, user: User, ref: str, profile: BusinessProfile | None) -> BusinessAudit:
    """The user's audit named by ref: a full id finds it in any of the user's businesses; an id
    prefix, a date, latest and previous are read within profile, the current business (None: only a
    full id names it). Another user's audit is never found, whatever the ref."""
    ref = (ref or "").strip()
    if not ref:
        raise Invalid("name the audit", field="AUDIT")
    if needs_business(ref) and profile is None:
        raise Invalid(f"{ref!r} names an audit of a business; say which one", field="--profile")
    if ref.lower() in (LATEST, PREVIOUS):
        finished = finished_audits(session, user, profile)
        index = 0 if ref.lower() == LATEST else 1
        if len(finished) > index:
            return finished[index]
        have = "no finished audit" if not finished else "only one finished audit"
        raise NotFound(f"{profile.business_name} has {have}", hint=_start_hint(session, user, profile))
    if _DATE.match(ref):
        try:
            day = date.fromisoformat(ref)
        except ValueError:
            raise Invalid(f"{ref!r} is not a date", field="AUDIT") from None
        query = select(BusinessAudit).where(*audit_scope(user, profile), BusinessAudit.audit_date == day)
        return _one(list(session.exec(query.limit(11))), ref)
    if is_full_id(ref):
        query = select(BusinessAudit).where(*audit_scope(user), BusinessAudit.id == uuid.UUID(ref))
        found = session.exec(query).first()
        if found is not None:
            return found
    elif profile is not None and len(ref.replace("-", "")) >= MIN_PREFIX and _HEX.match(ref):
        query = select(BusinessAudit).where(
            *audit_scope(user, profile), uuid_prefix_clause(BusinessAudit.id, ref)
        )
        return _one(list(session.exec(query.limit(11))), ref)
    raise NotFound(f"no audit named {ref!r}", hint="See `boo audit list` for ids and dates.")


def get_audit_by_id(session: Session, user: User, audit_id: uuid.UUID) -> BusinessAudit:
    found = session.exec(
        select(BusinessAudit).where(*audit_scope(user), BusinessAudit.id == audit_id)
    ).first()
    if found is None:
        raise NotFound("that audit no longer exists")
    return found


def _one(matches: list[BusinessAudit], ref: str) -> BusinessAudit:
    if not matches:
        raise NotFound(f"no audit named {ref!r}", hint="See `boo audit list` for ids and dates.")
    if len(matches) > 1:
        shown = "; ".join(f"{m.audit_date} ({str(m.id)[:8]})" for m in matches[:10])
        raise Ambiguous(f"{ref!r} matches several audits: {shown}", hint="Use a longer id prefix.")
    return matches[0]


def _start_hint(session: Session, user: User, profile: BusinessProfile) -> str:
    if unfinished_audit(session, user, profile) is not None:
        return "Finish the one in progress: boo audit resume"
    return "Take one: boo audit start"


def business_of(session: Session, user: User, audit: BusinessAudit) -> BusinessProfile:
    return session.exec(
        select(BusinessProfile).where(
            BusinessProfile.id == audit.business_profile_id, BusinessProfile.user_id == user.id
        )
    ).one()


# --- taking an audit --------------------------------------------------------------------------


def choose_sections(names: list[str] | None) -> tuple[str, ...]:
    """--section values, in bank order; all sections when none is given."""
    if not names:
        return SECTION_IDS
    wanted = {n.strip().lower() for n in names}
    unknown = sorted(wanted - set(SECTION_IDS))
    if unknown:
        raise Invalid(f"{unknown[0]!r} is not a section; use {', '.join(SECTION_IDS)}", field="--section")
    return tuple(s for s in SECTION_IDS if s in wanted)


def _refuse_second(session: Session, user: User, profile: BusinessProfile) -> None:
    if profile.user_id != user.id:
        raise NotAllowed("that business profile is not yours")
    open_audit = unfinished_audit(session, user, profile)
    if open_audit is not None:
        raise Conflict(
            f"{profile.business_name} has an unfinished audit ({str(open_audit.id)[:8]}, "
            f"{_count(answered(open_audit), 'answer')} so far)",
            hint=f"Continue it with `boo audit resume`, or discard it with "
            f"`boo audit delete {str(open_audit.id)[:8]}`.",
        )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def start_audit(
    session: Session,
    user: User,
    profile: BusinessProfile,
    bank: Bank,
    *,
    sections: tuple[str, ...],
    today: date,
) -> BusinessAudit:
    """A new unfinished audit of the given sections; refused while another one is unfinished."""
    _refuse_second(session, user, profile)
    audit = BusinessAudit(
        business_profile_id=profile.id,
        audit_date=today,
        answers={},
        bank_version=bank.version,
        sections=list(sections),
        status=AuditStatus.IN_PROGRESS,
        recommendations=[],
    )
    _insert_unfinished(session, audit, profile)
    return audit


def import_audit(
    session: Session,
    user: User,
    profile: BusinessProfile,
    bank: Bank,
    *,
    answers: Mapping[str, Answer],
    sections: tuple[str, ...],
    today: date,
) -> BusinessAudit:
    """An audit from checked answers (see check_answers), written in one go: finished when they answer
    every required question, else in progress (see missing_answers) for `boo audit resume`."""
    _refuse_second(session, user, profile)
    audit = BusinessAudit(
        business_profile_id=profile.id,
        audit_date=today,
        answers=dict(answers),
        bank_version=bank.version,
        sections=list(sections),
        status=AuditStatus.IN_PROGRESS,
    )
    _rescore(audit, bank)
    if not missing_answers(bank, audit):
        audit.status, audit.completed_at = AuditStatus.COMPLETED, now_utc()
        session.add(audit)
        session.flush()
    else:
        _insert_unfinished(session, audit, profile)
    return audit


def _insert_unfinished(session: Session, audit: BusinessAudit, profile: BusinessProfile) -> None:
    business = profile.business_name  # read now: a failed flush expires every loaded object
    session.add(audit)
    try:
        session.flush()
    except sa.exc.IntegrityError as exc:
        # Two starts raced past _refuse_second; the one-unfinished-audit index stopped the second.
        raise Conflict(
            f"another audit of {business} was started at the same moment",
            hint="Continue it with `boo audit resume`.",
        ) from exc


def audit_questions(bank: Bank, sections: tuple[str, ...] | list[str] | None) -> list[Question]:
    chosen = tuple(sections or SECTION_IDS)
    return [q for s in bank.sections if s.id in chosen for q in s.questions]


def answered(audit: BusinessAudit) -> int:
    """Questions with a 1..5 or na answer (skips are seen but not answered)."""
    return sum(1 for v in (audit.answers or {}).values() if v is not None)


def counts_as_answer(question: Question, answers: Mapping[str, Answer]) -> bool:
    """1..5 and na (stored only where the bank allows it) always; a skip, or no answer at all, only
    for a question the bank marks optional."""
    return answers.get(question.id) is not None or not question.required


def missing_answers(bank: Bank, audit: BusinessAudit) -> list[str]:
    """Ids of the required questions of the audit's sections still without an answer, in bank order:
    the audit is finished when there are none."""
    answers = audit.answers or {}
    return [q.id for q in audit_questions(bank, audit.sections) if not counts_as_answer(q, answers)]


def pending_questions(bank: Bank, audit: BusinessAudit) -> list[Question]:
    """What the questionnaire asks, in bank order: questions never seen, and required ones skipped."""
    answers = audit.answers or {}
    return [
        q
        for q in audit_questions(bank, audit.sections)
        if q.id not in answers or not counts_as_answer(q, answers)
    ]


def require_same_bank(bank: Bank, audit: BusinessAudit) -> None:
    if audit.bank_version != bank.version:
        raise Conflict(
            f"this audit was started with question bank {audit.bank_version}; "
            f"this boo asks bank {bank.version}",
            hint=f"Discard it with `boo audit delete {str(audit.id)[:8]}` and start again.",
        )


def record_answer(
    session: Session, user: User, audit: BusinessAudit, bank: Bank, question_id: str, value: Any
) -> BusinessAudit:
    """Save one answer of an unfinished audit (None skips the question) and rescore."""
    if audit.status != AuditStatus.IN_PROGRESS:
        state = "finished" if audit.finished else str(audit.status)
        raise Conflict(f"this audit is {state}; answers can no longer change")
    require_same_bank(bank, audit)
    question = bank.question(question_id)
    if question is None or question.section not in (audit.sections or SECTION_IDS):
        raise unknown_question(bank, question_id)
    # A new dict, not an in-place change: JSON columns only notice assignment.
    audit.answers = {**(audit.answers or {}), question_id: check_answer(question, value)}
    _rescore(audit, bank)
    session.add(audit)
    session.flush()
    return audit


def complete_audit(
    session: Session, user: User, audit: BusinessAudit, bank: Bank, *, today: date
) -> BusinessAudit:
    """Finish an audit whose required questions all have answers; it is dated the day it is finished."""
    require_same_bank(bank, audit)
    if audit.status != AuditStatus.IN_PROGRESS:
        raise Conflict(f"this audit is {str(audit.status).replace('_', ' ')}; only one in progress finishes")
    missing = missing_answers(bank, audit)
    if missing:
        raise Conflict(
            f"this audit still has {_count(len(missing), 'unanswered question')}: "
            f"{describe_missing(missing)}",
            hint="Continue it: boo audit resume",
        )
    audit.status = AuditStatus.COMPLETED
    audit.completed_at = now_utc()
    audit.audit_date = today
    _rescore(audit, bank)
    session.add(audit)
    session.flush()
    return audit


def describe_missing(ids: list[str], shown: int = 5) -> str:
    """The first few question ids, and how many more: one readable line however many are missing."""
    more = f" and {len(ids) - shown} more" if len(ids) > shown else ""
    return ", ".join(ids[:shown]) + more


def _rescore(audit: BusinessAudit, bank: Bank) -> None:
    answers = audit.answers or {}
    scores = score(bank, answers, tuple(audit.sections or SECTION_IDS))
    audit.overall_score = scores.overall
    for section_id, value in scores.sections.items():
        setattr(audit, f"{section_id}_score", value)
    audit.recommendations = recommendations(bank, answers)


def delete_audit(session: Session, user: User, audit: BusinessAudit) -> None:
    session.delete(audit)
    session.flush()


# --- answers files ----------------------------------------------------------------------------


def read_answers(text: str, *, source: str) -> dict[str, Any]:
    """An answers file (TOML or JSON) as a flat {question id: value}; nested tables such as
    [operations] or {"operations": {...}} are joined with dots."""
    kind = source.rsplit(".", 1)[-1].lower() if "." in source else ""
    if kind not in ("toml", "json"):
        kind = "json" if text.lstrip().startswith("{") else "toml"
    try:
        data = json.loads(text) if kind == "json" else tomllib.loads(text)
        if not isinstance(data, dict):
            raise Invalid(f"{source} must hold a table of question ids and answers", field="--answers")
        return _flatten(data)
    except json.JSONDecodeError as exc:
        raise Invalid(
            f"{source} is not valid JSON: {exc.msg} at line {exc.lineno}", field="--answers"
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise Invalid(f"{source} is not valid TOML: {exc}", field="--answers") from exc
    except RecursionError as exc:  # both parsers recurse; an answers file is two levels deep at most
        raise Invalid(f"{source} is nested too deeply to be an answers file", field="--answers") from exc


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def check_answers(bank: Bank, raw: Mapping[str, Any], sections: tuple[str, ...]) -> dict[str, Answer]:
    """Every answer checked before anything is written: unknown ids, questions outside the chosen
    sections, values outside 1..5, and "na" where the question does not allow it are refused (the
    first is named, with how many more problems there are)."""
    problems: list[Invalid] = []
    checked: dict[str, Answer] = {}
    for question_id, value in raw.items():
        question = bank.question(question_id)
        if question is None:
            problems.append(unknown_question(bank, question_id))
            continue
        if question.section not in sections:
            problems.append(Invalid(f"{question_id}: section {question.section} is not in --section"))
            continue
        try:
            checked[question_id] = check_answer(question, value)
        except Invalid as exc:
            problems.append(exc)
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise Invalid(first.message + more, field="--answers", hint=first.hint)
    if not any(v is not None for v in checked.values()):
        raise Invalid("the file answers no question", field="--answers", hint="Fill in `boo audit template`.")
    return checked


# --- reading results --------------------------------------------------------------------------


def previous_of(session: Session, user: User, audit: BusinessAudit) -> BusinessAudit | None:
    """The finished audit of the same business just before this one."""
    profile = business_of(session, user, audit)
    finished = finished_audits(session, user, profile)
    ids = [a.id for a in finished]
    # An unfinished audit comes after every finished one.
    older = finished[ids.index(audit.id) + 1 :] if audit.id in ids else finished
    return older[0] if older else None


@dataclass(frozen=True)
class AreaScore:
    """One row of a score table: the overall score or a section's, with the change since before."""

    area: str  # "overall" or a section id
    title: str
    score: Decimal | None
    before: Decimal | None

    @property
    def band(self) -> str | None:
        return band_name(self.score)

    @property
    def delta(self) -> Decimal | None:
        if self.score is None or self.before is None:
            return None
        return self.score - self.before


def area_scores(bank: Bank, audit: BusinessAudit, before: BusinessAudit | None) -> list[AreaScore]:
    rows = [AreaScore("overall", "Overall", audit.overall_score, before.overall_score if before else None)]
    for section in bank.sections:
        rows.append(
            AreaScore(
                section.id,
                section.title,
                audit.score_of(section.id),
                before.score_of(section.id) if before else None,
            )
        )
    return rows


@dataclass(frozen=True)
class AnswerChange:
    question: str
    text: str
    before: Answer
    after: Answer


@dataclass(frozen=True)
class Comparison:
    before: BusinessAudit
    after: BusinessAudit
    areas: list[AreaScore]
    changes: list[AnswerChange]
    same_bank: bool


def compare_audits(bank: Bank, before: BusinessAudit, after: BusinessAudit) -> Comparison:
    """Per-area score changes from before to after, and the answers that moved."""
    for audit in (before, after):
        if not audit.finished:
            raise Conflict(f"audit {str(audit.id)[:8]} is not finished", hint="Finish it: boo audit resume")
    if before.business_profile_id != after.business_profile_id:
        raise Invalid("the two audits are of different businesses; compare audits of one business")
    old, new = before.answers or {}, after.answers or {}
    changes = []
    for question in bank.questions:
        if question.id in old and question.id in new and old[question.id] != new[question.id]:
            changes.append(AnswerChange(question.id, question.text, old[question.id], new[question.id]))
    return Comparison(
        before=before,
        after=after,
        areas=area_scores(bank, after, before),
        changes=changes,
        same_bank=before.bank_version == after.bank_version,
    )


@dataclass(frozen=True)
class Trend:
    audits: list[BusinessAudit]  # oldest first
    areas: list[tuple[str, str, list[Decimal | None]]]  # (area, title, one score per audit)


def trend(session: Session, user: User, profile: BusinessProfile, bank: Bank, *, last: int = 12) -> Trend:
    """Every area's score across the business's last finished audits, oldest first: only their dates
    and scores are read (not their answers), and only `last` of them, however many there are."""
    from sqlalchemy.orm import load_only

    from boo_cli.models.audits import SCORE_COLUMNS

    scores = [getattr(BusinessAudit, name) for name in SCORE_COLUMNS]
    query = (
        select(BusinessAudit)
        .options(load_only(BusinessAudit.audit_date, BusinessAudit.created_at, *scores))
        .where(*audit_scope(user, profile), BusinessAudit.status == AuditStatus.COMPLETED)
        .order_by(*_NEWEST_FIRST)
        .limit(last)
    )
    audits = list(reversed(session.exec(query).all()))
    areas = [("overall", "Overall", [a.overall_score for a in audits])]
    areas += [(s.id, s.title, [a.score_of(s.id) for a in audits]) for s in bank.sections]
    return Trend(audits=audits, areas=areas)


# --- from findings to plans -------------------------------------------------------------------

TIMELINE_BY_EFFORT = {"low": "1 month", "medium": "2 months", "high": "3 months"}
FIRST_STEP_DAYS = 7


@dataclass(frozen=True)
class PlannedStrategy:
    name: str
    description: str
    priority: str
    timeline: str
    impact: str
    resources: list[str]
    first_step: str
    check: str
    section: str
    already_planned: bool


def propose_plan(
    session: Session, user: User, audit: BusinessAudit, bank: Bank, *, top: int
) -> list[PlannedStrategy]:
    """The top recommendations of the weakest sections as draft strategies: sections are taken
    weakest first, one recommendation each in turn (so three plans touch the three weakest areas),
    each section's best-ranked first. A recommendation already planned for the business (a strategy
    of the same name) is shown as such and not created again."""
    if not audit.finished:
        raise Conflict("this audit is not finished", hint="Finish it first: boo audit resume")
    if not 1 <= top <= 20:
        raise Invalid("must be from 1 to 20", field="--top")
    by_section: dict[str, list[dict[str, Any]]] = {}
    for rec in audit.recommendations or []:
        by_section.setdefault(rec["section"], []).append(rec)
    # A section with recommendations has answers, hence a score.
    order = sorted(by_section, key=lambda s: (audit.score_of(s) or Decimal(0), SECTION_IDS.index(s)))
    chosen: list[dict[str, Any]] = []
    while len(chosen) < top and any(by_section.values()):
        for section_id in order:
            queue = by_section[section_id]
            while queue and any(c["title"] == queue[0]["title"] for c in chosen):
                queue.pop(0)  # two questions can share advice: plan it once
            if queue and len(chosen) < top:
                chosen.append(queue.pop(0))
    existing = set(
        session.exec(
            select(GrowthStrategy.strategy_name).where(
                *strategies.strategy_scope(user),
                GrowthStrategy.business_profile_id == audit.business_profile_id,
            )
        )
    )
    return [_planned(bank, audit, rec, rec["title"] in existing) for rec in chosen]


def _planned(bank: Bank, audit: BusinessAudit, rec: dict[str, Any], exists: bool) -> PlannedStrategy:
    title = bank.section(rec["section"]).title if rec["section"] in SECTION_IDS else rec["section"]
    section_score = audit.score_of(rec["section"])
    resources = (
        [f"{rec['resource_title'] or rec['resource']}={rec['resource']}"] if rec.get("resource") else []
    )
    return PlannedStrategy(
        name=rec["title"],
        description=rec["why"],
        priority=rec["impact"],
        timeline=TIMELINE_BY_EFFORT[rec["effort"]],
        impact=(
            f"Lifts {title} (scored {section_score}, {band_name(section_score)} on {audit.audit_date}): "
            f"{rec['impact']} impact for {rec['effort']} effort."
        ),
        resources=resources,
        first_step=rec["first_step"],
        check=(
            f"Answer the audit question again: {rec['question_text']} "
            f"On {audit.audit_date} the answer was {rec['answer']}/5: {rec['answer_label']}."
        ),
        section=title,
        already_planned=exists,
    )


def create_plan(
    session: Session,
    user: User,
    profile: BusinessProfile,
    proposals: list[PlannedStrategy],
    *,
    today: date,
) -> list[GrowthStrategy]:
    """Create the proposed draft strategies (skipping those already planned), each with two
    milestones: the first step within a week, and a check of the result when the plan is due."""
    created = []
    for plan in (p for p in proposals if not p.already_planned):
        strategy = strategies.add_strategy(
            session,
            user,
            profile,
            name=plan.name,
            today=today,
            description=plan.description,
            timeline=plan.timeline,
            priority=plan.priority,
            status="draft",
            impact=plan.impact,
            resources=plan.resources,
        )
        strategies.add_milestone(
            session,
            user,
            strategy,
            name="Take the first step",
            description=plan.first_step,
            target_date=today + timedelta(days=FIRST_STEP_DAYS),
        )
        strategies.add_milestone(
            session,
            user,
            strategy,
            name="Check the result",
            description=plan.check,
            target_date=strategy.due_date,
        )
        created.append(strategy)
    return created
