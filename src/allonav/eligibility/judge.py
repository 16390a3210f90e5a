"""The judge: one criterion against one case → a `CriterionVerdict` (met / not_met / unknown / not_applicable).

`met` means the criterion's statement holds for the patient: for an inclusion that it is satisfied, for
an exclusion that the patient HAS the excluding condition. Negated statements ("no active CNS
disease") are checked as their positive form and flipped; "any"/"all" groups roll up their children.
An unknown always says what to collect; nothing missing is ever read as normal.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from allonav.domain.case import PatientCase
from allonav.domain.criterion import Category, Criterion
from allonav.domain.verdict import CriterionVerdict, VerdictLabel
from allonav.eligibility.antigen import check_antigen
from allonav.eligibility.conditions import check_infection, check_organ_disease, check_other_malignancy
from allonav.eligibility.disease import check_cns, check_diagnosis, check_disease_status
from allonav.eligibility.finding import Finding, all_of, any_of, review
from allonav.eligibility.history import check_gvhd, check_prior_therapy
from allonav.eligibility.lab_check import check_lab
from allonav.eligibility.person import (
    check_age,
    check_consent,
    check_life_expectancy,
    check_performance,
    check_pregnancy,
    check_sex,
)
from allonav.eligibility.rules import JudgeRules

Check = Callable[[PatientCase, Criterion, date, JudgeRules], Finding]


def _unparsed(case: PatientCase, criterion: Criterion, as_of: date, rules: JudgeRules) -> Finding:
    return review(criterion.text, rules.words("unparsed"))


CHECKS: dict[Category, Check] = {
    Category.AGE: check_age,
    Category.SEX: check_sex,
    Category.DIAGNOSIS: check_diagnosis,
    Category.ANTIGEN: check_antigen,
    Category.DISEASE_STATUS: check_disease_status,
    Category.PRIOR_THERAPY: check_prior_therapy,
    Category.PERFORMANCE: check_performance,
    Category.LAB: check_lab,
    Category.CNS: check_cns,
    Category.INFECTION: check_infection,
    Category.GVHD: check_gvhd,
    Category.PREGNANCY: check_pregnancy,
    Category.OTHER_MALIGNANCY: check_other_malignancy,
    Category.LIFE_EXPECTANCY: check_life_expectancy,
    Category.ORGAN_DISEASE: check_organ_disease,
    Category.CONSENT: check_consent,
    Category.UNPARSED: _unparsed,
}


def _negate(finding: Finding) -> Finding:
    if not finding.applicable or finding.holds is None:
        return finding
    return Finding(not finding.holds, finding.evidence, f"not ({finding.explanation})", finding.to_collect)


def _has_own_check(criterion: Criterion) -> bool:
    """A parent that states a typed condition of its own besides its children (not a mere heading)."""
    if criterion.category in (Category.UNPARSED, Category.CONSENT, Category.ORGAN_DISEASE):
        return False
    return bool(criterion.values or criterion.measurement or criterion.threshold)


def assess(case: PatientCase, criterion: Criterion, as_of: date, rules: JudgeRules) -> Finding:
    """Whether the criterion's statement holds (negation and groups applied), before it becomes a verdict.

    Example: negated CNS criterion "no active CNS disease" with cns none → Finding(holds=True).
    """
    if criterion.children:
        parts = [assess(case, child, as_of, rules) for child in criterion.children]
        labelled = [
            Finding(
                p.holds,
                p.evidence,
                p.explanation if c.children else f"{c.criterion_id} {p.explanation}",
                p.to_collect,
                p.applicable,
            )
            for c, p in zip(criterion.children, parts, strict=True)
        ]
        finding = any_of(labelled) if criterion.group == "any" else all_of(labelled)
        if _has_own_check(criterion):
            # "CD7 positive …, and one of the following:" — the parent's own condition holds as well as its group
            own = CHECKS.get(criterion.category, _unparsed)(case, criterion, as_of, rules)
            finding = all_of([own, finding])
    else:
        finding = CHECKS.get(criterion.category, _unparsed)(case, criterion, as_of, rules)
    return _negate(finding) if criterion.negated else finding


def _label(finding: Finding) -> VerdictLabel:
    if not finding.applicable:
        return VerdictLabel.NOT_APPLICABLE
    if finding.holds is None:
        return VerdictLabel.UNKNOWN
    return VerdictLabel.MET if finding.holds else VerdictLabel.NOT_MET


def judge(case: PatientCase, criterion: Criterion, *, as_of: date, rules: JudgeRules) -> CriterionVerdict:
    """Judge one criterion for one case on the screening date `as_of`.

    Example: inclusion I4 "ANC ≥ 1.0 × 10^9/L" and a case with ANC 1.2 10^9/L measured on 2026-10-02,
    as_of 2026-10-05 → met, evidence `labs[ANC] = "1.2 10^9/L on 2026-10-02"`. Without an ANC result →
    unknown, to_collect ("ANC (absolute neutrophil count) within the last 14 days",).
    """
    finding = assess(case, criterion, as_of, rules)
    label = _label(finding)
    to_collect: tuple[str, ...] = ()
    if label is VerdictLabel.UNKNOWN:
        to_collect = finding.to_collect or review(criterion.text, rules.words("unparsed")).to_collect
    return CriterionVerdict(
        criterion=criterion,
        label=label,
        evidence=tuple(dict.fromkeys(finding.evidence)),
        explanation=finding.explanation,
        to_collect=to_collect,
    )
