"""Checks about the person: age, sex, pregnancy, life expectancy, performance status, consent and travel."""

from __future__ import annotations

from datetime import date

from allonav.domain.case import PatientCase, Sex
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
    not_applicable,
    number,
    review,
    staleness,
    unknown,
)
from allonav.eligibility.rules import JudgeRules


def check_age(case: PatientCase, criterion: Criterion, as_of: date, rules: JudgeRules) -> Finding:
    """Age on the screening date against the bound.

    Example: born 1960-05-01, screened 2026-10-05 (66.4 years) against "18–70 years" → holds.
    """
    if criterion.threshold is None:
        return review(criterion.text, rules.words("unparsed"))
    age = case.age_on(as_of)
    if age is None:
        return unknown("age not recorded", rules.words("age"))
    if case.birth_date is not None:
        fact = evidence("birth_date", f"{case.birth_date.isoformat()} ({number(round(age, 1))} years on {as_of})")
    else:
        fact = evidence("age_years", f"{number(age)} years")
    result = compare(age, criterion.threshold)
    if result is None:
        return review(criterion.text, rules.words("unparsed"))
    return found(result, f"age {number(round(age, 1))} vs {describe(criterion.threshold)}", fact)


def check_sex(case: PatientCase, criterion: Criterion, as_of: date, rules: JudgeRules) -> Finding:
    """Sex against the listed values. Example: "female patients only" with sex male → does not hold."""
    wanted = {v.lower() for v in criterion.values}
    if not wanted:
        return review(criterion.text, rules.words("unparsed"))
    if case.sex is None:
        return unknown("sex not recorded", rules.words("sex"))
    fact = evidence("sex", case.sex.value)
    if case.sex is Sex.OTHER:
        return unknown(
            "sex recorded as other", f"confirm with the trial team: {criterion.text.strip()}", evidence=[fact]
        )
    return found(case.sex.value in wanted, f"sex {case.sex.value} vs {sorted(wanted)}", fact)


def _pregnancy_item(case: PatientCase, value: str, rules: JudgeRules) -> Finding:
    sex = evidence("sex", case.sex.value) if case.sex is not None else None
    if value == "contraception":
        return unknown("contraception agreement is confirmed with the patient", rules.words("contraception"))
    if value not in ("pregnant", "breastfeeding"):
        return unknown(f"'{value}' is not a known pregnancy item", f"review pregnancy item: {value}")
    if case.sex is Sex.MALE:
        return not_applicable(f"{value}: does not apply to a male patient", evidence("sex", Sex.MALE.value))
    fact = case.pregnant if value == "pregnant" else case.breastfeeding
    key = "pregnancy" if value == "pregnant" else "breastfeeding"
    extra = [sex] if sex is not None else []
    if fact is None:
        collect = [rules.words(key)] + ([] if case.sex is not None else [rules.words("sex")])
        return unknown(f"{value}: not recorded", *collect, evidence=extra)
    return found(fact, f"{value}: {'yes' if fact else 'no'}", evidence(key, str(fact).lower()), *extra)


def check_pregnancy(case: PatientCase, criterion: Criterion, as_of: date, rules: JudgeRules) -> Finding:
    """Pregnancy / breastfeeding / contraception; male patients → not applicable for the first two.

    Example: exclusion "pregnant or breastfeeding women", female, pregnancy not recorded → unknown,
    collect "pregnancy test (serum or urine)".
    """
    values = criterion.values or ("pregnant", "breastfeeding")
    return any_of(_pregnancy_item(case, v.lower(), rules) for v in values)


def check_life_expectancy(case: PatientCase, criterion: Criterion, as_of: date, rules: JudgeRules) -> Finding:
    """Physician-estimated life expectancy in weeks. Example: 24 weeks against "> 12 weeks" → holds."""
    if criterion.threshold is None:
        return review(criterion.text, rules.words("unparsed"))
    weeks = case.life_expectancy_weeks
    if weeks is None:
        return unknown("life expectancy not recorded", rules.words("life_expectancy"))
    result = compare(weeks, criterion.threshold)
    if result is None:
        return review(criterion.text, rules.words("unparsed"))
    fact = evidence("life_expectancy_weeks", f"{number(weeks)} weeks")
    return found(result, f"life expectancy {number(weeks)} weeks vs {describe(criterion.threshold)}", fact)


def check_performance(case: PatientCase, criterion: Criterion, as_of: date, rules: JudgeRules) -> Finding:
    """ECOG against the bound, if assessed recently enough (Karnofsky/Lansky already converted to ECOG).

    Example: ECOG 1 assessed 10 days ago against "ECOG 0–2" (≤ 2) → holds; assessed 45 days ago →
    unknown, collect "repeat ECOG performance status (last result is 45 days old)".
    """
    if criterion.threshold is None or (criterion.measurement not in (None, "ECOG")):
        return review(criterion.text, rules.words("unparsed"))
    performance = case.performance
    if performance is None:
        return unknown("performance status not recorded", rules.words("performance"))
    shown = f"ECOG {performance.ecog}"
    if performance.recorded_as != "ECOG":
        shown += f" (recorded as {performance.recorded_as})"
    fact = evidence("performance.ecog", dated(shown, performance.assessed_on), performance.source)
    max_days = limit(criterion.window_days, rules.performance_days)
    stale = staleness(performance.assessed_on, as_of, max_days, rules.words("performance"))
    if stale is not None:
        return unknown(f"{shown} is not current (limit {max_days} days)", stale, evidence=[fact])
    result = compare(float(performance.ecog), criterion.threshold)
    if result is None:
        return review(criterion.text, rules.words("unparsed"))
    return found(result, f"{shown} vs ECOG {describe(criterion.threshold)}", fact)


CONSENT_FACTS = ("accepts_allogeneic_risks", "travel_fit")


def check_consent(case: PatientCase, criterion: Criterion, as_of: date, rules: JudgeRules) -> Finding:
    """Consent and compliance stay unknown; `measurement` accepts_allogeneic_risks / travel_fit reads the case.

    Example: "able to give informed consent" → unknown, collect "consent/compliance — confirm with the
    family"; readiness "fit to travel" with travel_fit True → holds.
    """
    if criterion.measurement in CONSENT_FACTS:
        name = criterion.measurement
        value = case.accepts_allogeneic_risks if name == "accepts_allogeneic_risks" else case.travel_fit
        if value is None:
            return unknown(f"{name} not recorded", rules.words(name))
        fact: CaseEvidence = evidence(name, str(value).lower())
        return found(value, f"{name}: {'yes' if value else 'no'}", fact)
    return unknown("consent and compliance are confirmed with the family", rules.words("consent"))
