"""`boo strategy list` and `boo strategy search` with 100,000 strategies, on SQLite and PostgreSQL.

Prints, for each backend:
- the commands' wall time against `python -c "import sqlmodel"` (target <= 1.5x), interleaved runs;
- full-text search against a LIKE scan over the same rows, in one process (target >= 20x faster).

Run with the venv's own python:  .venv/bin/python benchmarks/strategies.py [--rows 100000] [--no-postgres]
PostgreSQL: BOO_BENCH_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/postgres); the script
creates its own database and drops it at the end.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from _timing import BOO, PYTHON, boo_init, interleaved_medians, report, temporary_postgres

WORDS = [
    "launch",
    "newsletter",
    "pricing",
    "referral",
    "webinar",
    "course",
    "podcast",
    "partnership",
    "retainer",
    "workshop",
    "bundle",
    "subscription",
    "wholesale",
    "catering",
    "seasonal",
    "loyalty",
    "upsell",
    "outreach",
    "content",
    "video",
    "audit",
    "template",
    "marketplace",
    "community",
    "sponsorship",
    "affiliate",
    "cohort",
    "coaching",
    "membership",
    "licensing",
    "franchise",
]
RARE = "zeppelin"  # appears in a handful of rows: a search must find them without reading the rest


def populate(url: str, home: Path, rows: int) -> None:
    import sqlalchemy as sa

    from boo_cli import db
    from boo_cli.models import BusinessProfile, GrowthStrategy
    from boo_cli.models.enums import Priority, StrategyStatus

    boo_init(url, home)
    engine = db.get_engine(url)
    with engine.begin() as conn:
        profile_id = conn.execute(sa.select(BusinessProfile.id)).scalar_one()
        rng = random.Random(7)
        start = datetime(2024, 1, 1, tzinfo=UTC)
        batch = []
        for n in range(rows):
            words = rng.sample(WORDS, 6)
            if n % (rows // 10) == 0:
                words[2] = RARE
            batch.append(
                {
                    "id": uuid.uuid4(),
                    "business_profile_id": profile_id,
                    "strategy_name": f"{words[0].title()} {words[1]} plan {n}",
                    "description": " ".join(words[2:]) + " for regular clients",
                    "priority": rng.choice(list(Priority)),
                    "status": rng.choice(list(StrategyStatus)),
                    "created_at": start + timedelta(minutes=n),
                    "updated_at": start + timedelta(minutes=n),
                    "resources_required": [],
                }
            )
            if len(batch) == 5000:
                conn.execute(sa.insert(GrowthStrategy), batch)
                batch = []
        if batch:
            conn.execute(sa.insert(GrowthStrategy), batch)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("ANALYZE"))
    db.dispose_engines()


def _median_ms(call, runs: int = 21) -> float:
    call()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        call()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def search_vs_like(url: str) -> dict[str, float]:
    """Full-text search against a LIKE scan for the same rows: in SQL alone (the index against the
    scan), and through the ORM as boo runs it (both sides then pay the same object-loading cost)."""
    import sqlalchemy as sa
    from sqlmodel import Session, select

    from boo_cli import db
    from boo_cli.models import GrowthStrategy, User
    from boo_cli.services.search import STRATEGIES, search_strategies

    engine = db.get_engine(url)
    pattern = f"%{RARE}%"
    like_filter = sa.or_(GrowthStrategy.strategy_name.like(pattern), GrowthStrategy.description.like(pattern))
    if engine.dialect.name == "postgresql":
        vector = STRATEGIES.pg_vector
        fts_sql = (
            "SELECT id, strategy_name FROM growth_strategies "
            f"WHERE {vector} @@ plainto_tsquery('english', :q) "
            f"ORDER BY ts_rank({vector}, plainto_tsquery('english', :q)) DESC LIMIT 20"
        )
    else:
        fts_sql = (
            "SELECT g.id, g.strategy_name FROM growth_strategies g JOIN growth_strategies_fts f "
            "ON f.rowid = g.rowid WHERE growth_strategies_fts MATCH :q "
            "ORDER BY bm25(growth_strategies_fts) LIMIT 20"
        )
    like_sql = (
        "SELECT id, strategy_name FROM growth_strategies "
        "WHERE strategy_name LIKE :p OR description LIKE :p LIMIT 20"
    )
    with Session(engine) as session:
        user = session.exec(select(User)).one()
        conn = session.connection()
        found = search_strategies(session, user.id, RARE)
        scanned = list(session.exec(select(GrowthStrategy).where(like_filter).limit(20)))
        assert {s.id for s in found} == {s.id for s in scanned}, "search and LIKE disagree"
        result = {
            "sql_fts": _median_ms(lambda: conn.execute(sa.text(fts_sql), {"q": RARE}).all()),
            "sql_like": _median_ms(lambda: conn.execute(sa.text(like_sql), {"p": pattern}).all()),
            "orm_fts": _median_ms(lambda: search_strategies(session, user.id, RARE)),
            "orm_like": _median_ms(
                lambda: list(session.exec(select(GrowthStrategy).where(like_filter).limit(20)))
            ),
        }
    db.dispose_engines()
    return result


def bench(name: str, url: str, home: Path, rows: int) -> list:
    t = time.perf_counter()
    populate(url, home, rows)
    print(f"{name}: {rows:,} strategies loaded in {time.perf_counter() - t:.0f} s", flush=True)
    env = {"BOO_HOME": str(home), "BOO_KEYRING": "file"}
    ms = interleaved_medians(
        {
            "sqlmodel": [PYTHON, "-c", "import sqlmodel"],
            "driver": [
                PYTHON,
                "-c",
                "import sqlmodel, psycopg" if "postgresql" in url else "import sqlmodel, sqlite3",
            ],
            "list": [BOO, "--db", url, "strategy", "list"],
            "search": [BOO, "--db", url, "strategy", "search", f"{RARE} clients"],
        },
        runs=11,
        env=env,
    )
    s = search_vs_like(url)
    floor = ms["sqlmodel"]
    driver = ms["driver"]
    return [
        (f'{name}: python -c "import sqlmodel"', floor, None, None),
        (f"{name}: ... plus the driver (the real floor)", driver, driver / floor, None),
        (f"{name}: boo strategy list (first page)", ms["list"], ms["list"] / floor, 1.5),
        (f"{name}: boo strategy search", ms["search"], ms["search"] / floor, 1.5),
        (f"{name}: boo strategy list, against sqlmodel + driver", ms["list"], ms["list"] / driver, None),
        (f"{name}: SQL LIKE scan", s["sql_like"], None, None),
        (f"{name}: SQL full-text (ratio: scan / index)", s["sql_fts"], s["sql_like"] / s["sql_fts"], None),
        (f"{name}: ORM LIKE scan", s["orm_like"], None, None),
        (f"{name}: search_strategies() (ratio: scan / it)", s["orm_fts"], s["orm_like"] / s["orm_fts"], None),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    rows: list = []
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        rows += bench("SQLite", f"sqlite:///{home / 'bench.db'}", home / "sqlite-home", args.rows)
        if not args.no_postgres:
            with temporary_postgres() as url:
                rows += bench("PostgreSQL", url, home / "pg-home", args.rows)
    print()
    report(rows)
    print("\nfull-text search target: >= 20x faster than the LIKE scan (the 'ratio' of the full-text rows)")


if __name__ == "__main__":
    main()
