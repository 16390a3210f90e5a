"""Disease groups a trial enrols, from its conditions, title and summary first."""

from __future__ import annotations

from collections.abc import Sequence

from allonav.catalogue.text import (
    Hit,
    Segment,
    absent,
    alive,
    condition_segments,
    description_segments,
    eligibility_segments,
    find,
    group,
    summary_segments,
    title_segments,
)
from allonav.catalogue.vocabulary import Term, Vocabulary
from allonav.domain.trial import DISEASE_GROUPS, Labelled, Trial

Inferred = list[tuple[Hit, frozenset[str]]]
"""Hits resolved by a default or by the target, each with the groups a later explicit mention may replace it by."""


def _specific(
    vocabulary: Vocabulary,
    segments: Sequence[Segment],
    antigens: frozenset[str],
    registered: Sequence[Segment],
    groups: Sequence[Term],
) -> tuple[list[Hit], Inferred]:
    """Specific groups named, and separately the lineage-free terms resolved by a default or by the target.

    Target-resolved terms ("CD19+ acute leukaemia", a bare "lymphoma") are read in `registered` only.
    """
    hits: list[Hit] = []
    for term in groups:
        hits += find(term.value, term.patterns, segments)
    found = {hit.value for hit in hits}
    inferred: Inferred = []
    for lineage in vocabulary.disease_lineages:
        if found & lineage.t_groups or antigens & lineage.t_antigens:
            hits += find(lineage.t_value, lineage.patterns, segments)
        else:
            refine = frozenset({lineage.default, lineage.t_value})
            inferred += [(hit, refine) for hit in find(lineage.default, lineage.patterns, segments)]
    for context in vocabulary.disease_contexts:
        if found & context.yields_to:
            continue
        for targets, value in context.rules:
            if antigens & targets:
                inferred += [(hit, context.refine) for hit in find(value, context.patterns, registered)]
                break
    return hits, inferred


def _refined(groups: Sequence[Term], inferred: Inferred, later: Sequence[Segment]) -> list[Hit]:
    """Inferred hits, or — when later text names groups they may stand for ("B-ALL, T-ALL") — those instead."""
    wanted = frozenset().union(*(refine for _, refine in inferred))
    explicit: list[Hit] = []
    for term in groups:
        if term.value in wanted:
            explicit += find(term.value, term.patterns, later)
    return explicit or [hit for hit, _ in inferred]


def _umbrellas(vocabulary: Vocabulary, segments: Sequence[Segment], found: set[str]) -> list[Hit]:
    hits: list[Hit] = []
    found = set(found)
    for umbrella in vocabulary.disease_umbrellas:
        if not found & umbrella.yields_to:
            new = find(umbrella.values[0], umbrella.patterns, segments)
            if new:
                hits += [Hit(value, hit.evidence) for value in umbrella.values for hit in new]
                found |= set(umbrella.values)
    return hits


def classify_diseases(trial: Trial, vocabulary: Vocabulary, antigens: frozenset[str]) -> tuple[Labelled, ...]:
    """Disease groups, read from conditions+title, then adding the summary, then description, then eligibility.

    A tier is used as soon as it names a specific disease; broad terms ("B-cell lymphoma",
    "haematological malignancies") count only when nothing more specific is found, and a generic
    "B-cell malignancy" counts as B-ALL and other-B-NHL. An "ALL" with no B/T stated is B-ALL unless the
    record has T-lineage context (T-cell groups or a CD7/CD5 target): "CD7 CAR-T for acute
    lymphoblastic leukaemia" → T-ALL; a later tier that names the lineage explicitly ("ALL" in the
    conditions, "B-ALL or T-ALL" in the summary) decides instead. "CD19+ acute leukaemia" → B-ALL (the
    target decides). Nothing at all → "other".
    """
    tiers = (
        condition_segments(trial) + title_segments(trial),
        summary_segments(trial),
        description_segments(trial),
        eligibility_segments(trial),
    )
    groups = alive(vocabulary.disease_groups, trial)
    segments: tuple[Segment, ...] = ()
    for index, tier in enumerate(tiers):
        segments = tier if index == len(tiers) - 1 else segments + tier
        registered = tiers[0] if index < len(tiers) - 1 else ()
        specific, inferred = _specific(vocabulary, segments, antigens, registered, groups)
        if inferred:
            later = [s for tier in tiers[index + 1 : -1] for s in tier] if index < len(tiers) - 1 else []
            specific += _refined(groups, inferred, later)
        umbrellas = _umbrellas(vocabulary, segments, {hit.value for hit in specific})
        if specific or (umbrellas and index == len(tiers) - 2):
            return group(specific + umbrellas, DISEASE_GROUPS)
        if umbrellas and index == len(tiers) - 1:
            return group(umbrellas, DISEASE_GROUPS)
    return (Labelled("other", (absent("conditions, title, summary, description or eligibility"),)),)
