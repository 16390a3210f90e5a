"""Every eligibility text in ../shared/data/ctgov parses without error, spans stay inside the text, only contract
values are emitted, and coverage of the cell-therapy records stays at the level reached (bench/criteria_coverage.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from allonav.criteria import CriteriaVocabulary, leaves, parse_criteria
from allonav.criteria.rules import ALLOWED_VALUES
from allonav.domain.criterion import Category, Criterion

COVERAGE_FLOOR = 0.85
CELL_THERAPY = ("celltherapy_landscape_2026-08.jsonl", "celltherapy_trials.jsonl")


def _texts(shared: Path, names: tuple[str, ...] | None = None) -> Iterator[tuple[str, str]]:
    folder = shared / "data" / "ctgov"
    paths = [folder / n for n in names] if names else [*folder.glob("*.jsonl"), *folder.glob("v2_exports/*.json")]
    for path in paths:
        if path.name == "MANIFEST.json":
            continue
        if path.suffix == ".json":
            records = json.loads(path.read_text(encoding="utf-8"))
        else:
            records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        for record in records if isinstance(records, list) else [records]:
            protocol = record.get("protocolSection", {})
            text = (protocol.get("eligibilityModule") or {}).get("eligibilityCriteria")
            if text:
                yield ((protocol.get("identificationModule") or {}).get("nctId") or "?", text)


def _walk(criteria: tuple[Criterion, ...]) -> Iterator[Criterion]:
    for criterion in criteria:
        yield criterion
        yield from _walk(criterion.children)


def _check_contract(criterion: Criterion, vocabulary: CriteriaVocabulary) -> None:
    allowed = ALLOWED_VALUES.get(criterion.category, frozenset()) - {"karnofsky"}
    if criterion.category is Category.PRIOR_THERAPY:
        names = {f"anti-{name}" for name, _ in vocabulary.antigens}
        assert set(criterion.values) <= allowed | names, criterion
    elif criterion.category is Category.ANTIGEN:
        assert set(criterion.values) <= {name for name, _ in vocabulary.antigens}, criterion
    elif allowed:
        assert set(criterion.values) <= allowed, criterion
    if criterion.category is Category.LAB and criterion.measurement is not None:
        lab = vocabulary.labs.labs[criterion.measurement]
        assert criterion.threshold is not None
        assert criterion.threshold.unit == ("xULN" if criterion.threshold.uln_multiple else lab.unit)
    if criterion.category is Category.PERFORMANCE and criterion.measurement:
        assert criterion.measurement == "ECOG"
    if criterion.method is not None:
        assert criterion.method in {"flow", "IHC"}
    if criterion.group is not None:
        assert criterion.group in {"any", "all"} and criterion.children


@pytest.mark.shared
def test_every_real_text_parses(shared: Path, vocabulary: CriteriaVocabulary) -> None:
    count = 0
    for nct_id, text in _texts(shared):
        parsed = parse_criteria(nct_id, text, vocabulary)
        for criterion in _walk(parsed.criteria):
            assert 0 <= criterion.span[0] <= criterion.span[1] <= len(text)
            _check_contract(criterion, vocabulary)
        count += 1
    assert count >= 200


@pytest.mark.shared
def test_cell_therapy_coverage(shared: Path, vocabulary: CriteriaVocabulary) -> None:
    total = typed = 0
    for nct_id, text in _texts(shared, CELL_THERAPY):
        for leaf in leaves(parse_criteria(nct_id, text, vocabulary).criteria):
            total += 1
            typed += leaf.category is not Category.UNPARSED
    assert total > 3000
    assert typed / total >= COVERAGE_FLOOR
