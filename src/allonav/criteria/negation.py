"""Negation cues around a finding: "no active CNS disease", "without GVHD", "HBsAg negative", "CD19-negative"."""

from __future__ import annotations

import re

from allonav.criteria.rules import CriteriaVocabulary

_COMPARATOR_PHRASES = re.compile(
    r"\b(?:not|no)\s+(?:less|more|greater|higher|lower|fewer)\s+than\b|\bnot\s+(?:to\s+)?exceed\w*|\bdoes\s+not\s+exceed"
    r"|\bnot\s+(?:limited|restricted)\b|\bno\s+(?:later|earlier|sooner)\s+than\b|\bnot\s+below\b|\bnot\s+only\b"
    r"|\bnon-?(?:hodgkin|melanoma|small|invasive|muscle|squamous|measurable)\w*|\bif\s+not\b|\bor\s+not\b",
    re.IGNORECASE,
)
_SCOPE_BREAK = re.compile(r"[.;:()\[\]]|\b(?:but|except|unless|however|although|and\s+(?:have|has|are|is|must)"
                          r"|who|which|with\s+the\s+exception|other\s+than|excluding|if|when)\b", re.IGNORECASE)


def is_negated(text: str, start: int, end: int, vocab: CriteriaVocabulary) -> bool:
    """True when a negation cue scopes the trigger text[start:end].

    Example: in "No evidence of active CNS involvement", the trigger "CNS" is negated; in "ALT not more than 3 × ULN"
    nothing is negated ("not more than" is a comparator).
    """
    window = text[max(0, start - 60) : start]
    window = _COMPARATOR_PHRASES.sub(lambda m: " " * len(m.group(0)), window)
    breaks = list(_SCOPE_BREAK.finditer(window))
    if breaks:
        window = window[breaks[-1].end() :]
    for match in vocab.negation_before.finditer(window):
        cue = match.group(0).lower()
        if cue.startswith("non") and window[match.end() :].strip():
            continue
        if cue == "negative" and window[: match.start()].endswith(("-", "+")):
            continue
        return True
    after = text[end : end + 40]
    after = re.split(r"[;]|\b(?:or|and)\s+(?!negative)", after, maxsplit=1)[0]
    return vocab.negation_after.search(after) is not None
