"""Disease groups a trial enrols, from its conditions, title and summary first."""

from __future__ import annotations

from collections.abc import Sequence

from allonav.catalogue.text import (
    Hit,
    Segment,
    absent,
    condition_segments,
    description_segments,
    eligibility_segments,
    find,
    group,
    summary_segments,
    title_segments,
)
from allonav.catalogue.vocabulary import Vocabulary
from allonav.domain.trial import DISEASE_GROUPS, Labelled, Trial


def _specific(vocabulary: Vocabulary, segments: Sequence[Segment], antigens: frozenset[str]) -> list[Hit]:
    hits: list[Hit] = []
    for term in vocabulary.disease_groups:
        hits += find(term.value, term.patterns, segments)
    found = {hit.value for hit in hits}
    for lineage in vocabulary.disease_lineages:
        t_context = bool(found & lineage.t_groups or antigens & lineage.t_antigens)
        value = lineage.t_value if t_context else lineage.default
        hits += find(value, lineage.patterns, segments)
    return hits


def _umbrellas(vocabulary: Vocabulary, segments: Sequence[Segment], found: set[str]) -> list[Hit]:
    hits: list[Hit] = []
    found = set(found)
    for umbrella in vocabulary.disease_umbrellas:
        if not found & umbrella.yields_to:
            new = find(umbrella.value, umbrella.patterns, segments)
            hits += new
            found |= {hit.value for hit in new}
    return hits


def classify_diseases(trial: Trial, vocabulary: Vocabulary, antigens: frozenset[str]) -> tuple[Labelled, ...]:
    """Disease groups, read from conditions+title, then adding the summary, then description, then eligibility.

    A tier is used as soon as it names a specific disease; broad terms ("B-cell lymphoma",
    "haematological malignancies") count only when nothing more specific is found. An "ALL" with no
    B/T stated is B-ALL unless the record has T-lineage context (T-cell groups or a CD7/CD5 target):
    "CD7 CAR-T for acute lymphoblastic leukaemia" → T-ALL. Nothing at all → "other".
    """
    tiers = (
        condition_segments(trial) + title_segments(trial),
        summary_segments(trial),
        description_segments(trial),
        eligibility_segments(trial),
    )
    segments: tuple[Segment, ...] = ()
    for index, tier in enumerate(tiers):
        segments = tier if index == len(tiers) - 1 else segments + tier
        specific = _specific(vocabulary, segments, antigens)
        umbrellas = _umbrellas(vocabulary, segments, {hit.value for hit in specific})
        if specific or (umbrellas and index == len(tiers) - 2):
            return group(specific + umbrellas, DISEASE_GROUPS)
        if umbrellas and index == len(tiers) - 1:
            return group(umbrellas, DISEASE_GROUPS)
    return (Labelled("other", (absent("conditions, title, summary, description or eligibility"),)),)
