"""NegEx-style context: is a finding affirmed, negated, hedged, historical, or about a family member?

Cues come from `records/data/context.toml`. A cue counts when it lies within a window of tokens before
(pre) or after (post) the finding, in the same sentence, with no terminator ("but", "however" …) between.
Example: in "No evidence of CNS disease but possible GVHD", "CNS disease" is negated and "GVHD" hedged;
in "Her mother had multiple myeloma", "multiple myeloma" is family.
"""

from __future__ import annotations

import re

from allonav.records.model import Status
from allonav.records.vocabulary import RecordVocabulary

_ORDER: tuple[Status, ...] = ("family", "negated", "hedged", "historical")  # precedence
_TOKEN = re.compile(r"[\w/'+-]+|[^\w\s]")


def _cue_pattern(cue: str) -> re.Pattern[str]:
    if re.fullmatch(r"\W+", cue):
        return re.compile(re.escape(cue))
    return re.compile(rf"(?<![\w-]){re.escape(cue)}(?![\w])", re.IGNORECASE)


def _window(text: str, tokens: int, before: bool) -> str:
    """The `tokens` words nearest the finding on one side."""
    found = list(_TOKEN.finditer(text))
    if not found:
        return ""
    if before:
        chosen = found[-tokens:]
        return text[chosen[0].start() :]
    chosen = found[:tokens]
    return text[: chosen[-1].end()]


def _cut(window: str, terminators: tuple[str, ...], before: bool) -> str:
    """Drop the part of the window beyond the nearest terminator or full stop."""
    stops = list(re.finditer(r"[.!?](?:\s|$)", window))
    if stops:
        window = window[stops[-1].end() :] if before else window[: stops[0].start()]
    for term in terminators:
        hits = list(_cue_pattern(term).finditer(window))
        if not hits:
            continue
        window = window[hits[-1].end() :] if before else window[: hits[0].start()]
    return window


def _matched(window: str, cues: list[tuple[str, str]]) -> set[str]:
    """Statuses whose cues occur in the window; longer cues mask the shorter cues they contain."""
    taken: list[tuple[int, int]] = []
    statuses: set[str] = set()
    for cue, status in sorted(cues, key=lambda c: len(c[0]), reverse=True):
        for hit in _cue_pattern(cue).finditer(window):
            if any(hit.start() < end and start < hit.end() for start, end in taken):
                continue
            taken.append((hit.start(), hit.end()))
            statuses.add(status)
    return statuses


def classify(sentence: str, start: int, end: int, vocabulary: RecordVocabulary) -> Status:
    """Status of the finding at sentence[start:end] (offsets within the sentence)."""
    before = _cut(_window(sentence[:start], vocabulary.pre_tokens, True), vocabulary.terminators, True)
    after = _cut(_window(sentence[end:], vocabulary.post_tokens, False), vocabulary.terminators, False)
    found = _matched(before, [(c, s) for s, cues in vocabulary.cues.items() for c in cues.pre])
    found |= _matched(after, [(c, s) for s, cues in vocabulary.cues.items() for c in cues.post])
    for status in _ORDER:
        if status in found:
            return status
    return "affirmed"
