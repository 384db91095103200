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


HOST_ID = """
from boo_cli.services import logins
print(logins.host_id())
"""


def test_runners_starting_at_once_in_a_new_home_agree_on_one_host_id(boo_home):
    starts = [
        subprocess.Popen(
            [sys.executable, "-c", HOST_ID], env=os.environ.copy(), stdout=subprocess.PIPE, text=True
        )
        for _ in range(6)
    ]
    ids = {s.communicate(timeout=120)[0].strip() for s in starts}
    assert len(ids) == 1 and ids == {str(logins.host_id())}
    assert [p.name for p in (boo_home / "state").iterdir() if p.name.startswith(".host-id")] == []


def test_a_choice_made_while_run_due_writes_its_state_is_kept(boo_home):
    import uuid

    url = "sqlite:////tmp/x.db"
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(n)], env=os.environ.copy()) for n in range(3)
    ]
    chosen = [uuid.uuid4() for _ in range(20)]
    for user_id in chosen:
        logins.allow_shell_user(url, user_id)
    assert [w.wait(timeout=120) for w in writers] == [0] * 3
    assert set(logins.shell_users(url)) == {str(u) for u in chosen}
