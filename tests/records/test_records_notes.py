"""Three realistic haematology notes: key facts, their status and provenance, and the case built from them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from allonav.domain.case import AntigenMethod, CarTFailure, CnsStatus, InfectionStatus, Sex
from allonav.records import Extraction, to_case

NOTES = Path(__file__).resolve().parents[1] / "fixtures" / "notes"

Run = Callable[[str, str], Extraction]
BALL = "relapsed_ball_cd19_negative_after_cart"
TALL = "tall_cd7_positive"
MM = "myeloma_after_bcma_therapy"


def _note(name: str) -> str:
    return (NOTES / f"{name}.txt").read_text(encoding="utf-8")


# (note, path, display, status, sentence index, text the span must cover)
KEY_FACTS = [
    (BALL, "age_years", "24-year-old", "affirmed", 0, "24-year-old"),
    (BALL, "sex", "woman", "affirmed", 0, "woman"),
    (BALL, "diagnoses", "B-ALL (B-cell acute lymphoblastic leukemia)", "affirmed", 0, "B-cell acute lymphoblastic"),
    (BALL, "prior_car_t", "prior CAR-T tisagenlecleucel (antigen_loss)", "affirmed", 2, "tisagenlecleucel"),
    (BALL, "antigens", "CD19 negative", "affirmed", 4, "CD19-negative"),
    (BALL, "antigens", "CD22 positive 88%", "affirmed", 4, "CD22+"),
    (BALL, "cns", "CNS disease", "negated", 5, "CNS disease"),
    (BALL, "cns", "CNS none", "affirmed", 5, "CSF was negative"),
    (BALL, "transplants", "allogeneic transplant", "negated", 6, "allogeneic stem cell transplant"),
    (BALL, "labs", "ANC 0.9 10^9/L", "affirmed", 7, "ANC 0.9 x10^9/L"),
    (BALL, "labs", "haemoglobin 84 g/L", "affirmed", 7, "Hb 8.4 g/dL"),
    (BALL, "labs", "bilirubin 10.26 µmol/L", "affirmed", 7, "total bilirubin 0.6 mg/dL"),
    (BALL, "labs", "LVEF 60 %", "affirmed", 8, "EF 60%"),
    (BALL, "performance", "ECOG 1 (ECOG)", "affirmed", 9, "ECOG performance status 1"),
    (BALL, "infections.hbv", "HBV negative", "affirmed", 10, "HBsAg negative"),
    (BALL, "infections.hiv", "HIV negative", "affirmed", 10, "HIV negative"),
    (BALL, "pregnant", "not pregnant", "affirmed", 11, "pregnancy test negative"),
    (BALL, "diagnoses", "AML (acute myeloid leukemia)", "family", 12, "acute myeloid leukemia"),
    (TALL, "age_years", "17-year-old", "affirmed", 0, "17-year-old"),
    (TALL, "sex", "boy", "affirmed", 0, "boy"),
    (TALL, "diagnoses", "T-ALL (T-cell acute lymphoblastic leukemia)", "affirmed", 0, "T-cell acute"),
    (TALL, "antigens", "CD7 positive 98%", "affirmed", 3, "CD7 positive"),
    (TALL, "antigens", "CD19 negative", "affirmed", 3, "CD19 negative"),
    (TALL, "cns", "CNS disease", "hedged", 4, "CNS involvement"),
    (TALL, "cns", "CNS disease", "affirmed", 4, "CNS3"),
    (TALL, "prior_car_t", "prior unspecified CAR-T", "negated", 5, "CAR-T"),
    (TALL, "labs", "ANC 0.45 10^9/L", "affirmed", 7, "ANC 450 /µL"),
    (TALL, "labs", "platelets 22 10^9/L", "affirmed", 7, "platelet count 22 K/uL"),
    (TALL, "performance", "ECOG 1 (Lansky 70)", "affirmed", 8, "Lansky 70"),
    (TALL, "diagnoses", "LBCL (diffuse large B-cell lymphoma)", "family", 9, "diffuse large B-cell lymphoma"),
    (TALL, "infections.hbv", "HBV negative", "affirmed", 10, "Hepatitis B surface antigen non-reactive"),
    (MM, "age_years", "63-year-old", "affirmed", 0, "63-year-old"),
    (MM, "sex", "man", "affirmed", 0, "man"),
    (MM, "diagnoses", "MM (multiple myeloma)", "affirmed", 0, "multiple myeloma"),
    (MM, "transplants", "autologous transplant", "affirmed", 1, "autologous stem cell transplant"),
    (MM, "prior_car_t", "prior CAR-T ciltacabtagene autoleucel (relapse)", "affirmed", 2, "ciltacabtagene"),
    (MM, "prior_car_t", "prior BCMA CAR-T (manufacturing_failure)", "affirmed", 3, "BCMA CAR-T"),
    (MM, "antigens", "BCMA positive", "affirmed", 4, "BCMA expression"),
    (MM, "antigens", "GPRC5D positive", "affirmed", 5, "GPRC5D positive"),
    (MM, "performance", "ECOG 2 (ECOG)", "affirmed", 6, "ECOG 2"),
    (MM, "labs", "creatinine 141.44 µmol/L", "affirmed", 7, "creatinine 1.6 mg/dL"),
    (MM, "labs", "LVEF 50 %", "affirmed", 8, "ejection fraction 50%"),
    (MM, "infections.hbv", "HBV resolved", "affirmed", 9, "anti-HBc positive"),
    (MM, "cns", "CNS disease", "negated", 11, "CNS disease"),
    (MM, "diagnoses", "MM (multiple myeloma)", "family", 12, "multiple myeloma"),
]


@pytest.mark.parametrize(("note", "path", "display", "status", "sentence", "covers"), KEY_FACTS)
def test_key_fact_and_provenance(
    run: Run, note: str, path: str, display: str, status: str, sentence: int, covers: str
) -> None:
    text = _note(note)
    extraction = run(note, text)
    candidates = [f for f in extraction.facts if f.path == path and f.display == display and f.status == status]
    found = [(f.path, f.display, f.status) for f in extraction.facts]
    assert candidates, f"{display!r} ({status}) not found; have {found}"
    fact = next((f for f in candidates if f.provenance.sentence == sentence), candidates[0])
    provenance = fact.provenance
    assert provenance.source == f"document:{note}"
    assert provenance.sentence == sentence
    assert provenance.span is not None and provenance.text is not None
    spanned = text[provenance.span[0] : provenance.span[1]]
    assert spanned in provenance.text
    assert covers in spanned or spanned in covers
    assert provenance.text == next(s.text for s in extraction.sentences if s.index == sentence)
    assert 0 < fact.confidence <= 1


def test_ball_case(run: Run) -> None:
    case = to_case(run(BALL, _note(BALL)), "ball")
    assert (case.age_years, case.sex) == (24.0, Sex.FEMALE)
    assert [d.disease_group for d in case.diagnoses] == ["B-ALL"]  # the aunt's AML is not the patient's
    cd19 = case.antigen("CD19")
    assert cd19 is not None and cd19.positive is False and cd19.tested_on == date(2025, 1, 14)
    assert cd19.method is AntigenMethod.FLOW
    assert [(c.product, c.targets, c.failure) for c in case.prior_car_t] == [
        ("tisagenlecleucel", ("CD19",), CarTFailure.ANTIGEN_LOSS)
    ]
    assert case.transplants == ()
    assert case.cns is CnsStatus.NONE
    assert (case.infections.hbv, case.infections.hcv, case.infections.hiv) == (InfectionStatus.NEGATIVE,) * 3
    assert case.pregnant is False
    anc = case.latest_lab("ANC")
    assert anc is not None and anc.value == 0.9 and anc.measured_on == date(2025, 1, 20)
    assert case.performance is not None and case.performance.ecog == 1


def test_tall_case(run: Run) -> None:
    case = to_case(run(TALL, _note(TALL)), "tall")
    assert (case.age_years, case.sex) == (17.0, Sex.MALE)
    assert [d.disease_group for d in case.diagnoses] == ["T-ALL"]
    cd7 = case.antigen("CD7")
    assert cd7 is not None and cd7.positive and cd7.percent == 98.0
    assert case.cns is CnsStatus.ACTIVE
    assert case.prior_car_t == ()
    assert case.performance is not None and (case.performance.ecog, case.performance.recorded_as) == (1, "Lansky 70")


def test_myeloma_case(run: Run) -> None:
    case = to_case(run(MM, _note(MM)), "mm")
    assert (case.age_years, case.sex) == (63.0, Sex.MALE)
    assert [d.disease_group for d in case.diagnoses] == ["MM"]
    assert case.diagnoses[0].diagnosed_on == date(2017, 5, 2)
    assert [(c.targets, c.failure) for c in case.prior_car_t] == [
        (("BCMA",), CarTFailure.RELAPSE),
        (("BCMA",), CarTFailure.MANUFACTURING_FAILURE),
    ]
    bcma = case.antigen("BCMA")
    assert bcma is not None and bcma.positive and bcma.method is AntigenMethod.IHC
    assert [t.allogeneic for t in case.transplants] == [False]
    assert case.infections.hbv is InfectionStatus.RESOLVED
    assert case.cns is CnsStatus.NONE
    creatinine = case.latest_lab("creatinine")
    assert creatinine is not None and creatinine.unit == "µmol/L" and round(creatinine.value, 1) == 141.4
