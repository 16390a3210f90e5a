"""Every example case under examples/ loads, round-trips through JSON, and says what scenario it is."""

from __future__ import annotations

import json
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from allonav.domain.case import CarTFailure, CnsStatus, GvhdStatus, InfectionStatus, PatientCase
from allonav.domain.labs import LabVocabulary, load_labs
from allonav.ingest.case_json import case_to_json, load_case

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
ANTIGENS_TOML = ROOT / "src" / "allonav" / "catalogue" / "data" / "antigens.toml"
AS_OF = date(2026, 11, 26)
FILES = sorted(EXAMPLES.glob("*.json"))
REQUIRED = {
    "relapsed_ball_cd19_negative_after_cart", "tall_cd7_positive_circulating_blasts",
    "myeloma_after_bcma_cart_gprc5d_positive", "lbcl_autologous_manufacturing_failure", "ball_active_cns_disease",
    "lbcl_hbv_positive", "aml_cd123_cll1_positive_post_allo_hsct", "ball_ph_like_mrd_positive_second_relapse",
    "mcl_after_btki_and_cart", "lupus_nephritis_refractory", "ptcl_cd30_cd7_positive_elderly_ecog2",
    "ball_child_lansky_60", "sparse_inquiry_only_diagnosis", "aml_rapid_progression_low_counts",
}

LABS: LabVocabulary = load_labs()
with ANTIGENS_TOML.open("rb") as _stream:
    ANTIGENS = tuple(entry["name"] for entry in tomllib.load(_stream)["antigen"])


def _raw(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _load(data: object) -> PatientCase:
    return load_case(data, labs=LABS, antigens=ANTIGENS, as_of=AS_OF)


def _case(stem: str) -> PatientCase:
    return _load(_raw(EXAMPLES / f"{stem}.json"))


def test_all_scenarios_are_present() -> None:
    assert len(FILES) >= 12
    assert {path.stem for path in FILES} >= REQUIRED


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_example_loads(path: Path) -> None:
    case = _load(_raw(path))
    assert case.case_id == path.stem.replace("_", "-")
    assert case.diagnoses, "every example names its diagnosis"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_example_has_a_one_line_description(path: Path) -> None:
    description = _raw(path).get("description")
    assert isinstance(description, str) and description.strip() and "\n" not in description


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_example_round_trips(path: Path) -> None:
    case = _load(_raw(path))
    exported = case_to_json(case)
    assert _load(exported) == case
    assert case_to_json(_load(json.loads(json.dumps(exported)))) == exported


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_example_dates_are_not_after_2026(path: Path) -> None:
    case = _load(_raw(path))
    dated = [lab.measured_on for lab in case.labs] + [a.tested_on for a in case.antigens]
    assert all(day is None or day.year <= 2026 for day in dated)
    if path.stem != "sparse_inquiry_only_diagnosis":
        assert case.labs and all(lab.unit for lab in case.labs)
        assert all(a.method is not None and a.tested_on is not None for a in case.antigens)


def test_cd19_negative_relapse_after_tisa_cel_is_cd22_positive() -> None:
    case = _case("relapsed_ball_cd19_negative_after_cart")
    cd19, cd22 = case.antigen("CD19"), case.antigen("CD22")
    assert cd19 is not None and cd19.positive is False
    assert cd22 is not None and cd22.positive is True and cd22.method == "flow"
    assert case.prior_car_t[0].failure is CarTFailure.ANTIGEN_LOSS
    anc = case.latest_lab("ANC")
    assert anc is not None and anc.value == pytest.approx(0.9) and anc.unit == "10^9/L"


def test_child_lansky_60_is_ecog_2() -> None:
    case = _case("ball_child_lansky_60")
    assert case.performance is not None
    assert (case.performance.ecog, case.performance.recorded_as) == (2, "Lansky 60")
    age = case.age_on(AS_OF)
    assert age is not None and 9 < age < 10


def test_sparse_inquiry_knows_only_diagnosis_and_age() -> None:
    case = _case("sparse_inquiry_only_diagnosis")
    assert case == PatientCase(case_id=case.case_id, age_years=52, diagnoses=case.diagnoses)
    assert case.other_malignancies is None and case.performance is None and case.labs == ()


def test_specific_scenarios() -> None:
    assert _case("ball_active_cns_disease").cns is CnsStatus.ACTIVE
    assert _case("lbcl_hbv_positive").infections.hbv is InfectionStatus.POSITIVE
    aml = _case("aml_cd123_cll1_positive_post_allo_hsct")
    assert aml.transplants[0].allogeneic and aml.transplants[0].gvhd is GvhdStatus.RESOLVED
    assert {a.antigen for a in aml.antigens} >= {"CD123", "CLL1"}
    assert _case("lbcl_autologous_manufacturing_failure").prior_car_t[0].failure is CarTFailure.MANUFACTURING_FAILURE
    assert _case("lupus_nephritis_refractory").diagnoses[0].disease_group == "autoimmune"
    ptcl = _case("ptcl_cd30_cd7_positive_elderly_ecog2")
    assert ptcl.performance is not None and ptcl.performance.ecog == 2
    assert _case("aml_rapid_progression_low_counts").rapid_progression is True
    myeloma = _case("myeloma_after_bcma_cart_gprc5d_positive")
    assert myeloma.antigen("GPRC5D") is not None and myeloma.prior_car_t[0].targets == ("BCMA",)
