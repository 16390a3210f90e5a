"""Modality of the product: CAR-T, CAR-NK, TCR-T, TIL…, or not a cell therapy at all."""

from __future__ import annotations

import re

from allonav.catalogue.text import (
    Hit,
    absent,
    condition_segments,
    description_segments,
    find,
    group,
    product_segments,
    summary_segments,
)
from allonav.catalogue.vocabulary import Vocabulary
from allonav.domain.trial import MODALITIES, Labelled, Trial

_NOT_AN_INTERVENTION = re.compile(r"\b(?:observational|registry|real[- ]world|survey)\b", re.IGNORECASE)
_CAR_SPECIFIC = frozenset({"CAR-T", "CAR-NK", "CAR-NKT", "CAR-gdT", "CAR-M"})


def classify_modality(trial: Trial, vocabulary: Vocabulary) -> tuple[Labelled, ...]:
    """Modalities named in the most product-specific text that names any (eligibility is never used).

    NK, NKT and γδ-T cells count as CAR-NK/CAR-NKT/CAR-gdT when the record describes a chimeric antigen
    receptor anywhere ("iPSC-derived NK cells … CAR targeting CLL1" → CAR-NK); a bare CAR with no cell
    named is CAR-T. Prior-therapy context is ignored ("vaccine for patients after CAR-T" →
    not-cell-therapy). Nothing found → ("not-cell-therapy",).
    """
    before, after = vocabulary.negation_before, vocabulary.negation_after
    tiers = (product_segments(trial), summary_segments(trial) + condition_segments(trial), description_segments(trial))
    everything = tuple(segment for tier in tiers for segment in tier)
    car_hits = find("CAR", vocabulary.car_patterns, everything, before)
    for number, tier in enumerate(tiers):
        if number == 1 and _NOT_AN_INTERVENTION.search(trial.title or ""):
            break
        hits: list[Hit] = []
        for term in vocabulary.modalities:
            found = find(term.value, term.patterns, tier, before, after if term.value in _CAR_SPECIFIC else ())
            if term.car_value and (car_hits or any(h.value in _CAR_SPECIFIC for h in hits)):
                found = [Hit(term.car_value, hit.evidence) for hit in found]
            hits += found
        values = {hit.value for hit in hits}
        if "CAR-NK" in values:
            hits = [hit for hit in hits if hit.value != "NK"]
        if values & _CAR_SPECIFIC or "TCR-T" in values:
            hits = [hit for hit in hits if hit.value != "other-cell"]
        if hits:
            return group(hits, MODALITIES)
        tier_car = [hit for hit in car_hits if any(hit.evidence.field == s.field for s in tier)]
        if tier_car:
            return group([Hit("CAR-T", hit.evidence) for hit in tier_car], MODALITIES)
    return (Labelled("not-cell-therapy", (absent("title, interventions, arms, keywords, summary or description"),)),)
