"""Shared helpers for the benchmarks: where ../shared is, synthetic catalogues, machine description."""

from __future__ import annotations

import json
import os
import platform
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    path = Path(os.environ.get("ALLONAV_SHARED_DIR") or ROOT.parent / "shared")
    if not (path / "data" / "ctgov").is_dir():
        sys.exit(f"benchmark needs the real records: {path}/data/ctgov not found (set ALLONAV_SHARED_DIR)")
    return path


def real_studies(shared: Path) -> list[dict[str, object]]:
    """The real cell-therapy records of the landscape file (API v2 shape)."""
    path = shared / "data" / "ctgov" / "celltherapy_landscape_2026-08.jsonl"
    with path.open(encoding="utf-8") as stream:
        return [json.loads(line) for line in stream if line.strip()]


def synthetic_studies(real: list[dict[str, object]], count: int) -> Iterator[dict[str, object]]:
    """`count` studies made by copying real ones under new NCT IDs (NCT9xxxxxxx)."""
    for index in range(count):
        study = json.loads(json.dumps(real[index % len(real)]))
        protocol = study["protocolSection"]
        assert isinstance(protocol, dict)
        protocol["identificationModule"]["nctId"] = f"NCT9{index:07d}"
        yield study


def write_jsonl(path: Path, studies: Iterator[dict[str, object]]) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as stream:
        for study in studies:
            stream.write(json.dumps(study, ensure_ascii=False) + "\n")
            count += 1
    return count


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"
