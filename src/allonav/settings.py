"""Configuration read from the environment by the CLI and `create_app()` — never at import time."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_API_URL = "https://clinicaltrials.gov/api/v2/studies"

#: Every setting, its environment variable and what it means. The README documents each one
#: (a test checks that it does).
SETTINGS_DOC: dict[str, str] = {
    "ALLONAV_DATABASE_URL": "SQLAlchemy URL of the database (default: SQLite file under the data dir)",
    "ALLONAV_DATA_DIR": "folder for the SQLite file and other local state (default: ./var)",
    "ALLONAV_SNAPSHOT": "folder (or file) of ClinicalTrials.gov records to load when the live API is unreachable",
    "ALLONAV_CTGOV_URL": "ClinicalTrials.gov API v2 studies endpoint (default: the public API)",
    "ALLONAV_OFFLINE": "set to 1 to never try the live API (first run and sync)",
}


@dataclass(frozen=True, slots=True)
class Settings:
    data_dir: Path
    database_url: str
    snapshot: Path | None
    ctgov_url: str
    offline: bool

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, cwd: Path | None = None) -> Settings:
        """Build settings from environment variables (`os.environ` by default)."""
        env = os.environ if env is None else env
        base = cwd or Path.cwd()
        data_dir = Path(env.get("ALLONAV_DATA_DIR") or base / "var")
        url = env.get("ALLONAV_DATABASE_URL") or f"sqlite:///{(data_dir / 'allonav.db').resolve()}"
        snapshot_raw = env.get("ALLONAV_SNAPSHOT")
        snapshot: Path | None
        if snapshot_raw:
            snapshot = Path(snapshot_raw)
        else:
            default = (base.parent / "shared" / "data" / "ctgov").resolve()
            snapshot = default if default.exists() else None
        return cls(
            data_dir=data_dir,
            database_url=url,
            snapshot=snapshot,
            ctgov_url=env.get("ALLONAV_CTGOV_URL") or DEFAULT_API_URL,
            offline=env.get("ALLONAV_OFFLINE", "") in {"1", "true", "yes"},
        )
