"""The patient case: what is known about one patient, every fact optional (None = not known).

A missing fact is never read as normal or absent: the judge turns it into an `unknown` verdict and
says what to collect. Values are in canonical units (see `domain.labs`); conversion and validation
happen at the edges that build a case (JSON, FHIR, extraction).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a fact came from: a document and sentence (extraction), a form, or an import."""

    source: str  # "form", "document:<id>", "fhir:<resource>", "example"
    sentence: int | None = None
    span: tuple[int, int] | None = None
    text: str | None = None
    confidence: float | None = None


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"


class AntigenMethod(StrEnum):
    FLOW = "flow"
    IHC = "IHC"
    OTHER = "other"


class DiseaseState(StrEnum):
    RELAPSED = "relapsed"
    REFRACTORY = "refractory"
    RELAPSED_AND_REFRACTORY = "relapsed_and_refractory"
    IN_REMISSION = "in_remission"
    NEWLY_DIAGNOSED = "newly_diagnosed"


class CarTFailure(StrEnum):
    MANUFACTURING_FAILURE = "manufacturing_failure"
    NON_RESPONSE = "non_response"
    RELAPSE = "relapse"
    ANTIGEN_LOSS = "antigen_loss"
    TOXICITY = "toxicity"


class CnsStatus(StrEnum):
    NONE = "none"
    ACTIVE = "active"
    TREATED_STABLE = "treated_stable"


class InfectionStatus(StrEnum):
    NEGATIVE = "negative"
    POSITIVE = "positive"  # active or replicating infection
    RESOLVED = "resolved"  # e.g. HBsAg-negative, anti-HBc-positive, DNA undetectable; HCV treated, RNA negative
    CONTROLLED = "controlled"  # e.g. HIV on ART with undetectable viral load


class GvhdStatus(StrEnum):
    NONE = "none"
    ACTIVE_ACUTE = "active_acute"
    ACTIVE_CHRONIC = "active_chronic"
    RESOLVED = "resolved"


@dataclass(frozen=True, slots=True)
class Diagnosis:
    disease_group: str  # one of domain.trial.DISEASE_GROUPS
    subtype: str | None = None
    diagnosed_on: date | None = None
    pathology_confirmed: bool | None = None
    source: Provenance | None = None


@dataclass(frozen=True, slots=True)
class AntigenResult:
    antigen: str  # canonical name, e.g. "CD19"
    positive: bool | None
    percent: float | None = None
    method: AntigenMethod | None = None
    tested_on: date | None = None
    specimen: str | None = None  # "bone marrow", "peripheral blood", "lymph node" …
    source: Provenance | None = None


@dataclass(frozen=True, slots=True)
class Regimen:
    name: str
    kind: str | None = None  # chemotherapy, bispecific, antibody, targeted, radiotherapy, ADC, other
    targets: tuple[str, ...] = ()  # antigens targeted, e.g. ("CD19",) for blinatumomab
    started_on: date | None = None
    ended_on: date | None = None
    best_response: str | None = None  # CR, PR, SD, PD
    source: Provenance | None = None


@dataclass(frozen=True, slots=True)
class PriorCarT:
    product: str | None
    targets: tuple[str, ...]
    infused_on: date | None = None
    autologous: bool | None = None
    best_response: str | None = None
    failure: CarTFailure | None = None
    source: Provenance | None = None


@dataclass(frozen=True, slots=True)
class Transplant:
    allogeneic: bool
    transplanted_on: date | None = None
    gvhd: GvhdStatus | None = None
    on_immunosuppression: bool | None = None
    source: Provenance | None = None


@dataclass(frozen=True, slots=True)
class LabResult:
    """A lab value in the canonical unit of `domain.labs` for `name`, or as a multiple of the ULN."""

    name: str
    value: float
    unit: str
    measured_on: date | None = None
    uln: float | None = None  # the upper limit of normal of the reporting lab, canonical unit
    source: Provenance | None = None

    @property
    def times_uln(self) -> float | None:
        if self.unit == "xULN":
            return self.value
        return self.value / self.uln if self.uln else None


@dataclass(frozen=True, slots=True)
class Performance:
    """ECOG 0–5, from a Karnofsky or Lansky score when that is what was recorded."""

    ecog: int
    recorded_as: str = "ECOG"  # "ECOG", "Karnofsky 70", "Lansky 60"
    assessed_on: date | None = None
    source: Provenance | None = None


@dataclass(frozen=True, slots=True)
class Infections:
    hbv: InfectionStatus | None = None
    hcv: InfectionStatus | None = None
    hiv: InfectionStatus | None = None
    active_uncontrolled: bool | None = None
    source: Provenance | None = None


@dataclass(frozen=True, slots=True)
class OtherMalignancy:
    name: str
    active: bool | None = None
    diagnosed_on: date | None = None
    source: Provenance | None = None


@dataclass(frozen=True, slots=True)
class PatientCase:
    """Everything known about a patient for screening. None means "not known", never "normal"."""

    case_id: str
    age_years: float | None = None
    birth_date: date | None = None
    sex: Sex | None = None
    country: str | None = None
    diagnoses: tuple[Diagnosis, ...] = ()
    antigens: tuple[AntigenResult, ...] = ()
    disease_state: DiseaseState | None = None
    prior_lines: int | None = None
    rapid_progression: bool | None = None
    measurable_disease: bool | None = None
    regimens: tuple[Regimen, ...] = ()
    prior_car_t: tuple[PriorCarT, ...] = ()
    transplants: tuple[Transplant, ...] = ()
    labs: tuple[LabResult, ...] = ()
    performance: Performance | None = None
    cns: CnsStatus | None = None
    infections: Infections = field(default_factory=Infections)
    pregnant: bool | None = None
    breastfeeding: bool | None = None
    other_malignancies: tuple[OtherMalignancy, ...] | None = None  # () = none known to exist; None = not asked
    life_expectancy_weeks: float | None = None
    travel_fit: bool | None = None
    heart_disease: bool | None = None  # clinically significant cardiac disease (NYHA III–IV, recent MI …)
    accepts_allogeneic_risks: bool | None = None  # GVHD, rejection, shorter persistence discussed and accepted

    def age_on(self, day: date) -> float | None:
        """Age in years on `day`, from the birth date when known."""
        if self.birth_date is not None:
            return (day - self.birth_date).days / 365.25
        return self.age_years

    def latest_lab(self, name: str) -> LabResult | None:
        """The most recent result of a lab (undated results count as oldest)."""
        results = [lab for lab in self.labs if lab.name == name]
        if not results:
            return None
        return max(results, key=lambda lab: lab.measured_on or date.min)

    def antigen(self, name: str) -> AntigenResult | None:
        """The most recent result for an antigen."""
        results = [a for a in self.antigens if a.antigen.lower() == name.lower()]
        if not results:
            return None
        return max(results, key=lambda a: a.tested_on or date.min)
