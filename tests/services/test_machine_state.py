"""The machine's state files survive several writers at once (cron may start run-due twice a minute)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

from boo_cli.services import logins

WRITER = """
import sys
from boo_cli.services import logins
for n in range(40):
    logins.record_run_due("sqlite:////tmp/x.db", started=str(n), ran=n, failed=0, writer=sys.argv[1])
"""


def test_concurrent_writers_never_fail_and_leave_a_whole_owner_only_file(boo_home):
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(n)], env=os.environ.copy()) for n in range(6)
    ]
    assert [w.wait(timeout=120) for w in writers] == [0] * 6
    state = logins.last_run_due("sqlite:////tmp/x.db")
    assert state["started"] == "39"
    path = boo_home / "state" / "machine.json"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir() if p.suffix == ".tmp"] == []
