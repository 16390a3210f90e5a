"""Import ClinicalTrials.gov records into the catalogue: read, parse, classify, upsert in batches."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from allonav.catalogue.classify import classify
from allonav.catalogue.vocabulary import Vocabulary
from allonav.domain.trial import CellTherapyProfile, Trial
from allonav.ingest.errors import RecordError
from allonav.ingest.files import RawRecord, expand_paths, iter_file
from allonav.ingest.study_json import parse_study
from allonav.store.trials import UpsertCounts, upsert_trials

BATCH_SIZE = 500

Progress = Callable[[int, str], None]


@dataclass(frozen=True, slots=True)
class SkippedRecord:
    location: str
    reason: str


@dataclass(slots=True)
class ImportReport:
    """What an import did: counts by outcome and every skipped record with its reason."""

    files: int = 0
    read: int = 0
    counts: UpsertCounts = field(default_factory=UpsertCounts)
    skipped: list[SkippedRecord] = field(default_factory=list)

    @property
    def summary(self) -> dict[str, int]:
        return {
            "files": self.files,
            "read": self.read,
            "imported": len(self.counts.inserted),
            "updated": len(self.counts.updated),
            "unchanged": len(self.counts.unchanged) + len(self.counts.older),
            "older_ignored": len(self.counts.older),
            "skipped": len(self.skipped),
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.summary,
            "skipped_records": [{"location": s.location, "reason": s.reason} for s in self.skipped],
        }


def _write_batch(factory: sessionmaker[Session], batch: list[tuple[Trial, CellTherapyProfile]],
                 now: datetime) -> UpsertCounts:
    with factory.begin() as session:
        return upsert_trials(session, items=batch, now=now)


def import_records(
    factory: sessionmaker[Session],
    records: Iterable[RawRecord],
    *,
    vocabulary: Vocabulary,
    report: ImportReport,
    batch_size: int = BATCH_SIZE,
    on_progress: Progress | None = None,
    now: datetime | None = None,
) -> ImportReport:
    """Parse, classify and upsert records; each batch commits whole or not at all."""
    stamp = now or datetime.now(UTC)
    batch: list[tuple[Trial, CellTherapyProfile]] = []
    for raw in records:
        report.read += 1
        if raw.error is not None or raw.study is None:
            report.skipped.append(SkippedRecord(raw.location, str(raw.error or "empty record")))
            continue
        try:
            trial = parse_study(raw.study, source=raw.location)
        except RecordError as exc:
            report.skipped.append(SkippedRecord(raw.location, str(exc)))
            continue
        batch.append((trial, classify(trial, vocabulary)))
        if len(batch) >= batch_size:
            report.counts.add(_write_batch(factory, batch, stamp))
            batch = []
            if on_progress:
                on_progress(report.read, raw.location)
    if batch:
        report.counts.add(_write_batch(factory, batch, stamp))
    if on_progress:
        on_progress(report.read, "")
    return report


def import_paths(
    factory: sessionmaker[Session],
    paths: list[Path],
    *,
    vocabulary: Vocabulary,
    batch_size: int = BATCH_SIZE,
    on_progress: Progress | None = None,
    now: datetime | None = None,
) -> ImportReport:
    """Import every record of every file (folders expanded). Raises `SourceError` only for unreadable paths."""
    files = expand_paths(paths)
    report = ImportReport(files=len(files))

    def records() -> Iterator[RawRecord]:
        for path in files:
            yield from iter_file(path)

    return import_records(factory, records(), vocabulary=vocabulary, report=report, batch_size=batch_size,
                          on_progress=on_progress, now=now)


def import_studies(
    factory: sessionmaker[Session],
    studies: Iterable[dict[str, Any]],
    *,
    source: str,
    vocabulary: Vocabulary,
    report: ImportReport,
    now: datetime | None = None,
) -> ImportReport:
    """Import raw API study objects (from a sync page) under a source label."""
    raws = (RawRecord(f"{source} #{i}", study=study) for i, study in enumerate(studies, start=1))
    return import_records(factory, raws, vocabulary=vocabulary, report=report, now=now)
