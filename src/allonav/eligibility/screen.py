"""Trial screening: every criterion of a trial judged, rolled up into eligible / possibly / ineligible."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from allonav.domain.case import PatientCase
from allonav.domain.criterion import Category, CriteriaSet
from allonav.domain.verdict import CriterionVerdict, TrialFit, TrialVerdict
from allonav.eligibility.judge import judge
from allonav.eligibility.rules import JudgeRules

NOT_AVAILABLE_NOTE = "criteria not available: sync from ClinicalTrials.gov"
INCOMPLETE_NOTE = "criteria text was cut short: criteria after the cut were not checked"


def fit_of(verdicts: Sequence[CriterionVerdict], *, complete: bool = True) -> TrialFit:
    """Roll verdicts up: any blocking → ineligible; any unknown or incomplete text → possibly; else eligible.

    Example: [I1 met, E1 not_met, I2 unknown] → possibly_eligible; [I1 not_met, I2 unknown] → ineligible.
    An empty list is never eligible: → criteria_not_available.
    """
    if not verdicts:
        return TrialFit.CRITERIA_NOT_AVAILABLE
    if any(v.blocks for v in verdicts):
        return TrialFit.INELIGIBLE
    if any(v.open for v in verdicts) or not complete:
        return TrialFit.POSSIBLY_ELIGIBLE
    return TrialFit.ELIGIBLE


def _note(fit: TrialFit, verdicts: Sequence[CriterionVerdict], complete: bool) -> str:
    parts: list[str] = []
    if fit is TrialFit.INELIGIBLE:
        blocking = [v for v in verdicts if v.blocks]
        parts.append(
            "blocked by " + "; ".join(f"{v.criterion.criterion_id} ({v.criterion.text.strip()})" for v in blocking)
        )
    open_ids = [v.criterion.criterion_id for v in verdicts if v.open]
    if open_ids:
        parts.append("still unknown: " + ", ".join(open_ids))
    if not complete:
        parts.append(INCOMPLETE_NOTE)
    return "; ".join(parts)


def screen_trial(
    case: PatientCase,
    criteria: CriteriaSet | None,
    *,
    as_of: date,
    rules: JudgeRules,
    nct_id: str = "",
) -> TrialVerdict:
    """Screen one trial: judge each criterion, consent-type criteria last, and roll up.

    Example: a CD19 lymphoma trial where the case meets every inclusion, hits no exclusion, but has no
    HBV serology → possibly_eligible, to_collect ("HBV serology: HBsAg, anti-HBc, HBV DNA by PCR",).
    `criteria` None or empty → criteria_not_available with note "criteria not available: sync from
    ClinicalTrials.gov" (never eligible). `nct_id` names the trial when `criteria` is None.
    """
    trial_id = criteria.nct_id if criteria is not None else nct_id
    if criteria is None or not criteria.criteria:
        return TrialVerdict(nct_id=trial_id, fit=TrialFit.CRITERIA_NOT_AVAILABLE, verdicts=(), note=NOT_AVAILABLE_NOTE)
    ordered = sorted(criteria.criteria, key=lambda c: c.category is Category.CONSENT)
    verdicts = tuple(judge(case, c, as_of=as_of, rules=rules) for c in ordered)
    fit = fit_of(verdicts, complete=criteria.complete)
    return TrialVerdict(nct_id=trial_id, fit=fit, verdicts=verdicts, note=_note(fit, verdicts, criteria.complete))
