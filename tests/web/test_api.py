"""JSON API and pages through the ASGI app (FastAPI TestClient)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from allonav.services.catalogue_import import import_paths
from allonav.services.context import Context
from allonav.web.app import create_app

STUDIES = Path(__file__).resolve().parents[1] / "fixtures" / "studies"


@pytest.fixture
def client(ctx: Context) -> Iterator[TestClient]:
    import_paths(ctx.sessions, [STUDIES / "six_programmes.json"], vocabulary=ctx.vocabulary)
    with TestClient(create_app(context=ctx)) as test_client:
        yield test_client


def test_list_trials_with_filters_and_facets(client: TestClient) -> None:
    response = client.get("/api/v1/trials", params={"source": "allogeneic", "antigen": "CD19"})
    assert response.status_code == 200
    data = response.json()
    assert data["total"] == 3
    assert {f["value"] for f in data["facets"]["cell_source"]} == {"allogeneic-unspecified", "cord-blood", "ipsc"}


def test_show_trial(client: TestClient) -> None:
    response = client.get("/api/v1/trials/NCT99000004")
    assert response.status_code == 200
    data = response.json()
    assert data["cell_source"] == "cord-blood" and "CAR-NK" in data["modality"]
    assert data["sites_by_country"]["United States"]


@pytest.mark.parametrize(
    ("url", "status", "reason"),
    [
        ("/api/v1/trials/NCT00000000", 404, "not in the catalogue"),
        ("/api/v1/trials/banana", 422, "not an NCT ID"),
        ("/api/v1/trials?antigen=CD999", 422, "unknown antigen"),
        ("/api/v1/trials?limit=100000", 422, ""),
        ("/api/v1/trials?offset=-5", 422, ""),
    ],
)
def test_errors_are_4xx_with_a_reason(client: TestClient, url: str, status: int, reason: str) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert reason in str(response.json()["detail"])


def test_catalogue_page_lists_programmes_and_facets(client: TestClient) -> None:
    response = client.get("/", params={"source": "allogeneic"})
    assert response.status_code == 200
    html = response.text
    assert "NCT99000001" in html and "NCT99000002" not in html
    assert "Cell source" in html and "Target antigen" in html


def test_trial_page_shows_evidence_sites_and_criteria(client: TestClient) -> None:
    html = client.get("/trials/NCT99000001").text
    assert "Programme profile" in html and "Beijing" in html and "Active CNS leukaemia" in html


def test_trial_page_without_criteria_says_so(client: TestClient) -> None:
    html = client.get("/trials/NCT99000006").text
    assert "criteria not available: sync from ClinicalTrials.gov" in html


@pytest.mark.parametrize(("url", "status"), [("/trials/NCT00000000", 404), ("/trials/xyz", 422),
                                              ("/?antigen=CD999", 422)])
def test_page_errors(client: TestClient, url: str, status: int) -> None:
    assert client.get(url).status_code == status


def test_openapi_and_offline_docs(client: TestClient) -> None:
    assert "/api/v1/trials" in client.get("/openapi.json").json()["paths"]
    docs = client.get("/docs").text
    assert "/static/swagger/swagger-ui-bundle.js" in docs and "cdn" not in docs.lower()
    assert client.get("/static/swagger/swagger-ui-bundle.js").status_code == 200
