"""`allonav extract`: proposed facts with provenance, a proposed case, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from allonav.cli import app

NOTES = Path(__file__).resolve().parent / "fixtures" / "notes"


def test_extract_json_gives_facts_with_provenance_and_a_case() -> None:
    result = CliRunner().invoke(app, ["extract", str(NOTES / "relapsed_ball_cd19_negative_after_cart.txt"),
                                      str(NOTES / "tall_cd7_positive.txt"), "--json", "--as-of", "2026-11-26"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["facts"] and all(f["provenance"]["source"].startswith("document:") for f in data["facts"])
    assert all(f["provenance"]["sentence"] is not None for f in data["facts"])
    assert data["case"]["case_id"] == "extracted"
    assert "proposed facts" in data["note"]


def test_extract_unreadable_file_is_a_clear_error(tmp_path: Path) -> None:
    binary = tmp_path / "scan.txt"
    binary.write_bytes(b"\xff\xfe\x00\x81")
    result = CliRunner().invoke(app, ["extract", str(binary)])
    assert result.exit_code == 2
    assert "cannot read this record as UTF-8 text" in result.stderr


def test_judge_jsonl_writes_one_verdict_per_good_line_and_reports_bad_ones(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.jsonl"
    note = "0. A 34-year-old woman with relapsed B-cell acute lymphoblastic leukemia.\n1. She denies HIV infection."
    pairs.write_text("\n".join([
        json.dumps({"id": "a", "note": note, "criterion_type": "inclusion", "criterion_text": "Age 18 to 70 years"}),
        json.dumps({"id": "b", "note": note, "criterion_type": "exclusion", "criterion_text": "Known HIV infection"}),
        "{not json",
        json.dumps({"id": "d", "note": note, "criterion_type": "maybe", "criterion_text": "x"}),
    ]) + "\n")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["judge", "--jsonl", str(pairs), "--out", str(out), "--as-of", "2026-11-26"])
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == ["a", "b"]
    assert rows[0]["label"] == "included"
    assert rows[1]["label"] == "not excluded"
    assert "pairs.jsonl:3" in result.stderr and "pairs.jsonl:4" in result.stderr
