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
