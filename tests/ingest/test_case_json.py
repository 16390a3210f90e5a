"""Patient case JSON: validation messages, unit conversion, performance scales, round trips, robustness."""

from __future__ import annotations

import copy
import json
import tomllib
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from allonav.domain.case import (
    AntigenMethod,
    AntigenResult,
    Diagnosis,
    LabResult,
    OtherMalignancy,
    PatientCase,
    Performance,
    Provenance,
    Sex,
)
from allonav.domain.labs import LabVocabulary, load_labs
from allonav.ingest.case_json import CaseError, case_json_schema, case_to_json, ecog_from_score, load_case

ROOT = Path(__file__).resolve().parents[2]
AS_OF = date(2026, 11, 26)
LABS: LabVocabulary = load_labs()
with (ROOT / "src" / "allonav" / "catalogue" / "data" / "antigens.toml").open("rb") as _stream:
    ANTIGENS = tuple(entry["name"] for entry in tomllib.load(_stream)["antigen"])

BASE: dict[str, Any] = {
    "case_id": "t1",
    "age_years": 40,
    "diagnoses": [{"disease_group": "B-ALL"}],
    "labs": [{"name": "ANC", "value": 1.5, "unit": "10^9/L"}],
    "antigens": [{"antigen": "CD19", "positive": True}],
}


def _load(data: object) -> PatientCase:
    return load_case(data, labs=LABS, antigens=ANTIGENS, as_of=AS_OF)


def _with(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    data.update(changes)
    return data


def _problems(data: object) -> tuple[str, ...]:
    with pytest.raises(CaseError) as caught:
        _load(data)
    return caught.value.problems


def _lab(**fields: Any) -> dict[str, Any]:
    return _with(labs=[fields])


ERRORS: list[tuple[str, object, str]] = [
    ("unit not for lab", _lab(name="bilirubin", value=1, unit="mg/ml"),
     "labs[0].unit: 'mg/ml' is not a unit for bilirubin; allowed: µmol/L, mg/dL, xULN"),
    ("xULN only for liver tests", _lab(name="ANC", value=1, unit="xULN"),
     "labs[0].unit: 'xULN' is not a unit for ANC; allowed: 10^9/L, /mm3, /µL, cells/µL, cells/mm3, 10^3/µL, "
     "x10^9/L, g/L"),
    ("unit missing", _lab(name="creatinine", value=1),
     "labs[0].unit: required for creatinine; allowed: µmol/L, mg/dL"),
    ("ANC impossible", _lab(name="ANC", value=900, unit="10^9/L"),
     "labs[0].value: ANC 900 10^9/L is outside the possible range 0–200 10^9/L"),
    ("converted value impossible", _lab(name="creatinine", value=50, unit="mg/dL"),
     "labs[0].value: creatinine 50 mg/dL (= 4420 µmol/L) is outside the possible range 5–3000 µmol/L"),
    ("negative count", _lab(name="platelets", value=-3, unit="10^9/L"),
     "labs[0].value: platelets -3 10^9/L is outside the possible range 0–3000 10^9/L"),
    ("xULN impossible", _lab(name="ALT", value=5000, unit="xULN"), "labs[0].value: 5000 is impossible (0–1000 × ULN)"),
    ("uln with xULN", _lab(name="AST", value=2, unit="xULN", uln=40),
     "labs[0].uln: not allowed with unit xULN (the value is already a multiple of the ULN)"),
    ("uln zero", _lab(name="ALT", value=20, unit="U/L", uln=0),
     "labs[0].uln: 0 is impossible (an upper limit of normal is above 0)"),
    ("value as string", _lab(name="ANC", value="1.5", unit="10^9/L"), "labs[0].value: expected a number, got '1.5'"),
    ("value NaN", _lab(name="ANC", value=float("nan"), unit="10^9/L"),
     "labs[0].value: expected a finite number, got nan"),
    ("value missing", _lab(name="ANC", unit="10^9/L"), "labs[0].value: required"),
    ("unknown lab", _lab(name="ferritin", value=300, unit="µg/L"),
     "labs[0].name: 'ferritin' unknown; allowed: ANC, ALC, platelets, haemoglobin, bilirubin, ALT, AST, creatinine, "
     "CrCl, LVEF, SpO2, INR, LDH, blasts (or a synonym, e.g. 'absolute neutrophil count')"),
    ("disease group", _with(diagnoses=[{"disease_group": "BALL"}]),
     "diagnoses[0].disease_group: 'BALL' unknown (did you mean B-ALL?); allowed: B-ALL, LBCL, FL, MCL, CLL, "
     "other-B-NHL, MM, T-ALL, T-LBL, PTCL, other-T-cell, AML, MDS, Hodgkin, solid-tumour, autoimmune, other"),
    ("ecog impossible", _with(performance={"ecog": 7}), "performance.ecog: 7 is impossible (0–5)"),
    ("ecog as text", _with(performance={"ecog": "two"}), "performance.ecog: expected a whole number, got 'two'"),
    ("karnofsky step", _with(performance={"karnofsky": 75}),
     "performance.karnofsky: 75 is not a Karnofsky score; allowed: 0, 10, 20, …, 100"),
    ("lansky impossible", _with(performance={"lansky": 110}), "performance.lansky: 110 is impossible (0–100)"),
    ("two scales", _with(performance={"ecog": 1, "karnofsky": 80}),
     "performance: give exactly one of ecog, karnofsky, lansky (got ecog, karnofsky)"),
    ("no scale", _with(performance={"assessed_on": "2026-01-02"}),
     "performance: give exactly one of ecog, karnofsky, lansky (got none)"),
    ("birth in future", _with(age_years=None, birth_date="2027-01-01"),
     "birth_date: 2027-01-01 is in the future (as of 2026-11-26)"),
    ("birth too early", _with(age_years=None, birth_date="1890-01-01"),
     "birth_date: 1890-01-01 makes the patient 137 years old (impossible, over 120)"),
    ("age and birth disagree", _with(age_years=40, birth_date="1990-01-01"),
     "birth_date: 1990-01-01 makes the patient 36.9 years old, but age_years is 40"),
    ("age impossible", _with(age_years=130), "age_years: 130 is impossible (0–120)"),
    ("not a date", _with(diagnoses=[{"disease_group": "AML", "diagnosed_on": "12/03/2025"}]),
     "diagnoses[0].diagnosed_on: expected an ISO date (YYYY-MM-DD), got '12/03/2025'"),
    ("not a calendar date", _with(diagnoses=[{"disease_group": "AML", "diagnosed_on": "2025-02-30"}]),
     "diagnoses[0].diagnosed_on: '2025-02-30' is not a calendar date"),
    ("date before birth", _with(age_years=None, birth_date="2000-01-01",
                                diagnoses=[{"disease_group": "AML", "diagnosed_on": "1999-05-01"}]),
     "diagnoses[0].diagnosed_on: 1999-05-01 is before the birth date 2000-01-01"),
    ("antigen percent", _with(antigens=[{"antigen": "CD19", "percent": 120}]),
     "antigens[0].percent: 120 is impossible (0–100%)"),
    ("antigen contradiction", _with(antigens=[{"antigen": "CD22", "positive": True, "percent": 0}]),
     "antigens[0].percent: 0% contradicts positive: true"),
    ("antigen method", _with(antigens=[{"antigen": "CD19", "positive": True, "method": "PCR"}]),
     "antigens[0].method: 'PCR' unknown; allowed: flow, IHC, other"),
    ("sex", _with(sex="m"), "sex: 'm' unknown; allowed: female, male, other"),
    ("disease state", _with(disease_state="progressing"),
     "disease_state: 'progressing' unknown; allowed: relapsed, refractory, relapsed_and_refractory, in_remission, "
     "newly_diagnosed"),
    ("hbv", _with(infections={"hbv": "HBsAg+"}),
     "infections.hbv: 'HBsAg+' unknown; allowed: negative, positive, resolved, controlled"),
    ("gvhd after auto", _with(transplants=[{"allogeneic": False, "gvhd": "active_chronic"}]),
     "transplants[0].gvhd: active_chronic GVHD is impossible after an autologous transplant (allogeneic: false)"),
    ("allogeneic missing", _with(transplants=[{"gvhd": "none"}]), "transplants[0].allogeneic: required"),
    ("yes is not a boolean", _with(pregnant="yes"), "pregnant: expected true or false, got 'yes'"),
    ("pregnant male", _with(sex="male", pregnant=True), "pregnant: true contradicts sex: male"),
    ("regimen order", _with(regimens=[{"name": "R-CHOP", "started_on": "2026-03-01", "ended_on": "2026-01-01"}]),
     "regimens[0].ended_on: 2026-01-01 is before started_on 2026-03-01"),
    ("regimen kind", _with(regimens=[{"name": "R-CHOP", "kind": "chemo"}]),
     "regimens[0].kind: 'chemo' unknown (did you mean chemotherapy?); allowed: chemotherapy, bispecific, antibody, "
     "targeted, radiotherapy, ADC, other"),
    ("response", _with(prior_car_t=[{"product": "tisagenlecleucel", "targets": ["CD19"], "best_response": "good"}]),
     "prior_car_t[0].best_response: 'good' unknown; allowed: sCR, CR, CRi, CRh, VGPR, PR, MR, SD, PD"),
    ("car-t failure", _with(prior_car_t=[{"targets": ["CD19"], "failure": "lost"}]),
     "prior_car_t[0].failure: 'lost' unknown; allowed: manufacturing_failure, non_response, relapse, antigen_loss, "
     "toxicity"),
    ("prior lines", _with(prior_lines=-1), "prior_lines: -1 is impossible (0–30)"),
    ("empty case id", _with(case_id="  "), "case_id: must not be empty"),
    ("case id missing", {"age_years": 3}, "case_id: required"),
    ("list not object", [BASE], "(case): expected an object, got a list"),
    ("diagnoses not list", _with(diagnoses={"disease_group": "AML"}), "diagnoses: expected a list, got an object"),
    ("provenance kind", _with(diagnoses=[{"disease_group": "AML", "source": {"source": "email"}}]),
     "diagnoses[0].source.source: 'email' unknown; allowed: form, example, document:<id>, fhir:<resource>"),
    ("provenance span", _with(diagnoses=[{"disease_group": "AML", "source": {"source": "form", "span": [9, 2]}}]),
     "diagnoses[0].source.span: expected [start, end] with start ≤ end, got [9, 2]"),
    ("confidence", _with(diagnoses=[{"disease_group": "AML", "source": {"source": "form", "confidence": 1.5}}]),
     "diagnoses[0].source.confidence: 1.5 is impossible (0–1)"),
    ("unknown lab key", _lab(name="ANC", value=1, unit="10^9/L", date="2026-01-01"),
     "labs[0].date: unknown key; allowed: name, unit, value, uln, measured_on, source"),
    ("unknown performance key", _with(performance={"ecog": 1, "kps": 80}),
     "performance.kps: unknown key; allowed: ecog, karnofsky, lansky, assessed_on, source"),
]


@pytest.mark.parametrize(("data", "message"), [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_each_problem_names_its_path_and_what_is_allowed(data: object, message: str) -> None:
    assert message in _problems(data)


def test_unknown_antigen_lists_canonical_names_and_suggests_one() -> None:
    (problem,) = _problems(_with(antigens=[{"antigen": "CD-19", "positive": True}]))
    assert problem.startswith("antigens[0].antigen: 'CD-19' unknown (did you mean CD19?); allowed: ")
    assert "BCMA" in problem and "GPRC5D" in problem


def test_unknown_top_level_key_lists_allowed_keys() -> None:
    (problem,) = _problems(_with(diagnosis="AML"))
    assert problem.startswith("diagnosis: unknown key; allowed: description, case_id, age_years, birth_date, ")


def test_every_problem_is_listed_at_once() -> None:
    data = _with(
        case_id="",
        diagnoses=[{"disease_group": "BALL"}],
        labs=[{"name": "ANC", "value": 900, "unit": "10^9/L"}, {"name": "bilirubin", "value": 1, "unit": "mg/ml"}],
        performance={"ecog": 7},
        birth_date="2030-01-01",
    )
    with pytest.raises(CaseError) as caught:
        _load(data)
    paths = [p.split(":")[0] for p in caught.value.problems]
    assert paths == ["case_id", "birth_date", "diagnoses[0].disease_group", "labs[0].value", "labs[1].unit",
                     "performance.ecog"]
    assert str(caught.value).startswith("6 problems in the patient case:\n  - case_id: must not be empty")
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("name", "value", "unit", "canonical", "canonical_unit"),
    [
        ("bilirubin", 1.2, "mg/dL", 20.5, "µmol/L"),
        ("total bilirubin", 20, "umol/L", 20, "µmol/L"),
        ("creatinine", 1.0, "mg/dL", 88.4, "µmol/L"),
        ("serum creatinine", 88, "µmol/L", 88, "µmol/L"),
        ("absolute neutrophil count", 1500, "/µL", 1.5, "10^9/L"),
        ("ANC", 1500, "cells/mm3", 1.5, "10^9/L"),
        ("anc", 1.5, "x10^9/L", 1.5, "10^9/L"),
        ("platelets", 45000, "/uL", 45, "10^9/L"),
        ("Hb", 9, "g/dL", 90, "g/L"),
        ("hemoglobin", 90, "g/L", 90, "g/L"),
        ("egfr", 55, "mL/min/1.73m2", 55, "mL/min"),
        ("INR", 1.2, "ratio", 1.2, "ratio"),
    ],
)
def test_units_are_converted_to_the_canonical_unit(
    name: str, value: float, unit: str, canonical: float, canonical_unit: str
) -> None:
    (lab,) = _load(_lab(name=name, value=value, unit=unit)).labs
    assert lab.value == pytest.approx(canonical, abs=0.05)
    assert lab.unit == canonical_unit
    assert lab.name in LABS.labs


def test_uln_is_converted_with_the_value_and_xuln_is_kept() -> None:
    bilirubin, alt, inr = _load(_with(labs=[
        {"name": "bilirubin", "value": 2.4, "unit": "mg/dL", "uln": 1.2, "measured_on": "2026-10-01"},
        {"name": "ALT", "value": 3, "unit": "× ULN"},
        {"name": "INR", "value": 1.1},
    ])).labs
    assert bilirubin == LabResult("bilirubin", 41.04, "µmol/L", date(2026, 10, 1), 20.52)
    assert bilirubin.times_uln == pytest.approx(2.0)
    assert (alt.value, alt.unit, alt.times_uln) == (3, "xULN", 3)
    assert inr.unit == "ratio"


@pytest.mark.parametrize(
    ("score", "ecog"),
    [(100, 0), (90, 1), (80, 1), (70, 2), (60, 2), (50, 3), (40, 3), (30, 4), (20, 4), (10, 4), (0, 5)],
)
@pytest.mark.parametrize("scale", ["karnofsky", "lansky"])
def test_karnofsky_and_lansky_become_ecog(scale: str, score: int, ecog: int) -> None:
    performance = _load(_with(performance={scale: score, "assessed_on": "2026-11-01"})).performance
    assert performance == Performance(ecog, f"{scale.capitalize()} {score}", date(2026, 11, 1))
    assert ecog_from_score(score) == ecog
    assert case_to_json(_load(_with(performance={scale: score})))["performance"] == {scale: score}


def test_ecog_is_recorded_as_ecog() -> None:
    assert _load(_with(performance={"ecog": 0})).performance == Performance(0, "ECOG")


def test_names_and_enums_are_matched_case_insensitively() -> None:
    case = _load(_with(
        sex="Female", disease_state="relapsed and refractory", cns="NONE",
        diagnoses=[{"disease_group": "b-all"}, {"disease_group": "mm"}],
        antigens=[{"antigen": "cd19", "positive": False, "method": "ihc"}, {"antigen": "bcma", "percent": 40}],
        prior_car_t=[{"product": "tisagenlecleucel", "targets": ["Cd19"], "best_response": "cr"}],
    ))
    assert [d.disease_group for d in case.diagnoses] == ["B-ALL", "MM"]
    assert case.antigens[0] == AntigenResult("CD19", False, None, AntigenMethod.IHC)
    assert case.antigens[1].antigen == "BCMA" and case.antigens[1].positive is None
    assert case.prior_car_t[0].targets == ("CD19",) and case.prior_car_t[0].best_response == "CR"
    assert (case.sex, case.disease_state, case.cns) == ("female", "relapsed_and_refractory", "none")


def test_age_from_birth_date_within_a_year_is_accepted() -> None:
    case = _load(_with(age_years=36, birth_date="1990-01-01"))
    assert case.birth_date == date(1990, 1, 1) and case.age_years == 36


def test_python_dates_are_accepted_but_not_datetimes() -> None:
    assert _load(_with(age_years=None, birth_date=date(1990, 1, 1))).birth_date == date(1990, 1, 1)
    assert _problems(_with(age_years=None, birth_date=datetime(1990, 1, 1))) == (
        "birth_date: expected an ISO date (YYYY-MM-DD), got datetime.datetime(1990, 1, 1, 0, 0)",
    )


def test_missing_means_unknown_and_empty_malignancies_means_none() -> None:
    case = _load({"case_id": "x", "other_malignancies": []})
    assert case == PatientCase(case_id="x", other_malignancies=())
    assert _load({"case_id": "x"}).other_malignancies is None
    assert _load({"case_id": "x", "description": "only an id"}) == PatientCase(case_id="x")


def test_a_full_case_round_trips() -> None:
    source = Provenance("document:42", 3, (10, 25), "ANC 0.9", 0.8)
    case = PatientCase(
        case_id="r1", age_years=44.5, birth_date=date(1982, 1, 2), sex=Sex.MALE, country="NL",
        diagnoses=(Diagnosis("AML", "NPM1", date(2025, 1, 1), True, Provenance("form")),),
        labs=(LabResult("ANC", 0.9, "10^9/L", date(2026, 5, 1), None, source), LabResult("ALT", 2.0, "xULN")),
        performance=Performance(3, "Karnofsky 40", date(2026, 5, 2)),
        other_malignancies=(OtherMalignancy("prostate cancer", False, date(2019, 3, 1)),),
    )
    exported = case_to_json(case)
    assert exported["labs"][0]["source"] == {"source": "document:42", "sentence": 3, "span": [10, 25],
                                             "text": "ANC 0.9", "confidence": 0.8}
    assert _load(json.loads(json.dumps(exported))) == case


def test_schema_describes_the_format() -> None:
    schema = case_json_schema()
    assert schema["additionalProperties"] is False and schema["required"] == ["case_id"]
    assert {"description", "labs", "performance", "antigens"} <= set(schema["properties"])
    performance = schema["$defs"]["PerformanceIn"]["properties"]
    assert set(performance) == {"ecog", "karnofsky", "lansky", "assessed_on", "source"}
    assert "B-ALL" in schema["$defs"]["DiagnosisIn"]["properties"]["disease_group"]["enum"]
    json.dumps(schema)


_KEYS = ["case_id", "age_years", "birth_date", "sex", "diagnoses", "antigens", "labs", "performance", "regimens",
         "prior_car_t", "transplants", "infections", "other_malignancies", "disease_group", "name", "value", "unit",
         "uln", "antigen", "percent", "positive", "ecog", "karnofsky", "lansky", "source", "span", "allogeneic",
         "gvhd", "started_on", "ended_on", "targets", "measured_on", "hbv"]
_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**20), max_value=10**20), st.floats(),
    st.text(max_size=12), st.dates(), st.datetimes(),
    st.sampled_from(["2026-01-01", "1990-02-30", "2099-01-01", "B-ALL", "CD19", "ANC", "bilirubin", "mg/dL",
                     "xULN", "/µL", "form", "male", "active_acute"]),
)
_JSONISH = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.sampled_from(_KEYS) | st.text(max_size=6), inner, max_size=6),
    max_leaves=30,
)


_NUMBER = st.one_of(st.integers(min_value=-(10**400), max_value=10**400), st.floats())
_NEAR_VALID = st.fixed_dictionaries(
    {"case_id": st.just("h")},
    optional={
        "labs": st.lists(st.fixed_dictionaries(
            {"name": st.sampled_from([*LABS.labs, "tbil", "x"]), "value": _NUMBER},
            optional={"unit": st.sampled_from(["mg/dL", "µmol/L", "xULN", "/µL", "10^9/L", "%", "ratio", ""]),
                      "uln": _NUMBER, "measured_on": st.dates().map(date.isoformat)},
        ), max_size=3),
        "antigens": st.lists(st.fixed_dictionaries(
            {"antigen": st.sampled_from([*ANTIGENS[:8], "cd19", "CD999"])},
            optional={"positive": st.booleans() | st.none(), "percent": _NUMBER,
                      "method": st.sampled_from(["flow", "x"])},
        ), max_size=3),
        "performance": st.dictionaries(st.sampled_from(["ecog", "karnofsky", "lansky"]), _NUMBER, max_size=2),
        "age_years": _NUMBER,
        "birth_date": st.dates().map(date.isoformat),
        "transplants": st.lists(st.fixed_dictionaries(
            {"allogeneic": st.booleans()}, optional={"gvhd": st.sampled_from(["none", "active_acute", "resolved"])}
        ), max_size=2),
    },
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(_JSONISH, _NEAR_VALID,
                 st.fixed_dictionaries({"case_id": st.just("h")}, optional={k: _JSONISH for k in _KEYS[1:]})))
def test_any_json_gives_a_case_or_a_case_error(data: object) -> None:
    try:
        case = _load(data)
    except CaseError as error:
        assert error.problems and all(": " in problem for problem in error.problems)
    else:
        assert isinstance(case, PatientCase)
        assert _load(case_to_json(case)) == case
