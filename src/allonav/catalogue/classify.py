"""The trial classifier: registry text → `CellTherapyProfile`, every value with its evidence.

Pure: no I/O, no logging, no clock; it imports only `allonav.domain`, the standard library and its
sibling catalogue modules. Load the vocabulary once with `load_vocabulary()` and pass it in.
"""

from __future__ import annotations

from allonav.catalogue.antigens import classify_antigens
from allonav.catalogue.diseases import classify_diseases
from allonav.catalogue.editing import classify_editing
from allonav.catalogue.modality import classify_modality
from allonav.catalogue.source import classify_source
from allonav.catalogue.text import absent
from allonav.catalogue.vocabulary import Vocabulary
from allonav.domain.trial import CellTherapyProfile, Labelled, Trial


def classify(trial: Trial, vocabulary: Vocabulary) -> CellTherapyProfile:
    """Classify one trial's product by modality, cell source, gene editing, target antigens and diseases.

    Deterministic: values come in the canonical order of the domain tuples (antigens in vocabulary
    order) and each carries ≥1 `Evidence` (field, ≤200-char window, matched text; a "not stated"
    value such as cell source "unknown" carries a record-level evidence with an empty match).
    Example: a trial titled "Universal CD19/BCMA CAR-T (QT-019C) in Refractory Myasthenia Gravis" →
    modality CAR-T, cell source allogeneic-unspecified, editing none-stated, antigens CD19 and BCMA,
    disease group autoimmune. A record with no cell product under study (a CRS drug given with
    standard-of-care CAR-T, a registry) is not-cell-therapy with no antigens and cell source "unknown";
    its diseases are still read. Never raises on odd text.
    """
    modality = classify_modality(trial, vocabulary)
    antigens = classify_antigens(trial, vocabulary)
    diseases = classify_diseases(trial, vocabulary, frozenset(a.value for a in antigens))
    if tuple(m.value for m in modality) == ("not-cell-therapy",):
        # No cell product under study: the CAR-T a record mentions is the setting, so no target or source.
        return CellTherapyProfile(
            modality=modality,
            cell_source=Labelled("unknown", (absent("a cell product under study (none found)"),)),
            gene_editing=classify_editing(trial, vocabulary),
            antigens=(),
            disease_groups=diseases,
        )
    return CellTherapyProfile(
        modality=modality,
        cell_source=classify_source(trial, vocabulary),
        gene_editing=classify_editing(trial, vocabulary),
        antigens=antigens,
        disease_groups=diseases,
    )
