"""Lab checks: the latest result of a lab, current enough, against an absolute or × ULN bound.

Values are compared in the canonical unit of `domain/data/labs.toml` (converted when the case or the
criterion gives another known unit). A × ULN bound needs the reporting lab's ULN; without it the
verdict is unknown and "to collect" names the ULN.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from allonav.domain.case import LabResult, PatientCase
from allonav.domain.criterion import Criterion, Threshold
from allonav.domain.labs import LabDefinition
from allonav.eligibility.finding import (
    Finding,
    compare,
    dated,
    describe,
    evidence,
    found,
    limit,
    number,
    review,
    staleness,
    unknown,
)
from allonav.eligibility.rules import JudgeRules

ULN_UNITS = ("xuln", "× uln", "x uln", "uln")


def _is_uln(unit: str | None) -> bool:
    return (unit or "").strip().lower() in ULN_UNITS


def latest(case: PatientCase, definition: LabDefinition, rules: JudgeRules) -> LabResult | None:
    """The most recent result of a lab, whatever name or synonym the case used (undated counts as oldest).

    Example: a case lab named "absolute neutrophil count" is found for ANC.
    """
    results = [lab for lab in case.labs if lab.name == definition.name or rules.labs.find(lab.name) is definition]
    if not results:
        return None
    return max(results, key=lambda lab: lab.measured_on or date.min)


def _canonical_threshold(threshold: Threshold, definition: LabDefinition) -> Threshold | None:
    if threshold.unit is None or threshold.unit.strip() == "":
        return threshold
    value = definition.to_canonical(threshold.value, threshold.unit)
    upper = definition.to_canonical(threshold.upper, threshold.unit) if threshold.upper is not None else None
    if value is None or (threshold.upper is not None and upper is None):
        return None
    return replace(threshold, value=value, upper=upper, unit=definition.unit)


def _shown(result: LabResult) -> str:
    text = f"{number(result.value)} {result.unit}"
    if result.uln is not None and not _is_uln(result.unit):
        text += f" (ULN {number(result.uln)})"
    return dated(text, result.measured_on)


def check_lab(case: PatientCase, criterion: Criterion, as_of: date, rules: JudgeRules) -> Finding:
    """One lab against its bound. Groups ("ALT and AST ≤ 3 × ULN") are rolled up by the judge.

    Example: "ANC ≥ 1.0 × 10^9/L" with ANC 1.2 10^9/L measured 3 days ago → holds; measured 20 days
    ago → unknown, collect "repeat ANC (absolute neutrophil count) (last result is 20 days old)";
    "bilirubin ≤ 1.5 × ULN" with 30 µmol/L and no ULN → unknown, collect the reporting lab's ULN.
    """
    threshold = criterion.threshold
    if criterion.measurement is None or threshold is None:
        return review(criterion.text, rules.words("unparsed"))
    definition = rules.labs.labs.get(criterion.measurement) or rules.labs.find(criterion.measurement)
    if definition is None:
        return review(criterion.text, rules.words("unparsed"))
    words = rules.lab_name(definition.name)
    max_days = limit(criterion.window_days, rules.lab_days_for(definition.name))
    result = latest(case, definition, rules)
    if result is None:
        return unknown(f"no {definition.name} result", f"{words} within the last {max_days} days")
    fact = evidence(f"labs[{definition.name}]", _shown(result), result.source)
    stale = staleness(result.measured_on, as_of, max_days, words)
    if stale is not None:
        return unknown(f"{definition.name} not current (limit {max_days} days)", stale, evidence=[fact])
    if threshold.uln_multiple or _is_uln(threshold.unit):
        times = result.value if _is_uln(result.unit) else result.times_uln
        if times is None:
            collect = f"{words}: upper limit of normal (ULN) of the reporting lab"
            return unknown(f"{definition.name} given without its ULN", collect, evidence=[fact])
        verdict = compare(times, threshold)
        if verdict is None:
            return review(criterion.text, rules.words("unparsed"))
        bound = describe(replace(threshold, uln_multiple=True))
        return found(verdict, f"{definition.name} {number(round(times, 2))} × ULN vs {bound}", fact)
    if _is_uln(result.unit):
        if result.uln is None:
            collect = f"{words} as a value in {definition.unit} (or the reporting lab's ULN)"
            return unknown(f"{definition.name} given only as × ULN", collect, evidence=[fact])
        value: float | None = result.value * result.uln
    else:
        value = definition.to_canonical(result.value, result.unit)
    if value is None:
        return unknown(
            f"{definition.name} unit {result.unit} not known", f"{words} in {definition.unit}", evidence=[fact]
        )
    bound_canonical = _canonical_threshold(threshold, definition)
    verdict = compare(value, bound_canonical) if bound_canonical is not None else None
    if verdict is None or bound_canonical is None:
        return review(criterion.text, rules.words("unparsed"))
    shown = f"{number(round(value, 3))} {definition.unit}"
    return found(verdict, f"{definition.name} {shown} vs {describe(bound_canonical)}", fact)
