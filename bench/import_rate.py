"""Import rate (studies/s): the real shared records, then 100k copies of real records under new IDs.

    .venv/bin/python bench/import_rate.py [--sizes 10000 100000] [--database-url URL] [--keep DIR]

Each size is imported into a fresh database. With --keep, the databases are left in DIR (the search
latency benchmark reuses them).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import text

from allonav.catalogue.vocabulary import load_vocabulary
from allonav.services.catalogue_import import default_workers, import_paths
from allonav.store.db import make_engine, migrate, session_factory
from common import machine, real_studies, shared_dir, synthetic_studies, write_jsonl


def fresh_factory(url: str):  # type: ignore[no-untyped-def]
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    migrate(engine)
    return engine, session_factory(engine)


def run(label: str, url: str, paths: list[Path]) -> tuple[int, float]:
    engine, factory = fresh_factory(url)
    vocabulary = load_vocabulary()
    start = time.perf_counter()
    report = import_paths(factory, paths, vocabulary=vocabulary, workers=default_workers())
    elapsed = time.perf_counter() - start
    engine.dispose()
    done = report.summary["read"]
    print(f"| {label} | {done:,} | {report.summary['imported']:,} | {elapsed:.1f} s | {done / elapsed:,.0f} |")
    return done, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="*", default=[100_000])
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (default: a SQLite file per run)")
    parser.add_argument("--keep", type=Path, default=None, help="folder to keep the SQLite databases in")
    args = parser.parse_args()
    shared = shared_dir()
    work = Path(tempfile.mkdtemp(prefix="allonav-bench-"))
    keep = args.keep or work
    keep.mkdir(parents=True, exist_ok=True)

    def url_for(name: str) -> str:
        return args.database_url or f"sqlite:///{keep / name}"

    backend = "PostgreSQL" if args.database_url else "SQLite"
    print(f"Import rate, {backend}, {date.today()}, {machine()}\n")
    print("| input | records read | imported | time | studies/s |")
    print("|---|---:|---:|---:|---:|")
    run("real records, ../shared/data/ctgov (all files)", url_for("real.db"), [shared / "data" / "ctgov"])
    real = real_studies(shared)
    for size in args.sizes:
        path = work / f"synthetic_{size}.jsonl"
        write_jsonl(path, synthetic_studies(real, size))
        run(f"{size:,} copies of real records (JSONL)", url_for(f"synthetic_{size}.db"), [path])
        path.unlink()


if __name__ == "__main__":
    main()
