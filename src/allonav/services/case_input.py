"""Read a patient case from a JSON file or request body, with clear errors."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from allonav.domain.case import PatientCase
from allonav.ingest.case_json import CaseError, load_case
from allonav.services.context import Context


class CaseInputError(ValueError):
    """The case cannot be read; the message lists every problem."""


def case_from_data(ctx: Context, data: object, *, as_of: date) -> PatientCase:
    """Validate case JSON (already decoded) against the vocabularies of this installation."""
    try:
        return load_case(data, labs=ctx.labs, antigens=ctx.vocabulary.antigen_order, as_of=as_of)
    except CaseError as exc:
        raise CaseInputError(str(exc)) from None


def case_from_file(ctx: Context, path: Path, *, as_of: date) -> PatientCase:
    """Read and validate a case file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CaseInputError(f"{path}: cannot read the case file ({exc.strerror or exc})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CaseInputError(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    try:
        return case_from_data(ctx, data, as_of=as_of)
    except CaseInputError as exc:
        raise CaseInputError(f"{path}: {exc}") from None
