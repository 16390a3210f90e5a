"""Antigen checks: is the CAR target expressed, by the required method, above the required percentage?

Safety rules: a current negative result means the statement "expressed" does not hold; antigen loss after a
prior CAR-T against that antigen means it does not hold unless a later positive result exists; a
positive result that predates therapy against the same antigen, or is older than the freshness
limit, is unknown ("repeat …").
"""

from __future__ import annotations

from datetime import date

from allonav.domain.case import AntigenResult, CarTFailure, PatientCase
from allonav.domain.criterion import Criterion
from allonav.domain.verdict import CaseEvidence
from allonav.eligibility.finding import (
    Finding,
    any_of,
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

_METHOD_WORDS = {"flow": "flow cytometry", "ihc": "IHC"}
MAX_LISTED = 3  # above this many antigens left to test, "to collect" names them in one line


def _method_words(method: str | None) -> str:
    return _METHOD_WORDS.get((method or "").lower(), "flow cytometry or IHC")


def _shown(result: AntigenResult) -> str:
    state = {True: "positive", False: "negative", None: "result unclear"}[result.positive]
    parts = [f"{result.antigen} {state}"]
    if result.percent is not None:
        parts.append(f"{number(result.percent)}%")
    if result.method is not None:
        parts.append(f"by {result.method.value}")
    if result.specimen:
        parts.append(f"({result.specimen})")
    return dated(" ".join(parts), result.tested_on)


def _targeted_after(case: PatientCase, name: str, tested_on: date | None) -> list[CaseEvidence]:
    """Therapies against `name` given after the test (or undated, so possibly after)."""
    key = name.lower()
    hits: list[CaseEvidence] = []
    for car in case.prior_car_t:
        if key in (t.lower() for t in car.targets):
            when = car.infused_on
            if when is None or tested_on is None or when > tested_on:
                hits.append(
                    evidence("prior_car_t", dated(f"{car.product or 'CAR-T'} against {name}", when), car.source)
                )
    for regimen in case.regimens:
        if key in (t.lower() for t in regimen.targets):
            when = regimen.started_on
            if when is None or tested_on is None or when > tested_on:
                hits.append(evidence(f"regimens[{regimen.name}]", dated(f"{regimen.name} against {name}", when)))
    return hits


def _loss(case: PatientCase, name: str, result: AntigenResult | None) -> Finding | None:
    """Documented antigen loss after a CAR-T against `name`, unless a later positive result exists."""
    key = name.lower()
    for car in case.prior_car_t:
        if car.failure is not CarTFailure.ANTIGEN_LOSS or key not in (t.lower() for t in car.targets):
            continue
        later_positive = (
            result is not None
            and result.positive is True
            and result.tested_on is not None
            and car.infused_on is not None
            and result.tested_on > car.infused_on
        )
        if later_positive:
            continue
        fact = evidence("prior_car_t.failure", dated(f"{car.product or 'CAR-T'}: {name} antigen loss", car.infused_on))
        facts = [fact] + ([evidence(f"antigens[{name}]", _shown(result), result.source)] if result else [])
        return found(False, f"{name} lost after prior {name}-directed CAR-T", *facts)
    return None


def _item(case: PatientCase, name: str, criterion: Criterion, as_of: date, rules: JudgeRules) -> Finding:
    words = f"{name} expression by {_method_words(criterion.method)} on a recent sample"
    result = case.antigen(name)
    lost = _loss(case, name, result)
    if lost is not None:
        return lost
    if result is None:
        return unknown(f"no {name} result", words)
    fact = evidence(f"antigens[{name}]", _shown(result), result.source)
    max_days = limit(criterion.window_days, rules.antigen_days)
    stale = staleness(result.tested_on, as_of, max_days, f"{name} expression test ({_method_words(criterion.method)})")
    if stale is not None:
        return unknown(f"{name} result not current (limit {max_days} days)", stale, evidence=[fact])
    if result.positive is False:
        return found(False, f"{name} negative", fact)
    after = _targeted_after(case, name, result.tested_on)
    if after:
        return unknown(
            f"{name} result may predate therapy against {name}",
            f"repeat {words} (therapy against {name} since the last result)",
            evidence=[fact, *after],
        )
    threshold = criterion.threshold
    if result.positive is None and (threshold is None or result.percent is None):
        return unknown(f"{name} result unclear", words, evidence=[fact])
    if criterion.method and (result.method is None or result.method.value.lower() != criterion.method.lower()):
        return unknown(f"{name} method does not match {criterion.method}", words, evidence=[fact])
    if threshold is not None:
        if result.percent is None:
            collect = f"{name} percentage of positive cells by {_method_words(criterion.method)}"
            return unknown(f"{name} percentage not recorded", collect, evidence=[fact])
        verdict = compare(result.percent, threshold)
        if verdict is None:
            return review(criterion.text, rules.words("unparsed"))
        return found(verdict, f"{name} {number(result.percent)}% vs {describe(threshold)}", fact)
    return found(True, f"{name} positive", fact)


def check_antigen(case: PatientCase, criterion: Criterion, as_of: date, rules: JudgeRules) -> Finding:
    """Whether any listed antigen is expressed as required (negation handled by the judge).

    Example: inclusion "CD7 ≥ 70% by flow" with CD7 85% by flow 20 days ago → holds; CD19 inclusion
    after a CD19 CAR-T with antigen loss and no later positive result → does not hold.
    """
    if not criterion.values:
        return review(criterion.text, rules.words("unparsed"))
    finding = any_of(_item(case, name, criterion, as_of, rules) for name in criterion.values)
    if finding.holds is None and len(finding.to_collect) > MAX_LISTED:
        repeats = tuple(c for c in finding.to_collect if not c.endswith("on a recent sample"))
        names = ", ".join(criterion.values)
        summary = f"expression of a CAR target antigen ({names}) by flow cytometry or IHC on a recent sample"
        return Finding(None, finding.evidence, finding.explanation, (*repeats, summary))
    return finding
