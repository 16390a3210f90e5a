"""The README documents every setting and every CLI command."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer.main

from allonav.cli import app
from allonav.settings import SETTINGS_DOC

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(SETTINGS_DOC))
def test_every_setting_is_documented(name: str) -> None:
    assert name in README


def _commands(group: typer.Typer, prefix: str = "allonav") -> list[str]:
    command = typer.main.get_command(group)
    found: list[str] = []

    def walk(cmd: object, path: str) -> None:
        sub = getattr(cmd, "commands", None)
        if sub:
            for name, child in sub.items():
                walk(child, f"{path} {name}")
        else:
            found.append(path)

    walk(command, prefix)
    return found


@pytest.mark.parametrize("command", _commands(app))
def test_every_cli_command_is_documented(command: str) -> None:
    assert command in README
