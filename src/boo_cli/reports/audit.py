"""An audit as the report a consultant sends (Markdown, and HTML with the same content), as JSON, and
the answers file `boo audit template` prints."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from boo_cli.models import BusinessAudit
from boo_cli.models.types import Span
from boo_cli.reports.rendering import render
from boo_cli.services.audit_bank import (
    BANDS,
    NA,
    RECOMMENDATION_KEYS,
    SECTION_IDS,
    Bank,
    band_name,
    describe_bands,
)
from boo_cli.services.audits import (
    AreaScore,
    Comparison,
    Trend,
    area_scores,
    audit_questions,
    missing_answers,
)

DETAILED = 10  # recommendations written out in full; the rest are listed in a table
REAUDIT_AFTER = Span(months=3)


@dataclass(frozen=True)
class AuditReport:
    business: str
    audit: BusinessAudit
    previous: BusinessAudit | None
    bank: Bank
    today: date


def number(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def signed(value: Decimal | None) -> str:
    """+1.25 / -0.50 / 0.00 for a change; an em dash when there is nothing to compare."""
    if value is None:
        return "—"
    return f"+{value}" if value > 0 else str(value)


def ordered_answers(bank: Bank, answers: dict[str, Any]) -> dict[str, Any]:
    """Answers in bank order: PostgreSQL's JSONB keeps keys in its own order, and output must not
    depend on the backend."""
    return dict(sorted(answers.items(), key=lambda item: (bank.position(item[0]), item[0])))


def ordered_recommendations(recs: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    return [{key: rec.get(key) for key in RECOMMENDATION_KEYS} for rec in recs or []]


def audit_record(audit: BusinessAudit, bank: Bank) -> dict[str, Any]:
    """An audit as plain JSON values: scores as strings, each with its band."""
    total = len(audit_questions(bank, audit.sections))
    return {
        "id": str(audit.id),
        "business_profile_id": str(audit.business_profile_id),
        "audit_date": audit.audit_date.isoformat(),
        "status": str(audit.status),
        "bank_version": audit.bank_version,
        "sections": audit.sections or list(SECTION_IDS),
        "progress": {
            "seen": len(audit.answers or {}),
            "total": total,
            "missing": missing_answers(bank, audit),  # required questions without an answer
        },
        "scores": {
            area: {"score": number(value), "band": band_name(value)}
            for area, value in [("overall", audit.overall_score)]
            + [(s, audit.score_of(s)) for s in SECTION_IDS]
        },
        "answers": ordered_answers(bank, audit.answers or {}),
        "recommendations": ordered_recommendations(audit.recommendations),
        "created_at": audit.created_at.isoformat() if audit.created_at else None,
        "completed_at": audit.completed_at.isoformat() if audit.completed_at else None,
    }


def area_record(row: AreaScore) -> dict[str, Any]:
    return {
        "area": row.area,
        "title": row.title,
        "score": number(row.score),
        "band": row.band,
        "previous": number(row.before),
        "change": number(row.delta),
    }


def comparison_record(result: Comparison) -> dict[str, Any]:
    """compare's result as JSON: both audits, every area's change, and the answers that moved."""

    def ref(audit: BusinessAudit) -> dict[str, Any]:
        return {
            "id": str(audit.id),
            "audit_date": audit.audit_date.isoformat(),
            "bank_version": audit.bank_version,
        }

    return {
        "before": ref(result.before),
        "after": ref(result.after),
        "areas": [
            {**area_record(a), "previous_band": band_name(a.before), "change_text": signed(a.delta)}
            for a in result.areas
        ],
        "changes": [vars(change) for change in result.changes],
        "same_bank": result.same_bank,
    }


SPARKS = "▁▂▃▄▅▆▇█"


def sparkline(scores: list[Decimal | None]) -> str:
    """One block per audit on a fixed 0 to 10 scale, so a flat line means no change, not a small one."""
    return "".join(
        " " if s is None else SPARKS[min(len(SPARKS) - 1, int(s * len(SPARKS) / 10))] for s in scores
    )


def trend_record(trend: Trend) -> dict[str, Any]:
    """trend's result as JSON: the audits oldest first, and per area its scores, sparkline and change."""
    areas = []
    for area, title, scores in trend.areas:
        first, last = (scores[0], scores[-1]) if scores else (None, None)
        change = last - first if first is not None and last is not None else None
        areas.append(
            {
                "area": area,
                "title": title,
                "scores": [number(s) for s in scores],
                "sparkline": sparkline(scores),
                "change": number(change),
                "change_text": signed(change),
            }
        )
    return {
        "audits": [{"id": str(a.id), "audit_date": a.audit_date.isoformat()} for a in trend.audits],
        "areas": areas,
    }


def findings(bank: Bank, audit: BusinessAudit) -> list[dict[str, Any]]:
    """Per covered section: what works (4 or 5), what is middling (3), the gaps (1 or 2), and what was
    not applicable or skipped (unanswered questions of a finished audit count as skipped)."""
    answers = audit.answers or {}
    found = []
    for section in bank.sections:
        if section.id not in (audit.sections or SECTION_IDS):
            continue
        groups: dict[str, list[dict[str, Any]]] = {"strengths": [], "middling": [], "gaps": []}
        not_applicable, skipped = [], 0
        for question in section.questions:
            answer = answers.get(question.id)
            if answer == NA:
                not_applicable.append(question.text)
            elif answer is None:
                skipped += 1
            else:
                group = "strengths" if answer >= 4 else "middling" if answer == 3 else "gaps"
                groups[group].append(
                    {
                        "question": question.id,
                        "text": question.text,
                        "answer": answer,
                        "label": question.label(answer),
                    }
                )
        score = audit.score_of(section.id)
        found.append(
            {
                "section": section.id,
                "title": section.title,
                "description": section.description,
                "score": number(score),
                "band": band_name(score),
                **groups,
                "not_applicable": not_applicable,
                "skipped": skipped,
            }
        )
    return found


@dataclass(frozen=True)
class Step:
    """A next step: its words, then maybe a command to run (shown as code) and what follows it."""

    text: str
    command: str | None = None
    after: str = ""

    def __str__(self) -> str:
        return f"{self.text} `{self.command}`{self.after}" if self.command else self.text


def next_steps(report: AuditReport) -> list[Step]:
    audit, short = report.audit, str(report.audit.id)[:8]
    steps = []
    recs = audit.recommendations or []
    if recs:
        steps.append(Step(f"This week, start on \u201c{recs[0]['title']}\u201d: {recs[0]['first_step']}"))
        plan = f"boo audit plan {short}"
        steps.append(Step("Turn the top recommendations into draft plans with milestones:", plan, "."))
    weakest = [a for a in area_scores(report.bank, audit, None)[1:] if a.score is not None]
    if weakest:
        low = min(weakest, key=lambda a: a.score)
        attention = f"Give {low.title} (scored {low.score}, {low.band}) the most attention"
        steps.append(Step(f"{attention} over the next quarter."))
    again = REAUDIT_AFTER.add_to(audit.audit_date)
    steps.append(
        Step(
            f"Take the audit again around {again.isoformat()}, then see what moved:",
            f"boo audit compare {short} latest",
            ".",
        )
    )
    return steps


def _context(report: AuditReport) -> dict[str, Any]:
    recs = report.audit.recommendations or []
    titles = {s.id: s.title for s in report.bank.sections}
    return {
        "title": report.bank.title,
        "business": report.business,
        "audit": report.audit,
        "short_id": str(report.audit.id)[:8],
        "previous": report.previous,
        "previous_id": str(report.previous.id)[:8] if report.previous else None,
        "areas": [
            {**area_record(a), "change_text": signed(a.delta)}
            for a in area_scores(report.bank, report.audit, report.previous)
        ],
        "bands": describe_bands(),
        "findings": findings(report.bank, report.audit),
        "detailed": recs[:DETAILED],
        "further": recs[DETAILED:],
        "section_titles": titles,
        "next_steps": next_steps(report),
        "today": report.today,
    }


def to_markdown(report: AuditReport) -> str:
    return render("audit.md.j2", **_context(report))


def to_html(report: AuditReport) -> str:
    """The same report as a standalone page, from its own autoescaped template (user text is never
    read as Markdown), under a Content-Security-Policy that lets it load and run nothing."""
    return render("audit.html.j2", **_context(report))


def to_json(report: AuditReport) -> str:
    data = {
        "business": report.business,
        "audit": audit_record(report.audit, report.bank),
        "compared_with": (
            {"id": str(report.previous.id), "audit_date": report.previous.audit_date.isoformat()}
            if report.previous
            else None
        ),
        "scores": [area_record(a) for a in area_scores(report.bank, report.audit, report.previous)],
        "bands": [{"band": b.name, "below": number(b.below)} for b in BANDS],
        "findings": findings(report.bank, report.audit),
        "next_steps": [str(step) for step in next_steps(report)],
        "exported_on": report.today.isoformat(),
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


RENDERERS = {"md": to_markdown, "html": to_html, "json": to_json}


def answers_template(bank: Bank, fmt: str, sections: tuple[str, ...] = SECTION_IDS) -> str:
    """An answers file to fill in: TOML with every question and its scale as comments (each answer
    starts as "skip"), or JSON with every id set to null (skipped)."""
    chosen = [s for s in bank.sections if s.id in sections]
    if fmt == "json":
        data = {q.id: None for s in chosen for q in s.questions}
        return json.dumps(data, indent=2) + "\n"
    return render("audit_answers.toml.j2", bank=bank, sections=chosen)
