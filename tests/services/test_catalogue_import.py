"""Import: good records land, bad ones are reported with file, position and reason; batches are atomic."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from allonav.services import catalogue_import
from allonav.services.catalogue_import import import_paths
from allonav.services.context import Context
from allonav.store.tables import FacetRow, SearchTextRow, TrialRow
from allonav.store.trials import count_trials

STUDIES = Path(__file__).resolve().parents[1] / "fixtures" / "studies"


def test_broken_file_imports_the_good_records_and_reports_each_bad_one(ctx: Context) -> None:
    report = import_paths(ctx.sessions, [STUDIES / "broken_records.jsonl"], vocabulary=ctx.vocabulary)
    assert report.summary["imported"] == 2
    assert report.summary["skipped"] == 4
    reasons = {s.location.rsplit(":", 1)[1]: s.reason for s in report.skipped}
    assert "invalid JSON" in reasons["2"]
    assert "no NCT ID" in reasons["3"]
    assert "conditionsModule.conditions must be a list" in reasons["4"]
    assert "must be a JSON object" in reasons["5"]
    with ctx.sessions() as session:
        assert count_trials(session) == 2


def test_folder_import_then_reimport_is_idempotent(ctx: Context) -> None:
    first = import_paths(ctx.sessions, [STUDIES], vocabulary=ctx.vocabulary)
    assert first.summary["imported"] == 6
    second = import_paths(ctx.sessions, [STUDIES], vocabulary=ctx.vocabulary)
    assert second.summary["imported"] == 0 and second.summary["updated"] == 0
    assert second.summary["unchanged"] == first.summary["read"] - first.summary["skipped"]


def test_a_failure_mid_batch_leaves_no_half_written_trial(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = {"n": 0}
    real = catalogue_import.upsert_trials

    def fail_on_second_batch(session, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        counts = real(session, **kwargs)  # rows written inside the transaction …
        if calls["n"] == 2:
            raise RuntimeError("disk full")  # … then the process fails before commit
        return counts

    monkeypatch.setattr(catalogue_import, "upsert_trials", fail_on_second_batch)
    with pytest.raises(RuntimeError):
        import_paths(ctx.sessions, [STUDIES / "six_programmes.json"], vocabulary=ctx.vocabulary, batch_size=4)
    with ctx.sessions() as session:
        trials = session.execute(select(func.count()).select_from(TrialRow)).scalar_one()
        texts = session.execute(select(func.count()).select_from(SearchTextRow)).scalar_one()
        facets = session.execute(select(func.count(func.distinct(FacetRow.trial_id)))).scalar_one()
    assert trials == 4  # the first batch only, complete
    assert texts == 4 and facets == 4


def test_worker_processes_give_the_same_result(ctx: Context) -> None:
    report = import_paths(ctx.sessions, [STUDIES], vocabulary=ctx.vocabulary, workers=2, batch_size=2)
    assert report.summary["imported"] == 6
    assert len(report.skipped) == 5  # 4 bad JSONL lines + the file with no studies
