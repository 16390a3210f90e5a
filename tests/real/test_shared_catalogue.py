"""The real ClinicalTrials.gov records from ../shared: import them all, then search as a navigator would."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from allonav.cli import app
from allonav.services.catalogue_import import ImportReport, import_paths
from allonav.services.catalogue_search import SearchQuery
from allonav.services.context import Context, open_context
from allonav.settings import Settings

pytestmark = pytest.mark.shared


@pytest.fixture(scope="module")
def real(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Context, ImportReport]]:
    folder = tmp_path_factory.mktemp("real")
    ctx = open_context(Settings.from_env({"ALLONAV_DATA_DIR": str(folder), "ALLONAV_OFFLINE": "1"}))
    report = import_paths(ctx.sessions, [shared / "data" / "ctgov"], vocabulary=ctx.vocabulary)
    yield ctx, report
    ctx.close()


def test_every_real_record_with_an_nct_id_is_imported(real: tuple[Context, ImportReport]) -> None:
    _, report = real
    summary = report.summary
    assert summary["imported"] > 2_900
    reasons = [s.reason for s in report.skipped]
    # The 17 mirror records without an NCT ID are reported, each with its line; the manifest is not a study file.
    assert sum("no NCT ID" in r for r in reasons) == 17
    assert sum("holds no studies" in r for r in reasons) == 1
    assert len(reasons) == 18


def test_allogeneic_cd19_programmes_each_carry_evidence(real: tuple[Context, ImportReport]) -> None:
    ctx, _ = real
    with ctx.sessions() as session:
        page = ctx.search.search(session, SearchQuery(filters={"cell_source": ["allogeneic"], "antigen": ["CD19"]},
                                                      limit=500))
    assert page.total >= 40
    for hit in page.hits:
        data = hit.as_dict()
        assert data["cell_source"] in {"allogeneic-donor", "allogeneic-unspecified", "cord-blood", "ipsc",
                                       "cell-line", "mixed"}
        assert "CD19" in data["antigens"]
        assert data["evidence"]["cell_source"][data["cell_source"]], hit.nct_id
        assert data["evidence"]["antigens"]["CD19"], hit.nct_id


def test_cli_search_json_on_real_records(real: tuple[Context, ImportReport]) -> None:
    ctx, _ = real
    result = CliRunner().invoke(
        app, ["trials", "search", "--source", "allogeneic", "--antigen", "CD19", "--json", "--limit", "500"],
        env={"ALLONAV_DATABASE_URL": ctx.settings.database_url, "ALLONAV_OFFLINE": "1"},
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["total"] == len(data["results"]) >= 40


@pytest.mark.parametrize(
    ("filters", "minimum"),
    [
        ({"antigen": ["CD7"], "cell_source": ["allogeneic"]}, 5),
        ({"modality": ["CAR-NK"]}, 20),
        ({"antigen": ["BCMA"], "country": ["China"]}, 20),
        ({"disease_group": ["autoimmune"]}, 100),
        ({"cell_source": ["allogeneic"], "status": ["open"], "country": ["United States"]}, 10),
    ],
)
def test_navigator_questions_have_answers(real: tuple[Context, ImportReport], filters: dict[str, list[str]],
                                          minimum: int) -> None:
    ctx, _ = real
    with ctx.sessions() as session:
        page = ctx.search.search(session, SearchQuery(filters=filters))
    assert page.total >= minimum, (filters, page.total)


def test_programmes_without_criteria_are_marked(real: tuple[Context, ImportReport]) -> None:
    ctx, _ = real
    with ctx.sessions() as session:
        page = ctx.search.search(session, SearchQuery(limit=200))
    assert any(not hit.has_criteria for hit in page.hits)
