"""Fixtures of the automation tests: an owner on a fixed clock, and adding a task as of that clock."""

from __future__ import annotations

import pytest
import time_machine

from tests.conftest import init_user

MONDAY_0900 = "2026-03-02T08:00:00+00:00"  # 09:00 in Europe/Berlin


@pytest.fixture
def owner_cli(cli, monkeypatch):
    monkeypatch.setenv("BOO_RETRY_BACKOFF_SECONDS", "0")
    with time_machine.travel("2026-03-01 12:00:00+00:00", tick=False):
        init_user(cli, business="Ann's Bakery")
    return cli


def add_task(cli, *args: str):
    with time_machine.travel("2026-03-01 12:00:00+00:00", tick=False):
        result = cli("automate", "add", *args)
    assert result.exit_code == 0, result.stderr
    return result
