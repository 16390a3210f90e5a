"""Public entry point: a trial's eligibility text → `CriteriaSet` of typed criteria (never raises)."""

from __future__ import annotations

from allonav.criteria.classify import build
from allonav.criteria.rules import CriteriaVocabulary, load_rules
from allonav.criteria.segment import Item, looks_cut_short, segment
from allonav.criteria.text import clean
from allonav.domain.criterion import Category, CriteriaSet, Criterion, CriterionKind

_ANY_OF = ("any of the following", "one of the following", "any one of", "either of the following", "at least one of")


def load_criteria_vocabulary() -> CriteriaVocabulary:
    """Load the packaged criteria rules (concepts, diseases, antigens, lab wordings) once at start-up.

    Example: `vocabulary = load_criteria_vocabulary()`; then
    `parse_criteria("NCT01234567", "Inclusion Criteria:\\n* ECOG 0-1", vocabulary)`.
    """
    return load_rules()


def parse_criteria(nct_id: str, text: str | None, vocabulary: CriteriaVocabulary) -> CriteriaSet:
    """Parse a trial's eligibility text into typed criteria, in text order, with ids I1…, E1…, I3.1 for children.

    Example: "Inclusion Criteria:\\n* Age 18-70 years\\n\\nExclusion Criteria:\\n* Active CNS leukemia" →
    I1 age BETWEEN 18..70 years; E1 cns values ("active",). Unrecognised criteria are kept as `unparsed`.
    """
    if not text or not text.strip():
        return CriteriaSet(nct_id, ())
    try:
        items = segment(text)
        complete = not looks_cut_short(text)
    except Exception:  # never fail on real text: keep the whole text as one unparsed criterion
        whole = clean(text)
        return CriteriaSet(nct_id, (Criterion("I1", CriterionKind.INCLUSION, whole.text, Category.UNPARSED,
                                              whole.span(0, len(whole.text))),), complete=False)
    counters = {CriterionKind.INCLUSION: 0, CriterionKind.EXCLUSION: 0}
    criteria: list[Criterion] = []
    for item in items:
        counters[item.kind] += 1
        prefix = "I" if item.kind is CriterionKind.INCLUSION else "E"
        criterion = _build_item(f"{prefix}{counters[item.kind]}", text, item, vocabulary)
        if criterion is not None:
            criteria.append(criterion)
        else:
            counters[item.kind] -= 1
    return CriteriaSet(nct_id, tuple(criteria), complete=complete)


def leaves(criteria: tuple[Criterion, ...] | list[Criterion]) -> list[Criterion]:
    """The criteria that came from segmented items without sub-items (compound criteria count once).

    Example: "Adequate organ function:\\n  * ANC ≥ 1.0\\n  * Platelets ≥ 50" has two leaves (ANC, platelets).
    """
    out: list[Criterion] = []
    for criterion in criteria:
        if criterion.children and criterion.group in {"any", "all"} and _segmented(criterion):
            out.extend(leaves(criterion.children))
        else:
            out.append(criterion)
    return out


def _segmented(criterion: Criterion) -> bool:
    return any(child.text not in criterion.text for child in criterion.children)


def _build_item(criterion_id: str, source: str, item: Item, vocabulary: CriteriaVocabulary) -> Criterion | None:
    own = clean(source, item.start, item.end)
    if not own.text:
        return None
    criterion = build(criterion_id, item.kind, own, vocabulary)
    if not item.children:
        return criterion
    children: list[Criterion] = []
    for child in item.children:
        built = _build_item(f"{criterion_id}.{len(children) + 1}", source, child, vocabulary)
        if built is not None:
            children.append(built)
    if not children:
        return criterion
    lowered = own.text.lower()
    if any(phrase in lowered for phrase in _ANY_OF):
        group = "any"
    elif "all of the following" in lowered or item.kind is CriterionKind.INCLUSION:
        group = "all"
    else:
        group = "any"
    category = criterion.category
    if category is Category.UNPARSED or category is Category.CONSENT:
        typed = [c.category for c in children if c.category is not Category.UNPARSED]
        category = max(set(typed), key=typed.count) if typed else category
    end = max(c.span[1] for c in children)
    return Criterion(criterion_id, item.kind, own.text, category, (criterion.span[0], max(criterion.span[1], end)),
                     negated=criterion.negated, measurement=criterion.measurement, threshold=criterion.threshold,
                     values=criterion.values, method=criterion.method, window_days=criterion.window_days,
                     group=group, children=tuple(children))
