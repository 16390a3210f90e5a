"""Registry text as labelled segments, and pattern matching with context and evidence windows."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from allonav.catalogue.prefilter import may_match, may_match_lowered
from allonav.domain.trial import Evidence, Labelled, Trial

WINDOW = 80
"""Characters kept either side of a match in an evidence window (the window is cut to ≤200)."""
MAX_EVIDENCE = 200


@dataclass(frozen=True, slots=True)
class Segment:
    """One piece of registry text and the Trial field it came from."""

    field: str
    text: str
    record: str = ""
    """The whole record's text in lower case: a pattern that cannot match it is never scanned per segment."""


@dataclass(frozen=True, slots=True)
class Hit:
    """A pattern match in a segment, with its evidence."""

    value: str
    evidence: Evidence


@lru_cache(maxsize=8)
def record_text(trial: Trial) -> str:
    """Every text field of a trial, joined and lower-cased (the record-level prefilter haystack)."""
    parts: list[str | None] = [trial.title, trial.official_title, trial.brief_summary, trial.detailed_description,
                               trial.eligibility_criteria, *trial.conditions, *trial.keywords, *trial.arm_descriptions]
    for item in trial.interventions:
        parts += [item.name, item.description, *item.other_names]
    return "\n".join(p for p in parts if p).lower()


def _segments(field: str, texts: Iterable[str | None], trial: Trial) -> tuple[Segment, ...]:
    record = record_text(trial)
    return tuple(Segment(field, text, record) for text in texts if text and text.strip())


def title_segments(trial: Trial) -> tuple[Segment, ...]:
    return _segments("title", [trial.title], trial) + _segments("official_title", [trial.official_title], trial)


def product_segments(trial: Trial) -> tuple[Segment, ...]:
    """Title, interventions (name, description, other names), arms and keywords: where a product is named."""
    interventions = [
        " — ".join(part for part in (item.name, item.description, "; ".join(item.other_names)) if part)
        for item in trial.interventions
    ]
    return (
        title_segments(trial)
        + _segments("interventions", interventions, trial)
        + _segments("arm_descriptions", trial.arm_descriptions, trial)
        + _segments("keywords", trial.keywords, trial)
    )


def summary_segments(trial: Trial) -> tuple[Segment, ...]:
    return _segments("brief_summary", [trial.brief_summary], trial)


def description_segments(trial: Trial) -> tuple[Segment, ...]:
    return _segments("detailed_description", [trial.detailed_description], trial)


def condition_segments(trial: Trial) -> tuple[Segment, ...]:
    return _segments("conditions", trial.conditions, trial)


def eligibility_segments(trial: Trial) -> tuple[Segment, ...]:
    return _segments("eligibility_criteria", [trial.eligibility_criteria], trial)


def inclusion_segments(trial: Trial) -> tuple[Segment, ...]:
    """The inclusion part of the eligibility text (everything before an "Exclusion" heading)."""
    text = trial.eligibility_criteria
    if not text:
        return ()
    cut = re.search(r"exclusion criteria|\bexclusion\s*:", text, re.IGNORECASE)
    return _segments("eligibility_criteria", [text[: cut.start()] if cut else text], trial)


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


@lru_cache(maxsize=256)
def _masked_spans(text: str, mask: tuple[re.Pattern[str], ...]) -> tuple[tuple[int, int], ...]:
    return tuple(m.span() for p in mask for m in p.finditer(text))


def find(value: str, patterns: Sequence[re.Pattern[str]], segments: Sequence[Segment],
         before: Sequence[re.Pattern[str]] = (), after: Sequence[re.Pattern[str]] = (),
         mask: Sequence[re.Pattern[str]] = ()) -> list[Hit]:
    """Every match of `patterns` in `segments` that is neither negated nor inside a `mask` span."""
    hits: list[Hit] = []
    if not segments:
        return hits
    record = segments[0].record
    live = [p for p in patterns if may_match_lowered(p, record)] if record else list(patterns)
    if not live:
        return hits
    for segment in segments:
        text = segment.text
        masked: tuple[tuple[int, int], ...] | None = None
        for pattern in live:
            if not may_match(pattern, text):
                continue
            for match in pattern.finditer(text):
                start, end = match.span()
                if start == end:
                    continue
                if mask:
                    if masked is None:
                        masked = _masked_spans(text, tuple(mask))
                    if any(lo < end and start < hi for lo, hi in masked):
                        continue
                if (before or after) and negated(text, start, end, before, after):
                    continue
                hits.append(Hit(value, evidence(segment, start, end)))
    return hits
    record = segments[0].record
    live = [p for p in patterns if may_match_lowered(p, record)] if record else patterns
    if not live:
        return hits
    for segment in segments:
        masked = _masked_spans(segment.text, tuple(mask)) if mask else ()
        for pattern in live:
            if not may_match(pattern, segment.text):
                continue
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
