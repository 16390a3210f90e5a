"""Precision/recall of the criteria parser's threshold extraction and negation on two public annotated corpora.

Corpora (read from ../shared/data/criteria, or $ALLONAV_SHARED_DIR/data/criteria):
* Chia (Kury et al. 2020, Sci Data 7:281, doi:10.6084/m9.figshare.11855817, CC BY 4.0) — `chia_without_scope.zip`,
  brat .txt/.ann per trial and kind (`NCTxxxx_inc`, `NCTxxxx_exc`).
* fb_ner (Facebook Research clinical-trial-parser medical NER test split, Apache-2.0) —
  `fb_ner/test_processed_medical_ner.tsv`, lower-cased criterion lines, numbers masked as @NUMBER.

Mapping (each line of a corpus is parsed on its own as one criterion of the file's kind):
1. Thresholds, Chia. Gold = every `Has_value` relation whose Arg1 is a Measurement or Person entity whose text names
   something we parse: a lab of domain/data/labs.toml (via the parser's lab wordings), ECOG/Karnofsky/Lansky
   (Karnofsky/Lansky converted to an ECOG bound with the standard table, as the parser does) or age. The Value text
   gives the operator (≥ ≤ > < or words; "a-b" = between; none = "=") and the first number. A predicted threshold
   (lab, age, performance criterion or child) matches a gold one on the same line when measurement, operator and
   value agree
   (value: equal to the gold number, or to it converted by any unit factor of that lab; ×ULN compared as multiples).
   We also report a looser "measurement found with some threshold" score.
2. Negation, Chia. Gold unit = (line, category) for every entity that is Arg1 of a `Has_negation` relation, the
   category being what the parser makes of the entity text alone (entities it cannot type are left out). Predicted
   unit = (line, category) of every criterion/child with `negated=True`. Reported for all Chia negation cues and for the
   cues the parser models (no, not, without, absence, free of, negative, non-, never) — Chia also marks "except",
   "unless", "other than" as negation, which the parser treats as exceptions.
3. Bounds, fb_ner. Lines with a clinical_variable or age span. Gold = (variable, direction) with direction lower for a
   lower_bound span and upper for an upper_bound span; a bound belongs to the nearest variable before it (else the
   first). Variables are mapped like Chia measurements; unmapped variables are left out. @NUMBER is replaced by 60 on
   lines about %, saturation, ejection, Karnofsky or age, else by 2. Prediction: GE/GT → lower, LE/LT → upper,
   BETWEEN → both. Precision over predictions on the evaluated lines, recall over mapped gold.

Run: `.venv/bin/python bench/criteria_scores.py`; exits 2 when ../shared is absent.
"""

from __future__ import annotations

import os
import re
import sys
import time
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from allonav.criteria import CriteriaVocabulary, load_criteria_vocabulary, parse_criteria
from allonav.domain.criterion import Category, Comparator, Criterion

PERF = re.compile(r"\b(?:ecog|zubrod|who\s+ps|performance\s+(?:status|score)|ps)\b", re.I)
KPS = re.compile(r"\b(?:karnofsky|kps|lansky)\b", re.I)
AGE = re.compile(r"^(?:age[ds]?|years?\s+old|years?\s+of\s+age)$", re.I)
OUR_CUES = re.compile(
    r"^(?:no|not|without|absence(?:\s+of)?|absent|free\s+(?:of|from)|negative|non-?|never|nor|neither)$", re.I)
NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def shared_dir() -> Path:
    """../shared next to the repository, or ALLONAV_SHARED_DIR."""
    return Path(os.environ.get("ALLONAV_SHARED_DIR") or Path(__file__).resolve().parents[1].parent / "shared")


def measurement_name(text: str, vocab: CriteriaVocabulary) -> str | None:
    """Canonical measurement of a gold span ("platelet count" → platelets, "Karnofsky" → KPS, "age" → age)."""
    text = text.strip()
    if KPS.search(text):
        return "KPS"
    if PERF.search(text):
        return "ECOG"
    if AGE.match(text):
        return "age"
    for names, pattern in vocab.lab_patterns:
        if pattern.search(text):
            return names[0]
    return None


def gold_comparator(text: str) -> tuple[Comparator, float, float | None] | None:
    """Operator and number(s) of a gold Value span: "<1.5 X ULN" → (LT, 1.5), "0 - 2" → (BETWEEN, 0, 2)."""
    lowered = text.lower()
    numbers = [float(n.replace(",", "")) for n in NUMBER.findall(lowered)]
    if not numbers:
        return None
    if (len(numbers) >= 2 and re.search(r"\d\s*(?:-|–|to)\s*\d", lowered)) or "between" in lowered:
        return (Comparator.BETWEEN, numbers[0], numbers[1] if len(numbers) > 1 else None)
    for pattern, comparator in (
        (r"≥|>=|at least|or more|or greater|or higher|or above|no less|not less|minimum", Comparator.GE),
        (r"≤|<=|or less|or lower|or below|no more|not more|not exceed|up to|maximum|at most", Comparator.LE),
        (r">|greater|more than|higher|above|exceed|over", Comparator.GT),
        (r"<|less than|lower|below|under|fewer", Comparator.LT),
    ):
        if re.search(pattern, lowered):
            return (comparator, numbers[0], None)
    return (Comparator.EQ, numbers[0], None)


def kps_to_ecog(comparator: Comparator, value: float) -> tuple[Comparator, float]:
    """Karnofsky bound → ECOG bound (the parser's table): "≥ 70" → (LE, 1)."""
    def ecog(k: float) -> float:
        return 0 if k >= 90 else 1 if k >= 70 else 2 if k >= 50 else 3 if k >= 30 else 4
    if comparator in {Comparator.GE, Comparator.EQ, Comparator.BETWEEN}:
        return Comparator.LE, ecog(value)
    if comparator is Comparator.GT:
        return Comparator.LE, ecog(value + 10)
    return Comparator.GE, ecog(value - 10 if comparator is Comparator.LT else value)


def walk(criteria: tuple[Criterion, ...]) -> Iterator[Criterion]:
    for criterion in criteria:
        yield criterion
        yield from walk(criterion.children)


def predicted(line: str, kind: str, vocab: CriteriaVocabulary) -> list[Criterion]:
    heading = "Inclusion Criteria:" if kind == "inc" else "Exclusion Criteria:"
    return list(walk(parse_criteria("NCT0", f"{heading}\n{line}", vocab).criteria))


def value_matches(criterion: Criterion, value: float, upper: float | None, vocab: CriteriaVocabulary) -> bool:
    threshold = criterion.threshold
    assert threshold is not None
    factors = [1.0]
    if criterion.measurement in vocab.labs.labs and not threshold.uln_multiple:
        factors += list(vocab.labs.labs[criterion.measurement].factors.values())
    if criterion.measurement == "age":
        factors.append(1 / 12)
    def close(a: float, b: float) -> bool:
        return any(abs(a - b * f) <= 1e-6 + 1e-3 * abs(b * f) for f in factors)
    if not close(threshold.value, value):
        return False
    return upper is None or threshold.upper is None or close(threshold.upper, upper)


def measure_name(criterion: Criterion) -> str | None:
    return "ECOG" if criterion.category is Category.PERFORMANCE else criterion.measurement


def chia(shared: Path, vocab: CriteriaVocabulary) -> dict[str, Counter[str]]:
    counts: dict[str, Counter[str]] = {"thr": Counter(), "loose": Counter(), "neg": Counter(), "neg_cue": Counter()}
    with zipfile.ZipFile(shared / "data" / "criteria" / "chia" / "chia_without_scope.zip") as archive:
        names = sorted(n for n in archive.namelist() if n.endswith(".ann"))
        for name in names:
            txt_name = name[:-4] + ".txt"
            if txt_name not in archive.namelist():
                continue
            kind = "inc" if name.endswith("_inc.ann") else "exc"
            text = archive.read(txt_name).decode("utf-8", errors="replace")
            entities: dict[str, tuple[str, int, int, str]] = {}
            relations: list[tuple[str, str, str]] = []
            for row in archive.read(name).decode("utf-8", errors="replace").splitlines():
                parts = row.split("\t")
                if len(parts) >= 3 and parts[0].startswith("T"):
                    label, *spans = parts[1].replace(";", " ").split()
                    try:
                        entities[parts[0]] = (label, int(spans[0]), int(spans[-1]), parts[2])
                    except (ValueError, IndexError):
                        continue
                elif len(parts) >= 2 and parts[0].startswith("R"):
                    bits = parts[1].split()
                    if len(bits) == 3:
                        relations.append((bits[0], bits[1].split(":")[1], bits[2].split(":")[1]))
            _score_file(text, kind, entities, relations, vocab, counts)
    return counts


def _line_of(starts: list[int], offset: int) -> int:
    line = 0
    for index, start in enumerate(starts):
        if start <= offset:
            line = index
    return line


def _score_file(text: str, kind: str, entities: dict[str, tuple[str, int, int, str]],
                relations: list[tuple[str, str, str]], vocab: CriteriaVocabulary,
                counts: dict[str, Counter[str]]) -> None:
    lines = text.split("\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    gold_thr: dict[int, list[tuple[str, Comparator, float, float | None]]] = {}
    gold_neg: set[tuple[int, Category]] = set()
    gold_neg_cue: set[tuple[int, Category]] = set()
    for relation, arg1, arg2 in relations:
        if arg1 not in entities or arg2 not in entities:
            continue
        label, start, _end, span_text = entities[arg1]
        line = _line_of(starts, start)
        if relation == "Has_value" and label in {"Measurement", "Person"}:
            name = measurement_name(span_text, vocab)
            parsed = gold_comparator(entities[arg2][3])
            if name is None or parsed is None:
                continue
            comparator, value, upper = parsed
            if name == "KPS":
                (comparator, value), upper, name = kps_to_ecog(comparator, value), None, "ECOG"
            elif name == "ECOG" and comparator is Comparator.BETWEEN and value == 0:
                comparator, value, upper = Comparator.LE, upper or 0.0, None
            gold_thr.setdefault(line, []).append((name, comparator, value, upper))
        elif relation == "Has_negation":
            categories = {c.category for c in predicted(span_text, kind, vocab)} - {Category.UNPARSED}
            for category in categories:
                gold_neg.add((line, category))
                if OUR_CUES.match(entities[arg2][3].strip()):
                    gold_neg_cue.add((line, category))
    pred_neg: set[tuple[int, Category]] = set()
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        criteria = predicted(line, kind, vocab)
        pred_neg |= {(index, c.category) for c in criteria if c.negated and c.category is not Category.UNPARSED}
        preds = [c for c in criteria if c.threshold is not None and not c.children
                 and c.category in {Category.LAB, Category.AGE, Category.PERFORMANCE}]
        gold = list(gold_thr.get(index, []))
        counts["thr"]["pred"] += len(preds)
        counts["thr"]["gold"] += len(gold)
        counts["loose"]["pred"] += len(preds)
        counts["loose"]["gold"] += len(gold)
        loose_pool = [g[0] for g in gold]
        for criterion in preds:
            if measure_name(criterion) in loose_pool:
                loose_pool.remove(measure_name(criterion) or "")
                counts["loose"]["hit"] += 1
            for item in gold:
                name, comparator, value, upper = item
                threshold = criterion.threshold
                if (threshold is not None and name == measure_name(criterion) and comparator is threshold.comparator
                        and value_matches(criterion, value, upper, vocab)):
                    gold.remove(item)
                    counts["thr"]["hit"] += 1
                    break
    for key, gold_set in (("neg", gold_neg), ("neg_cue", gold_neg_cue)):
        counts[key]["pred"] += len(pred_neg)
        counts[key]["gold"] += len(gold_set)
        counts[key]["hit"] += len(pred_neg & gold_set)


def fb_ner(shared: Path, vocab: CriteriaVocabulary) -> Counter[str]:
    counts: Counter[str] = Counter()
    path = shared / "data" / "criteria" / "fb_ner" / "test_processed_medical_ner.tsv"
    for row in path.read_text(encoding="utf-8").splitlines():
        if "\t" not in row:
            continue
        spans_text, line = row.split("\t", 1)
        spans = []
        for chunk in spans_text.split(","):
            bits = chunk.split(":")
            if len(bits) == 3 and bits[0].isdigit() and bits[1].isdigit():
                spans.append((int(bits[0]), int(bits[1]), bits[2]))
        variables = sorted((s, e, label) for s, e, label in spans if label in {"clinical_variable", "age"})
        if not variables:
            continue
        gold: set[tuple[str, str]] = set()
        for start, _end, label in spans:
            if label not in {"lower_bound", "upper_bound"}:
                continue
            before = [v for v in variables if v[0] <= start]
            owner = before[-1] if before else variables[0]
            name = "age" if owner[2] == "age" else measurement_name(line[owner[0] : owner[1]], vocab)
            if name == "KPS":
                name = "ECOG"
                label = "upper_bound" if label == "lower_bound" else "lower_bound"
            if name is not None:
                gold.add((name, "lower" if label == "lower_bound" else "upper"))
        stand_in = "60" if re.search(r"%|saturation|ejection|karnofsky|kps|lansky|\bage|year", line) else "2"
        preds: set[tuple[str, str]] = set()
        for criterion in predicted(line.replace("@NUMBER", stand_in), "inc", vocab):
            threshold = criterion.threshold
            if criterion.children or threshold is None or criterion.category not in {
                    Category.LAB, Category.AGE, Category.PERFORMANCE}:
                continue
            name = measure_name(criterion) or "?"
            if threshold.comparator in {Comparator.GE, Comparator.GT, Comparator.BETWEEN}:
                preds.add((name, "lower"))
            if threshold.comparator in {Comparator.LE, Comparator.LT, Comparator.BETWEEN}:
                preds.add((name, "upper"))
        counts["lines"] += 1
        counts["gold"] += len(gold)
        counts["pred"] += len(preds)
        counts["hit"] += len(gold & preds)
    return counts


def _pr(counts: Counter[str]) -> str:
    precision = counts["hit"] / counts["pred"] if counts["pred"] else 0.0
    recall = counts["hit"] / counts["gold"] if counts["gold"] else 0.0
    return (f"precision {100 * precision:5.1f}%  recall {100 * recall:5.1f}%  "
            f"(hits {counts['hit']}, predicted {counts['pred']}, gold {counts['gold']})")


def main() -> int:
    shared = shared_dir()
    if not (shared / "data" / "criteria" / "chia").is_dir() or not (shared / "data" / "criteria" / "fb_ner").is_dir():
        print(f"criteria_scores needs {shared}/data/criteria/chia and fb_ner (set ALLONAV_SHARED_DIR)", file=sys.stderr)
        return 2
    vocab = load_criteria_vocabulary()
    started = time.perf_counter()
    counts = chia(shared, vocab)
    print("Chia (CC BY 4.0, Kury et al. 2020), lines parsed one by one:")
    print(f"  threshold (measurement+operator+value): {_pr(counts['thr'])}")
    print(f"  measurement with a threshold (loose):   {_pr(counts['loose'])}")
    print(f"  negation, all Chia cues:                {_pr(counts['neg'])}")
    print(f"  negation, cues the parser models:       {_pr(counts['neg_cue'])}")
    ner = fb_ner(shared, vocab)
    print(f"fb_ner test split (Apache-2.0), {ner['lines']} lines with a clinical_variable/age span:")
    print(f"  bound direction per variable:           {_pr(ner)}")
    print(f"({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
