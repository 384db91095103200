"""Who holds a running run, and whether that runner is still there.

A claimed run records its runner: the host's name, the runner's pid and a process mark (the boot id
and the process's start time in clock ticks, Linux), so that a pid reused by a later process, or one
from before a reboot, is not taken for the runner. The next run-due on the same host can then tell
for certain whether the runner is alive; from another host it cannot, and waits for the lease (the
run's start plus its timeout and a grace) to have expired by a margin (runner.py).
"""

from __future__ import annotations

import os
import socket
import sys
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path


class RunnerState(StrEnum):
    ALIVE = "alive"
    GONE = "gone"
    UNKNOWN = "unknown"  # another host's runner, or none recorded


@dataclass(frozen=True)
class Runner:
    host: str
    pid: int
    process: str | None  # "<boot id>/<start ticks>", None where /proc is not there


@cache
def this_runner() -> Runner:
    pid = os.getpid()
    return Runner(socket.gethostname()[:255], pid, _process_mark(pid))


def state_of(host: str | None, pid: int | None, process: str | None) -> RunnerState:
    """Whether the runner recorded on a run is still running (known only on its own host)."""
    if host is None or pid is None or host != this_runner().host:
        return RunnerState.UNKNOWN
    if process is not None and sys.platform.startswith("linux"):
        return RunnerState.ALIVE if _process_mark(pid) == process else RunnerState.GONE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return RunnerState.GONE
    except OSError:
        pass
    # The pid is taken, but without a start time boo cannot tell the runner from a later process
    # that reused its pid: the lease decides.
    return RunnerState.UNKNOWN


def _process_mark(pid: int) -> str | None:
    """The boot id and the process's start time; None if it is gone, a zombie, or not on Linux."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
        stat = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return None
    fields = stat[stat.rindex(b")") + 2 :].split()
    if fields[0] == b"Z":  # exited, not yet reaped by its parent: gone as a runner
        return None
    return f"{boot}/{int(fields[19])}"
