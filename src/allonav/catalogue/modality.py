"""Modality of the product: CAR-T, CAR-NK, TCR-T, TIL…, or not a cell therapy at all."""

from __future__ import annotations

import re
from collections.abc import Sequence

from allonav.catalogue.prefilter import may_match
from allonav.catalogue.text import (
    Hit,
    Segment,
    absent,
    condition_segments,
    description_segments,
    evidence,
    find,
    group,
    product_segments,
    summary_segments,
    title_segments,
)
from allonav.catalogue.vocabulary import Vocabulary
from allonav.domain.trial import MODALITIES, Evidence, Intervention, Labelled, Trial

_NOT_AN_INTERVENTION = re.compile(r"\b(?:observational|registry|real[- ]world|survey)\b", re.IGNORECASE)
_CAR_SPECIFIC = frozenset({"CAR-T", "CAR-NK", "CAR-NKT", "CAR-gdT", "CAR-M"})
_PARTS = re.compile(r"\s*(?:[+&±;]|\bplus\b)\s*", re.IGNORECASE)
_T_SUBSETS = frozenset({"CAR-NKT", "CAR-gdT"})
"""CAR T-cell subsets: a record that names one calls the same product "CAR T" loosely, so CAR-T is dropped."""


def _search(patterns: Sequence[re.Pattern[str]], text: str) -> re.Match[str] | None:
    for pattern in patterns:
        if may_match(pattern, text):
            found = pattern.search(text)
            if found:
                return found
    return None


def _names_product(vocabulary: Vocabulary, text: str) -> bool:
    if _search(vocabulary.car_patterns, text) or _search(vocabulary.background.product, text):
        return True
    return any(_search(term.patterns, text) for term in vocabulary.modalities)


def _background_intervention(vocabulary: Vocabulary, item: Intervention) -> Evidence | bool | None:
    """Evidence that an intervention is not a cell product; True when it is neutral (conditioning); else None.

    The name decides; a description that names a cell product other than as prior therapy ("infusion
    of CAR T cells", not "after CAR-T") makes it a product too.
    """
    text = " — ".join(part for part in (item.name, *item.other_names) if part)
    if _names_product(vocabulary, text):
        return None
    if item.description:
        segment = (Segment("interventions", item.description),)
        before = vocabulary.negation_before
        if find("CAR", vocabulary.car_patterns, segment, before) or any(
            find(term.value, term.patterns, segment, before) for term in vocabulary.modalities
        ):
            return None
    if (item.type or "").upper() in vocabulary.background.types:
        return Evidence("interventions", text[:200], "")
    proof: Evidence | None = None
    for part in _PARTS.split(text):  # "EBNK-001 + IL-15 + pembrolizumab": every part must be a non-product
        found = _search(vocabulary.background.patterns, part)
        if found:
            proof = proof or evidence(
                Segment("interventions", text), text.find(part) + found.start(), text.find(part) + found.end()
            )
        elif part.strip() and not _search(vocabulary.background.neutral, part):
            return None
    return proof or True


def _no_product(trial: Trial, vocabulary: Vocabulary) -> Labelled | None:
    """not-cell-therapy when the cell therapy is only the setting of the study.

    Every listed intervention is a non-cell one (a CRS drug, a coaching app, sampling; conditioning
    chemotherapy alone is neutral) — or none is listed and the record says it is observational (its
    study type, or words such as registry, retrospective, real-world). "rhDNase I given with standard-of-care
    CD19 CAR-T" → not-cell-therapy; "KUR-502" (an unknown code) → no decision here.
    """
    if trial.interventions:
        proofs: list[Evidence] = []
        for item in trial.interventions:
            verdict = _background_intervention(vocabulary, item)
            if verdict is None:
                return None
            if isinstance(verdict, Evidence):
                proofs.append(verdict)
        return Labelled("not-cell-therapy", tuple(proofs)) if proofs else None
    if (trial.study_type or "").upper() == "OBSERVATIONAL":
        stated = Evidence("record", "study type OBSERVATIONAL, no intervention listed", "")
        return Labelled("not-cell-therapy", (stated,))
    segments = title_segments(trial) + summary_segments(trial)
    hits = find("observational", vocabulary.background.observational, segments)
    if hits:
        return Labelled("not-cell-therapy", (hits[0].evidence,))
    return None


def classify_modality(trial: Trial, vocabulary: Vocabulary) -> tuple[Labelled, ...]:
    """Modalities named in the most product-specific text that names any (eligibility is never used).

    NK, NKT and γδ-T cells count as CAR-NK/CAR-NKT/CAR-gdT when the record describes a chimeric antigen
    receptor anywhere ("iPSC-derived NK cells … CAR targeting CLL1" → CAR-NK); a bare CAR with no cell
    named is CAR-T. Prior-therapy context is ignored ("vaccine for patients after CAR-T" →
    not-cell-therapy). Nothing found → ("not-cell-therapy",).
    """
    background = _no_product(trial, vocabulary)
    if background is not None:
        return (background,)
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
        if values & _T_SUBSETS:
            hits = [hit for hit in hits if hit.value != "CAR-T"]
        if hits:
            return group(hits, MODALITIES)
        tier_car = [hit for hit in car_hits if any(hit.evidence.field == s.field for s in tier)]
        if tier_car:
            return group([Hit("CAR-T", hit.evidence) for hit in tier_car], MODALITIES)
    return (Labelled("not-cell-therapy", (absent("title, interventions, arms, keywords, summary or description"),)),)
