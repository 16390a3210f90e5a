"""What a category check finds: whether the criterion's statement holds, with evidence and what to collect.

A `Finding` is about the positive statement of a criterion ("CD19 is expressed", "active CNS disease");
`judge` then applies negation and turns it into a `CriterionVerdict`. `holds=None` is unknown, never
a silent pass. Helpers here compare thresholds, check freshness and combine findings.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from allonav.domain.case import Provenance
from allonav.domain.criterion import Comparator, Threshold
from allonav.domain.verdict import CaseEvidence


@dataclass(frozen=True, slots=True)
class Finding:
    """`holds` True/False/None (unknown); `applicable` False for not_applicable (e.g. pregnancy, male)."""

    holds: bool | None
    evidence: tuple[CaseEvidence, ...] = ()
    explanation: str = ""
    to_collect: tuple[str, ...] = ()
    applicable: bool = True


def found(holds: bool, explanation: str, *evidence: CaseEvidence) -> Finding:
    """A known answer. Example: `found(True, "ECOG 1 is ≤ 2", CaseEvidence("performance.ecog", "1"))`."""
    return Finding(holds, tuple(evidence), explanation)


def unknown(explanation: str, *to_collect: str, evidence: Iterable[CaseEvidence] = ()) -> Finding:
    """An open answer. Example: `unknown("no ECOG recorded", "ECOG performance status")`."""
    return Finding(None, tuple(evidence), explanation, tuple(dict.fromkeys(to_collect)))


def not_applicable(explanation: str, *evidence: CaseEvidence) -> Finding:
    """Does not apply to this patient. Example: pregnancy exclusion for a male patient."""
    return Finding(None, tuple(evidence), explanation, applicable=False)


def review(text: str, prefix: str) -> Finding:
    """A criterion the judge cannot check by itself. Example: "review this criterion with the trial team: …"."""
    return unknown("cannot be checked automatically", f"{prefix}: {text.strip()}")


def evidence(path: str, value: str, source: Provenance | None = None) -> CaseEvidence:
    """Case evidence with its provenance. Example: `evidence("labs[ANC]", "1.2 10^9/L on 2026-10-02")`."""
    return CaseEvidence(path=path, value=value, source=source.source if source is not None else None)


def number(value: float) -> str:
    """Short display of a number: 1.0 → "1", 34.2 → "34.2"."""
    if not math.isfinite(value):
        return str(value)
    return f"{value:.6g}"


def dated(value: str, when: date | None) -> str:
    """`"1.2 10^9/L"` + a date → `"1.2 10^9/L on 2026-10-02"`; undated → `"… (undated)"`."""
    return f"{value} on {when.isoformat()}" if when is not None else f"{value} (undated)"


def describe(threshold: Threshold) -> str:
    """Human form of a bound. Example: LE 3 xULN → "≤ 3 × ULN"; BETWEEN 18..70 years → "18–70 years"."""
    unit = " × ULN" if threshold.uln_multiple else (f" {threshold.unit}" if threshold.unit else "")
    if threshold.comparator is Comparator.BETWEEN:
        upper = number(threshold.upper) if threshold.upper is not None else "?"
        return f"{number(threshold.value)}–{upper}{unit}"
    symbol = {"<": "<", "<=": "≤", ">": ">", ">=": "≥", "=": "="}[threshold.comparator.value]
    return f"{symbol} {number(threshold.value)}{unit}"


def compare(value: float, threshold: Threshold) -> bool | None:
    """Whether `value` satisfies the bound; None when the bound or value cannot be compared (NaN, no upper).

    Example: creatinine 110 µmol/L against LE 123.8 → True; ECOG 3 against LE 2 → False.
    """
    bound = threshold.value
    if math.isnan(value) or math.isnan(bound):
        return None
    match threshold.comparator:
        case Comparator.LT:
            return value < bound
        case Comparator.LE:
            return value <= bound
        case Comparator.GT:
            return value > bound
        case Comparator.GE:
            return value >= bound
        case Comparator.EQ:
            return math.isclose(value, bound, rel_tol=1e-9, abs_tol=1e-9)
        case Comparator.BETWEEN:
            if threshold.upper is None or math.isnan(threshold.upper):
                return None
            return bound <= value <= threshold.upper
    return None


def limit(window_days: int | None, fresh_days: int) -> int:
    """The stricter of a criterion's window and the freshness limit. Example: window 7, labs 14 → 7."""
    return min(window_days, fresh_days) if window_days is not None and window_days >= 0 else fresh_days


def staleness(when: date | None, as_of: date, max_days: int, what: str) -> str | None:
    """None when `when` is within `max_days` before `as_of`; otherwise what to collect instead.

    Example: ANC dated 20 days ago, 14-day limit → "repeat ANC (absolute neutrophil count) (last result
    is 20 days old)".
    """
    if when is None:
        return f"repeat {what} (date of the last result not recorded)"
    age = (as_of - when).days
    if age < 0:
        return f"check the date of {what} (recorded {-age} days after the screening date)"
    if age > max_days:
        return f"repeat {what} (last result is {age} days old)"
    return None


def any_of(findings: Iterable[Finding], joiner: str = "any of") -> Finding:
    """Holds when one holds; fails when all applicable ones fail; unknown otherwise; N/A when none applies.

    Example: "HBV, HCV or HIV infection" with HBV positive → holds, whatever HCV/HIV show.
    """
    items = list(findings)
    if len(items) == 1:
        return items[0]
    applicable = [f for f in items if f.applicable]
    if not applicable:
        return _combined(None, items, joiner, applicable=False)
    deciding = [f for f in applicable if f.holds is True]
    if deciding:
        return _combined(True, deciding, joiner)
    if all(f.holds is False for f in applicable):
        return _combined(False, applicable, joiner)
    return _combined(None, applicable, joiner)


def all_of(findings: Iterable[Finding], joiner: str = "all of") -> Finding:
    """Holds when every applicable one holds; fails when one fails; unknown otherwise.

    Example: "ALT and AST ≤ 3 × ULN" with ALT 2 × ULN and AST unknown → unknown (collect AST).
    """
    items = list(findings)
    if len(items) == 1:
        return items[0]
    applicable = [f for f in items if f.applicable]
    if not applicable:
        return _combined(None, items, joiner, applicable=False)
    failing = [f for f in applicable if f.holds is False]
    if failing:
        return _combined(False, failing, joiner)
    if all(f.holds is True for f in applicable):
        return _combined(True, applicable, joiner)
    return _combined(None, applicable, joiner)


def _combined(holds: bool | None, items: list[Finding], joiner: str, applicable: bool = True) -> Finding:
    """Evidence and explanation of the deciding items; to_collect of the open ones when unknown."""
    explanation = "; ".join(f.explanation for f in items if f.explanation)
    if len(items) > 1:
        explanation = f"{joiner}: {explanation}"
    collect = tuple(dict.fromkeys(c for f in items if f.holds is None for c in f.to_collect)) if holds is None else ()
    evidence_all = tuple(dict.fromkeys(e for f in items for e in f.evidence))
    return Finding(holds, evidence_all, explanation, collect if applicable else (), applicable)
