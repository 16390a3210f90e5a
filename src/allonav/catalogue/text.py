"""Registry text as labelled segments, and pattern matching with context and evidence windows."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from allonav.domain.trial import Evidence, Labelled, Trial

WINDOW = 80
"""Characters kept either side of a match in an evidence window (the window is cut to ≤200)."""
MAX_EVIDENCE = 200


@dataclass(frozen=True, slots=True)
class Segment:
    """One piece of registry text and the Trial field it came from."""

    field: str
    text: str


@dataclass(frozen=True, slots=True)
class Hit:
    """A pattern match in a segment, with its evidence."""

    value: str
    evidence: Evidence


def _segments(field: str, texts: Iterable[str | None]) -> tuple[Segment, ...]:
    return tuple(Segment(field, text) for text in texts if text and text.strip())


def title_segments(trial: Trial) -> tuple[Segment, ...]:
    return _segments("title", [trial.title]) + _segments("official_title", [trial.official_title])


def product_segments(trial: Trial) -> tuple[Segment, ...]:
    """Title, interventions (name, description, other names), arms and keywords: where a product is named."""
    interventions = [
        " — ".join(part for part in (item.name, item.description, "; ".join(item.other_names)) if part)
        for item in trial.interventions
    ]
    return (
        title_segments(trial)
        + _segments("interventions", interventions)
        + _segments("arm_descriptions", trial.arm_descriptions)
        + _segments("keywords", trial.keywords)
    )


def summary_segments(trial: Trial) -> tuple[Segment, ...]:
    return _segments("brief_summary", [trial.brief_summary])


def description_segments(trial: Trial) -> tuple[Segment, ...]:
    return _segments("detailed_description", [trial.detailed_description])


def condition_segments(trial: Trial) -> tuple[Segment, ...]:
    return _segments("conditions", trial.conditions)


def eligibility_segments(trial: Trial) -> tuple[Segment, ...]:
    return _segments("eligibility_criteria", [trial.eligibility_criteria])


def inclusion_segments(trial: Trial) -> tuple[Segment, ...]:
    """The inclusion part of the eligibility text (everything before an "Exclusion" heading)."""
    text = trial.eligibility_criteria
    if not text:
        return ()
    cut = re.search(r"exclusion criteria|\bexclusion\s*:", text, re.IGNORECASE)
    return _segments("eligibility_criteria", [text[: cut.start()] if cut else text])


def evidence(segment: Segment, start: int, end: int) -> Evidence:
    """Evidence for text[start:end] of a segment: a whitespace-normalised window of ≤200 chars."""
    match = segment.text[start:end]
    left = max(0, start - WINDOW)
    right = min(len(segment.text), end + WINDOW)
    window = " ".join(segment.text[left:right].split())
    if len(window) > MAX_EVIDENCE:
        centre = window.find(" ".join(match.split()))
        lo = max(0, min(centre - (MAX_EVIDENCE - len(match)) // 2, len(window) - MAX_EVIDENCE)) if centre >= 0 else 0
        window = window[lo : lo + MAX_EVIDENCE]
    return Evidence(field=segment.field, text=window, match=match[:MAX_EVIDENCE])


def negated(text: str, start: int, end: int, before: Sequence[re.Pattern[str]],
            after: Sequence[re.Pattern[str]]) -> bool:
    """True when the words around text[start:end] say it is not this trial's product ("after CD19 CAR-T")."""
    head = text[max(0, start - WINDOW) : start]
    tail = text[end : end + 40]
    return any(p.search(head) for p in before) or any(p.search(tail) for p in after)


def find(value: str, patterns: Sequence[re.Pattern[str]], segments: Sequence[Segment],
         before: Sequence[re.Pattern[str]] = (), after: Sequence[re.Pattern[str]] = (),
         mask: Sequence[re.Pattern[str]] = ()) -> list[Hit]:
    """Every match of `patterns` in `segments` that is neither negated nor inside a `mask` span."""
    hits: list[Hit] = []
    for segment in segments:
        masked = [m.span() for p in mask for m in p.finditer(segment.text)]
        for pattern in patterns:
            for match in pattern.finditer(segment.text):
                if match.end() == match.start():
                    continue
                if any(lo < match.end() and match.start() < hi for lo, hi in masked):
                    continue
                if negated(segment.text, match.start(), match.end(), before, after):
                    continue
                hits.append(Hit(value, evidence(segment, match.start(), match.end())))
    return hits


def absent(searched: str) -> Evidence:
    """Evidence for a value that means "not stated": names what was searched, with no match."""
    return Evidence(field="record", text=f"no statement found in {searched}", match="")


def group(hits: Sequence[Hit], order: Sequence[str]) -> tuple[Labelled, ...]:
    """Hits gathered per value, in `order`, each value with its distinct evidence in text order."""
    by_value: dict[str, dict[tuple[str, str, str], Evidence]] = {}
    for hit in hits:
        key = (hit.evidence.field, hit.evidence.text, hit.evidence.match)
        by_value.setdefault(hit.value, {}).setdefault(key, hit.evidence)
    return tuple(Labelled(value, tuple(by_value[value].values())) for value in order if value in by_value)
