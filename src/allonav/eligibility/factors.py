"""Synthetic criteria kept as data: the allogeneic-readiness factors of `data/readiness.toml`.

Each `[[factor]]` becomes a `Criterion` (ids R1, R2 …; children R3.1 …) so the readiness screen uses
the same judge and the same verdict structure as a trial's criteria. Validated on load.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from allonav.domain.criterion import Category, Comparator, Criterion, CriterionKind, Threshold

FACTOR_KEYS = frozenset(
    {"kind", "category", "text", "source", "values", "measurement", "threshold", "method", "negated", "window_days",
     "group", "child"}
)  # fmt: skip
CHILD_KEYS = FACTOR_KEYS - {"kind", "source"}
THRESHOLD_KEYS = frozenset({"comparator", "value", "upper", "unit", "uln_multiple"})
GROUPS = ("any", "all")
METHODS = ("flow", "IHC")


class FactorError(ValueError):
    """readiness.toml is malformed; the message names the factor and what is allowed."""


@dataclass(frozen=True, slots=True)
class Factor:
    """A readiness criterion and the source of its fact or threshold (shown beside the verdict)."""

    criterion: Criterion
    source: str


def _enum_value(enum: type[Category] | type[Comparator] | type[CriterionKind], value: Any, where: str) -> Any:
    try:
        return enum(value)
    except ValueError:
        raise FactorError(f"{where}: {value!r} not allowed; allowed: {[m.value for m in enum]}") from None


def _threshold(entry: Any, where: str) -> Threshold | None:
    if entry is None:
        return None
    if not isinstance(entry, dict) or set(entry) - THRESHOLD_KEYS:
        raise FactorError(f"{where}: threshold must be a table with keys {sorted(THRESHOLD_KEYS)}")
    value, upper = entry.get("value"), entry.get("upper")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise FactorError(f"{where}: threshold value must be a number")
    comparator = _enum_value(Comparator, entry.get("comparator"), f"{where} threshold.comparator")
    if comparator is Comparator.BETWEEN and not isinstance(upper, int | float):
        raise FactorError(f"{where}: a 'between' threshold needs a numeric upper")
    unit = entry.get("unit")
    if unit is not None and not isinstance(unit, str):
        raise FactorError(f"{where}: threshold unit must be text")
    return Threshold(
        comparator=comparator,
        value=float(value),
        upper=float(upper) if isinstance(upper, int | float) else None,
        unit=unit,
        uln_multiple=bool(entry.get("uln_multiple", False)),
    )


def _criterion(entry: Mapping[str, Any], cid: str, kind: CriterionKind, labs: frozenset[str], where: str) -> Criterion:
    allowed = FACTOR_KEYS if "." not in cid else CHILD_KEYS
    unknown = set(entry) - allowed
    if unknown:
        raise FactorError(f"{where}: unknown key(s) {sorted(unknown)}; allowed: {sorted(allowed)}")
    text = entry.get("text")
    if not isinstance(text, str) or not text.strip():
        raise FactorError(f"{where}: 'text' is required")
    category = _enum_value(Category, entry.get("category"), f"{where} category")
    values = entry.get("values", [])
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise FactorError(f"{where}: values must be a list of text")
    measurement = entry.get("measurement")
    if category is Category.LAB and measurement is not None and measurement not in labs:
        raise FactorError(f"{where}: lab measurement {measurement!r} unknown; allowed: {sorted(labs)}")
    method = entry.get("method")
    if method is not None and method not in METHODS:
        raise FactorError(f"{where}: method {method!r} not allowed; allowed: {list(METHODS)}")
    group = entry.get("group")
    children_entries = entry.get("child", [])
    if (group is None) != (not children_entries) or (group is not None and group not in GROUPS):
        raise FactorError(f"{where}: 'group' ({list(GROUPS)}) and [[child]] entries go together")
    window = entry.get("window_days")
    if window is not None and (isinstance(window, bool) or not isinstance(window, int) or window <= 0):
        raise FactorError(f"{where}: window_days must be a positive whole number")
    negated = entry.get("negated", False)
    if not isinstance(negated, bool):
        raise FactorError(f"{where}: negated must be true or false")
    children = tuple(
        _criterion(child, f"{cid}.{n}", kind, labs, f"{where} child {n}") for n, child in enumerate(children_entries, 1)
    )
    return Criterion(
        criterion_id=cid,
        kind=kind,
        text=text,
        category=category,
        negated=negated,
        measurement=measurement if isinstance(measurement, str) else None,
        threshold=_threshold(entry.get("threshold"), where),
        values=tuple(values),
        method=method,
        window_days=window,
        group=group,
        children=children,
    )


def load_factors(path: Path, labs: frozenset[str]) -> tuple[Factor, ...]:
    """Read readiness factors from TOML; `labs` are the canonical lab names a threshold may use.

    Example: a factor `category = "performance", measurement = "ECOG", threshold = {comparator = "<=",
    value = 2}` becomes Criterion R9 "ECOG performance status 0–2".
    """
    with path.open("rb") as stream:
        doc = tomllib.load(stream)
    if set(doc) - {"factor"}:
        raise FactorError(f"{path.name}: only [[factor]] entries are allowed")
    factors: list[Factor] = []
    for index, entry in enumerate(doc.get("factor", []), 1):
        where = f"{path.name} factor {index}"
        kind = _enum_value(CriterionKind, entry.get("kind"), f"{where} kind")
        source = entry.get("source")
        if not isinstance(source, str) or not source.strip():
            raise FactorError(f"{where}: 'source' is required (cite where the fact comes from)")
        factors.append(Factor(_criterion(entry, f"R{index}", kind, labs, where), source))
    if not factors:
        raise FactorError(f"{path.name}: no factors")
    return tuple(factors)
