"""Screening speed: one case against a 10k-programme catalogue, criteria parsed once and cached.

    .venv/bin/python bench/screening_speed.py [--size 10000] [--rounds 5]

Builds a SQLite catalogue of `size` copies of the real landscape records (the ~8% that carry criteria
text keep it), parses every criteria text once (the cache a running server keeps), then times
`screen_all` for every example case in examples/, several rounds, and reports p50/p95 per call.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from allonav.services.case_input import case_from_file
from allonav.services.catalogue_import import default_workers, import_paths
from allonav.services.context import open_context
from allonav.services.screening import screen_all
from allonav.settings import Settings
from common import ROOT, machine, real_studies, shared_dir, synthetic_studies, write_jsonl
from import_rate import fresh_factory


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="allonav-bench-"))
    path = work / "synthetic.jsonl"
    write_jsonl(path, synthetic_studies(real_studies(shared_dir()), args.size))
    url = f"sqlite:///{work / 'screen.db'}"
    engine, _factory = fresh_factory(url)
    ctx = open_context(Settings.from_env({"ALLONAV_DATABASE_URL": url, "ALLONAV_OFFLINE": "1"}))
    import_paths(ctx.sessions, [path], vocabulary=ctx.vocabulary, workers=default_workers())
    as_of = date(2026, 11, 26)
    cases = [case_from_file(ctx, p, as_of=as_of) for p in sorted((ROOT / "examples").glob("*.json"))]
    with ctx.sessions() as session:
        start = time.perf_counter()
        first = screen_all(session, ctx.criteria, cases[0], as_of=as_of, rules=ctx.judge_rules)
        parse_once = time.perf_counter() - start
    judged = sum(1 for item in first if item.verdict.verdicts)
    timings: list[float] = []
    for _ in range(args.rounds):
        for case in cases:
            with ctx.sessions() as session:
                start = time.perf_counter()
                screen_all(session, ctx.criteria, case, as_of=as_of, rules=ctx.judge_rules)
                timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
    print(f"Screening speed, SQLite, {date.today()}, {machine()}\n")
    print("| programmes | with criteria (judged) | cases × rounds | first call (parses all criteria) | p50 | p95 |")
    print("|---:|---:|---:|---:|---:|---:|")
    print(f"| {len(first):,} | {judged:,} | {len(cases)} × {args.rounds} | {parse_once:.1f} s "
          f"| {statistics.median(timings):.0f} ms | {p95:.0f} ms |")
    ctx.close()
    engine.dispose()


if __name__ == "__main__":
    main()
