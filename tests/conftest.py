"""Shared fixtures: databases (SQLite always, PostgreSQL when a server is given), contexts, data paths."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from allonav.services.context import Context, open_context
from allonav.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
STUDIES = FIXTURES / "studies"
POSTGRES_URL = os.environ.get("ALLONAV_TEST_POSTGRES_URL")
POSTGRES_SKIP = "PostgreSQL pass skipped: set ALLONAV_TEST_POSTGRES_URL (.ci/run starts a throw-away server)"


def shared_dir() -> Path:
    """The read-only ../shared data folder (or ALLONAV_SHARED_DIR)."""
    return Path(os.environ.get("ALLONAV_SHARED_DIR") or ROOT.parent / "shared")


@pytest.fixture(scope="session")
def shared() -> Path:
    path = shared_dir()
    if not (path / "data" / "ctgov").is_dir():
        pytest.skip(f"real data not found at {path} (set ALLONAV_SHARED_DIR); skipping real-data test")
    return path


def _reset_postgres(url: str) -> None:
    from allonav.store.db import make_engine

    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database of each supported kind."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'allonav.db'}"
    if not POSTGRES_URL:
        pytest.skip(POSTGRES_SKIP)
    _reset_postgres(POSTGRES_URL)
    return POSTGRES_URL


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings.from_env(
        {"ALLONAV_DATABASE_URL": database_url, "ALLONAV_DATA_DIR": str(tmp_path), "ALLONAV_OFFLINE": "1",
         "ALLONAV_SNAPSHOT": str(tmp_path / "no-snapshot"), "ALLONAV_CTGOV_URL": "http://127.0.0.1:9/api/v2/studies"}
    )


@pytest.fixture
def ctx(settings: Settings) -> Iterator[Context]:
    context = open_context(settings)
    yield context
    context.close()


@pytest.fixture
def sqlite_settings(tmp_path: Path) -> Settings:
    """Settings on a SQLite file only (for end-to-end tests that need one backend)."""
    return Settings.from_env(
        {"ALLONAV_DATA_DIR": str(tmp_path), "ALLONAV_OFFLINE": "1", "ALLONAV_SNAPSHOT": str(tmp_path / "none"),
         "ALLONAV_CTGOV_URL": "http://127.0.0.1:9/api/v2/studies"}
    )
