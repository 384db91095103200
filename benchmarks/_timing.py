"""Shared timing helpers for the benchmark scripts: median wall time of real processes."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

PYTHON = sys.executable
BOO = str(Path(sys.executable).with_name("boo"))


def median_ms(
    args: list[str],
    *,
    runs: int = 15,
    env: dict[str, str] | None = None,
    warmup: int = 2,
    input: str | None = None,
) -> float:
    """Median wall time of a command, in milliseconds (after warm-up runs that fill the OS cache)."""
    merged = {**os.environ, **(env or {})}
    times = []
    for i in range(warmup + runs):
        start = time.perf_counter()
        result = subprocess.run(
            args, capture_output=True, env=merged, input=input.encode() if input else None
        )
        elapsed = (time.perf_counter() - start) * 1000
        if result.returncode != 0:
            raise SystemExit(f"{' '.join(args)} failed: {result.stderr.decode()[-500:]}")
        if i >= warmup:
            times.append(elapsed)
    return statistics.median(times)


def run_ms(args: list[str], env: dict[str, str], input: str | None = None) -> float:
    start = time.perf_counter()
    result = subprocess.run(args, capture_output=True, env=env, input=input.encode() if input else None)
    elapsed = (time.perf_counter() - start) * 1000
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed: {result.stderr.decode()[-500:]}")
    return elapsed


def interleaved_medians(
    cases: dict[str, list[str]], *, runs: int = 21, env: dict[str, str] | None = None, warmup: int = 2
) -> dict[str, float]:
    """Median ms of each command, running them round-robin so that drift in the machine's speed
    (other load, CPU frequency) touches every case alike."""
    merged = {**os.environ, **(env or {})}
    times: dict[str, list[float]] = {name: [] for name in cases}
    for i in range(warmup + runs):
        for name, args in cases.items():
            elapsed = run_ms(args, merged)
            if i >= warmup:
                times[name].append(elapsed)
    return {name: statistics.median(values) for name, values in times.items()}


def report(rows: list[tuple[str, float, float | None, float | None]]) -> None:
    """Print name, ms, ratio against its baseline, and the target ratio."""
    print(f"{'case':58} {'ms':>8} {'ratio':>7} {'target':>7}")
    for name, ms, ratio, target in rows:
        ratio_s = f"{ratio:.2f}x" if ratio is not None else ""
        target_s = f"<={target:.2f}x" if target is not None else ""
        flag = "  OVER" if ratio is not None and target is not None and ratio > target else ""
        print(f"{name:58} {ms:8.1f} {ratio_s:>7} {target_s:>7}{flag}")
