"""Run a shell command so that nothing it starts outlives its run, and its output costs bounded memory.

How a run's processes are found (Linux; elsewhere only the process group is signalled):
- run-due makes itself a child subreaper (prctl PR_SET_CHILD_SUBREAPER): a process whose parent
  exits is re-parented to run-due instead of to PID 1, so `setsid cmd &` and double forks stay in
  run-due's process tree. Every process that appeared in that tree since the run started is the run's.
- Every process carries BOO_RUN_TOKEN=<random> in its environment, and processes holding the run's
  output pipes are the run's as well: that finds them even where the tree does not (a subreaper of
  their own in between, or prctl refused).
A process that both left the tree (possible only without the subreaper) and cleared its environment and
closed its output is not found; a cgroup would find it but needs a delegated cgroup, which cron lacks.

The run ends when the command has exited and its output is closed, or at the timeout. Then whatever
is left gets SIGTERM (and SIGCONT), a grace of KILL_GRACE_SECONDS, then SIGKILL until none is left.
Output is read as it comes (select) and capped while it is read: the first and last 32 KiB of each
stream are kept and the bytes in between are only counted.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import selectors
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from boo_cli.automation.stopping import interruptible

HEAD_BYTES = 32 * 1024
TAIL_BYTES = 32 * 1024
KILL_GRACE_SECONDS = 2.0
READ_CHUNK = 64 * 1024
TOKEN_VARIABLE = "BOO_RUN_TOKEN"


class CappedOutput:
    """The first and last parts of a stream, and how many bytes in between were dropped."""

    def __init__(self, head: int = HEAD_BYTES, tail: int = TAIL_BYTES) -> None:
        self.head_limit, self.tail_limit = head, tail
        self.head, self.tail = bytearray(), bytearray()
        self.total = 0

    def append(self, chunk: bytes) -> None:
        self.total += len(chunk)
        room = self.head_limit - len(self.head)
        if room > 0:
            self.head += chunk[:room]
            chunk = chunk[room:]
        if chunk:
            self.tail += chunk[-self.tail_limit :]
            if len(self.tail) > self.tail_limit:
                del self.tail[: len(self.tail) - self.tail_limit]

    @property
    def dropped(self) -> int:
        return self.total - len(self.head) - len(self.tail)

    def text(self) -> str:
        if not self.dropped:
            return bytes(self.head + self.tail).decode("utf-8", "replace")
        head = bytes(self.head).decode("utf-8", "replace")
        tail = bytes(self.tail).decode("utf-8", "replace")
        return f"{head}\n… {self.dropped:,} bytes dropped …\n{tail}"


@dataclass
class ShellResult:
    exit_code: int | None
    stdout: CappedOutput
    stderr: CappedOutput
    timed_out: bool = False
    stopped: int = 0  # processes still running at the end, that had to be stopped
    seconds: float = 0.0
    cancelled: KeyboardInterrupt | None = None  # boo was stopped (SIGINT, SIGTERM) during the run


def run_command(
    command: str, env: dict[str, str], timeout: float, *, token: str | None = None
) -> ShellResult:
    """Run COMMAND through /bin/sh; returns when it and every process it started are gone.

    token marks the run's processes (BOO_RUN_TOKEN): the run's id, so that if this runner dies the
    next one can find what it left (stop_marked)."""
    _become_subreaper()
    token = token or secrets.token_hex(16)
    before = _our_descendants(_process_table())
    started = time.monotonic()
    process = subprocess.Popen(
        command,
        shell=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, and no Ctrl-C from boo's terminal
        env={**os.environ, **env, TOKEN_VARIABLE: token},
    )
    run = _Run(process, token, before)
    result = ShellResult(None, run.outputs[process.stdout.fileno()], run.outputs[process.stderr.fileno()])
    try:
        with interruptible():
            result.timed_out = not run.wait(started + timeout)
    except KeyboardInterrupt as exc:  # Ctrl-C or Stopped: the caller records the output, then stops
        result.cancelled = exc
    finally:
        # Also on Ctrl-C/SIGTERM (Stopped) and on any error: the run's processes never outlive it.
        result.stopped = run.stop()
        result.exit_code = process.returncode
        result.seconds = round(time.monotonic() - started, 3)
    return result


class _Run:
    def __init__(self, process: subprocess.Popen, token: str, before: set[tuple[int, int]]) -> None:
        self.process, self.before = process, before
        self.marker = f"{TOKEN_VARIABLE}={token}".encode()
        self.selector = selectors.DefaultSelector()
        self.outputs: dict[int, CappedOutput] = {}
        self.pipes: set[str] = set()
        self.seen: set[tuple[int, int]] = set()
        for stream in (process.stdout, process.stderr):
            os.set_blocking(stream.fileno(), False)
            self.selector.register(stream.fileno(), selectors.EVENT_READ)
            self.outputs[stream.fileno()] = CappedOutput()
            self.pipes.add(f"pipe:[{os.fstat(stream.fileno()).st_ino}]")

    def wait(self, deadline: float) -> bool:
        """Read output until it is closed and the shell has exited; False at the deadline."""
        self.pump(deadline)
        if self.selector.get_map():
            return False
        try:
            self.process.wait(timeout=max(deadline - time.monotonic(), 0))
        except subprocess.TimeoutExpired:
            return False
        return True

    def pump(self, deadline: float) -> None:
        """Read what comes until both pipes are closed or the deadline passes (never longer)."""
        while self.selector.get_map():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            for key, _ in self.selector.select(min(remaining, 1.0)):
                try:
                    chunk = os.read(key.fd, READ_CHUNK)
                except BlockingIOError:
                    continue
                if chunk:
                    self.outputs[key.fd].append(chunk)
                else:
                    self.selector.unregister(key.fd)

    def stop(self) -> int:
        """SIGTERM what is left of the run, SIGKILL it after the grace; returns how many were left."""
        left = self.members()
        shell_ran = self.process.poll() is None
        if left or shell_ran:
            self._signal(left, signal.SIGTERM)
            self._signal(left, signal.SIGCONT)  # a stopped process would never see the SIGTERM
            grace_ends = time.monotonic() + KILL_GRACE_SECONDS
            while time.monotonic() < grace_ends and (self.process.poll() is None or self.members()):
                self.pump(min(time.monotonic() + 0.1, grace_ends))
                if not self.selector.get_map():
                    time.sleep(0.05)
            for _ in range(100):  # a process may fork while it is killed: repeat until none is left
                alive = self.members()
                if not alive and self.process.poll() is not None:
                    break
                self._signal(alive, signal.SIGKILL)
                time.sleep(0.01)
        with contextlib.suppress(subprocess.TimeoutExpired):  # only a process stuck in the kernel (D) waits
            self.process.wait(timeout=5)
        self.pump(time.monotonic() + 0.5)  # every writer is gone: the rest of the output, then EOF
        self._reap()
        for stream in (self.process.stdout, self.process.stderr):
            stream.close()
        self.selector.close()
        return len(left) + shell_ran

    def members(self) -> set[tuple[int, int]]:
        """The run's processes still running, as (pid, start time) pairs."""
        if not sys.platform.startswith("linux"):
            return set()
        table = _process_table()
        found = _our_descendants(table) - self.before
        if self.process.returncode is None:
            found |= _descendants(table, self.process.pid)
        for pid in table:
            if pid != os.getpid() and self._carries_mark(pid):
                found |= {(pid, table[pid][1])} | _descendants(table, pid)
        self.seen |= found
        return {(pid, start) for pid, start in found if pid != self.process.pid and table[pid][2] != "Z"}

    def _carries_mark(self, pid: int) -> bool:
        if _environ_holds(pid, self.marker):
            return True
        try:
            fd_dir = f"/proc/{pid}/fd"
            return any(os.readlink(f"{fd_dir}/{fd}") in self.pipes for fd in os.listdir(fd_dir))
        except OSError:
            return False

    def _signal(self, processes: set[tuple[int, int]], signum: int) -> None:
        if self.process.returncode is None:  # once the shell is reaped its pid, the group's id, may be reused
            with contextlib.suppress(OSError):
                os.killpg(self.process.pid, signum)
        _signal_each(processes, signum)

    def _reap(self) -> None:
        """Wait for the run's orphans that were re-parented to us, so none is left as a zombie."""
        table = _process_table()
        for pid, start in self.seen:
            if table.get(pid) == (os.getpid(), start, "Z"):
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(pid, os.WNOHANG)


def stop_marked(token: str) -> int:
    """Stop what a run left running when its runner died: every process of this OS user carrying the
    run's token, and their descendants; SIGTERM, the grace, then SIGKILL. Returns how many there were
    (always 0 elsewhere than Linux)."""
    marker = f"{TOKEN_VARIABLE}={token}".encode()

    def left() -> set[tuple[int, int]]:
        table = _process_table()
        found: set[tuple[int, int]] = set()
        for pid in table:
            if pid != os.getpid() and _environ_holds(pid, marker):
                found |= {(pid, table[pid][1])} | _descendants(table, pid)
        return {(pid, start) for pid, start in found if table.get(pid, (0, 0, "Z"))[2] != "Z"}

    first = left()
    if first:
        _signal_each(first, signal.SIGTERM)
        _signal_each(first, signal.SIGCONT)
        grace_ends = time.monotonic() + KILL_GRACE_SECONDS
        while time.monotonic() < grace_ends and left():
            time.sleep(0.05)
        for _ in range(100):
            alive = left()
            if not alive:
                break
            _signal_each(alive, signal.SIGKILL)
            time.sleep(0.01)
    return len(first)


def _environ_holds(pid: int, marker: bytes) -> bool:
    """Whether a process of this OS user has marker (NAME=value) in its environment."""
    try:
        if os.stat(f"/proc/{pid}").st_uid != os.getuid():
            return False
        return marker in Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return False


def _signal_each(processes: set[tuple[int, int]], signum: int) -> None:
    for pid, start in processes:
        if _start_time(pid) == start:  # the same process, not a new one that reused its pid
            with contextlib.suppress(OSError):
                os.kill(pid, signum)


def _process_table() -> dict[int, tuple[int, int, str]]:
    """pid -> (parent pid, start time in clock ticks since boot, state), from /proc."""
    table: dict[int, tuple[int, int, str]] = {}
    if not sys.platform.startswith("linux"):
        return table
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            data = Path(f"/proc/{name}/stat").read_bytes()
        except OSError:
            continue  # it exited meanwhile
        fields = data[data.rindex(b")") + 2 :].split()
        table[int(name)] = (int(fields[1]), int(fields[19]), fields[0].decode())
    return table


def _descendants(table: dict[int, tuple[int, int, str]], root: int) -> set[tuple[int, int]]:
    children: dict[int, list[int]] = {}
    for pid, (parent, _, _) in table.items():
        children.setdefault(parent, []).append(pid)
    found, queue = set(), list(children.get(root, []))
    while queue:
        pid = queue.pop()
        found.add((pid, table[pid][1]))
        queue.extend(children.get(pid, []))
    return found


def _our_descendants(table: dict[int, tuple[int, int, str]]) -> set[tuple[int, int]]:
    return _descendants(table, os.getpid())


def _start_time(pid: int) -> int | None:
    try:
        data = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return None
    return int(data[data.rindex(b")") + 2 :].split()[19])


_PR_SET_CHILD_SUBREAPER = 36


def _become_subreaper() -> bool:
    """Orphans of our tasks are re-parented to this process, where members() finds them (Linux)."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False
