"""Where the product's cells come from: the patient, a donor, cord blood, an iPSC or a cell line."""

from __future__ import annotations

from collections.abc import Sequence

from allonav.catalogue.text import (
    Hit,
    Segment,
    absent,
    alive,
    description_segments,
    eligibility_segments,
    find,
    product_segments,
    summary_segments,
)
from allonav.catalogue.vocabulary import STRENGTHS, SourceTerm, Vocabulary
from allonav.domain.trial import Evidence, Labelled, Trial

_ALLOGENEIC_PRIORITY = ("ipsc", "cell-line", "cord-blood", "allogeneic-donor", "allogeneic-unspecified")


def _hits(
    vocabulary: Vocabulary,
    terms: Sequence[SourceTerm],
    segments: Sequence[Segment],
    strength: str,
    value: str | None = None,
    negate: bool = False,
) -> list[Hit]:
    hits: list[Hit] = []
    before = vocabulary.source_before + (vocabulary.negation_before if negate else ())
    for term in terms:
        if term.strength == strength and value in (None, term.value):
            hits += find(term.value, term.patterns, segments, before, mask=vocabulary.source_exclude)
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

    Tiers: title/interventions/arms/keywords, summary, description, then eligibility (where only a
    patient statement counts — "autologous transduced T cells available", leukapheresis, mononuclear
    cells collected for manufacture — and never a prior therapy). A tier that says only "allogeneic"
    becomes allogeneic-donor when a later tier names the donor ("from the matched sibling donor"),
    unless the product is stated off-the-shelf ("banked donor-derived"). Background wording is
    ignored ("tumour cell lines" in an assay, "CAR-T is mostly based on autologous T cells"). A phrase
    naming both ("autologous or donor-derived T cells") or both stated in one tier → mixed.
    Transplant wording never decides: "relapse after allogeneic HSCT" is not an allogeneic product.
    Within allogeneic, iPSC > cell line (NK-92) > cord blood > a patient-specific donor
    (donor-derived, haploidentical) > unspecified (universal, off-the-shelf, healthy donors).
    Nothing stated → "unknown" (an unqualified CAR-T is not autologous).
    """
    terms = alive(vocabulary.sources, trial)
    tiers = (product_segments(trial), summary_segments(trial), description_segments(trial))
    for tier in tiers:
        mixed = find("mixed", vocabulary.source_mixed, tier, mask=vocabulary.source_exclude)
        if mixed:
            return Labelled("mixed", (mixed[0].evidence,))
    for index, tier in enumerate(tiers):
        decided = _decide(_hits(vocabulary, terms, tier, "strong"))
        if decided is None:
            decided = _decide(_hits(vocabulary, terms, tier, "weak"))
        if decided is not None and decided.value == "allogeneic-unspecified":
            # "Allo-CAR-T" in the title, "T cells from the matched sibling donor" in the summary → donor.
            later = [segment for rest in tiers[index + 1 :] for segment in rest]
            donor = _hits(vocabulary, terms, later, "strong", "allogeneic-donor")
            windows = [e.text for e in decided.evidence] + [hit.evidence.text for hit in donor]
            if donor and not any(p.search(text) for p in vocabulary.source_refine_blocked for text in windows):
                return Labelled("allogeneic-donor", tuple(hit.evidence for hit in donor))
        if decided is not None:
            return decided
    criteria = eligibility_segments(trial)
    for strength in STRENGTHS:
        stated = _hits(vocabulary, terms, criteria, strength, "autologous", negate=True)
        if stated:
            return Labelled("autologous", tuple(hit.evidence for hit in stated))
    return Labelled("unknown", (absent("title, interventions, arms, summary, description or eligibility"),))
