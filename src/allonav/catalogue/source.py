"""Where the product's cells come from: the patient, a donor, cord blood, an iPSC or a cell line."""

from __future__ import annotations

from collections.abc import Sequence

from allonav.catalogue.text import (
    Hit,
    Segment,
    absent,
    description_segments,
    eligibility_segments,
    find,
    product_segments,
    summary_segments,
)
from allonav.catalogue.vocabulary import Vocabulary
from allonav.domain.trial import Evidence, Labelled, Trial

_ALLOGENEIC_PRIORITY = ("ipsc", "cell-line", "cord-blood", "allogeneic-donor", "allogeneic-unspecified")


def _hits(vocabulary: Vocabulary, segments: Sequence[Segment], strength: str) -> list[Hit]:
    hits: list[Hit] = []
    for term in vocabulary.sources:
        if term.strength == strength:
            hits += find(term.value, term.patterns, segments, mask=vocabulary.source_exclude)
    return hits


def _decide(hits: Sequence[Hit]) -> Labelled | None:
    autologous = [hit.evidence for hit in hits if hit.value == "autologous"]
    allogeneic = [hit for hit in hits if hit.value != "autologous"]
    if autologous and allogeneic:
        return Labelled("mixed", (autologous[0], allogeneic[0].evidence))
    if autologous:
        return Labelled("autologous", tuple(autologous))
    for value in _ALLOGENEIC_PRIORITY:
        evidence: tuple[Evidence, ...] = tuple(hit.evidence for hit in allogeneic if hit.value == value)
        if evidence:
            return Labelled(value, evidence)
    return None


def classify_source(trial: Trial, vocabulary: Vocabulary) -> Labelled:
    """The cell source, decided by the most product-specific text that states one.

    Tiers: title/interventions/arms/keywords, summary, description, then eligibility (where only
    patient leukapheresis counts, as autologous). A phrase naming both ("autologous or donor-derived
    T cells") or both stated in one tier → mixed. Transplant wording never decides: "relapse after
    allogeneic HSCT" is not an allogeneic product. Within allogeneic, iPSC > cell line (NK-92) >
    cord blood > a patient-specific donor (donor-derived, haploidentical) > unspecified (universal,
    off-the-shelf, healthy donors). Nothing stated → "unknown" (an unqualified CAR-T is not autologous).
    """
    tiers = (product_segments(trial), summary_segments(trial), description_segments(trial))
    for tier in tiers:
        mixed = find("mixed", vocabulary.source_mixed, tier, mask=vocabulary.source_exclude)
        if mixed:
            return Labelled("mixed", (mixed[0].evidence,))
    for tier in tiers:
        decided = _decide(_hits(vocabulary, tier, "strong"))
        if decided is None:
            decided = _decide(_hits(vocabulary, tier, "weak"))
        if decided is not None:
            return decided
    weak = [hit for hit in _hits(vocabulary, eligibility_segments(trial), "weak") if hit.value == "autologous"]
    if weak:
        return Labelled("autologous", tuple(hit.evidence for hit in weak))
    return Labelled("unknown", (absent("title, interventions, arms, summary, description or eligibility"),))
