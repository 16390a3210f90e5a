"""Criteria parser coverage and speed on the real cell-therapy records in ../shared/data/ctgov.

Coverage = share of leaf criteria (segmented items without sub-items; a compound item counts once) whose category
is not `unparsed`. Sources: every record with eligibility text in `celltherapy_landscape_2026-08.jsonl` (full text)
and `celltherapy_trials.jsonl` (often cut short). Speed = wall time of `parse_criteria` over all of them.
Data: ClinicalTrials.gov (U.S. National Library of Medicine) as re-published by ptjeong/ONC-CAR-T-Trials-Monitor and
ptjeong/Rheumatology-CAR-T-Trials-Monitor- (MIT) and registry mirrors (see ../shared/data/ctgov/PROVENANCE.md).

Run: `.venv/bin/python bench/criteria_coverage.py [--top 40]`; exits 2 when ../shared is absent.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

from allonav.criteria import leaves, load_criteria_vocabulary, parse_criteria
from allonav.domain.criterion import Category

FILES = ("celltherapy_landscape_2026-08.jsonl", "celltherapy_trials.jsonl")


def shared_dir() -> Path:
    """../shared next to the repository, or ALLONAV_SHARED_DIR."""
    return Path(os.environ.get("ALLONAV_SHARED_DIR") or Path(__file__).resolve().parents[1].parent / "shared")


def criteria_texts(shared: Path) -> list[tuple[str, str]]:
    """(NCT id, eligibility text) of every cell-therapy record that has criteria text."""
    out: list[tuple[str, str]] = []
    for name in FILES:
        with (shared / "data" / "ctgov" / name).open(encoding="utf-8") as stream:
            for line in stream:
                if not line.strip():
                    continue
                protocol = json.loads(line).get("protocolSection", {})
                text = (protocol.get("eligibilityModule") or {}).get("eligibilityCriteria")
                if text:
                    out.append(((protocol.get("identificationModule") or {}).get("nctId") or "?", text))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=30, help="how many unparsed texts to list")
    args = parser.parse_args()
    shared = shared_dir()
    if not (shared / "data" / "ctgov").is_dir():
        print(f"criteria_coverage needs the real records: {shared}/data/ctgov not found (set ALLONAV_SHARED_DIR)",
              file=sys.stderr)
        return 2
    texts = criteria_texts(shared)
    started = time.perf_counter()
    vocabulary = load_criteria_vocabulary()
    load_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    sets = [parse_criteria(nct, text, vocabulary) for nct, text in texts]
    elapsed = time.perf_counter() - started
    categories: Counter[str] = Counter()
    unparsed: Counter[str] = Counter()
    total = typed = 0
    for criteria_set in sets:
        for leaf in leaves(criteria_set.criteria):
            total += 1
            categories[leaf.category.value] += 1
            if leaf.category is Category.UNPARSED:
                unparsed[leaf.text[:140]] += 1
            else:
                typed += 1
    print(f"records with criteria: {len(texts)} ({sum(not s.complete for s in sets)} flagged cut short)")
    print(f"leaf criteria: {total}; typed: {typed} ({100 * typed / max(total, 1):.1f}%)")
    print(f"speed: {1000 * elapsed / max(len(texts), 1):.2f} ms/trial ({elapsed:.2f} s total); "
          f"vocabulary load {load_ms:.0f} ms")
    print("per category:")
    for name, count in categories.most_common():
        print(f"  {name:18} {count:5}  {100 * count / max(total, 1):5.1f}%")
    print(f"most common unparsed (top {args.top}):")
    for text, count in unparsed.most_common(args.top):
        print(f"  {count:3} × {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
