"""Read ClinicalTrials.gov exports from files: every supported shape, record by record.

Shapes: one API v2 study object, a JSON list of studies (the website's `ctg-studies.json`), an
API page `{"studies": [...]}`, JSON Lines, the website's CSV export, a `.zip` of any of these, and
a folder of them. Each record comes out with its location; a record that cannot be read comes out
as a `RecordError` in its place, so one bad record never stops the rest.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from allonav.ingest.errors import RecordError
from allonav.ingest.study_csv import iter_csv_studies

SUFFIXES = (".json", ".jsonl", ".ndjson", ".csv", ".zip")


@dataclass(frozen=True, slots=True)
class RawRecord:
    """A study as read from a file (`study`), or why it could not be read (`error`)."""

    location: str
    study: dict[str, Any] | None = None
    error: RecordError | None = None


class SourceError(OSError):
    """A path cannot be read at all (missing, unsupported type, unreadable)."""


def _json_records(name: str, text: str) -> Iterator[RawRecord]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        yield RawRecord(name, error=RecordError(f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"))
        return
    if isinstance(data, dict) and "studies" in data:
        studies = data["studies"]
        if not isinstance(studies, list):
            yield RawRecord(name, error=RecordError('"studies" must be a list of study objects'))
            return
    elif isinstance(data, dict) and "protocolSection" in data:
        studies = [data]
    elif isinstance(data, list):
        studies = data
    else:
        reason = 'this JSON holds no studies (expected a study, a list or {"studies": [...]})'
        yield RawRecord(name, error=RecordError(reason))
        return
    if not studies:
        yield RawRecord(name, error=RecordError("this JSON holds no studies (the list is empty)"))
        return
    if not any(isinstance(item, dict) and "protocolSection" in item for item in studies):
        yield RawRecord(name, error=RecordError(
            f"this JSON holds no studies: none of its {len(studies)} items has a protocolSection"))
        return
    for index, study in enumerate(studies, start=1):
        location = f"{name} #{index}"
        if isinstance(study, dict):
            yield RawRecord(location, study=study)
        else:
            yield RawRecord(location, error=RecordError(f"a study must be a JSON object, got {type(study).__name__}"))


def _jsonl_records(name: str, stream: IO[str]) -> Iterator[RawRecord]:
    seen = False
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        seen = True
        location = f"{name}:{number}"
        try:
            study = json.loads(line)
        except json.JSONDecodeError as exc:
            yield RawRecord(location, error=RecordError(f"invalid JSON: {exc.msg} (column {exc.colno})"))
            continue
        if isinstance(study, dict):
            yield RawRecord(location, study=study)
        else:
            yield RawRecord(location, error=RecordError(f"a study must be a JSON object, got {type(study).__name__}"))
    if not seen:
        yield RawRecord(name, error=RecordError("this file holds no studies (it is empty)"))


def _csv_records(name: str, stream: IO[str]) -> Iterator[RawRecord]:
    try:
        for row, item in iter_csv_studies(stream):
            location = f"{name}:row {row}"
            if isinstance(item, RecordError):
                yield RawRecord(location, error=item)
            else:
                yield RawRecord(location, study=item)
    except RecordError as exc:
        yield RawRecord(name, error=exc)


def _records_from_bytes(name: str, data: bytes) -> Iterator[RawRecord]:
    suffix = Path(name).suffix.lower()
    if suffix == ".zip":
        yield from _zip_records(name, io.BytesIO(data))
        return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        yield RawRecord(name, error=RecordError(f"not UTF-8 text (byte {exc.start})"))
        return
    if suffix == ".json":
        yield from _json_records(name, text)
    elif suffix in {".jsonl", ".ndjson"}:
        yield from _jsonl_records(name, io.StringIO(text))
    elif suffix == ".csv":
        yield from _csv_records(name, io.StringIO(text, newline=""))


def _zip_records(name: str, data: IO[bytes]) -> Iterator[RawRecord]:
    try:
        archive = zipfile.ZipFile(data)
    except zipfile.BadZipFile as exc:
        yield RawRecord(name, error=RecordError(f"not a readable zip file ({exc})"))
        return
    with archive:
        members = sorted(
            m for m in archive.namelist()
            if not m.endswith("/") and Path(m).suffix.lower() in SUFFIXES and not Path(m).name.startswith(".")
        )
        if not members:
            yield RawRecord(name, error=RecordError("the zip file holds no .json, .jsonl or .csv files"))
        for member in members:
            yield from _records_from_bytes(f"{name}!{member}", archive.read(member))


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files to read: each file as given, and every supported file under each folder (sorted)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
        elif path.is_file():
            if path.suffix.lower() not in SUFFIXES:
                raise SourceError(f"{path}: unsupported file type; allonav reads {', '.join(SUFFIXES)} and folders")
            files.append(path)
        else:
            raise SourceError(f"{path}: no such file or folder")
    return files


def iter_file(path: Path) -> Iterator[RawRecord]:
    """Every record of one file, in file order."""
    name = str(path)
    suffix = path.suffix.lower()
    if suffix in {".jsonl", ".ndjson", ".csv"}:
        with path.open(encoding="utf-8-sig", newline="" if suffix == ".csv" else None) as stream:
            try:
                if suffix == ".csv":
                    yield from _csv_records(name, stream)
                else:
                    yield from _jsonl_records(name, stream)
            except UnicodeDecodeError as exc:
                yield RawRecord(name, error=RecordError(f"not UTF-8 text (byte {exc.start})"))
        return
    yield from _records_from_bytes(name, path.read_bytes())
