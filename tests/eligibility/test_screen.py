"""Trial roll-up: eligible / possibly_eligible / ineligible / criteria_not_available."""

from __future__ import annotations

from dataclasses import replace

from eligibility_cases import AS_OF, bound, crit, lbcl_after_cart

from allonav.domain.case import PatientCase
from allonav.domain.criterion import Category as C
from allonav.domain.criterion import CriteriaSet, Criterion
from allonav.domain.criterion import CriterionKind as K
from allonav.domain.verdict import TrialFit, TrialVerdict, VerdictLabel
from allonav.eligibility import INCOMPLETE_NOTE, NOT_AVAILABLE_NOTE, JudgeRules, fit_of, screen_trial

NCT = "NCT09999999"

FAVOURABLE: tuple[Criterion, ...] = (
    crit(K.INCLUSION, C.AGE, "I1", "Age 18-75", threshold=bound("between", 18, "years", 75)),
    crit(K.INCLUSION, C.DIAGNOSIS, "I2", "Relapsed LBCL", values=("LBCL",)),
    crit(K.INCLUSION, C.ANTIGEN, "I3", "CD19-positive", values=("CD19",)),
    crit(K.INCLUSION, C.PERFORMANCE, "I4", "ECOG 0-2", measurement="ECOG", threshold=bound("<=", 2)),
    crit(K.EXCLUSION, C.CNS, "E1", "Active CNS lymphoma", values=("active",)),
    crit(K.EXCLUSION, C.PREGNANCY, "E2", "Pregnant or breastfeeding", values=("pregnant", "breastfeeding")),
)
HBV = crit(K.EXCLUSION, C.INFECTION, "E3", "Active hepatitis B", values=("HBV",))
PRIOR_CART = crit(K.EXCLUSION, C.PRIOR_THERAPY, "E4", "Prior CAR-T therapy", values=("CAR-T",))
CONSENT = crit(K.INCLUSION, C.CONSENT, "I5", "Signed informed consent")


def _screen(
    criteria: tuple[Criterion, ...], rules: JudgeRules, complete: bool = True, case: PatientCase | None = None
) -> TrialVerdict:
    return screen_trial(case or lbcl_after_cart(), CriteriaSet(NCT, criteria, complete), as_of=AS_OF, rules=rules)


def test_missing_criteria_are_never_eligible(rules: JudgeRules) -> None:
    verdict = screen_trial(lbcl_after_cart(), None, as_of=AS_OF, rules=rules, nct_id=NCT)
    assert (verdict.nct_id, verdict.fit, verdict.verdicts) == (NCT, TrialFit.CRITERIA_NOT_AVAILABLE, ())
    assert verdict.note == NOT_AVAILABLE_NOTE == "criteria not available: sync from ClinicalTrials.gov"


def test_empty_criteria_set_is_not_available(rules: JudgeRules) -> None:
    verdict = screen_trial(lbcl_after_cart(), CriteriaSet(NCT, ()), as_of=AS_OF, rules=rules)
    assert verdict.fit is TrialFit.CRITERIA_NOT_AVAILABLE
    assert verdict.nct_id == NCT
    assert verdict.note == NOT_AVAILABLE_NOTE


def test_all_decided_favourably_is_eligible(rules: JudgeRules) -> None:
    verdict = _screen(FAVOURABLE, rules)
    assert verdict.fit is TrialFit.ELIGIBLE, [(v.criterion.criterion_id, v.label) for v in verdict.verdicts]
    assert verdict.unknowns == () and verdict.blocking == ()
    pregnancy = next(v for v in verdict.verdicts if v.criterion.criterion_id == "E2")
    assert pregnancy.label is VerdictLabel.NOT_APPLICABLE  # male patient: does not apply, does not block


def test_unknown_makes_possibly_eligible_and_lists_what_to_collect(rules: JudgeRules) -> None:
    case = replace(lbcl_after_cart(), infections=replace(lbcl_after_cart().infections, hbv=None))
    verdict = _screen((*FAVOURABLE, HBV), rules, case=case)
    assert verdict.fit is TrialFit.POSSIBLY_ELIGIBLE
    assert [v.criterion.criterion_id for v in verdict.unknowns] == ["E3"]
    assert verdict.to_collect == ("HBV serology: HBsAg, anti-HBc, HBV DNA by PCR",)
    assert "E3" in verdict.note


def test_blocking_exclusion_makes_ineligible_and_is_listed(rules: JudgeRules) -> None:
    verdict = _screen((*FAVOURABLE, PRIOR_CART, CONSENT), rules)
    assert verdict.fit is TrialFit.INELIGIBLE
    assert [v.criterion.criterion_id for v in verdict.blocking] == ["E4"]
    assert "E4 (Prior CAR-T therapy)" in verdict.note


def test_unmet_inclusion_blocks_even_with_unknowns(rules: JudgeRules) -> None:
    too_old = crit(K.INCLUSION, C.AGE, "I9", "Age 18-40", threshold=bound("between", 18, "years", 40))
    verdict = _screen((too_old, CONSENT), rules)
    assert verdict.fit is TrialFit.INELIGIBLE
    assert [v.criterion.criterion_id for v in verdict.blocking] == ["I9"]
    assert [v.criterion.criterion_id for v in verdict.unknowns] == ["I5"]


def test_incomplete_text_caps_fit_at_possibly_eligible(rules: JudgeRules) -> None:
    verdict = _screen(FAVOURABLE, rules, complete=False)
    assert verdict.fit is TrialFit.POSSIBLY_ELIGIBLE
    assert INCOMPLETE_NOTE in verdict.note


def test_incomplete_text_still_reports_ineligible(rules: JudgeRules) -> None:
    assert _screen((PRIOR_CART,), rules, complete=False).fit is TrialFit.INELIGIBLE


def test_consent_is_shown_last_and_keeps_trial_open(rules: JudgeRules) -> None:
    verdict = _screen((CONSENT, *FAVOURABLE), rules)
    assert verdict.verdicts[-1].criterion.criterion_id == "I5"
    assert verdict.fit is TrialFit.POSSIBLY_ELIGIBLE
    assert verdict.to_collect == ("consent/compliance — confirm with the family",)


def test_fit_of_rules() -> None:
    assert fit_of([]) is TrialFit.CRITERIA_NOT_AVAILABLE
