"""One criterion's text → a typed `Criterion` (compound criteria become a parent with typed children)."""

from __future__ import annotations

import re
from collections import Counter
from itertools import pairwise

from allonav.criteria import concepts as kw
from allonav.criteria import measures
from allonav.criteria.finding import Claims, Finding, add_value
from allonav.criteria.negation import is_negated
from allonav.criteria.rules import CriteriaVocabulary
from allonav.criteria.text import Clean
from allonav.domain.criterion import Category, Criterion, CriterionKind

_NUMERIC = {Category.LAB, Category.AGE, Category.PERFORMANCE, Category.LIFE_EXPECTANCY}
_OR = re.compile(r"\b(?:or|either|any\s+of|one\s+of)\b", re.IGNORECASE)
_AND = re.compile(r"\band\b|\bboth\b|\ball\s+of\b", re.IGNORECASE)
_CLAUSE_END = re.compile(r"[;,.]\s|[;]|$")
_WASHOUT = re.compile(r"wash-?\s*out|must\s+(?:have\s+)?(?:be\s+|been\s+)?(?:stopped|discontinued|completed|ceased)"
                      r"|(?:stopped|discontinued|completed)\s+at\s+least", re.IGNORECASE)
# "uncontrolled bacterial, fungal, viral or other infections": kinds of one active-infection criterion
_KIND_LIST = re.compile(r"(?:bacterial|fungal|viral|parasitic)(?:\s*(?:,|/|\bor\b|\band\b)\s*(?:or\s+)?(?:bacterial|"
                        r"fungal|viral|parasitic|other))+\s+infections?", re.IGNORECASE)
_SPECIMEN = re.compile(r"cerebrospinal\s+fluid|csf", re.IGNORECASE)
# "relapse after allo-HSCT": one condition in time, not two alternatives
_RELATION = re.compile(r"\b(?:after|following|post|despite)\b", re.IGNORECASE)
# "CNS involvement with MM", "infiltration by lymphoma": the disease qualifies another finding
_QUALIFIER = re.compile(r"\b(?:with|by|of|on|for|from|due\s+to|secondary\s+to)\s+(?:[\w-]+\s*/?\s*){0,3}$",
                        re.IGNORECASE)


def find_all(text: str, kind: CriterionKind, vocab: CriteriaVocabulary) -> list[Finding]:
    """Every typed finding of one criterion's clean text, in text order, negation applied, like findings merged.

    Example: "Relapsed or refractory B-ALL" → [disease_status (relapsed, refractory), diagnosis (B-ALL,)].
    """
    claims = Claims()
    found: list[Finding] = []
    found += measures.detect_labs(text, vocab, claims)
    found += measures.detect_performance(text, claims, kind)
    found += measures.detect_life_expectancy(text, claims)
    found += measures.detect_age(text, claims, kind)
    found += measures.detect_prior_lines(text, claims)
    found += kw.detect_other_malignancy(text, vocab, claims)
    found += kw.detect_gvhd(text, vocab, claims)
    found += kw.detect_cns(text, vocab, claims)
    found += kw.detect_by_concepts(text, Category.INFECTION, vocab, claims)
    found += kw.detect_by_concepts(text, Category.PREGNANCY, vocab, claims)
    found += kw.detect_prior_therapy(text, vocab, claims)
    found += kw.detect_antigen(text, vocab, claims)
    found += kw.detect_by_concepts(text, Category.DISEASE_STATUS, vocab, claims)
    found += kw.detect_diagnosis(text, vocab, claims, kind)
    if not any(f.category is Category.LAB for f in found):
        found += kw.detect_organ(text, vocab, claims)
    found += kw.detect_sex(text, vocab, claims, alone=not found)
    if not found:
        found += _consent(text, vocab, claims)
    for finding in found:
        # a line count is never negated by the wording around it ("no remission after ≥ 2 lines" is refractory)
        if (finding.category not in _NUMERIC and finding.category is not Category.ANTIGEN and not finding.negated
                and finding.measurement != "prior_lines"):
            start, end = finding.triggers[0] if finding.triggers else (finding.start, finding.end)
            finding.negated = is_negated(text, start, end, vocab)
    if any(f.category is Category.INFECTION and f.values != ("active_uncontrolled",) for f in found):
        found = [f for f in found if not (f.category is Category.INFECTION and f.values == ("active_uncontrolled",)
                                          and text[f.start : f.end].lower() in {"infection", "infections"})]
    if any(f.category is Category.INFECTION and f.values == ("active_uncontrolled",) for f in found):
        kinds = [m.span() for m in _KIND_LIST.finditer(text)]
        found = [f for f in found if not (f.category is Category.INFECTION and f.values == ("fungal",)
                                          and any(a <= f.start < b for a, b in kinds))]
    if any(f.category is Category.ANTIGEN for f in found):
        # "CD7 positive in bone marrow or cerebrospinal fluid": the fluid is where the cells were tested
        found = [f for f in found if not (f.category is Category.CNS and _SPECIMEN.fullmatch(
            text[slice(*(f.triggers[0] if f.triggers else (f.start, f.end)))].strip()))]
    if kind is CriterionKind.INCLUSION and _WASHOUT.search(text):  # "washout of 2 weeks": no therapy within it
        for finding in found:
            if finding.category is Category.PRIOR_THERAPY and finding.window_days is not None:
                finding.negated = True
    exclusion = kind is CriterionKind.EXCLUSION and any(f.category is not Category.DIAGNOSIS for f in found)
    if exclusion or any(f.category is Category.ANTIGEN for f in found):
        # "CNS involvement with MM" (exclusion), "CD19 on ≥ 70% of leukaemic blasts / lymphoma cells": the disease
        # words say where, they are no separate condition (inclusions keep a named group: "BCMA on myeloma cells")
        found = [f for f in found if not (f.category is Category.DIAGNOSIS and f.measurement is None
                                          and (exclusion or set(f.values) <= {"other"})
                                          and _QUALIFIER.search(text[max(0, f.start - 25) : f.start]))]
    return _merge(sorted(found, key=lambda f: (f.start, f.end)))


def _consent(text: str, vocab: CriteriaVocabulary, claims: Claims) -> list[Finding]:
    findings = kw.detect_by_concepts(text, Category.CONSENT, vocab, claims)
    return findings[:1]


def _merge(found: list[Finding]) -> list[Finding]:
    merged: list[Finding] = []
    for finding in found:
        if finding.category in _NUMERIC or finding.threshold is not None:
            if not any(_same_bound(finding, m) for m in merged):
                merged.append(finding)
            continue
        target = next((m for m in merged if m.category is finding.category and m.negated == finding.negated
                       and m.threshold is None and m.measurement == finding.measurement
                       and m.window_days == finding.window_days
                       and (m.method is None or finding.method is None or m.method == finding.method)), None)
        if target is None:
            merged.append(finding)
            continue
        for value in finding.values:
            target.values = add_value(target.values, value)
        target.start, target.end = min(target.start, finding.start), max(target.end, finding.end)
        target.window_days = target.window_days if target.window_days is not None else finding.window_days
        target.method = target.method or finding.method
    return merged


def _same_bound(a: Finding, b: Finding) -> bool:
    return (a.category, a.measurement, a.threshold, a.values) == (b.category, b.measurement, b.threshold, b.values)


def build(criterion_id: str, kind: CriterionKind, item: Clean, vocab: CriteriaVocabulary) -> Criterion:
    """A typed criterion for one segmented item (never raises: unexpected errors give `unparsed`).

    Example: "Adequate organ function: ANC ≥1.0×10^9/L, platelets ≥50×10^9/L, bilirubin ≤1.5×ULN" → category lab,
    group "all", children I3.1 ANC, I3.2 platelets, I3.3 bilirubin.
    """
    span = item.span(0, len(item.text))
    try:
        found = find_all(item.text, kind, vocab)
    except Exception:  # the parser must never fail on real text; the criterion is kept verbatim instead
        found = []
    if not found:
        return Criterion(criterion_id, kind, item.text, Category.UNPARSED, span)
    if len(found) == 1:
        return _criterion(criterion_id, kind, item.text, span, found[0])
    children = []
    for index, finding in enumerate(found, start=1):
        start, end = _child_range(item.text, finding, found)
        children.append(_criterion(f"{criterion_id}.{index}", kind, item.text[start:end], item.span(start, end),
                                   finding))
    return Criterion(criterion_id, kind, item.text, _main_category(found), span,
                     group=_group(item.text, kind, found), children=tuple(children))


def _criterion(criterion_id: str, kind: CriterionKind, text: str, span: tuple[int, int], f: Finding) -> Criterion:
    return Criterion(criterion_id, kind, text, f.category, span, negated=f.negated, measurement=f.measurement,
                     threshold=f.threshold, values=f.values, method=f.method, window_days=f.window_days)


def _main_category(found: list[Finding]) -> Category:
    counts = Counter(f.category for f in found)
    best = max(counts.values())
    return next(f.category for f in found if counts[f.category] == best)


def _group(text: str, kind: CriterionKind, found: list[Finding]) -> str:
    between = " ".join(text[a.end : b.start] for a, b in pairwise(found))
    between = re.sub(r"(?i)\band\s*/\s*or\b", " or ", between)  # "A and/or B": either suffices
    if kind is CriterionKind.EXCLUSION:
        if _RELATION.search(between) and not _OR.search(between):
            return "all"
        labs_only = all(f.category is Category.LAB for f in found)
        return "all" if labs_only and _AND.search(between) and not _OR.search(between) else "any"
    listed_or = "," in between and re.match(r"[^;.]*?,?\s+or\s+", text[found[-1].end :]) is not None
    return "any" if (_OR.search(between) or listed_or) and not _AND.search(between) else "all"


def _child_range(text: str, finding: Finding, found: list[Finding]) -> tuple[int, int]:
    index = found.index(finding)
    left_limit = min(found[index - 1].end, finding.start) if index > 0 else 0
    right_limit = max(found[index + 1].start, finding.end) if index + 1 < len(found) else len(text)
    start = left_limit
    for sep in (";", ",", ":", ". "):
        position = text.rfind(sep, left_limit, finding.start)
        if position >= 0:
            start = max(start, position + len(sep))
    match = _CLAUSE_END.search(text, finding.end, right_limit)
    end = match.start() if match else right_limit
    while start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while end < len(text) and end > 0 and text[end].isalnum() and text[end - 1].isalnum():
        end += 1
    while start < end and text[start] in " ,;:*-":
        start += 1
    while end > start and text[end - 1] in " ,;:":
        end -= 1
    return start, max(end, start + 1)
