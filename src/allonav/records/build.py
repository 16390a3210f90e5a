"""`to_case`: turn an Extraction into a PatientCase from the facts that describe the patient now.

Rules: affirmed facts are used; family and hedged facts never are. Historical facts are used only for
fields that are history by nature (diagnoses, prior CAR-T, transplants). Negated facts give explicit
negatives where the domain has them: negated CNS disease → cns none, negated HBV → hbv negative,
negated pregnancy → pregnant False, negated antigen expression → antigen negative.
Example: "No evidence of CNS disease. HIV negative." → `PatientCase(cns=CnsStatus.NONE,
infections=Infections(hiv=InfectionStatus.NEGATIVE))`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from allonav.domain.case import (
    AntigenResult,
    CnsStatus,
    Diagnosis,
    GvhdStatus,
    Infections,
    InfectionStatus,
    LabResult,
    PatientCase,
    Performance,
    PriorCarT,
    Sex,
    Transplant,
)
from allonav.records.model import Extraction, Fact

HISTORY_FIELDS = ("diagnoses", "prior_car_t", "transplants")


def _usable(extraction: Extraction, path: str) -> list[Fact]:
    allowed = ("affirmed", "historical") if path in HISTORY_FIELDS else ("affirmed",)
    return list(extraction.of(path, *allowed))


def _first(extraction: Extraction, path: str) -> object | None:
    facts = _usable(extraction, path)
    return facts[0].value if facts else None


def _sourced(value: Any, fact: Fact) -> Any:
    return replace(value, source=fact.provenance)


def _negatable(extraction: Extraction, path: str, negative: object, positive: object) -> object | None:
    """The affirmed value, else the explicit negative when a positive finding was negated."""
    affirmed = _first(extraction, path)
    if affirmed is not None:
        return affirmed
    if any(f.value == positive for f in extraction.of(path, "negated")):
        return negative
    return None


def _infections(extraction: Extraction) -> Infections:
    status: dict[str, InfectionStatus | None] = {}
    facts: list[Fact] = []
    for virus in ("hbv", "hcv", "hiv"):
        path = f"infections.{virus}"
        value = _negatable(extraction, path, InfectionStatus.NEGATIVE, InfectionStatus.POSITIVE)
        status[virus] = value if isinstance(value, InfectionStatus) else None
        facts += _usable(extraction, path) + list(extraction.of(path, "negated"))
    source = facts[0].provenance if facts else None
    return Infections(hbv=status["hbv"], hcv=status["hcv"], hiv=status["hiv"], source=source)


def _antigens(extraction: Extraction) -> tuple[AntigenResult, ...]:
    results: list[AntigenResult] = []
    for fact in extraction.facts:
        if fact.path != "antigens" or not isinstance(fact.value, AntigenResult):
            continue
        if fact.status == "affirmed":
            results.append(_sourced(fact.value, fact))
        elif fact.status == "negated" and fact.value.positive:
            results.append(replace(fact.value, positive=False, percent=None, source=fact.provenance))
    return tuple(results)


def _transplants(extraction: Extraction) -> tuple[Transplant, ...]:
    transplants = [_sourced(f.value, f) for f in _usable(extraction, "transplants") if isinstance(f.value, Transplant)]
    gvhd = _negatable(extraction, "transplants.gvhd", GvhdStatus.NONE, GvhdStatus.ACTIVE_CHRONIC)
    if gvhd is None:
        gvhd = _negatable(extraction, "transplants.gvhd", GvhdStatus.NONE, GvhdStatus.ACTIVE_ACUTE)
    allogeneic = [i for i, t in enumerate(transplants) if t.allogeneic]
    if isinstance(gvhd, GvhdStatus) and allogeneic:
        last = allogeneic[-1]
        transplants[last] = replace(transplants[last], gvhd=gvhd)
    return tuple(transplants)


def to_case(extraction: Extraction, case_id: str) -> PatientCase:
    """A PatientCase from the usable facts of one extraction (first mention wins for single-valued fields)."""
    age = _first(extraction, "age_years")
    sex = _first(extraction, "sex")
    diagnoses: dict[str, Diagnosis] = {}
    for fact in _usable(extraction, "diagnoses"):
        if isinstance(fact.value, Diagnosis):
            diagnoses.setdefault(fact.value.disease_group, _sourced(fact.value, fact))
    labs = tuple(_sourced(f.value, f) for f in _usable(extraction, "labs") if isinstance(f.value, LabResult))
    performance = next(
        (_sourced(f.value, f) for f in _usable(extraction, "performance") if isinstance(f.value, Performance)), None
    )
    car_t = tuple(_sourced(f.value, f) for f in _usable(extraction, "prior_car_t") if isinstance(f.value, PriorCarT))
    cns = _negatable(extraction, "cns", CnsStatus.NONE, CnsStatus.ACTIVE)
    pregnant = _negatable(extraction, "pregnant", False, True)
    return PatientCase(
        case_id=case_id,
        age_years=float(age) if isinstance(age, int | float) else None,
        sex=sex if isinstance(sex, Sex) else None,
        diagnoses=tuple(diagnoses.values()),
        antigens=_antigens(extraction),
        prior_car_t=car_t,
        transplants=_transplants(extraction),
        labs=labs,
        performance=performance,
        cns=cns if isinstance(cns, CnsStatus) else None,
        infections=_infections(extraction),
        pregnant=pregnant if isinstance(pregnant, bool) else None,
    )
