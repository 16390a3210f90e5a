"""Allogeneic-readiness screen: protocol-independent factors judged like trial criteria.

The factors (R1 …) come from `data/readiness.toml` through `load_rules`: target antigen confirmed by
flow/IHC, relapsed/refractory disease, a reason to prefer an off-the-shelf product, organ function,
ECOG 0–2, CNS, infections, GVHD, accepted donor-cell risks and travel fitness.
"""

from __future__ import annotations

from datetime import date

from allonav.domain.case import PatientCase
from allonav.domain.verdict import CriterionVerdict
from allonav.eligibility.judge import judge
from allonav.eligibility.rules import JudgeRules


def readiness(case: PatientCase, *, as_of: date, rules: JudgeRules) -> tuple[CriterionVerdict, ...]:
    """Judge every readiness factor of `rules.readiness` for the case, in factor order.

    Example: a T-ALL patient with CD7 92% by flow last week, ECOG 1, relapsed → R1 met, R2 met, R3 met
    (T-cell cancer); missing LVEF → R7 unknown with "LVEF … within the last 42 days". Roll up with
    `fit_of(verdicts)`; the source of each factor is `rules.readiness_sources[criterion_id]`.
    """
    return tuple(judge(case, criterion, as_of=as_of, rules=rules) for criterion in rules.readiness)
