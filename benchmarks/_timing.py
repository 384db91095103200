"""Shared timing helpers for the benchmark scripts: median wall time of real processes."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
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


def boo_init(url: str | None, home: Path, business: str = "Bench Co") -> dict[str, str]:
    """A database with one user and one business; returns the environment to run boo with."""
    env = {"BOO_HOME": str(home), "BOO_KEYRING": "file"}
    db = ["--db", url] if url else []
    args = [
        BOO,
        *db,
        "init",
        "--email",
        "bench@example.com",
        "--first-name",
        "B",
        "--last-name",
        "M",
        "--timezone",
        "UTC",
        "--password-stdin",
        "--business",
        business,
    ]
    median_ms(args, runs=1, warmup=0, env=env, input="benchmark password\n")
    return env


@contextmanager
def temporary_postgres() -> Iterator[str]:
    """A new PostgreSQL database for one benchmark (BOO_BENCH_POSTGRES_URL's server), dropped after."""
    import uuid

    import sqlalchemy as sa

    from boo_cli import db
    from boo_cli.config import normalize_url

    admin_url = normalize_url(
        os.environ.get("BOO_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1/postgres")
    )
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"boo_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    try:
        yield sa.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        db.dispose_engines()
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()
