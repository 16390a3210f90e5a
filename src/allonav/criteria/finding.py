"""A typed finding inside one criterion's text, before it becomes a `Criterion`; and span bookkeeping."""

from __future__ import annotations

from dataclasses import dataclass, field

from allonav.domain.criterion import Category, Threshold


@dataclass(slots=True)
class Finding:
    """One check found in a criterion: "ANC ≥ 1.0 × 10^9/L" → lab ANC GE 1.0 (start/end index the clean text)."""

    category: Category
    start: int
    end: int
    values: tuple[str, ...] = ()
    measurement: str | None = None
    threshold: Threshold | None = None
    method: str | None = None
    window_days: int | None = None
    negated: bool = False
    triggers: list[tuple[int, int]] = field(default_factory=list)


@dataclass(slots=True)
class Claims:
    """Character ranges already explained by an earlier detector, so later detectors skip them.

    Example: once "CNS leukemia" is claimed as CNS involvement, "leukemia" is not read again as a diagnosis.
    """

    spans: list[tuple[int, int]] = field(default_factory=list)

    def free(self, start: int, end: int) -> bool:
        """True when [start, end) overlaps no claimed range."""
        return all(end <= a or start >= b for a, b in self.spans)

    def claim(self, start: int, end: int) -> None:
        """Mark [start, end) as explained."""
        self.spans.append((start, end))


def add_value(values: tuple[str, ...], value: str | None) -> tuple[str, ...]:
    """`values` with `value` appended once: add_value(("HBV",), "HCV") → ("HBV", "HCV")."""
    if value is None or value in values:
        return values
    return (*values, value)
