"""Shared pieces of the command line: consoles, errors, the context, JSON output."""

from __future__ import annotations

import json
import re
import sys
from datetime import date
from typing import Any, NoReturn

import typer
from rich.console import Console

from allonav.services.context import Context, open_context
from allonav.settings import Settings
from allonav.store.db import DatabaseURLError

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
NCT = re.compile(r"^NCT\d{8}$", re.IGNORECASE)


def fail(message: str, code: int = 2) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def require_nct(value: str) -> str:
    """The NCT ID, upper-cased, or a clear error and exit 2."""
    if not NCT.match(value.strip()):
        fail(f"not an NCT ID: {value!r} (expected NCT followed by 8 digits)")
    return value.strip().upper()


def context() -> Context:
    try:
        return open_context(Settings.from_env())
    except DatabaseURLError as exc:
        fail(str(exc))
    except Exception as exc:
        fail(f"cannot open the database: {exc}")


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def parse_date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{option} must be a date like 2026-01-31, got {value!r}")
