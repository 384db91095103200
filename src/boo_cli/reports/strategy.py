"""A growth strategy as a document: Markdown (with a Mermaid gantt chart), CSV of milestones, JSON.

CSV cells go through csv_cell, so a milestone named =1+2 stays text in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from boo_cli.models import GrowthStrategy, StrategyMilestone
from boo_cli.models.enums import MilestoneStatus
from boo_cli.reports.rendering import Markdown, csv_cell, render
from boo_cli.services.dates import describe_span
from boo_cli.services.strategies import StrategyRow, milestone_overdue

CSV_COLUMNS = ["milestone", "status", "target_date", "completed_date", "overdue", "description", "id"]


@dataclass(frozen=True)
class StrategyReport:
    business: str
    row: StrategyRow
    milestones: list[StrategyMilestone]
    started: date
    today: date


def milestone_record(m: StrategyMilestone, today: date) -> dict[str, Any]:
    return {
        "id": str(m.id),
        "milestone": m.milestone_name,
        "description": m.description,
        "status": (m.status or MilestoneStatus.PENDING).value,
        "target_date": m.target_date.isoformat() if m.target_date else None,
        "completed_date": m.completed_date.isoformat() if m.completed_date else None,
        "overdue": milestone_overdue(m, today),
    }


def strategy_record(strategy: GrowthStrategy) -> dict[str, Any]:
    return {
        "id": str(strategy.id),
        "name": strategy.strategy_name,
        "description": strategy.description,
        "status": strategy.status.value if strategy.status else None,
        "priority": strategy.priority.value if strategy.priority else None,
        "timeline": strategy.target_timeline.to_iso() if strategy.target_timeline else None,
        "due_date": strategy.due_date.isoformat() if strategy.due_date else None,
        "expected_impact": strategy.expected_impact,
        "resources_required": strategy.resources_required or [],
        "created_at": strategy.created_at.isoformat() if strategy.created_at else None,
    }


def gantt_tasks(report: StrategyReport) -> list[dict[str, str]]:
    """Each dated milestone as a bar from the previous one's target (or the start) to its own."""
    tasks, start = [], report.started
    for n, m in enumerate(
        sorted((m for m in report.milestones if m.target_date), key=lambda m: m.target_date)
    ):
        end = m.target_date
        begin = min(start, end)
        if m.status is MilestoneStatus.COMPLETED:
            tag = "done, "
        elif milestone_overdue(m, report.today):
            tag = "crit, "
        elif m.status is MilestoneStatus.IN_PROGRESS:
            tag = "active, "
        else:
            tag = ""
        length = max((end - begin).days, 1)
        tasks.append(
            {
                "name": m.milestone_name,
                "tag": tag,
                "id": f"m{n + 1}",
                "start": begin.isoformat(),
                "days": f"{length}d",
            }
        )
        start = end if end > start else start
    return tasks


def to_markdown(report: StrategyReport) -> str:
    s = report.row.strategy
    return render(
        "strategy.md.j2",
        s=s,
        business=report.business,
        row=report.row,
        timeline=describe_span(s.target_timeline),
        started=report.started,
        today=report.today,
        milestones=[milestone_record(m, report.today) for m in report.milestones],
        undated=[m.milestone_name for m in report.milestones if not m.target_date],
        # Inside the code fence nothing is escaped: the names go through the mermaid filter, the rest
        # is made here.
        tasks=[{k: v if k == "name" else Markdown(v) for k, v in t.items()} for t in gantt_tasks(report)],
        chart_end=(report.today + timedelta(days=1)).isoformat(),
    )


def to_csv(report: StrategyReport) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for m in report.milestones:
        record = milestone_record(m, report.today)
        record["overdue"] = "yes" if record["overdue"] else "no"
        writer.writerow({k: csv_cell(record.get(k)) for k in CSV_COLUMNS})
    return buffer.getvalue()


def to_json(report: StrategyReport) -> str:
    data = {
        **strategy_record(report.row.strategy),
        "business": report.business,
        "progress": {"done": report.row.done, "total": report.row.total},
        "overdue": report.row.overdue,
        "milestones": [milestone_record(m, report.today) for m in report.milestones],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


RENDERERS = {"md": to_markdown, "csv": to_csv, "json": to_json}
