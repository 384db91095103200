"""What cron and a monitor hear from run-due: exit 1 after any failed run, 0 after a clean call, one
line per failure on stderr, and a healthchecks-style ping (url on success, url/fail otherwise)."""

from __future__ import annotations

import http.server
import os
import threading
from collections.abc import Iterator

import pytest

from tests.automation.conftest import MONDAY_0900, add_task


class Pings(http.server.BaseHTTPRequestHandler):
    seen: list[str]

    def do_GET(self):
        self.seen.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *_args):
        pass


@pytest.fixture
def monitor(monkeypatch) -> Iterator[list[str]]:
    """A monitor on 127.0.0.1 that records the paths run-due pings; BOO_PING_URL points at it."""
    seen: list[str] = []
    handler = type("Handler", (Pings,), {"seen": seen})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("BOO_PING_URL", f"http://127.0.0.1:{server.server_address[1]}/ping/abc/")
    yield seen
    server.shutdown()
    server.server_close()


def test_a_clean_call_exits_0_and_pings_success(owner_cli, monitor):
    add_task(owner_cli, "fine", "--cron", "0 9 * * MON", "--builtin", "noop")
    result = owner_cli("run", "--now", MONDAY_0900)
    assert (result.exit_code, result.stderr) == (0, "")
    idle = owner_cli("run", "--now", MONDAY_0900)  # nothing due: still a heartbeat
    assert idle.exit_code == 0
    assert monitor == ["/ping/abc/", "/ping/abc/"]  # the URL as given


def test_a_failed_run_exits_1_says_one_line_and_pings_fail(owner_cli, monitor):
    add_task(owner_cli, "fine", "--cron", "0 9 * * MON", "--builtin", "noop")
    add_task(owner_cli, "broken", "--cron", "0 9 * * MON", "--shell", "echo nope >&2; exit 3")
    result = owner_cli("run", "--now", MONDAY_0900)
    assert result.exit_code == 1
    assert result.stderr == "boo: 'broken' (ann@example.com) failed: exit code 3: nope\n"
    assert monitor == ["/ping/abc/fail"]


def test_a_dry_run_pings_nothing(owner_cli, monitor):
    add_task(owner_cli, "fine", "--cron", "0 9 * * MON", "--builtin", "noop")
    assert owner_cli("run", "--now", MONDAY_0900, "--dry-run").exit_code == 0
    assert monitor == []


def test_an_unreachable_monitor_is_one_line_and_keeps_the_exit_code(owner_cli, monkeypatch):
    import socket

    with socket.socket() as probe:  # a port on 127.0.0.1 that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("BOO_PING_URL", f"http://127.0.0.1:{port}/ping")
    add_task(owner_cli, "fine", "--cron", "0 9 * * MON", "--builtin", "noop")
    result = owner_cli("run", "--now", MONDAY_0900)
    assert result.exit_code == 0
    assert result.stderr.startswith("boo: cannot ping the monitor at 127.0.0.1: ")
    assert len(result.stderr.splitlines()) == 1


def test_a_ping_url_that_is_not_http_is_a_config_error(owner_cli, monkeypatch):
    monkeypatch.setenv("BOO_PING_URL", "file:///etc/passwd")
    result = owner_cli("run", "--now", MONDAY_0900)
    assert result.exit_code == 2
    assert "ping_url (or BOO_PING_URL) must be an http or https URL" in result.stderr


def test_fail_goes_on_the_path_and_a_secret_path_is_never_printed(owner_cli, monitor, monkeypatch):
    base = os.environ["BOO_PING_URL"].rstrip("/")
    monkeypatch.setenv("BOO_PING_URL", f"{base}?create=1")
    add_task(owner_cli, "broken", "--cron", "0 9 * * MON", "--shell", "exit 3")
    assert owner_cli("run", "--now", MONDAY_0900).exit_code == 1
    assert monitor == ["/ping/abc/fail?create=1"]


def test_a_ping_url_that_cannot_be_parsed_is_a_config_error(owner_cli, monkeypatch):
    monkeypatch.setenv("BOO_PING_URL", "http://[::1")
    result = owner_cli("run", "--now", MONDAY_0900)
    assert result.exit_code == 2
    assert "ping_url" in result.stderr and len(result.stderr.splitlines()) == 1
