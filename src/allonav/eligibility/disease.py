"""Checks about the disease: diagnosis group, disease status and prior lines, CNS involvement."""

from __future__ import annotations

from datetime import date

from allonav.domain.case import CarTFailure, CnsStatus, DiseaseState, PatientCase
from allonav.domain.criterion import Criterion
from allonav.domain.verdict import CaseEvidence
from allonav.eligibility.finding import (
    Finding,
    all_of,
    any_of,
    compare,
    describe,
    evidence,
    found,
    review,
    unknown,
)
from allonav.eligibility.rules import JudgeRules


def check_diagnosis(case: PatientCase, criterion: Criterion, as_of: date, rules: JudgeRules) -> Finding:
    """Whether a recorded diagnosis falls in the listed disease groups (and is pathology-confirmed if asked).

    Example: inclusion "relapsed LBCL or FL" (values LBCL, FL), case diagnosis LBCL → holds; case MM →
    does not hold. Never not-applicable: a diagnosis always applies.
    """
    wanted = {v.lower() for v in criterion.values}
    confirm = criterion.measurement == "pathology_confirmed"
    if not wanted and not confirm:
        return review(criterion.text, rules.words("unparsed"))
    if not case.diagnoses:
        return unknown("no diagnosis recorded", rules.words("diagnosis"))
    facts = [
        evidence(f"diagnoses[{d.disease_group}]", d.disease_group + (f" ({d.subtype})" if d.subtype else ""), d.source)
        for d in case.diagnoses
    ]
    matched = [d for d in case.diagnoses if not wanted or d.disease_group.lower() in wanted]
    if not matched:
        groups = ", ".join(d.disease_group for d in case.diagnoses)
        return found(False, f"diagnosis {groups} is not among {sorted(criterion.values)}", *facts)
    if not confirm:
        return found(True, f"diagnosis {matched[0].disease_group} is among {sorted(criterion.values)}", *facts)
    states = [d.pathology_confirmed for d in matched]
    if any(s is True for s in states):
        return found(True, "diagnosis confirmed by pathology", *facts)
    if all(s is False for s in states):
        return found(False, "diagnosis not confirmed by pathology", *facts)
    return unknown("pathology confirmation not recorded", rules.words("pathology"), evidence=facts)


_RELAPSED = {DiseaseState.RELAPSED, DiseaseState.RELAPSED_AND_REFRACTORY}
_REFRACTORY = {DiseaseState.REFRACTORY, DiseaseState.RELAPSED_AND_REFRACTORY}
_CAR_T_SIGNS = {
    "relapsed": {CarTFailure.RELAPSE, CarTFailure.ANTIGEN_LOSS},
    "refractory": {CarTFailure.NON_RESPONSE},
}


def _state(case: PatientCase, value: str, rules: JudgeRules) -> Finding:
    states = _RELAPSED if value == "relapsed" else _REFRACTORY
    if case.disease_state is not None:
        fact = evidence("disease_state", case.disease_state.value)
        return found(case.disease_state in states, f"disease state {case.disease_state.value} vs {value}", fact)
    signs = [c for c in case.prior_car_t if c.failure in _CAR_T_SIGNS[value]]
    if signs:
        sign = signs[0]
        fact = evidence("prior_car_t.failure", f"{sign.product or 'CAR-T'}: {sign.failure}", sign.source)
        return found(True, f"{value}: {sign.failure} after prior CAR-T", fact)
    hints: list[CaseEvidence] = [
        evidence("prior_car_t.failure", f"{c.product or 'CAR-T'}: {c.failure.value}", c.source)
        for c in case.prior_car_t
        if c.failure is not None
    ]
    return unknown("current disease status not recorded", rules.words("disease_state"), evidence=hints)


def _flag(value: bool | None, path: str, key: str, rules: JudgeRules) -> Finding:
    if value is None:
        return unknown(f"{key} not recorded", rules.words(key))
    return found(value, f"{key}: {'yes' if value else 'no'}", evidence(path, str(value).lower()))


def _status_item(case: PatientCase, value: str, rules: JudgeRules) -> Finding:
    if value in ("relapsed", "refractory"):
        return _state(case, value, rules)
    if value == "measurable":
        return _flag(case.measurable_disease, "measurable_disease", "measurable", rules)
    if value == "rapid_progression":
        return _flag(case.rapid_progression, "rapid_progression", "rapid_progression", rules)
    if value == "MRD-positive":
        return unknown("MRD status is not part of the case", rules.words("MRD-positive"))
    return unknown(f"disease status '{value}' is not known to the judge", f"review disease status item: {value}")


def _lines(case: PatientCase, criterion: Criterion, rules: JudgeRules) -> Finding:
    if criterion.threshold is None:
        return review(criterion.text, rules.words("unparsed"))
    if case.prior_lines is None:
        hint = [evidence("regimens", f"{len(case.regimens)} regimen(s) recorded")] if case.regimens else []
        return unknown("number of prior lines not recorded", rules.words("prior_lines"), evidence=hint)
    result = compare(float(case.prior_lines), criterion.threshold)
    if result is None:
        return review(criterion.text, rules.words("unparsed"))
    fact = evidence("prior_lines", str(case.prior_lines))
    return found(result, f"{case.prior_lines} prior lines vs {describe(criterion.threshold)}", fact)


def check_disease_status(case: PatientCase, criterion: Criterion, as_of: date, rules: JudgeRules) -> Finding:
    """Relapsed / refractory / measurable / MRD / rapid progression (any of the listed) and prior lines.

    Example: "relapsed or refractory after ≥ 2 prior lines", state refractory, 3 lines → holds. With no
    recorded state but a relapse after prior CAR-T, "relapsed" holds on that evidence.
    """
    parts: list[Finding] = []
    if criterion.values:
        parts.append(any_of(_status_item(case, v, rules) for v in criterion.values))
    if criterion.measurement == "prior_lines":
        parts.append(_lines(case, criterion, rules))
    if not parts:
        return review(criterion.text, rules.words("unparsed"))
    return parts[0] if len(parts) == 1 else all_of(parts)


_CNS = {
    "active": {CnsStatus.ACTIVE},
    "any": {CnsStatus.ACTIVE, CnsStatus.TREATED_STABLE},
    "treated_stable": {CnsStatus.TREATED_STABLE},
}


def check_cns(case: PatientCase, criterion: Criterion, as_of: date, rules: JudgeRules) -> Finding:
    """CNS involvement of the listed kind (default: any).

    Example: exclusion "active CNS involvement" with cns treated_stable → does not hold; inclusion
    "no active CNS disease" (negated) with cns none → the judge reports met.
    """
    values = [v.lower() for v in criterion.values] or ["any"]
    if any(v not in _CNS for v in values):
        return review(criterion.text, rules.words("unparsed"))
    if case.cns is None:
        return unknown("CNS status not recorded", rules.words("cns"))
    fact = evidence("cns", case.cns.value)
    statuses = set().union(*(_CNS[v] for v in values))
    return found(case.cns in statuses, f"CNS {case.cns.value} vs {', '.join(values)}", fact)
