"""Score the catalogue classifier against the hand-labelled records.

Usage: .venv/bin/python bench/classification.py [--markdown] [--errors]

Reads tests/fixtures/classification_labels.json and the real records from ../shared/data/ctgov
(override the shared directory with ALLONAV_SHARED_DIR). Set-valued fields (modality, gene_editing,
antigens, disease_groups) are scored per value (micro precision/recall); cell_source per record (exact
match, so P = R), with a per-class table.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from allonav.catalogue import classify, load_vocabulary
from allonav.catalogue.vocabulary import Vocabulary
from allonav.domain.trial import CellTherapyProfile, Trial
from allonav.ingest.study_json import parse_study

REPO = Path(__file__).resolve().parents[1]
LABELS = REPO / "tests" / "fixtures" / "classification_labels.json"
SET_FIELDS = ("modality", "gene_editing", "antigens", "disease_groups")
FIELDS = (*SET_FIELDS, "cell_source")


def shared_dir() -> Path:
    """../shared beside the repository, or ALLONAV_SHARED_DIR."""
    override = os.environ.get("ALLONAV_SHARED_DIR")
    return Path(override) if override else REPO.parent / "shared"


def load_labels(path: Path = LABELS) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        labels: list[dict[str, Any]] = json.load(handle)
    return labels


def load_trials(ctgov: Path, wanted: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Trial]:
    """The labelled records, parsed, keyed by (file, nct_id)."""
    by_file: dict[str, set[str]] = {}
    for file, nct in wanted:
        by_file.setdefault(file, set()).add(nct)
    trials: dict[tuple[str, str], Trial] = {}
    for file, ids in by_file.items():
        with (ctgov / file).open(encoding="utf-8") as handle:
            for line in handle:
                if not line.strip():
                    continue
                study = json.loads(line)
                nct = study.get("protocolSection", {}).get("identificationModule", {}).get("nctId")
                if nct in ids and (file, nct) not in trials:
                    trials[(file, nct)] = parse_study(study, source=file)
    return trials


def predicted(profile: CellTherapyProfile, name: str) -> set[str]:
    if name == "cell_source":
        return {profile.cell_source.value}
    values: dict[str, tuple[str, ...]] = {
        "modality": profile.modality_values,
        "gene_editing": profile.gene_editing_values,
        "antigens": profile.antigen_values,
        "disease_groups": profile.disease_group_values,
    }
    return set(values[name])


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class Report:
    records: int
    fields: dict[str, Score]
    source_classes: dict[str, Score]


def canonical_antigen(vocabulary: Vocabulary, name: str) -> str:
    """A labeller's antigen spelling ("BAFFR", "FRa") mapped to the vocabulary's canonical name when one of
    that antigen's patterns matches the whole spelling; otherwise kept as written."""
    for term in vocabulary.antigens:
        if any(pattern.fullmatch(name) for pattern in term.patterns):
            return term.value
    return name


def score(labels: Sequence[Mapping[str, Any]], trials: Mapping[tuple[str, str], Trial]) -> Report:
    """Compare the classifier with every label; missing records raise KeyError."""
    vocabulary = load_vocabulary()
    fields = {name: Score() for name in FIELDS}
    classes: dict[str, Score] = {}
    for label in labels:
        trial = trials[(label["file"], label["nct_id"])]
        profile = classify(trial, vocabulary)
        for name in SET_FIELDS:
            gold, got = set(label[name]), predicted(profile, name)
            if name == "antigens":
                gold = {canonical_antigen(vocabulary, value) for value in gold}
            result = fields[name]
            result.tp += len(gold & got)
            result.fp += len(got - gold)
            result.fn += len(gold - got)
            if gold != got:
                result.errors.append(f"{label['nct_id']} {name}: gold {sorted(gold)} got {sorted(got)}")
        gold_source, got_source = label["cell_source"], profile.cell_source.value
        result = fields["cell_source"]
        for cls in (gold_source, got_source):
            classes.setdefault(cls, Score())
        if gold_source == got_source:
            result.tp += 1
            classes[gold_source].tp += 1
        else:
            result.fp += 1
            result.fn += 1
            classes[got_source].fp += 1
            classes[gold_source].fn += 1
            result.errors.append(f"{label['nct_id']} cell_source: gold {gold_source} got {got_source}")
    return Report(len(labels), fields, dict(sorted(classes.items())))


def render(report: Report, markdown: bool) -> str:
    lines: list[str] = []
    if markdown:
        lines += [f"Classification on {report.records} hand-labelled records", "",
                  "| field | precision | recall | TP | FP | FN |", "|---|---|---|---|---|---|"]
        lines += [f"| {name} | {s.precision:.1%} | {s.recall:.1%} | {s.tp} | {s.fp} | {s.fn} |"
                  for name, s in report.fields.items()]
        lines += ["", "| cell_source class | precision | recall | TP | FP | FN |", "|---|---|---|---|---|---|"]
        lines += [f"| {name} | {s.precision:.1%} | {s.recall:.1%} | {s.tp} | {s.fp} | {s.fn} |"
                  for name, s in report.source_classes.items()]
    else:
        lines.append(f"{report.records} labelled records")
        lines += [f"{name:15} P {s.precision:6.1%}  R {s.recall:6.1%}  (tp {s.tp}, fp {s.fp}, fn {s.fn})"
                  for name, s in report.fields.items()]
        lines.append("cell_source per class:")
        lines += [f"  {name:24} P {s.precision:6.1%}  R {s.recall:6.1%}  (tp {s.tp}, fp {s.fp}, fn {s.fn})"
                  for name, s in report.source_classes.items()]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    parser.add_argument("--errors", action="store_true", help="list every disagreement")
    parser.add_argument("--labels", type=Path, default=LABELS,
                        help="label file (default: the development set; tests/fixtures/classification_holdout.json "
                        "is the independent held-out set, labelled without seeing the classifier)")
    args = parser.parse_args(argv)
    ctgov = shared_dir() / "data" / "ctgov"
    if not ctgov.is_dir():
        print(f"shared data not found at {ctgov}: put ../shared beside the repository "
              "or set ALLONAV_SHARED_DIR", file=sys.stderr)
        return 2
    labels = load_labels(args.labels)
    trials = load_trials(ctgov, [(label["file"], label["nct_id"]) for label in labels])
    missing = [label["nct_id"] for label in labels if (label["file"], label["nct_id"]) not in trials]
    if missing:
        print(f"labelled records missing from {ctgov}: {', '.join(missing)}", file=sys.stderr)
        return 2
    report = score(labels, trials)
    print(render(report, args.markdown))
    if args.errors:
        counts = Counter(name for name, s in report.fields.items() for _ in s.errors)
        print(f"\ndisagreements: {dict(counts)}")
        for s in report.fields.values():
            for error in s.errors:
                print(" ", error)
    return 0


if __name__ == "__main__":
    sys.exit(main())
