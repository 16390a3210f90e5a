"""Target antigens of the product a trial tests."""

from __future__ import annotations

import re
from collections.abc import Sequence

from allonav.catalogue.text import (
    Hit,
    Segment,
    alive,
    description_segments,
    find,
    group,
    inclusion_segments,
    product_segments,
    summary_segments,
)
from allonav.catalogue.vocabulary import Term, Vocabulary
from allonav.domain.trial import Labelled, Trial

_POSITIVE_AFTER = r"^[\s-]*(?:\+|positiv|expressi|overexpress|high|\()"


def _hits(vocabulary: Vocabulary, segments: Sequence[Segment], terms: Sequence[Term]) -> list[Hit]:
    hits: list[Hit] = []
    for term in terms:
        hits += find(term.value, term.patterns, segments, vocabulary.negation_before, vocabulary.negation_after)
    return hits


def _positive_only(hits: list[Hit]) -> list[Hit]:
    positive = re.compile(_POSITIVE_AFTER, re.IGNORECASE)
    out: list[Hit] = []
    for hit in hits:
        text = hit.evidence.text
        at = text.find(hit.evidence.match)
        if at >= 0 and positive.search(text[at + len(hit.evidence.match) :]):
            out.append(hit)
    return out


def classify_antigens(trial: Trial, vocabulary: Vocabulary) -> tuple[Labelled, ...]:
    """The antigens the trial's product targets, from the most product-specific text that names any.

    Tiers: title/interventions/arms/keywords, then brief summary, then detailed description, and only
    then the inclusion criteria — and there only with a positivity cue ("CD123 positive"). Mentions
    in a prior-therapy context are ignored: "CD38 CAR-T for B-ALL relapsing after CD19 CAR-T" → CD38.
    """
    terms = alive(vocabulary.antigens, trial)
    if not terms:
        return ()
    for segments in (product_segments(trial), summary_segments(trial), description_segments(trial)):
        hits = _hits(vocabulary, segments, terms)
        if hits:
            return group(hits, vocabulary.antigen_order)
    hits = _positive_only(_hits(vocabulary, inclusion_segments(trial), terms))
    return group(hits, vocabulary.antigen_order)
