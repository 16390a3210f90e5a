"""Table-driven criteria: realistic CAR-T / CAR-NK protocol snippets → typed criteria per docs/criteria-model.md."""

from __future__ import annotations

from typing import Any

import pytest

from allonav.criteria import CriteriaVocabulary, parse_criteria
from allonav.domain.criterion import Comparator, Criterion

INC, EXC = "I", "E"
GE, LE, GT, LT, BT = Comparator.GE, Comparator.LE, Comparator.GT, Comparator.LT, Comparator.BETWEEN

# (kind, text, expected): expected keys — category; values (exact tuple); has (values that must be present);
# measurement; threshold (comparator, value, upper, unit); uln; negated; window; method; group;
# children: list of (category, measurement-or-None) in order.
CASES: list[tuple[str, str, dict[str, Any]]] = [
    # fixes found by the real-criteria acceptance table (tests/eligibility/test_real_criteria.py)
    (EXC, "Active hepatitis B or C, HIV", {"category": "infection", "values": ("HBV", "HCV", "HIV")}),
    (INC, "Disease must be CD19 and/or CD22 positive by flow cytometry or immunohistochemistry",
     {"category": "antigen", "values": ("CD19", "CD22"), "method": None}),
    (INC, "CD19 positive by flow cytometry", {"category": "antigen", "values": ("CD19",), "method": "flow"}),
    (INC, "CD19 expression shown by flow cytometry or immunohistochemistry on at least 70% of leukemic blasts",
     {"category": "antigen", "values": ("CD19",), "method": None, "threshold": (GE, 70, None, "%")}),
    (INC, "CD19+ count ≥ 50 cells/mcl and/or MRD ≥ 10^-4",
     {"group": "any", "children": [("antigen", None), ("disease_status", None)]}),
    (EXC, "Relapsed disease after allogeneic hematopoietic stem cell transplantation",
     {"group": "all", "children": [("disease_status", None), ("prior_therapy", None)]}),
    (EXC, "Anti-CD30 antibody-based therapy within 4 weeks prior to CD30.CAR-T infusion",
     {"category": "prior_therapy", "values": ("anti-CD30",), "window": 28}),
    (INC, "Patients able to tolerate washout periods for therapies prior to CAR T-cell infusion.",
     {"category": "unparsed"}),
    (EXC, "Autologous HSCT within 12 weeks prior to apheresis or have previously received allogeneic HSCT",
     {"group": "any", "children": [("prior_therapy", None), ("prior_therapy", None)]}),
    (EXC, "Life-expectancy < 6 weeks or rapidly progressive disease",
     {"group": "any", "children": [("life_expectancy", None), ("disease_status", None)]}),
    (INC, "Systemic therapy: Washout period is 2 weeks prior to CAR T-cell infusion.",
     {"category": "prior_therapy", "values": ("chemotherapy",), "window": 14, "negated": True}),
    (EXC, "Received any prior therapy directed at G protein-coupled receptor class C, group 5, member D (GPRC5D)",
     {"category": "prior_therapy", "values": ("anti-GPRC5D",)}),
    (INC, "The male partner should use a condom", {"category": "pregnancy", "values": ("contraception",)}),
    (INC, "Females of child-bearing potential must have a negative pregnancy test",
     {"category": "pregnancy", "values": ("pregnant",), "negated": True}),
    (EXC, "Active or history of central nervous system involvement with MM.", {"category": "cns"}),
    (EXC, "Uncontrolled bacterial, fungal, viral or other infections requiring antibiotic treatment.",
     {"category": "infection", "values": ("active_uncontrolled",)}),
    (INC, "Creatinine clearance rate (CrCl) calculated according to Cockcroft-Gault formula ≥ 40 ml/min.",
     {"category": "lab", "measurement": "CrCl", "threshold": (GE, 40, None, "mL/min")}),
    # age
    (INC, "Age 18-70 years", {"category": "age", "threshold": (BT, 18, 70, "years")}),
    (INC, "Aged ≥ 18 years", {"category": "age", "threshold": (GE, 18, None, "years")}),
    (INC, "18 years of age or older at the time of consent", {"category": "age", "threshold": (GE, 18, None, "years")}),
    (INC, "Patients between 18 and 75 years old", {"category": "age", "threshold": (BT, 18, 75, "years")}),
    (INC, "Age ≥ 18 and ≤ 75 years", {"category": "age", "threshold": (BT, 18, 75, "years")}),
    (INC, "Age 6 months to 21 years", {"category": "age", "threshold": (BT, 0.5, 21, "years")}),
    (EXC, "Age < 18 years", {"category": "age", "threshold": (LT, 18, None, "years")}),
    (INC, "Age 18-70 years, gender is not limited", {"group": "all", "children": [("age", "age"), ("sex", None)]}),
    # sex
    (INC, "Male or female", {"category": "sex", "values": ("female", "male")}),
    (INC, "Both sexes are eligible", {"category": "sex", "values": ("female", "male")}),
    # diagnosis
    (INC, "Histologically confirmed diffuse large B-cell lymphoma (DLBCL)",
     {"category": "diagnosis", "values": ("LBCL",), "measurement": "pathology_confirmed"}),
    (INC, "Diagnosis of multiple myeloma per IMWG criteria", {"category": "diagnosis", "has": ("MM",)}),
    (INC, "CD7-positive T-cell acute lymphoblastic leukemia (T-ALL) or T-lymphoblastic lymphoma",
     {"children": [("antigen", None), ("diagnosis", None)]}),
    (INC, "Acute myeloid leukemia according to WHO 2022 classification", {"category": "diagnosis", "values": ("AML",)}),
    (EXC, "Burkitt lymphoma", {"category": "diagnosis", "values": ("other-B-NHL",)}),
    (INC, "Systemic lupus erythematosus meeting the 2019 EULAR/ACR classification criteria",
     {"category": "diagnosis", "values": ("autoimmune",)}),
    # antigen
    (INC, "CD7 positive expression ≥ 70% by flow cytometry",
     {"category": "antigen", "values": ("CD7",), "method": "flow", "threshold": (GE, 70, None, "%")}),
    (INC, "Tumour must be CD19-negative", {"category": "antigen", "values": ("CD19",), "negated": True}),
    (INC, "BCMA expression confirmed by immunohistochemistry",
     {"category": "antigen", "values": ("BCMA",), "method": "IHC"}),
    (INC, "BCMA expression on myeloma cells", {"children": [("antigen", None), ("diagnosis", None)]}),
    (INC, "Tumour cells CD19+ or CD22+", {"category": "antigen", "has": ("CD19", "CD22")}),
    # disease status
    (INC, "Relapsed or refractory disease", {"category": "disease_status", "values": ("relapsed", "refractory")}),
    (INC, "At least 2 prior lines of therapy",
     {"category": "disease_status", "measurement": "prior_lines", "threshold": (GE, 2, None, None)}),
    (INC, "Measurable disease per Lugano 2014 criteria", {"category": "disease_status", "values": ("measurable",)}),
    (INC, "MRD positive (≥ 0.01%) after induction", {"category": "disease_status", "has": ("MRD-positive",)}),
    (INC, "Relapsed or refractory B-ALL after at least two lines of therapy",
     {"group": "all", "children": [("disease_status", None), ("diagnosis", None), ("disease_status", "prior_lines")]}),
    # prior therapy
    (EXC, "Prior CAR-T therapy within 3 months", {"category": "prior_therapy", "values": ("CAR-T",), "window": 91}),
    (EXC, "Allogeneic hematopoietic stem cell transplantation within 100 days before screening",
     {"category": "prior_therapy", "values": ("allogeneic HSCT",), "window": 100}),
    (EXC, "Received chemotherapy or radiotherapy within 2 weeks before apheresis",
     {"category": "prior_therapy", "values": ("chemotherapy", "radiotherapy"), "window": 14}),
    (EXC, "Prior treatment with anti-BCMA therapy", {"category": "prior_therapy", "has": ("anti-BCMA",)}),
    (EXC, "Participation in another interventional clinical trial within 4 weeks",
     {"category": "prior_therapy", "values": ("investigational",), "window": 28}),
    (EXC, "Systemic steroids (> 10 mg/day prednisone) within 7 days before infusion",
     {"category": "prior_therapy", "has": ("steroids",), "window": 7}),
    (EXC, "Live vaccine within 6 weeks prior to lymphodepletion",
     {"category": "prior_therapy", "has": ("live vaccine",)}),
    (EXC, "Donor lymphocyte infusion within 6 weeks",
     {"category": "prior_therapy", "values": ("donor lymphocyte infusion",)}),
    (INC, "Previously treated with a bispecific antibody is allowed",
     {"category": "prior_therapy", "has": ("bispecific",)}),
    # performance
    (INC, "ECOG performance status 0-2",
     {"category": "performance", "measurement": "ECOG", "threshold": (LE, 2, None, None)}),
    (INC, "ECOG performance status of 0 or 1", {"category": "performance", "threshold": (LE, 1, None, None)}),
    (INC, "Karnofsky ≥ 70%", {"category": "performance", "measurement": "ECOG", "threshold": (LE, 1, None, None)}),
    (INC, "KPS ≥ 60", {"category": "performance", "threshold": (LE, 2, None, None)}),
    (INC, "Lansky play score ≥ 50 for patients < 16 years",
     {"category": "performance", "threshold": (LE, 2, None, None)}),
    (INC, "ECOG score ≤ 2 points", {"category": "performance", "threshold": (LE, 2, None, None)}),
    # labs
    (INC, "Total bilirubin ≤ 1.5 × ULN (except Gilbert's syndrome ≤ 3 × ULN)",
     {"category": "lab", "measurement": "bilirubin", "threshold": (LE, 1.5, None, "xULN"), "uln": True}),
    (INC, "Creatinine clearance ≥ 60 mL/min (Cockcroft-Gault)",
     {"category": "lab", "measurement": "CrCl", "threshold": (GE, 60, None, "mL/min")}),
    (INC, "LVEF ≥ 50%", {"category": "lab", "measurement": "LVEF", "threshold": (GE, 50, None, "%")}),
    (INC, "SpO2 > 92% on room air", {"category": "lab", "measurement": "SpO2", "threshold": (GT, 92, None, "%")}),
    (INC, "Serum creatinine ≤ 1.5 mg/dL", {"category": "lab", "measurement": "creatinine",
                                          "threshold": (LE, 132.6, None, "µmol/L")}),
    (INC, "Total bilirubin ≤ 34.2 µmol/L", {"category": "lab", "measurement": "bilirubin",
                                           "threshold": (LE, 34.2, None, "µmol/L")}),
    (INC, "Hemoglobin ≥ 8 g/dL", {"category": "lab", "measurement": "haemoglobin", "threshold": (GE, 80, None, "g/L")}),
    (INC, "Absolute neutrophil count ≥ 1,000/µL", {"category": "lab", "measurement": "ANC",
                                                  "threshold": (GE, 1.0, None, "10^9/L")}),
    (INC, "Platelets ≥ 50 × 10^9/L",
     {"category": "lab", "measurement": "platelets", "threshold": (GE, 50, None, "10^9/L")}),
    (INC, "ALT/AST ≤ 3×ULN", {"group": "all", "children": [("lab", "ALT"), ("lab", "AST")]}),
    (INC, "Adequate organ function: ANC ≥1.0×10^9/L, platelets ≥50×10^9/L, bilirubin ≤1.5×ULN",
     {"category": "lab", "group": "all", "children": [("lab", "ANC"), ("lab", "platelets"), ("lab", "bilirubin")]}),
    (INC, "Alanine aminotransferase (ALT) and aspartate aminotransferase (AST) ≤ 2.5 times the upper limit of normal",
     {"children": [("lab", "ALT"), ("lab", "AST")]}),
    (INC, "Serum creatinine ≤ 1.5 × ULN or creatinine clearance ≥ 60 mL/min",
     {"group": "any", "children": [("lab", "creatinine"), ("lab", "CrCl")]}),
    (INC, "INR ≤ 1.5 × ULN", {"category": "lab", "measurement": "INR", "uln": True}),
    (INC, "Oxygen saturation ≥ 92% without oxygen supplementation",
     {"category": "lab", "measurement": "SpO2", "threshold": (GE, 92, None, "%")}),
    (INC, "Bone marrow blasts ≥ 5%", {"category": "lab", "measurement": "blasts", "threshold": (GE, 5, None, "%")}),
    (EXC, "ALT > 5 times the upper limit of normal", {"category": "lab", "measurement": "ALT",
                                                     "threshold": (GT, 5, None, "xULN")}),
    # CNS
    (EXC, "Active CNS leukemia", {"category": "cns", "values": ("active",)}),
    (EXC, "Central nervous system involvement (CNS-3)", {"category": "cns"}),
    (INC, "Treated and stable brain metastases are allowed", {"category": "cns", "values": ("treated_stable",)}),
    (INC, "No active CNS disease", {"category": "cns", "values": ("active",), "negated": True}),
    # infection
    (EXC, "Active hepatitis B (HBsAg positive or HBV DNA > 1000 copies/mL)",
     {"category": "infection", "values": ("HBV",)}),
    (EXC, "HIV, HBV or HCV infection", {"category": "infection", "values": ("HIV", "HBV", "HCV")}),
    (EXC, "Uncontrolled active infection requiring intravenous antibiotics",
     {"category": "infection", "values": ("active_uncontrolled",)}),
    (EXC, "Active tuberculosis", {"category": "infection", "values": ("tuberculosis",)}),
    (INC, "HBsAg negative", {"category": "infection", "values": ("HBV",), "negated": True}),
    (EXC, "Syphilis positive", {"category": "infection", "values": ("syphilis",)}),
    # GVHD
    (EXC, "Grade ≥ 2 acute GVHD", {"category": "gvhd", "has": ("acute", "grade≥2")}),
    (EXC, "Active graft-versus-host disease requiring systemic immunosuppression",
     {"category": "gvhd", "has": ("active", "immunosuppression")}),
    (EXC, "Chronic GVHD", {"category": "gvhd", "values": ("chronic",)}),
    # pregnancy
    (EXC, "Pregnant or lactating women", {"category": "pregnancy", "values": ("pregnant", "breastfeeding")}),
    (INC, "Women of childbearing potential must agree to use effective contraception",
     {"category": "pregnancy", "has": ("contraception",)}),
    (INC, "Negative serum pregnancy test", {"category": "pregnancy", "values": ("pregnant",), "negated": True}),
    # other malignancy
    (EXC, "Other malignancy within 5 years, except basal cell carcinoma of the skin",
     {"category": "other_malignancy", "window": 1826}),
    (EXC, "History of another primary malignancy", {"category": "other_malignancy"}),
    # life expectancy
    (INC, "Life expectancy > 12 weeks", {"category": "life_expectancy", "threshold": (GT, 12, None, "weeks")}),
    (INC, "Expected survival of at least 3 months",
     {"category": "life_expectancy", "threshold": (GE, 13, None, "weeks")}),
    (INC, "The expected survival time exceeds 12 weeks",
     {"category": "life_expectancy", "threshold": (GT, 12, None, "weeks")}),
    # organ disease
    (EXC, "Congestive heart failure (NYHA class III or IV)", {"category": "organ_disease", "values": ("cardiac",)}),
    (EXC, "History of seizure disorder", {"category": "organ_disease", "values": ("seizure",)}),
    (EXC, "Autoimmune disease requiring systemic treatment in the past 2 years",
     {"category": "organ_disease", "has": ("autoimmune",)}),
    (INC, "Adequate liver and kidney function",
     {"category": "organ_disease", "has": ("hepatic", "renal"), "negated": True}),
    (EXC, "Psychiatric illness that would limit compliance", {"category": "organ_disease", "has": ("psychiatric",)}),
    (EXC, "Active bleeding or coagulation disorder", {"category": "organ_disease", "has": ("bleeding",)}),
    # consent
    (INC, "Signed written informed consent", {"category": "consent"}),
    (INC, "Willing and able to comply with the study visit schedule", {"category": "consent"}),
]


def _check(criterion: Criterion, expected: dict[str, Any]) -> None:
    if "category" in expected:
        assert criterion.category.value == expected["category"], criterion
    if "values" in expected:
        assert criterion.values == expected["values"], criterion
    for value in expected.get("has", ()):
        assert value in criterion.values, criterion
    if "measurement" in expected:
        assert criterion.measurement == expected["measurement"], criterion
    if "threshold" in expected:
        comparator, value, upper, unit = expected["threshold"]
        assert criterion.threshold is not None, criterion
        assert criterion.threshold.comparator is comparator, criterion
        assert criterion.threshold.value == pytest.approx(value, rel=1e-3), criterion
        assert criterion.threshold.upper == (None if upper is None else pytest.approx(upper, rel=1e-3)), criterion
        assert criterion.threshold.unit == unit, criterion
    if "uln" in expected:
        assert criterion.threshold is not None and criterion.threshold.uln_multiple is expected["uln"], criterion
    if "negated" in expected:
        assert criterion.negated is expected["negated"], criterion
    if "window" in expected:
        assert criterion.window_days == expected["window"], criterion
    if "method" in expected:
        assert criterion.method == expected["method"], criterion
    if "group" in expected:
        assert criterion.group == expected["group"], criterion
    if "children" in expected:
        got = [(c.category.value, c.measurement) for c in criterion.children]
        assert got == expected["children"], criterion


@pytest.mark.parametrize(("kind", "text", "expected"), CASES, ids=[c[1][:50] for c in CASES])
def test_snippet(kind: str, text: str, expected: dict[str, Any], vocabulary: CriteriaVocabulary) -> None:
    heading = "Inclusion Criteria:" if kind == INC else "Exclusion Criteria:"
    source = f"{heading}\n\n* {text}\n"
    parsed = parse_criteria("NCT00000001", source, vocabulary)
    assert len(parsed.criteria) == 1, parsed
    criterion = parsed.criteria[0]
    assert criterion.kind.value == ("inclusion" if kind == INC else "exclusion")
    assert source[criterion.span[0] : criterion.span[1]] == text
    _check(criterion, expected)


def test_table_is_large_enough() -> None:
    assert len(CASES) >= 60
