"""Gene-editing technologies used to make the product."""

from __future__ import annotations

from allonav.catalogue.text import (
    Hit,
    absent,
    description_segments,
    find,
    group,
    product_segments,
    summary_segments,
)
from allonav.catalogue.vocabulary import Vocabulary
from allonav.domain.trial import GENE_EDITING, Labelled, Trial


def classify_editing(trial: Trial, vocabulary: Vocabulary) -> tuple[Labelled, ...]:
    """Editing technologies named outside the eligibility text; ("none-stated",) when editing is not mentioned.

    "CRISPR/Cas9 edited B7-H3 allogeneic CAR-T" → CRISPR; "base-edited CAR7" → base-editing (not CRISPR);
    "genetically multi-edited" with no technology named → () (edited, technology unknown).
    """
    segments = product_segments(trial) + summary_segments(trial) + description_segments(trial)
    hits: list[Hit] = []
    for term in vocabulary.editing:
        hits += find(term.value, term.patterns, segments)
    if hits:
        return group(hits, GENE_EDITING)
    if find("edited", vocabulary.editing_generic, segments):
        return ()
    return (Labelled("none-stated", (absent("title, interventions, arms, summary or description"),)),)
