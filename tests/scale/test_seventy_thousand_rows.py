"""Every list, board, search and export command works with 70,000 rows (both backends).

PostgreSQL takes at most 65,535 bind parameters in one statement, so a command that binds one per
row (`IN (…)` over what an earlier query found) fails there beyond that many rows. The rows are
inserted in bulk for one business of one user; each command then runs as a user would run it.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from tests.conftest import init_user

ROWS = 70_000
NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def seeded(cli):
    from boo_cli import db
    from boo_cli.models import (
        AutomationTask,
        BusinessAudit,
        BusinessProfile,
        Consultation,
        ConsultationNote,
        GrowthStrategy,
        ResourceDownload,
        StrategyMilestone,
        TaskExecution,
        User,
    )

    with time_machine.travel(NOW, tick=False):
        init_user(cli, business="Big Co")
    engine = db.get_engine(cli.url)
    trigger = {"version": 1, "kind": "cron", "expr": "0 9 * * MON", "tz": "UTC", "missed": "latest"}
    action = {"version": 1, "kind": "builtin", "name": "noop", "timeout_seconds": 300, "retries": 0}
    with engine.begin() as conn:
        user_id = conn.execute(sa.select(User.id)).scalar_one()
        profile_id = conn.execute(sa.select(BusinessProfile.id)).scalar_one()
        strategies = [uuid.uuid4() for _ in range(ROWS)]
        tasks = [uuid.uuid4() for _ in range(ROWS)]
        consultations = [uuid.uuid4() for _ in range(ROWS)]
        tables = [
            (
                GrowthStrategy,
                [
                    {
                        "id": s,
                        "business_profile_id": profile_id,
                        "strategy_name": f"Plan {n} growth",
                        "description": "more customers" if n % 5 else "rare zebra",
                        "status": ("draft", "active", "completed")[n % 3],
                        "priority": ("low", "medium", "high")[n % 3],
                        "due_date": date(2026, 1, 1) + timedelta(days=n % 300),
                        "created_at": NOW - timedelta(minutes=n),
                    }
                    for n, s in enumerate(strategies)
                ],
            ),
            (
                StrategyMilestone,
                [
                    {
                        "id": uuid.uuid4(),
                        "growth_strategy_id": s,
                        "milestone_name": f"Step {n}",
                        "target_date": date(2026, 1, 1) + timedelta(days=n % 300),
                        "status": "pending",
                    }
                    for n, s in enumerate(strategies)
                ],
            ),
            (
                AutomationTask,
                [
                    {
                        "id": t,
                        "business_profile_id": profile_id,
                        "task_name": f"task {n}",
                        "task_type": "builtin",
                        "trigger_config": trigger,
                        "action_config": action,
                        "is_active": True,
                        "next_run_at": NOW + timedelta(days=1 + n % 7),
                    }
                    for n, t in enumerate(tasks)
                ],
            ),
            (
                TaskExecution,
                [
                    {
                        "id": uuid.uuid4(),
                        "automation_task_id": t,
                        "started_at": NOW - timedelta(days=1),
                        "scheduled_for": NOW - timedelta(days=1),
                        "attempt": 1,
                        "status": "success",
                    }
                    for t in tasks
                ],
            ),
            (
                Consultation,
                [
                    {
                        "id": c,
                        "user_id": user_id,
                        "scheduled_at": NOW - timedelta(hours=2 * n),
                        "duration_minutes": 60,
                        "type": "strategy",
                        "status": "completed",
                        "sequence": 0,
                    }
                    for n, c in enumerate(consultations)
                ],
            ),
            (
                ConsultationNote,
                [
                    {"id": uuid.uuid4(), "consultation_id": c, "summary": f"Talked {n}"}
                    for n, c in enumerate(consultations)
                ],
            ),
            (
                BusinessAudit,
                [
                    {
                        "id": uuid.uuid4(),
                        "business_profile_id": profile_id,
                        "audit_date": date(2026, 5, 1) - timedelta(days=n),
                        "overall_score": 5 + n % 5,
                        "status": "completed",
                    }
                    for n in range(ROWS)
                ],
            ),
            (
                ResourceDownload,
                [
                    {
                        "id": uuid.uuid4(),
                        "user_id": user_id,
                        "resource_name": f"Guide {n}",
                        "resource_type": "guide",
                        "downloaded_at": NOW - timedelta(minutes=n),
                    }
                    for n in range(ROWS)
                ],
            ),
            (
                BusinessProfile,
                [{"id": uuid.uuid4(), "user_id": user_id, "business_name": f"Side {n}"} for n in range(ROWS)],
            ),
        ]
        for model, rows in tables:
            conn.execute(sa.insert(model.__table__), rows)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("ANALYZE"))
    db.dispose_engines()
    return cli


def run(cli, *args: str):
    with time_machine.travel(NOW, tick=False):
        result = cli(*args)
    assert result.exit_code == 0, (args, result.stderr)
    return result


@pytest.mark.slow
def test_every_list_board_search_and_export_works_with_seventy_thousand_rows(seeded, tmp_path):
    cli = seeded
    board = json.loads(run(cli, "--json", "strategy", "board").stdout)
    assert sum(len(rows) for rows in board.values()) == ROWS
    assert len(json.loads(run(cli, "--json", "strategy", "list", "--limit", "1000").stdout)) == 1000
    assert (
        len(json.loads(run(cli, "--json", "strategy", "list", "--overdue", "--limit", "1000").stdout)) == 1000
    )
    overdue = json.loads(
        run(cli, "--json", "strategy", "milestone", "list", "--overdue", "--limit", "1000").stdout
    )
    assert len(overdue) == 1000
    tasks = json.loads(run(cli, "--json", "automate", "list", "--limit", "1000").stdout)
    assert len(tasks) == 1000 and {t["last_status"] for t in tasks} == {"success"}
    assert len(json.loads(run(cli, "--json", "automate", "logs", "--limit", "1000").stdout)) == 1000
    assert (
        len(json.loads(run(cli, "--json", "consult", "list", "--any-time", "--limit", "1000").stdout)) == 1000
    )
    found = json.loads(run(cli, "--json", "strategy", "search", "zebra", "--limit", "500").stdout)
    assert len(found) == 500
    # --all streams every row, in JSON and through a pipe, with nothing lost between batches.
    every = json.loads(run(cli, "--json", "automate", "logs", "--all").stdout)
    assert len(every) == ROWS and len({r["id"] for r in every}) == ROWS
    lines = run(cli, "strategy", "list", "--all", "--sort", "name").stdout.splitlines()
    assert len(lines) == ROWS + 1 and len(set(lines)) == ROWS + 1
    found = run(cli, "--json", "strategy", "search", "rare zebra", "--all").stdout
    assert len(json.loads(found)) == ROWS // 5
    ics = tmp_path / "all.ics"
    run(cli, "consult", "export", "--ics", str(ics))
    assert ics.read_text().count("BEGIN:VEVENT") == ROWS
    assert "Big Co" in run(cli, "--profile", "Big Co", "profile", "list").stdout
    assert len(json.loads(run(cli, "--json", "profile", "list", "--all").stdout)) == ROWS + 1
    assert len(json.loads(run(cli, "--json", "user", "list").stdout)) == 1
    big = ("--profile", "Big Co")
    audits = json.loads(run(cli, *big, "--json", "audit", "list", "--limit", "1000").stdout)
    assert len(audits) == 1000
    trend = json.loads(run(cli, *big, "--json", "audit", "trend").stdout)
    assert len(trend["audits"]) == 12 and trend["audits"][-1]["audit_date"] == "2026-05-01"
    downloads = json.loads(run(cli, "--json", "resources", "history", "--limit", "1000").stdout)
    assert [d["resource_name"] for d in downloads[:2]] == ["Guide 0", "Guide 1"] and len(downloads) == 1000
    assert len(json.loads(run(cli, "--json", "resources", "history", "--all").stdout)) == ROWS
