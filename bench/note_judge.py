"""Criterion-level verdicts straight from notes, on the physician-labelled TrialGPT dev pairs.

    .venv/bin/python bench/note_judge.py [--markdown]

Reads ../shared/data/verdicts/trialgpt_criterion_dev.jsonl (Jin et al., Nature Communications 2024; U.S.
Government work), judges every pair offline through allonav's pipeline (note → proposed case → parsed
criterion → verdict), and reports accuracy, per-class figures, the confusion matrix and throughput, beside the
published GPT-4 result on these rows (88.6%) and the trivial rule (66.9%).
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from datetime import date

from allonav.criteria import load_criteria_vocabulary
from allonav.domain.labs import load_labs
from allonav.eligibility import load_rules
from allonav.records import load_vocabulary
from allonav.services.note_judge import NoteJudge
from common import machine, shared_dir

AS_OF = date(2026, 11, 26)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.parse_args()
    rows = [json.loads(line) for line in
            (shared_dir() / "data" / "verdicts" / "trialgpt_criterion_dev.jsonl").read_text().splitlines() if line]
    labs = load_labs()
    engine = NoteJudge(load_criteria_vocabulary(), load_vocabulary(), labs, load_rules(labs=labs))
    start = time.perf_counter()
    predictions = [engine.judge(r["note"], r["criterion_type"], r["criterion_text"], as_of=AS_OF).label for r in rows]
    elapsed = time.perf_counter() - start
    gold = [r["expert_eligibility"] for r in rows]
    trivial = ["not excluded" if r["criterion_type"] == "exclusion" else "not enough information" for r in rows]
    accuracy = sum(p == g for p, g in zip(predictions, gold, strict=True)) / len(rows)
    baseline = sum(p == g for p, g in zip(trivial, gold, strict=True)) / len(rows)
    print(f"TrialGPT criterion dev, {len(rows)} pairs, {date.today()}, {machine()}\n")
    print(f"allonav (offline rules): accuracy {accuracy:.1%}; trivial rule {baseline:.1%}; GPT-4 (published) 88.6%")
    print(f"throughput: {len(rows) / elapsed:.0f} pairs/s\n")
    labels = sorted(set(gold) | set(predictions))
    confusion = Counter(zip(gold, predictions, strict=True))
    print("| gold \\ predicted | " + " | ".join(labels) + " | recall |")
    print("|---|" + "---:|" * (len(labels) + 1))
    for g in labels:
        total = sum(confusion[(g, p)] for p in labels)
        recall = confusion[(g, g)] / total if total else 0.0
        print(f"| {g} | " + " | ".join(str(confusion[(g, p)]) for p in labels) + f" | {recall:.0%} |")


if __name__ == "__main__":
    main()
