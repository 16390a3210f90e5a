"""Search latency p50/p95 over a realistic query mix, at 10k and 100k programmes.

    .venv/bin/python bench/search_latency.py [--sizes 10000 100000] [--database-url URL]

Builds each catalogue from copies of real records (as bench/import_rate.py does), builds the index once,
then times `CatalogueSearch.search` (full text in the database + filters, facet counts and the first page):
"cold" with an empty phrase cache (every text phrase goes to the database), "warm" with phrases seen before.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from allonav.catalogue.vocabulary import load_vocabulary
from allonav.services.catalogue_import import default_workers, import_paths
from allonav.services.catalogue_search import CatalogueSearch, SearchQuery
from common import machine, real_studies, shared_dir, synthetic_studies, write_jsonl
from import_rate import fresh_factory

QUERIES: list[SearchQuery] = [
    SearchQuery(),
    SearchQuery(filters={"cell_source": ["allogeneic"]}),
    SearchQuery(filters={"cell_source": ["allogeneic"], "antigen": ["CD19"]}),
    SearchQuery(filters={"cell_source": ["allogeneic"], "antigen": ["CD7"], "status": ["open"]}),
    SearchQuery(filters={"antigen": ["BCMA"], "country": ["China"]}),
    SearchQuery(filters={"modality": ["CAR-NK"]}),
    SearchQuery(filters={"disease_group": ["B-ALL"], "country": ["United States"], "status": ["open"]}),
    SearchQuery(filters={"city": ["Beijing"]}),
    SearchQuery(text="lymphoma"),
    SearchQuery(text="universal CAR-T"),
    SearchQuery(text='"cord blood"'),
    SearchQuery(text="CD19", filters={"cell_source": ["allogeneic"]}),
    SearchQuery(text="myeloma", filters={"country": ["China"], "status": ["open"]}),
    SearchQuery(text="lupus nephritis"),
    SearchQuery(text="CRISPR", filters={"modality": ["CAR-T"]}),
    SearchQuery(text="leukemia", offset=40),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    real = real_studies(shared_dir())
    work = Path(tempfile.mkdtemp(prefix="allonav-bench-"))
    vocabulary = load_vocabulary()
    backend = "PostgreSQL" if args.database_url else "SQLite"
    print(f"Search latency, {backend}, {date.today()}, {machine()}\n")
    print("| programmes | phrase cache | queries timed | p50 | p95 | max | index build |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for size in args.sizes:
        path = work / f"synthetic_{size}.jsonl"
        write_jsonl(path, synthetic_studies(real, size))
        engine, factory = fresh_factory(args.database_url or f"sqlite:///{work / f'search_{size}.db'}")
        import_paths(factory, [path], vocabulary=vocabulary, workers=default_workers())
        search = CatalogueSearch()
        with factory() as session:
            start = time.perf_counter()
            search.index(session)
            build = time.perf_counter() - start
        for label, cold in (("cold", True), ("warm", False)):
            timings: list[float] = []
            for _ in range(args.rounds):
                if cold:  # no phrase seen before: every text phrase goes to the database
                    search.clear_phrase_cache()
                for query in QUERIES:
                    with factory() as session:
                        start = time.perf_counter()
                        search.search(session, query)
                        timings.append((time.perf_counter() - start) * 1000)
            timings.sort()
            p50 = statistics.median(timings)
            p95 = timings[int(len(timings) * 0.95) - 1]
            print(f"| {size:,} | {label} | {len(timings)} | {p50:.1f} ms | {p95:.1f} ms | {timings[-1]:.1f} ms "
                  f"| {build:.1f} s |")
        engine.dispose()
        path.unlink()


if __name__ == "__main__":
    main()
