"""Properties: the judge never raises on arbitrary cases and criteria, and an unknown never rolls up to eligible."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from allonav.domain.case import (
    AntigenMethod,
    AntigenResult,
    CarTFailure,
    CnsStatus,
    Diagnosis,
    DiseaseState,
    GvhdStatus,
    Infections,
    InfectionStatus,
    LabResult,
    OtherMalignancy,
    PatientCase,
    Performance,
    PriorCarT,
    Regimen,
    Sex,
    Transplant,
)
from allonav.domain.criterion import Category, Comparator, CriteriaSet, Criterion, CriterionKind, Threshold
from allonav.domain.trial import DISEASE_GROUPS
from allonav.domain.verdict import TrialFit, VerdictLabel
from allonav.eligibility import JudgeRules, judge, load_rules, readiness, screen_trial

RULES = load_rules()
PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ANTIGENS = ("CD19", "CD22", "CD7", "BCMA", "CD30", "cd19", "")
LABS = ("ANC", "platelets", "bilirubin", "ALT", "AST", "creatinine", "CrCl", "LVEF", "SpO2", "neutrophils", "foo")
UNITS = ("10^9/L", "µmol/L", "mg/dL", "U/L", "xULN", "%", "mL/min", "/µL", "bananas", "")
CONTRACT_VALUES = (
    *DISEASE_GROUPS, "female", "male", "relapsed", "refractory", "measurable", "MRD-positive", "rapid_progression",
    "CAR-T", "allogeneic HSCT", "autologous HSCT", "HSCT", "bispecific", "chemotherapy", "radiotherapy",
    "investigational", "immunosuppression", "steroids", "anti-CD19", "anti-BCMA", "live vaccine",
    "donor lymphocyte infusion", "active", "any", "treated_stable", "HBV", "HCV", "HIV", "active_uncontrolled",
    "CMV", "EBV", "syphilis", "tuberculosis", "fungal", "COVID-19", "acute", "chronic", "grade≥2", "pregnant",
    "breastfeeding", "contraception", "cardiac", "pulmonary", "hepatic", "renal", "autoimmune", "seizure",
    *ANTIGENS,
)  # fmt: skip
MEASUREMENTS = (*LABS, "ECOG", "age", "prior_lines", "pathology_confirmed", "travel_fit", "accepts_allogeneic_risks")

dates = st.none() | st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))
numbers = st.floats(allow_nan=True, allow_infinity=True) | st.floats(min_value=-10, max_value=1000)
text = st.text(max_size=12)
flags = st.none() | st.booleans()


def _optional(enum: type[StrEnum]) -> st.SearchStrategy[object]:
    return st.none() | st.sampled_from(list(enum))


cases = st.builds(
    PatientCase,
    case_id=st.just("h"),
    age_years=st.none() | numbers,
    birth_date=dates,
    sex=_optional(Sex),
    diagnoses=st.lists(
        st.builds(Diagnosis, st.sampled_from([*DISEASE_GROUPS, "x"]), pathology_confirmed=flags), max_size=2
    ).map(tuple),
    antigens=st.lists(
        st.builds(
            AntigenResult,
            st.sampled_from(ANTIGENS) | text,
            flags,
            percent=st.none() | numbers,
            method=_optional(AntigenMethod),
            tested_on=dates,
        ),
        max_size=3,
    ).map(tuple),
    disease_state=_optional(DiseaseState),
    prior_lines=st.none() | st.integers(-1, 15),
    rapid_progression=flags,
    measurable_disease=flags,
    regimens=st.lists(
        st.builds(
            Regimen,
            st.sampled_from(["R-CHOP", "Blinatumomab", "Dexamethasone", "Tacrolimus", ""]) | text,
            kind=st.none() | st.sampled_from(["chemotherapy", "bispecific", "radiotherapy", "investigational", "x"]),
            targets=st.lists(st.sampled_from(ANTIGENS), max_size=2).map(tuple),
            started_on=dates,
            ended_on=dates,
        ),
        max_size=3,
    ).map(tuple),
    prior_car_t=st.lists(
        st.builds(
            PriorCarT,
            st.none() | text,
            st.lists(st.sampled_from(ANTIGENS), max_size=2).map(tuple),
            infused_on=dates,
            failure=_optional(CarTFailure),
        ),
        max_size=2,
    ).map(tuple),
    transplants=st.lists(st.builds(Transplant, st.booleans(), dates, _optional(GvhdStatus), flags), max_size=2).map(
        tuple
    ),
    labs=st.lists(
        st.builds(
            LabResult,
            st.sampled_from(LABS) | text,
            numbers,
            st.sampled_from(UNITS) | text,
            measured_on=dates,
            uln=st.none() | numbers,
        ),
        max_size=5,
    ).map(tuple),
    performance=st.none() | st.builds(Performance, st.integers(-1, 6), assessed_on=dates),
    cns=_optional(CnsStatus),
    infections=st.builds(
        Infections,
        _optional(InfectionStatus),
        _optional(InfectionStatus),
        _optional(InfectionStatus),
        flags,
    ),
    pregnant=flags,
    breastfeeding=flags,
    other_malignancies=st.none() | st.lists(st.builds(OtherMalignancy, text, flags, dates), max_size=2).map(tuple),
    life_expectancy_weeks=st.none() | numbers,
    travel_fit=flags,
    heart_disease=flags,
    accepts_allogeneic_risks=flags,
)

thresholds = st.none() | st.builds(
    Threshold,
    st.sampled_from(list(Comparator)),
    numbers,
    st.none() | numbers,
    st.none() | st.sampled_from(UNITS),
    st.booleans(),
)


def _criterion(children: st.SearchStrategy[tuple[Criterion, ...]]) -> st.SearchStrategy[Criterion]:
    return st.builds(
        Criterion,
        criterion_id=st.sampled_from(["I1", "E1", "I2.1"]),
        kind=st.sampled_from(list(CriterionKind)),
        text=text,
        category=st.sampled_from(list(Category)),
        negated=st.booleans(),
        measurement=st.none() | st.sampled_from(MEASUREMENTS) | text,
        threshold=thresholds,
        values=st.lists(st.sampled_from(CONTRACT_VALUES) | text, max_size=3).map(tuple),
        method=st.none() | st.sampled_from(["flow", "IHC", "FLOW", "x"]),
        window_days=st.none() | st.integers(-5, 4000),
        group=st.none() | st.sampled_from(["any", "all", "x"]),
        children=children,
    )


leaves = _criterion(st.just(()))
criteria = st.recursive(
    leaves, lambda inner: _criterion(st.lists(inner, min_size=1, max_size=3).map(tuple)), max_leaves=6
)
as_of_dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 1, 1))


@PROPERTY
@given(case=cases, criterion=criteria, as_of=as_of_dates)
def test_judge_never_raises_and_unknowns_say_what_to_collect(
    case: PatientCase, criterion: Criterion, as_of: date
) -> None:
    verdict = judge(case, criterion, as_of=as_of, rules=RULES)
    assert verdict.criterion is criterion
    assert verdict.label in set(VerdictLabel)
    if verdict.label is VerdictLabel.UNKNOWN:
        assert verdict.to_collect and all(item.strip() for item in verdict.to_collect)
    else:
        assert verdict.to_collect == ()


@PROPERTY
@given(
    case=cases,
    items=st.lists(criteria, max_size=6).map(tuple),
    complete=st.booleans(),
    as_of=as_of_dates,
)
def test_unknown_never_rolls_up_to_eligible(
    case: PatientCase, items: tuple[Criterion, ...], complete: bool, as_of: date
) -> None:
    verdict = screen_trial(case, CriteriaSet("NCT0", items, complete), as_of=as_of, rules=RULES)
    if not items:
        assert verdict.fit is TrialFit.CRITERIA_NOT_AVAILABLE
    if any(v.label is VerdictLabel.UNKNOWN for v in verdict.verdicts):
        assert verdict.fit is not TrialFit.ELIGIBLE
    if verdict.fit is TrialFit.ELIGIBLE:
        assert complete and not verdict.blocking and not verdict.unknowns
    if verdict.blocking:
        assert verdict.fit is TrialFit.INELIGIBLE
    assert len(verdict.verdicts) == len(items)


@PROPERTY
@given(case=cases, criterion=leaves, as_of=as_of_dates)
def test_negation_flips_met_and_not_met_only(case: PatientCase, criterion: Criterion, as_of: date) -> None:
    from dataclasses import replace

    plain = judge(case, replace(criterion, negated=False), as_of=as_of, rules=RULES).label
    flipped = judge(case, replace(criterion, negated=True), as_of=as_of, rules=RULES).label
    expected = {VerdictLabel.MET: VerdictLabel.NOT_MET, VerdictLabel.NOT_MET: VerdictLabel.MET}.get(plain, plain)
    assert flipped is expected


@settings(max_examples=150, deadline=None)
@given(case=cases, as_of=as_of_dates)
def test_readiness_never_raises(case: PatientCase, as_of: date) -> None:
    verdicts = readiness(case, as_of=as_of, rules=RULES)
    assert [v.criterion.criterion_id for v in verdicts] == [c.criterion_id for c in RULES.readiness]


def test_rules_fixture_matches_module_rules(rules: JudgeRules) -> None:
    assert rules.readiness == RULES.readiness
