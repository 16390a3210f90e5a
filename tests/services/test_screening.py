"""Screening through the service, CLI and API on the fixture programmes and the example cases."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from allonav.cli import app as cli_app
from allonav.domain.verdict import TrialFit
from allonav.services.case_input import CaseInputError, case_from_data, case_from_file
from allonav.services.catalogue_import import import_paths
from allonav.services.context import Context
from allonav.services.screening import TrialNotFound, screen_all, screen_one
from allonav.web.app import create_app

ROOT = Path(__file__).resolve().parents[2]
STUDIES = ROOT / "tests" / "fixtures" / "studies"
EXAMPLES = ROOT / "examples"
AS_OF = date(2026, 11, 26)


@pytest.fixture
def loaded(ctx: Context) -> Context:
    import_paths(ctx.sessions, [STUDIES / "six_programmes.json"], vocabulary=ctx.vocabulary)
    return ctx


def test_cd19_negative_relapse_is_not_a_fit_for_a_cd19_programme(loaded: Context) -> None:
    case = case_from_file(loaded, EXAMPLES / "relapsed_ball_cd19_negative_after_cart.json", as_of=AS_OF)
    with loaded.sessions() as session:
        result = screen_one(session, loaded.criteria, case, "NCT99000001", as_of=AS_OF, rules=loaded.judge_rules)
    assert result.verdict.fit is TrialFit.INELIGIBLE
    blocking = result.verdict.blocking
    assert blocking and any("CD19" in v.criterion.text for v in blocking)


def test_programme_without_criteria_is_never_a_fit(loaded: Context) -> None:
    case = case_from_file(loaded, EXAMPLES / "relapsed_ball_cd19_negative_after_cart.json", as_of=AS_OF)
    with loaded.sessions() as session:
        result = screen_one(session, loaded.criteria, case, "NCT99000006", as_of=AS_OF, rules=loaded.judge_rules)
    assert result.verdict.fit is TrialFit.CRITERIA_NOT_AVAILABLE
    assert "criteria not available: sync from ClinicalTrials.gov" in result.verdict.note


def test_sparse_case_leaves_unknowns_with_things_to_collect(loaded: Context) -> None:
    case = case_from_data(loaded, {"case_id": "sparse", "age_years": 30,
                                   "diagnoses": [{"disease_group": "B-ALL"}]}, as_of=AS_OF)
    with loaded.sessions() as session:
        result = screen_one(session, loaded.criteria, case, "NCT99000001", as_of=AS_OF, rules=loaded.judge_rules)
    assert result.verdict.fit is TrialFit.POSSIBLY_ELIGIBLE
    assert result.verdict.to_collect


def test_screen_all_orders_best_fits_first_and_skips_non_cell_therapy(loaded: Context) -> None:
    case = case_from_file(loaded, EXAMPLES / "relapsed_ball_cd19_negative_after_cart.json", as_of=AS_OF)
    with loaded.sessions() as session:
        results = screen_all(session, loaded.criteria, case, as_of=AS_OF, rules=loaded.judge_rules)
    order = [r.verdict.fit for r in results]
    ranks = {TrialFit.ELIGIBLE: 0, TrialFit.POSSIBLY_ELIGIBLE: 1, TrialFit.CRITERIA_NOT_AVAILABLE: 2,
             TrialFit.INELIGIBLE: 3}
    assert [ranks[f] for f in order] == sorted(ranks[f] for f in order)


def test_unknown_trial(loaded: Context) -> None:
    case = case_from_data(loaded, {"case_id": "x"}, as_of=AS_OF)
    with loaded.sessions() as session, pytest.raises(TrialNotFound):
        screen_one(session, loaded.criteria, case, "NCT00000000", as_of=AS_OF, rules=loaded.judge_rules)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"case_id": "x", "performance": {"ecog": 9}}, "performance.ecog"),
        ({"case_id": "x", "diagnoses": [{"disease_group": "BALL"}]}, "did you mean B-ALL"),
        ({"case_id": "x", "colour": "blue"}, "colour"),
        ([1, 2], ""),
    ],
)
def test_bad_cases_are_refused_with_reasons(loaded: Context, data: object, message: str) -> None:
    with pytest.raises(CaseInputError) as caught:
        case_from_data(loaded, data, as_of=AS_OF)
    assert message in str(caught.value)


# ---------------------------------------------------------------- CLI and API


@pytest.fixture
def cli_env(loaded: Context) -> dict[str, str]:
    return {"ALLONAV_DATABASE_URL": loaded.settings.database_url, "ALLONAV_OFFLINE": "1"}


def test_cli_screen_one_trial_json(cli_env: dict[str, str]) -> None:
    result = CliRunner().invoke(cli_app, ["screen", str(EXAMPLES / "relapsed_ball_cd19_negative_after_cart.json"),
                                          "--trial", "NCT99000001", "--json", "--as-of", "2026-11-26"], env=cli_env)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    [trial] = data["trials"]
    assert trial["fit"] == "ineligible"
    for verdict in trial["verdicts"]:
        assert set(verdict) >= {"criterion_id", "kind", "text", "category", "verdict", "evidence", "to_collect"}
    assert data["readiness"]


def test_cli_screen_all_table(cli_env: dict[str, str]) -> None:
    result = CliRunner().invoke(cli_app, ["screen", str(EXAMPLES / "sparse_inquiry_only_diagnosis.json"), "--all",
                                          "--top", "3"], env=cli_env)
    assert result.exit_code == 0, result.stderr
    assert "Allogeneic readiness" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["screen", "examples/none.json", "--all"], "cannot read the case file"),
        (["screen", str(EXAMPLES / "lbcl_hbv_positive.json")], "give either --trial NCT_ID or --all"),
        (["screen", str(EXAMPLES / "lbcl_hbv_positive.json"), "--trial", "NCT1"], "not an NCT ID"),
        (["screen", str(EXAMPLES / "lbcl_hbv_positive.json"), "--trial", "NCT00000000"], "not in the catalogue"),
        (["screen", str(EXAMPLES / "lbcl_hbv_positive.json"), "--all", "--as-of", "soon"], "--as-of must be a date"),
        (["criteria", "NCT00000000"], "not in the catalogue"),
        (["criteria", "x"], "not an NCT ID"),
    ],
)
def test_cli_bad_input(cli_env: dict[str, str], args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli_app, args, env=cli_env)
    assert result.exit_code != 0
    assert message in result.stderr


def test_cli_criteria_json(cli_env: dict[str, str]) -> None:
    result = CliRunner().invoke(cli_app, ["criteria", "NCT99000001", "--json"], env=cli_env)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["nct_id"] == "NCT99000001"
    kinds = {c["kind"] for c in data["criteria"]}
    assert kinds == {"inclusion", "exclusion"}
    assert all({"criterion_id", "kind", "text", "category"} <= set(c) for c in data["criteria"])


@pytest.fixture
def client(loaded: Context) -> Iterator[TestClient]:
    with TestClient(create_app(context=loaded)) as test_client:
        yield test_client


def test_api_screen(client: TestClient) -> None:
    case = json.loads((EXAMPLES / "relapsed_ball_cd19_negative_after_cart.json").read_text())
    response = client.post("/api/v1/screen", json={"case": case, "nct_id": "NCT99000001", "as_of": "2026-11-26"})
    assert response.status_code == 200, response.text
    assert response.json()["trials"][0]["fit"] == "ineligible"
    response = client.post("/api/v1/screen", json={"case": case, "top": 3})
    assert response.status_code == 200 and len(response.json()["trials"]) <= 3


@pytest.mark.parametrize(
    ("body", "status", "reason"),
    [
        ({"case": {"case_id": "x", "performance": {"ecog": 9}}}, 422, "performance.ecog"),
        ({"case": {"case_id": "x"}, "nct_id": "NCT00000000"}, 404, "not in the catalogue"),
        ({"case": {"case_id": "x"}, "nct_id": "banana"}, 422, ""),
        ({"case": {"case_id": "x"}, "top": 0}, 422, ""),
        ({"kase": {}}, 422, ""),
    ],
)
def test_api_screen_errors(client: TestClient, body: dict[str, object], status: int, reason: str) -> None:
    response = client.post("/api/v1/screen", json=body)
    assert response.status_code == status
    assert reason in json.dumps(response.json())
