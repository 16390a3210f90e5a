"""Eligibility criteria as checkable, typed items parsed from a trial's free text."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class CriterionKind(StrEnum):
    INCLUSION = "inclusion"
    EXCLUSION = "exclusion"


class Category(StrEnum):
    """What a criterion is about. `unparsed` criteria are kept verbatim and always judged unknown."""

    AGE = "age"
    SEX = "sex"
    DIAGNOSIS = "diagnosis"
    ANTIGEN = "antigen"
    DISEASE_STATUS = "disease_status"  # relapsed / refractory, number of prior lines, measurable disease
    PRIOR_THERAPY = "prior_therapy"  # required or excluded therapies, washout windows, prior CAR-T, HSCT
    PERFORMANCE = "performance"  # ECOG / Karnofsky / Lansky
    LAB = "lab"  # lab thresholds and organ function values (ANC, bilirubin, creatinine clearance, LVEF, SpO2 …)
    CNS = "cns"
    INFECTION = "infection"  # HBV, HCV, HIV, active uncontrolled infection
    GVHD = "gvhd"  # graft-versus-host disease and immunosuppression
    PREGNANCY = "pregnancy"  # pregnancy, lactation, contraception
    OTHER_MALIGNANCY = "other_malignancy"
    LIFE_EXPECTANCY = "life_expectancy"
    ORGAN_DISEASE = "organ_disease"  # cardiac, pulmonary, hepatic, renal disease without a numeric threshold
    CONSENT = "consent"  # informed consent, compliance, geographic access
    UNPARSED = "unparsed"


class Comparator(StrEnum):
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="
    EQ = "="
    BETWEEN = "between"


@dataclass(frozen=True, slots=True)
class Threshold:
    """A numeric bound: `value` (and `upper` for BETWEEN) in `unit`; `uln_multiple` for "≤ 3 × ULN"."""

    comparator: Comparator
    value: float
    upper: float | None = None
    unit: str | None = None
    uln_multiple: bool = False


@dataclass(frozen=True, slots=True)
class Criterion:
    """One checkable criterion. The typed fields used depend on `category`; `text` is the source wording.

    `negated` is True when the statement is negative ("no active CNS disease"); for an exclusion
    criterion that means the excluding condition is the *absence*, which is rare and kept explicit.
    `children` with `group` "any"/"all" represent "any of the following" lists and compound criteria.
    """

    criterion_id: str
    kind: CriterionKind
    text: str
    category: Category
    span: tuple[int, int] = (0, 0)
    negated: bool = False
    measurement: str | None = None  # canonical name: "age", "ECOG", "ANC", "bilirubin", "LVEF", "HBV" …
    threshold: Threshold | None = None
    values: tuple[str, ...] = ()  # e.g. disease groups, antigens, infections, therapy names, sexes
    method: str | None = None  # e.g. "flow", "IHC" for antigen expression
    window_days: int | None = None  # "within 4 weeks" → 28
    group: str | None = None  # "any" | "all" when the criterion has children
    children: tuple[Criterion, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class CriteriaSet:
    """All criteria of one trial, in text order. `complete` is False when the source text was cut short."""

    nct_id: str
    criteria: tuple[Criterion, ...]
    complete: bool = True

    @property
    def inclusion(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.kind is CriterionKind.INCLUSION)

    @property
    def exclusion(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.kind is CriterionKind.EXCLUSION)
