"""A cell-therapy programme as registered on ClinicalTrials.gov, and its derived profile."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class OverallStatus(StrEnum):
    """ClinicalTrials.gov API v2 `overallStatus` values."""

    NOT_YET_RECRUITING = "NOT_YET_RECRUITING"
    RECRUITING = "RECRUITING"
    ENROLLING_BY_INVITATION = "ENROLLING_BY_INVITATION"
    ACTIVE_NOT_RECRUITING = "ACTIVE_NOT_RECRUITING"
    SUSPENDED = "SUSPENDED"
    TERMINATED = "TERMINATED"
    COMPLETED = "COMPLETED"
    WITHDRAWN = "WITHDRAWN"
    UNKNOWN = "UNKNOWN"
    AVAILABLE = "AVAILABLE"
    NO_LONGER_AVAILABLE = "NO_LONGER_AVAILABLE"
    TEMPORARILY_NOT_AVAILABLE = "TEMPORARILY_NOT_AVAILABLE"
    APPROVED_FOR_MARKETING = "APPROVED_FOR_MARKETING"
    WITHHELD = "WITHHELD"

    @property
    def is_open(self) -> bool:
        """True when the programme may still take patients (recruiting, soon, or by invitation)."""
        return self in _OPEN_STATUSES


_OPEN_STATUSES = frozenset(
    {
        OverallStatus.NOT_YET_RECRUITING,
        OverallStatus.RECRUITING,
        OverallStatus.ENROLLING_BY_INVITATION,
        OverallStatus.AVAILABLE,
    }
)


class Phase(StrEnum):
    """ClinicalTrials.gov API v2 `phases` values."""

    EARLY_PHASE1 = "EARLY_PHASE1"
    PHASE1 = "PHASE1"
    PHASE2 = "PHASE2"
    PHASE3 = "PHASE3"
    PHASE4 = "PHASE4"
    NA = "NA"


@dataclass(frozen=True, slots=True)
class Site:
    """One location of a trial: a hospital or research centre."""

    facility: str | None
    city: str | None
    state: str | None
    country: str | None
    status: str | None = None
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True, slots=True)
class Intervention:
    """A registered intervention (drug, biological, procedure) with its free-text description."""

    name: str
    type: str | None = None
    description: str | None = None
    other_names: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Sponsor:
    name: str
    sponsor_class: str | None = None


@dataclass(frozen=True, slots=True)
class Trial:
    """A registered study, as much of it as the source carried.

    Fields absent from the source are None or empty: an absent eligibility text is never
    taken to mean "no criteria".
    """

    nct_id: str
    title: str | None = None
    official_title: str | None = None
    acronym: str | None = None
    overall_status: OverallStatus | None = None
    phases: tuple[Phase, ...] = ()
    study_type: str | None = None
    conditions: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    interventions: tuple[Intervention, ...] = ()
    arm_descriptions: tuple[str, ...] = ()
    brief_summary: str | None = None
    detailed_description: str | None = None
    sponsor: Sponsor | None = None
    collaborators: tuple[str, ...] = ()
    start_date: date | None = None
    last_update: date | None = None
    eligibility_criteria: str | None = None
    minimum_age_years: float | None = None
    maximum_age_years: float | None = None
    sex: str | None = None
    healthy_volunteers: bool | None = None
    sites: tuple[Site, ...] = ()
    enrollment: int | None = None
    source: str | None = None

    @property
    def countries(self) -> tuple[str, ...]:
        """Distinct site countries, in first-seen order."""
        seen: dict[str, None] = {}
        for site in self.sites:
            if site.country:
                seen.setdefault(site.country, None)
        return tuple(seen)


@dataclass(frozen=True, slots=True)
class Evidence:
    """A piece of registry text that supports a classification: where it was found and what matched."""

    field: str
    text: str
    match: str


@dataclass(frozen=True, slots=True)
class Labelled:
    """One classified value with the evidence for it (a value is never asserted without a source)."""

    value: str
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True, slots=True)
class CellTherapyProfile:
    """What kind of programme a trial is, derived from its text; every value carries evidence."""

    modality: tuple[Labelled, ...] = ()
    cell_source: Labelled = field(default_factory=lambda: Labelled("unknown"))
    gene_editing: tuple[Labelled, ...] = ()
    antigens: tuple[Labelled, ...] = ()
    disease_groups: tuple[Labelled, ...] = ()

    @property
    def modality_values(self) -> tuple[str, ...]:
        return tuple(item.value for item in self.modality)

    @property
    def gene_editing_values(self) -> tuple[str, ...]:
        return tuple(item.value for item in self.gene_editing)

    @property
    def antigen_values(self) -> tuple[str, ...]:
        return tuple(item.value for item in self.antigens)

    @property
    def disease_group_values(self) -> tuple[str, ...]:
        return tuple(item.value for item in self.disease_groups)

    @property
    def is_allogeneic(self) -> bool:
        return self.cell_source.value in ALLOGENEIC_SOURCES


MODALITIES = (
    "CAR-T", "CAR-NK", "CAR-NKT", "CAR-gdT", "CAR-M", "TCR-T", "TIL", "CIK", "NK",
    "other-cell", "not-cell-therapy",
)
CELL_SOURCES = (
    "autologous", "allogeneic-donor", "allogeneic-unspecified", "cord-blood", "ipsc",
    "cell-line", "mixed", "unknown",
)
ALLOGENEIC_SOURCES = frozenset({"allogeneic-donor", "allogeneic-unspecified", "cord-blood", "ipsc", "cell-line"})
GENE_EDITING = ("CRISPR", "TALEN", "base-editing", "zinc-finger", "none-stated")
DISEASE_GROUPS = (
    "B-ALL", "LBCL", "FL", "MCL", "CLL", "other-B-NHL", "MM", "T-ALL", "T-LBL", "PTCL",
    "other-T-cell", "AML", "MDS", "Hodgkin", "solid-tumour", "autoimmune", "other",
)
