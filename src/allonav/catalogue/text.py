"""Registry text as labelled segments, and pattern matching with context and evidence windows."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache, wraps
from typing import Protocol, TypeVar

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


_T = TypeVar("_T")
_MEMO_SIZE = 8


def per_trial(function: Callable[[Trial], _T]) -> Callable[[Trial], _T]:
    """Remember `function`'s result for the last few Trial objects, by identity.

    A Trial's own hash covers every field (sites included), so an lru_cache keyed on it costs more
    than the text work it saves; the classifiers ask for the same segments of the same object
    several times per record.
    """
    memo: dict[int, tuple[Trial, _T]] = {}

    @wraps(function)
    def wrapper(trial: Trial) -> _T:
        hit = memo.get(id(trial))
        if hit is not None and hit[0] is trial:
            return hit[1]
        value = function(trial)
        if len(memo) >= _MEMO_SIZE:
            memo.clear()
        memo[id(trial)] = (trial, value)
        return value

    return wrapper


@per_trial
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


@per_trial
def title_segments(trial: Trial) -> tuple[Segment, ...]:
    return _segments("title", [trial.title], trial) + _segments("official_title", [trial.official_title], trial)


@per_trial
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


@per_trial
def summary_segments(trial: Trial) -> tuple[Segment, ...]:
    return _segments("brief_summary", [trial.brief_summary], trial)


@per_trial
def description_segments(trial: Trial) -> tuple[Segment, ...]:
    return _segments("detailed_description", [trial.detailed_description], trial)


@per_trial
def condition_segments(trial: Trial) -> tuple[Segment, ...]:
    return _segments("conditions", trial.conditions, trial)


@per_trial
def eligibility_segments(trial: Trial) -> tuple[Segment, ...]:
    return _segments("eligibility_criteria", [trial.eligibility_criteria], trial)


@per_trial
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


class _Patterned(Protocol):
    @property
    def patterns(self) -> tuple[re.Pattern[str], ...]: ...


_P = TypeVar("_P", bound=_Patterned)


def alive(items: Sequence[_P], trial: Trial) -> list[_P]:
    """The vocabulary entries whose patterns may match somewhere in the trial (a cheap literal test).

    Searching only these per tier avoids a find() call per entry per tier; results are unchanged.
    """
    record = record_text(trial)
    return [item for item in items if any(may_match_lowered(p, record) for p in item.patterns)]


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
