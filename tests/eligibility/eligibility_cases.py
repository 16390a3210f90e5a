"""Scenario-named patient cases and criterion builders for the eligibility tests (screening date AS_OF)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

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
    Provenance,
    Regimen,
    Sex,
    Transplant,
)
from allonav.domain.criterion import Category, Comparator, Criterion, CriterionKind, Threshold

AS_OF = date(2026, 10, 5)
FORM = Provenance(source="form")


def days_ago(n: int) -> date:
    return AS_OF - timedelta(days=n)


def lab(name: str, value: float, unit: str, age: int | None = 3, uln: float | None = None) -> LabResult:
    return LabResult(name, value, unit, measured_on=days_ago(age) if age is not None else None, uln=uln, source=FORM)


def blank() -> PatientCase:
    """Nothing known at all."""
    return PatientCase(case_id="blank")


def lbcl_after_cart() -> PatientCase:
    """58-year-old man, LBCL relapsed after autologous axi-cel; fresh labs, everything recorded."""
    return PatientCase(
        case_id="lbcl-after-cart",
        birth_date=date(1968, 3, 1),
        sex=Sex.MALE,
        diagnoses=(Diagnosis("LBCL", subtype="DLBCL NOS", pathology_confirmed=True, source=FORM),),
        antigens=(AntigenResult("CD19", True, 80, AntigenMethod.FLOW, days_ago(30), "lymph node", FORM),),
        disease_state=DiseaseState.RELAPSED,
        prior_lines=3,
        rapid_progression=False,
        measurable_disease=True,
        regimens=(
            Regimen("R-CHOP", "chemotherapy", ("CD20",), date(2024, 10, 1), date(2025, 3, 1)),
            Regimen("R-ICE", "chemotherapy", ("CD20",), days_ago(40), days_ago(10)),
        ),
        prior_car_t=(PriorCarT("axi-cel", ("CD19",), date(2025, 9, 1), True, "CR", CarTFailure.RELAPSE, FORM),),
        transplants=(Transplant(False, date(2025, 6, 1), source=FORM),),
        labs=(
            lab("ANC", 1.2, "10^9/L"),
            lab("platelets", 90, "10^9/L"),
            lab("bilirubin", 12, "µmol/L"),
            lab("ALT", 1.5, "xULN"),
            lab("AST", 40, "U/L", uln=40),
            lab("creatinine", 80, "µmol/L"),
            lab("CrCl", 85, "mL/min"),
            lab("LVEF", 55, "%", age=15),
            lab("SpO2", 97, "%"),
        ),
        performance=Performance(1, "ECOG", days_ago(7), FORM),
        cns=CnsStatus.NONE,
        infections=Infections(
            InfectionStatus.NEGATIVE, InfectionStatus.NEGATIVE, InfectionStatus.NEGATIVE, False, FORM
        ),
        pregnant=None,
        other_malignancies=(),
        life_expectancy_weeks=26,
        travel_fit=True,
        heart_disease=False,
        accepts_allogeneic_risks=True,
    )


def tall_cd7() -> PatientCase:
    """24-year-old woman, refractory T-ALL, CD7 92% by flow, after allogeneic HSCT with resolved GVHD."""
    return PatientCase(
        case_id="tall-cd7",
        age_years=24,
        sex=Sex.FEMALE,
        diagnoses=(Diagnosis("T-ALL", pathology_confirmed=None),),
        antigens=(AntigenResult("CD7", True, 92, AntigenMethod.FLOW, days_ago(7), "bone marrow"),),
        disease_state=DiseaseState.REFRACTORY,
        prior_lines=2,
        rapid_progression=True,
        regimens=(
            Regimen("hyper-CVAD", "chemotherapy", (), date(2025, 1, 1), date(2025, 6, 1)),
            Regimen("Nelarabine", "chemotherapy", (), days_ago(60), None),
            Regimen("Tacrolimus", "other", (), date(2025, 12, 1), date(2026, 4, 1)),
        ),
        transplants=(Transplant(True, date(2025, 12, 1), GvhdStatus.RESOLVED, False),),
        labs=(lab("ANC", 0.4, "10^9/L"), lab("bilirubin", 1.1, "mg/dL"), lab("creatinine", 1.6, "mg/dL")),
        performance=Performance(2, "Karnofsky 60", days_ago(2)),
        cns=CnsStatus.TREATED_STABLE,
        infections=Infections(InfectionStatus.RESOLVED, InfectionStatus.NEGATIVE, InfectionStatus.NEGATIVE, False),
        pregnant=False,
        breastfeeding=False,
        other_malignancies=None,
        life_expectancy_weeks=8,
        travel_fit=None,
        heart_disease=None,
        accepts_allogeneic_risks=None,
    )


def ball_cd19_loss() -> PatientCase:
    """B-ALL, CD19-negative relapse after tisa-cel; the CD19 result on file predates the CAR-T."""
    return PatientCase(
        case_id="ball-cd19-loss",
        age_years=15,
        sex=Sex.FEMALE,
        diagnoses=(Diagnosis("B-ALL", pathology_confirmed=True),),
        antigens=(
            AntigenResult("CD19", True, 95, AntigenMethod.FLOW, date(2026, 3, 1)),
            AntigenResult("CD22", True, 70, AntigenMethod.FLOW, days_ago(5)),
        ),
        prior_car_t=(PriorCarT("tisa-cel", ("CD19",), date(2026, 5, 1), True, "CR", CarTFailure.ANTIGEN_LOSS),),
        regimens=(Regimen("Blinatumomab", "bispecific", ("CD19",), date(2025, 11, 1), date(2025, 12, 20)),),
        cns=CnsStatus.ACTIVE,
        pregnant=True,
    )


def ball_cd19_reexpressed() -> PatientCase:
    """As ball_cd19_loss, but CD19 retested positive by flow after the CAR-T (re-expression)."""
    case = ball_cd19_loss()
    return replace(
        case,
        case_id="ball-cd19-reexpressed",
        antigens=(*case.antigens, AntigenResult("CD19", True, 40, AntigenMethod.FLOW, days_ago(10))),
    )


def cd19_before_blina() -> PatientCase:
    """CD19 positive, then blinatumomab started after the test: the result may be outdated."""
    return PatientCase(
        case_id="cd19-before-blina",
        diagnoses=(Diagnosis("B-ALL"),),
        antigens=(AntigenResult("CD19", True, 90, AntigenMethod.FLOW, days_ago(60)),),
        regimens=(Regimen("Blinatumomab", "bispecific", ("CD19",), days_ago(40), days_ago(12)),),
    )


def stale_facts() -> PatientCase:
    """Everything recorded, but old: labs 40 days, ECOG 60 days, CD19 200 days; an undated lab."""
    return PatientCase(
        case_id="stale",
        age_years=67,
        sex=Sex.MALE,
        diagnoses=(Diagnosis("FL"),),
        antigens=(AntigenResult("CD19", True, 85, AntigenMethod.IHC, days_ago(200)),),
        labs=(lab("ANC", 2.0, "10^9/L", age=40), lab("platelets", 150, "10^9/L", age=None)),
        performance=Performance(0, assessed_on=days_ago(60)),
    )


def myeloma_gvhd() -> PatientCase:
    """Myeloma after allogeneic HSCT with active chronic GVHD on tacrolimus, BCMA by IHC, HIV controlled."""
    return PatientCase(
        case_id="mm-gvhd",
        age_years=71,
        sex=Sex.OTHER,
        diagnoses=(Diagnosis("MM", pathology_confirmed=False),),
        antigens=(
            AntigenResult("BCMA", True, 50, AntigenMethod.IHC, days_ago(20)),
            AntigenResult("GPRC5D", None, None, AntigenMethod.FLOW, days_ago(20)),
        ),
        disease_state=DiseaseState.RELAPSED_AND_REFRACTORY,
        prior_lines=5,
        regimens=(Regimen("Teclistamab", "bispecific", ("BCMA",), days_ago(100), None),),
        transplants=(Transplant(True, date(2024, 1, 1), GvhdStatus.ACTIVE_CHRONIC, True),),
        labs=(lab("ALT", 80, "U/L"), lab("bilirubin", 1.2, "xULN"), lab("creatinine", 300, "µmol/L")),
        infections=Infections(InfectionStatus.NEGATIVE, InfectionStatus.NEGATIVE, InfectionStatus.CONTROLLED, True),
        other_malignancies=(OtherMalignancy("prostate cancer", active=True, diagnosed_on=date(2015, 1, 1)),),
        heart_disease=True,
        life_expectancy_weeks=10,
        cns=CnsStatus.NONE,
    )


def manufacturing_failure() -> PatientCase:
    """PTCL whose autologous product failed manufacturing; disease state not recorded."""
    return PatientCase(
        case_id="mfg-failure",
        diagnoses=(Diagnosis("PTCL"),),
        antigens=(AntigenResult("CD30", False, None, AntigenMethod.IHC, days_ago(10)),),
        prior_car_t=(PriorCarT(None, ("CD19",), None, True, None, CarTFailure.MANUFACTURING_FAILURE),),
        other_malignancies=(OtherMalignancy("melanoma", active=None, diagnosed_on=date(2010, 1, 1)),),
    )


def crit(kind: CriterionKind, category: Category, cid: str = "X1", text: str = "criterion", **fields: Any) -> Criterion:
    return Criterion(criterion_id=cid, kind=kind, text=text, category=category, **fields)


def inc(category: Category, **fields: Any) -> Criterion:
    return crit(CriterionKind.INCLUSION, category, "I1", **fields)


def exc(category: Category, **fields: Any) -> Criterion:
    return crit(CriterionKind.EXCLUSION, category, "E1", **fields)


def bound(comparator: str, value: float, unit: str | None = None, upper: float | None = None) -> Threshold:
    return Threshold(Comparator(comparator), value, upper, unit, uln_multiple=unit == "xULN")
