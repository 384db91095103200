"""SIGINT and SIGTERM while a task runs: stop the task's processes, record the run, then exit.

Python's defaults are wrong for an unattended runner: SIGTERM kills boo at once (the task's children
live on and the run stays 'running'), and Ctrl-C raises KeyboardInterrupt wherever boo happens to be,
in the middle of a database write too. Under `stop_on_signals()` a signal only raises `Stopped` inside
an `interruptible()` block (an action running, a retry's back-off); elsewhere it is noted and raised at
the next block, so the write in progress finishes first.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Stopped(KeyboardInterrupt):
    """boo was asked to stop (SIGINT or SIGTERM) while it ran a task."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name


class _State:
    requested: int | None = None
    depth = 0


_state = _State()


def _handler(signum: int, frame) -> None:
    if _state.requested is None:
        _state.requested = signum
    if _state.depth:
        raise Stopped(signum)


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """Turn SIGINT and SIGTERM into `Stopped` at safe points, for the block's duration."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread
        return
    previous = {signum: signal.signal(signum, _handler) for signum in STOP_SIGNALS}
    _state.requested, _state.depth = None, 0
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        _state.requested, _state.depth = None, 0


@contextmanager
def interruptible() -> Iterator[None]:
    """A block that a stop signal may interrupt at once (raises at entry if one came already)."""
    _state.depth += 1
    try:
        raise_if_stopped()
        yield
    finally:
        _state.depth -= 1


def raise_if_stopped() -> None:
    if _state.requested is not None:
        raise Stopped(_state.requested)


def describe(exc: BaseException) -> str:
    """The error recorded for a run that a stop signal ended (the status model has no 'cancelled')."""
    name = exc.name if isinstance(exc, Stopped) else "SIGINT"
    return f"cancelled: boo received {name} while the task ran"
