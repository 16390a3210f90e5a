"""The `allonav` command line end to end: import, search, show, and clear errors on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from allonav.cli import app
from allonav.settings import Settings

STUDIES = Path(__file__).resolve().parent / "fixtures" / "studies"
runner = CliRunner()


@pytest.fixture
def env(sqlite_settings: Settings) -> dict[str, str]:
    return {"ALLONAV_DATABASE_URL": sqlite_settings.database_url, "ALLONAV_OFFLINE": "1",
            "ALLONAV_SNAPSHOT": str(sqlite_settings.data_dir / "none")}


def _run(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def test_import_reports_bad_records_and_exits_zero(env: dict[str, str]) -> None:
    code, out, err = _run(env, "trials", "import", str(STUDIES / "broken_records.jsonl"))
    assert code == 0
    assert "imported 2" in out and "skipped 4" in out
    assert "broken_records.jsonl:2: invalid JSON" in err


def test_import_json_report(env: dict[str, str]) -> None:
    code, out, _ = _run(env, "trials", "import", str(STUDIES / "broken_records.jsonl"), "--json")
    report = json.loads(out)
    assert code == 0 and report["imported"] == 2 and len(report["skipped_records"]) == 4


def test_search_allogeneic_cd19_json_carries_evidence(env: dict[str, str]) -> None:
    _run(env, "trials", "import", str(STUDIES / "six_programmes.json"))
    code, out, _ = _run(env, "trials", "search", "--source", "allogeneic", "--antigen", "CD19", "--json")
    assert code == 0
    data = json.loads(out)
    assert {r["nct_id"] for r in data["results"]} == {"NCT99000001", "NCT99000004", "NCT99000005"}
    for result in data["results"]:
        assert result["evidence"]["cell_source"][result["cell_source"]], "cell source without evidence"
        assert result["evidence"]["antigens"]["CD19"], "antigen without evidence"


def test_search_table_output(env: dict[str, str]) -> None:
    _run(env, "trials", "import", str(STUDIES / "six_programmes.json"))
    code, out, _ = _run(env, "trials", "search", "lupus")
    assert code == 0 and "NCT99000005" in out and "1 programme" in out


def test_show_json_has_the_documented_fields(env: dict[str, str]) -> None:
    _run(env, "trials", "import", str(STUDIES / "six_programmes.json"))
    code, out, _ = _run(env, "trials", "show", "NCT99000001", "--json")
    assert code == 0
    data = json.loads(out)
    for key in ("nct_id", "title", "overall_status", "phases", "conditions", "modality", "cell_source",
                "gene_editing", "antigens", "disease_groups", "countries", "sites", "eligibility_criteria",
                "last_update", "evidence"):
        assert key in data, key
    assert data["countries"] == ["China"]


def test_show_without_criteria_says_so(env: dict[str, str]) -> None:
    _run(env, "trials", "import", str(STUDIES / "six_programmes.json"))
    code, out, _ = _run(env, "trials", "show", "NCT99000006")
    assert code == 0 and "criteria not available: sync from ClinicalTrials.gov" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["trials", "show", "12345"], "not an NCT ID"),
        (["trials", "show", "NCT00000000"], "is not in the catalogue"),
        (["trials", "import", "/no/such/file.json"], "no such file or folder"),
        (["trials", "search", "--antigen", "CD999"], "unknown antigen 'CD999'"),
        (["trials", "search", "--limit", "0"], "limit"),
        (["trials", "sync", "--since", "last week"], "--since must be a date"),
    ],
)
def test_bad_input_gets_a_clear_message_and_nonzero_exit(env: dict[str, str], args: list[str], message: str) -> None:
    code, _, err = _run(env, *args)
    assert code != 0
    assert message in err


def test_bad_database_url_is_explained(env: dict[str, str]) -> None:
    code, _, err = _run({**env, "ALLONAV_DATABASE_URL": "mysql://x"}, "trials", "search")
    assert code == 2 and "allonav supports sqlite and postgresql" in err


def test_setup_offline_without_snapshot_says_how_to_fill(env: dict[str, str]) -> None:
    code, out, _ = _run(env, "setup", "--offline")
    assert code == 0 and "allonav trials import PATH" in out


def test_setup_offline_fills_from_a_snapshot(env: dict[str, str]) -> None:
    code, out, _ = _run({**env, "ALLONAV_SNAPSHOT": str(STUDIES)}, "setup", "--offline")
    assert code == 0 and "catalogue filled from" in out
    code, out, _ = _run(env, "setup", "--offline")
    assert "catalogue ready: 6 programmes" in out
