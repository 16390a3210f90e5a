"""Import direction: domain imports nothing of allonav; engines import only domain; edges are never imported
by engines."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "allonav"
ENGINES = ("catalogue", "criteria", "eligibility", "records", "navigation", "pathway")
EDGES = ("ingest", "store", "services", "web", "cli", "settings")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return {n for n in names if n.startswith("allonav")}


def _modules(folder: str) -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py"))


@pytest.mark.parametrize("path", _modules("domain"), ids=lambda p: p.name)
def test_domain_imports_nothing_of_allonav(path: Path) -> None:
    assert {i for i in _imports(path) if not i.startswith("allonav.domain")} == set()


@pytest.mark.parametrize("engine", ENGINES)
def test_engines_import_only_domain_and_themselves(engine: str) -> None:
    for path in _modules(engine):
        bad = {i for i in _imports(path) if not (i.startswith("allonav.domain") or i.startswith(f"allonav.{engine}"))}
        assert not bad, f"{path.relative_to(PACKAGE)} imports {sorted(bad)}"


def test_no_module_is_too_long() -> None:
    long = [str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py") if len(p.read_text().splitlines()) > 520]
    assert not long, f"split these modules: {long}"
