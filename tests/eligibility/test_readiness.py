"""Allogeneic-readiness screen: protocol-independent factors judged with the same verdict structure."""

from __future__ import annotations

from eligibility_cases import (
    AS_OF,
    ball_cd19_loss,
    blank,
    lbcl_after_cart,
    manufacturing_failure,
    myeloma_gvhd,
    tall_cd7,
)

from allonav.domain.criterion import CriterionKind
from allonav.domain.verdict import CriterionVerdict, TrialFit, VerdictLabel
from allonav.eligibility import JudgeRules, fit_of, readiness

MET, NOT, UNK = VerdictLabel.MET, VerdictLabel.NOT_MET, VerdictLabel.UNKNOWN


def _by_id(verdicts: tuple[CriterionVerdict, ...]) -> dict[str, CriterionVerdict]:
    return {v.criterion.criterion_id: v for v in verdicts}


def test_factors_are_synthetic_criteria_with_sources(rules: JudgeRules) -> None:
    ids = [c.criterion_id for c in rules.readiness]
    assert ids == [f"R{n}" for n in range(1, len(ids) + 1)]
    assert len(ids) >= 12
    assert set(rules.readiness_sources) == set(ids)
    assert all(rules.readiness_sources[i].strip() for i in ids)
    kinds = {c.criterion_id: c.kind for c in rules.readiness}
    assert kinds["R10"] is CriterionKind.EXCLUSION and kinds["R1"] is CriterionKind.INCLUSION


def test_fully_documented_lbcl_after_cart_is_ready(rules: JudgeRules) -> None:
    verdicts = readiness(lbcl_after_cart(), as_of=AS_OF, rules=rules)
    assert fit_of(verdicts) is TrialFit.ELIGIBLE, [(v.criterion.criterion_id, v.label, v.to_collect) for v in verdicts]
    by_id = _by_id(verdicts)
    assert by_id["R3"].label is MET  # prior CAR-T
    assert any(e.path == "prior_car_t" for e in by_id["R3"].evidence)


def test_t_all_reasons_and_open_items(rules: JudgeRules) -> None:
    by_id = _by_id(readiness(tall_cd7(), as_of=AS_OF, rules=rules))
    assert by_id["R1"].label is MET  # CD7 by flow
    assert by_id["R3"].label is MET  # T-cell cancer and rapid progression
    assert by_id["R9"].label is MET  # ECOG 2 from Karnofsky 60
    assert by_id["R10"].label is NOT  # treated, stable CNS disease is not "active"
    assert by_id["R12"].label is UNK
    assert any("resolved hepatitis B" in c for c in by_id["R12"].to_collect)
    assert by_id["R5"].label is UNK  # creatinine high, CrCl missing: any-of stays open
    assert by_id["R7"].to_collect == (
        "LVEF (heart pumping fraction) by echocardiogram or MUGA scan within the last 42 days",
    )


def test_blank_case_is_all_unknown_with_something_to_collect(rules: JudgeRules) -> None:
    verdicts = readiness(blank(), as_of=AS_OF, rules=rules)
    assert {v.label for v in verdicts} == {UNK}
    assert all(v.to_collect for v in verdicts)
    assert fit_of(verdicts) is TrialFit.POSSIBLY_ELIGIBLE


def test_active_gvhd_and_infection_block(rules: JudgeRules) -> None:
    verdicts = readiness(myeloma_gvhd(), as_of=AS_OF, rules=rules)
    by_id = _by_id(verdicts)
    assert by_id["R13"].label is MET and by_id["R13"].blocks
    assert by_id["R11"].label is MET
    assert by_id["R5"].label is UNK
    assert fit_of(verdicts) is TrialFit.INELIGIBLE


def test_antigen_loss_on_one_target_another_target_counts(rules: JudgeRules) -> None:
    by_id = _by_id(readiness(ball_cd19_loss(), as_of=AS_OF, rules=rules))
    assert by_id["R1"].label is MET
    assert any("CD22" in e.value for e in by_id["R1"].evidence)


def test_manufacturing_failure_is_a_reason_for_off_the_shelf(rules: JudgeRules) -> None:
    by_id = _by_id(readiness(manufacturing_failure(), as_of=AS_OF, rules=rules))
    assert by_id["R3"].label is MET
    assert by_id["R1"].label is UNK  # CD30 negative; other targets untested
    assert len(by_id["R1"].to_collect) == 1
    assert "CAR target antigen" in by_id["R1"].to_collect[0]
