"""Verdicts: never booleans — a label, the evidence on both sides, and what to collect when unknown."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from allonav.domain.criterion import Criterion, CriterionKind


class VerdictLabel(StrEnum):
    """For an inclusion criterion `met` means satisfied; for an exclusion, that the excluding condition holds."""

    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "not_applicable"


class TrialFit(StrEnum):
    ELIGIBLE = "eligible"  # no inclusion unmet, no exclusion met, nothing unknown
    POSSIBLY_ELIGIBLE = "possibly_eligible"  # only unknowns stand in the way
    INELIGIBLE = "ineligible"  # at least one blocking criterion
    CRITERIA_NOT_AVAILABLE = "criteria_not_available"  # no eligibility text: sync from ClinicalTrials.gov


@dataclass(frozen=True, slots=True)
class CaseEvidence:
    """A case fact used in a verdict: its path in the case, its value as shown, and where it came from."""

    path: str
    value: str
    source: str | None = None


@dataclass(frozen=True, slots=True)
class CriterionVerdict:
    criterion: Criterion
    label: VerdictLabel
    evidence: tuple[CaseEvidence, ...] = ()
    explanation: str = ""
    to_collect: tuple[str, ...] = ()

    @property
    def blocks(self) -> bool:
        """True when this verdict alone makes the patient ineligible."""
        if self.criterion.kind is CriterionKind.INCLUSION:
            return self.label is VerdictLabel.NOT_MET
        return self.label is VerdictLabel.MET

    @property
    def open(self) -> bool:
        return self.label is VerdictLabel.UNKNOWN


@dataclass(frozen=True, slots=True)
class TrialVerdict:
    nct_id: str
    fit: TrialFit
    verdicts: tuple[CriterionVerdict, ...]
    note: str = ""

    @property
    def blocking(self) -> tuple[CriterionVerdict, ...]:
        return tuple(v for v in self.verdicts if v.blocks)

    @property
    def unknowns(self) -> tuple[CriterionVerdict, ...]:
        return tuple(v for v in self.verdicts if v.open)

    @property
    def to_collect(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for verdict in self.unknowns:
            for item in verdict.to_collect:
                seen.setdefault(item, None)
        return tuple(seen)
