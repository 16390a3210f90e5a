"""File readers: every export shape, and bad records reported in place."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from allonav.ingest.files import SourceError, expand_paths, iter_file

STUDIES = Path(__file__).resolve().parents[1] / "fixtures" / "studies"


@pytest.mark.parametrize(
    ("name", "count"),
    [("six_programmes.json", 6), ("single_study.json", 1), ("api_page.json", 2)],
)
def test_json_shapes_yield_every_study(name: str, count: int) -> None:
    records = list(iter_file(STUDIES / name))
    assert len(records) == count
    assert all(r.study is not None and r.error is None for r in records)


def test_jsonl_reports_each_bad_line_with_its_number() -> None:
    records = list(iter_file(STUDIES / "broken_records.jsonl"))
    assert [r.location.rsplit(":", 1)[1] for r in records] == ["1", "2", "3", "4", "5", "6"]
    errors = {r.location.rsplit(":", 1)[1]: str(r.error) for r in records if r.error}
    assert "invalid JSON" in errors["2"]
    assert "must be a JSON object" in errors["5"]


def test_a_json_file_with_no_studies_is_one_error() -> None:
    [record] = list(iter_file(STUDIES / "no_studies.json"))
    assert record.error is not None and "holds no studies" in str(record.error)


def test_a_json_list_of_non_studies_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "MANIFEST.json"
    path.write_text(json.dumps([{"file": "a.json"}, {"file": "b.json"}]), encoding="utf-8")
    [record] = list(iter_file(path))
    assert record.error is not None and "none of its 2 items has a protocolSection" in str(record.error)


def test_invalid_json_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "ctg-studies.json"
    path.write_text('[{"protocolSection": ', encoding="utf-8")
    [record] = list(iter_file(path))
    assert record.error is not None and "invalid JSON" in str(record.error)


def test_zip_members_are_read_in_order(tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(STUDIES / "api_page.json", "b/api_page.json")
        zf.write(STUDIES / "single_study.json", "a/single.json")
        zf.writestr("README.txt", "ignored")
    records = list(iter_file(archive))
    assert [r.location.split("!")[1].split(" ")[0] for r in records] == ["a/single.json", "b/api_page.json",
                                                                        "b/api_page.json"]


def test_a_broken_zip_is_reported(tmp_path: Path) -> None:
    archive = tmp_path / "broken.zip"
    archive.write_bytes(b"PK\x03\x04 not really")
    [record] = list(iter_file(archive))
    assert record.error is not None and "zip" in str(record.error)


def test_csv_export_is_read(tmp_path: Path) -> None:
    path = tmp_path / "ctg-studies.csv"
    path.write_text(
        "NCT Number,Study Title,Study Status,Conditions,Interventions,Phases\n"
        "NCT99000101,Universal CD7 CAR-T,RECRUITING,T-ALL,BIOLOGICAL: CD7 UCAR-T,PHASE1\n"
        ",Row without an ID,RECRUITING,AML,,PHASE1\n",
        encoding="utf-8",
    )
    records = list(iter_file(path))
    assert records[0].study is not None
    assert records[1].error is not None and records[1].location.endswith("row 3")


def test_folders_expand_to_supported_files(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.json").write_text(json.dumps([]))
    (tmp_path / "notes.txt").write_text("x")
    assert expand_paths([tmp_path]) == [tmp_path / "sub" / "a.json"]


@pytest.mark.parametrize(("name", "reason"), [("missing.json", "no such file"), ("notes.txt", "unsupported")])
def test_unusable_paths_raise_source_error(tmp_path: Path, name: str, reason: str) -> None:
    if name.endswith(".txt"):
        (tmp_path / name).write_text("x")
    with pytest.raises(SourceError, match=reason):
        expand_paths([tmp_path / name])
