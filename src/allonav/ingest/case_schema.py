"""The pydantic models of the patient-case JSON format; `case_json` turns them into the domain case.

Pydantic checks structure, types and unknown keys; vocabularies (lab names and units, antigens, today) come
from a `CaseContext` given as validation context, so every problem gets its own JSON path in one pass.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from allonav.domain.case import AntigenMethod, CarTFailure, CnsStatus, DiseaseState, GvhdStatus, InfectionStatus, Sex
from allonav.domain.labs import LabDefinition, LabVocabulary
from allonav.domain.trial import DISEASE_GROUPS

LIVER_TESTS = ("bilirubin", "ALT", "AST")  # may be given as a multiple of the upper limit of normal
XULN = "xULN"
MAX_AGE = 120.0
REGIMEN_KINDS = ("chemotherapy", "bispecific", "antibody", "targeted", "radiotherapy", "ADC", "other")
RESPONSES = ("sCR", "CR", "CRi", "CRh", "VGPR", "PR", "MR", "SD", "PD")
SOURCE_KINDS = ("form", "example", "document:<id>", "fhir:<resource>")
_SOURCE = re.compile(r"(?:form|example|document:\S+|fhir:\S+)")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

@dataclass(frozen=True, slots=True)
class CaseContext:
    """What validation needs beyond the JSON: vocabularies and the day the case is read on."""

    labs: LabVocabulary
    antigens: Mapping[str, str]  # lower-case name -> canonical name
    as_of: date
    birth_date: date | None = None  # when the JSON gives a usable one: no event may precede it


def problem(message: str) -> PydanticCustomError:
    """A validation error whose message is shown as is, after the JSON path."""
    return PydanticCustomError("case", "{problem}", {"problem": message})


def show(value: object) -> str:
    """A short JSON-like rendering of an input value for a message."""
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, Mapping | list | tuple):
        return "an object" if isinstance(value, Mapping) else "a list"
    text = f"{value:g}" if isinstance(value, float) else repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _context(info: ValidationInfo) -> CaseContext:
    if not isinstance(info.context, CaseContext):
        raise RuntimeError("validate a case through allonav.ingest.case_json.load_case (it supplies the context)")
    return info.context


def _suggest(value: str, allowed: list[str]) -> str:
    key = value.strip().lower()
    prefixed = [a for a in allowed if len(key) >= 3 and a.lower().startswith(key)]
    close = prefixed or difflib.get_close_matches(key, [a.lower() for a in allowed], n=1, cutoff=0.6)
    if not close:
        return ""
    match = next(a for a in allowed if a.lower() == close[0].lower())
    return f" (did you mean {match}?)"


def _within(low: float, high: float, unit: str = "") -> Callable[[float], float]:
    def check(value: float) -> float:
        if not low <= value <= high:
            raise problem(f"{show(value)} is impossible ({low:g}–{high:g}{unit})")
        return value

    return check


def _bounds(low: float, high: float, step: int | None = None) -> Any:
    extra: dict[str, Any] = {"minimum": low, "maximum": high, "multipleOf": step}
    return Field(json_schema_extra={key: value for key, value in extra.items() if value is not None})


def _score(scale: str) -> Callable[[int], int]:
    def check(value: int) -> int:
        if _within(0, 100)(value) % 10:
            raise problem(f"{value} is not a {scale} score; allowed: 0, 10, 20, …, 100")
        return value

    return check


def _span(span: list[int]) -> list[int]:
    if len(span) != 2 or span[0] > span[1]:
        raise problem(f"expected [start, end] with start ≤ end, got {span}")
    return span


def _iso_date(value: object) -> object:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise problem(f"{show(value)} is not a calendar date") from None
    raise problem(f"expected an ISO date (YYYY-MM-DD), got {show(value)}")


def _past(value: date, info: ValidationInfo) -> date:
    context = _context(info)
    if value > context.as_of:
        raise problem(f"{value.isoformat()} is in the future (as of {context.as_of.isoformat()})")
    if context.birth_date is not None and value < context.birth_date:
        raise problem(f"{value.isoformat()} is before the birth date {context.birth_date.isoformat()}")
    return value


def _unknown(value: str, allowed: list[str], hint: str = "") -> PydanticCustomError:
    return problem(f"{show(value)} unknown{_suggest(value, allowed)}; allowed: {', '.join(allowed)}{hint}")


def _pick(value: str, allowed: tuple[str, ...], key: Callable[[str], str] = str.lower) -> str:
    found = next((option for option in allowed if key(option) == key(value.strip())), None)
    if found is None:
        raise _unknown(value, list(allowed))
    return found


def _choice(allowed: tuple[str, ...]) -> Callable[[object], object]:
    return lambda value: _pick(value, allowed) if isinstance(value, str) else value  # the type reports non-strings


def _enum(kind: type[StrEnum]) -> Callable[[object], object]:
    values = tuple(m.value for m in kind)

    def check(value: object) -> object:
        if isinstance(value, str) and not isinstance(value, kind):
            return kind(_pick(value, values, key=lambda text: re.sub(r"[\s-]+", "_", text.lower())))
        return value

    return check


def _antigen(value: object, info: ValidationInfo) -> object:
    names = _context(info).antigens
    if isinstance(value, str) and value.strip().lower() not in names:
        raise _unknown(value, sorted(set(names.values()), key=str.lower))
    return names[value.strip().lower()] if isinstance(value, str) else value


def _lab_name(value: object, info: ValidationInfo) -> object:
    labs = _context(info).labs
    found = labs.find(value) if isinstance(value, str) else None
    if isinstance(value, str) and found is None:
        raise _unknown(value, list(labs.labs), " (or a synonym, e.g. 'absolute neutrophil count')")
    return found.name if found is not None else value


def _source(value: str) -> str:
    if not _SOURCE.fullmatch(value):
        raise _unknown(value, list(SOURCE_KINDS))
    return value


def _unit_key(unit: str) -> str:
    text = unit.strip().lower().replace("μ", "µ").replace("^", "").replace("×", "x").replace(" ", "")
    return re.sub(r"10\*", "10", text)


def _unit_label(key: str) -> str:
    text = re.sub(r"10(\d)", r"10^\1", key).replace("iu/", "IU/")
    return re.sub(r"(?<![a-z])([mdµu]?)l(?![a-z])", lambda m: m[1] + "L", text)


def is_xuln(unit: str | None) -> bool:
    """True for a unit meaning "times the upper limit of normal": ALT "3 xULN" or "3 × ULN"."""
    return unit is not None and _unit_key(unit) == "xuln"


def allowed_units(lab: LabDefinition) -> list[str]:
    """The units a lab may be given in, canonical first, one spelling each: bilirubin → µmol/L, mg/dL, xULN."""
    seen = {_unit_key(lab.unit).replace("u", "µ")}
    labels = [lab.unit]
    for key in lab.factors:
        if key.replace("u", "µ") not in seen:
            seen.add(key.replace("u", "µ"))
            labels.append(_unit_label(key))
    if lab.name in LIVER_TESTS:
        labels.append(XULN)
    return labels


def to_canonical(lab: LabDefinition, value: float, unit: str | None) -> float | None:
    """`value` in `unit` in the canonical unit, 10 significant digits: bilirubin 1.2 mg/dL → 20.52 µmol/L."""
    converted = value if is_xuln(unit) else lab.to_canonical(value, unit)
    return converted if converted is None or not math.isfinite(converted) else float(f"{converted:.10g}")


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
IsoDate = Annotated[date, BeforeValidator(_iso_date), AfterValidator(_past)]
Percent = Annotated[float, AfterValidator(_within(0, 100, "%")), _bounds(0, 100)]
Ecog = Annotated[int, AfterValidator(_within(0, 5)), _bounds(0, 5)]
Karnofsky = Annotated[int, AfterValidator(_score("Karnofsky")), _bounds(0, 100, step=10)]
Lansky = Annotated[int, AfterValidator(_score("Lansky")), _bounds(0, 100, step=10)]
Antigen = Annotated[str, BeforeValidator(_antigen), Field(description="canonical antigen name, any case: CD19, BCMA")]
DiseaseGroup = Annotated[
    str, BeforeValidator(_choice(DISEASE_GROUPS)), WithJsonSchema({"type": "string", "enum": list(DISEASE_GROUPS)})
]
Response = Annotated[
    str, BeforeValidator(_choice(RESPONSES)), WithJsonSchema({"type": "string", "enum": list(RESPONSES)})
]


class Item(BaseModel):
    """Strict JSON: no unknown keys, no numbers given as strings, no NaN."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, frozen=True)


class ProvenanceIn(Item):
    source: Annotated[Text, AfterValidator(_source)] = Field(description="form, example, document:<id>, fhir:<res>")
    sentence: Annotated[int, AfterValidator(_within(0, 1e9))] | None = None
    span: Annotated[list[Annotated[int, AfterValidator(_within(0, 1e12))]], AfterValidator(_span)] | None = None
    text: Text | None = None
    confidence: Annotated[float, AfterValidator(_within(0, 1)), _bounds(0, 1)] | None = None


class DiagnosisIn(Item):
    disease_group: DiseaseGroup
    subtype: Text | None = None
    diagnosed_on: IsoDate | None = None
    pathology_confirmed: bool | None = None
    source: ProvenanceIn | None = None


class AntigenIn(Item):
    antigen: Antigen
    positive: bool | None = None
    percent: Percent | None = None
    method: Annotated[AntigenMethod, BeforeValidator(_enum(AntigenMethod))] | None = None
    tested_on: IsoDate | None = None
    specimen: Text | None = Field(None, description="bone marrow, peripheral blood, lymph node …")
    source: ProvenanceIn | None = None

    @field_validator("percent")
    @classmethod
    def _agrees(cls, percent: float | None, info: ValidationInfo) -> float | None:
        if percent == 0 and info.data.get("positive") is True:
            raise problem("0% contradicts positive: true")
        return percent


class RegimenIn(Item):
    name: Text
    kind: Annotated[str, BeforeValidator(_choice(REGIMEN_KINDS))] | None = None
    targets: list[Antigen] = Field(default_factory=list)
    started_on: IsoDate | None = None
    ended_on: IsoDate | None = None
    best_response: Response | None = None
    source: ProvenanceIn | None = None

    @field_validator("ended_on")
    @classmethod
    def _after_start(cls, ended: date | None, info: ValidationInfo) -> date | None:
        started = info.data.get("started_on")
        if ended is not None and started is not None and ended < started:
            raise problem(f"{ended.isoformat()} is before started_on {started.isoformat()}")
        return ended


class PriorCarTIn(Item):
    product: Text | None = Field(None, description="tisagenlecleucel, axicabtagene ciloleucel …")
    targets: list[Antigen] = Field(default_factory=list)
    infused_on: IsoDate | None = None
    autologous: bool | None = None
    best_response: Response | None = None
    failure: Annotated[CarTFailure, BeforeValidator(_enum(CarTFailure))] | None = None
    source: ProvenanceIn | None = None


class TransplantIn(Item):
    allogeneic: bool
    transplanted_on: IsoDate | None = None
    gvhd: Annotated[GvhdStatus, BeforeValidator(_enum(GvhdStatus))] | None = None
    on_immunosuppression: bool | None = None
    source: ProvenanceIn | None = None

    @field_validator("gvhd")
    @classmethod
    def _allogeneic_only(cls, gvhd: GvhdStatus | None, info: ValidationInfo) -> GvhdStatus | None:
        if gvhd not in (None, GvhdStatus.NONE) and info.data.get("allogeneic") is False:
            raise problem(f"{gvhd} GVHD is impossible after an autologous transplant (allogeneic: false)")
        return gvhd


class LabIn(Item):
    name: Annotated[str, BeforeValidator(_lab_name)] = Field(description="canonical lab name or a synonym")
    unit: Text | None = Field(None, validate_default=True, description="any unit of labs.toml; xULN for liver tests")
    value: float
    uln: float | None = Field(None, description="upper limit of normal, in the same unit as value")
    measured_on: IsoDate | None = None
    source: ProvenanceIn | None = None

    @field_validator("unit")
    @classmethod
    def _known_unit(cls, unit: str | None, info: ValidationInfo) -> str | None:
        name = info.data.get("name")
        if name is None:
            return unit
        lab = _context(info).labs.labs[name]
        allowed = ", ".join(allowed_units(lab))
        if unit is None and lab.unit == "ratio":
            return None  # dimensionless (INR): no unit needed
        if unit is None:
            raise problem(f"required for {name}; allowed: {allowed}")
        if is_xuln(unit) and name in LIVER_TESTS:
            return XULN
        if to_canonical(lab, 1.0, unit) is None or is_xuln(unit):
            raise problem(f"{show(unit)} is not a unit for {name}; allowed: {allowed}")
        return unit

    @field_validator("value", "uln")
    @classmethod
    def _possible(cls, value: float | None, info: ValidationInfo) -> float | None:
        name, unit = info.data.get("name"), info.data.get("unit", "")
        if value is None or name is None or unit == "":
            return value
        if info.field_name == "uln" and unit == XULN:
            raise problem("not allowed with unit xULN (the value is already a multiple of the ULN)")
        if unit == XULN:
            return _within(0, 1000, " × ULN")(value)
        lab = _context(info).labs.labs[name]
        converted = to_canonical(lab, value, unit)
        if converted is None:
            return value
        if info.field_name == "uln" and converted <= 0:
            raise problem(f"{show(value)} is impossible (an upper limit of normal is above 0)")
        if not lab.low <= converted <= lab.high:
            given = f"{show(value)} {unit or lab.unit}"
            if unit is not None and _unit_key(unit) != _unit_key(lab.unit):
                given += f" (= {show(converted)} {lab.unit})"
            raise problem(f"{name} {given} is outside the possible range {lab.low:g}–{lab.high:g} {lab.unit}")
        return value


class PerformanceIn(Item):
    ecog: Ecog | None = None
    karnofsky: Karnofsky | None = None
    lansky: Lansky | None = None
    assessed_on: IsoDate | None = None
    source: ProvenanceIn | None = None

    @model_validator(mode="after")
    def _one_scale(self) -> PerformanceIn:
        given = [name for name in ("ecog", "karnofsky", "lansky") if getattr(self, name) is not None]
        if len(given) != 1:
            raise problem(f"give exactly one of ecog, karnofsky, lansky (got {', '.join(given) or 'none'})")
        return self


Infection = Annotated[InfectionStatus, BeforeValidator(_enum(InfectionStatus))]


class InfectionsIn(Item):
    hbv: Infection | None = None
    hcv: Infection | None = None
    hiv: Infection | None = None
    active_uncontrolled: bool | None = None
    source: ProvenanceIn | None = None


class OtherMalignancyIn(Item):
    name: Text
    active: bool | None = None
    diagnosed_on: IsoDate | None = None
    source: ProvenanceIn | None = None


class CaseIn(Item):
    """A patient case as JSON; a missing key or null means "not known", never "normal"."""

    model_config = ConfigDict(title="PatientCase")

    description: Text | None = Field(None, description="one line saying what the case is; not kept")
    case_id: Text
    age_years: Annotated[float, AfterValidator(_within(0, MAX_AGE)), _bounds(0, MAX_AGE)] | None = None
    birth_date: IsoDate | None = None
    sex: Annotated[Sex, BeforeValidator(_enum(Sex))] | None = None
    country: Text | None = None
    diagnoses: list[DiagnosisIn] = Field(default_factory=list)
    antigens: list[AntigenIn] = Field(default_factory=list)
    disease_state: Annotated[DiseaseState, BeforeValidator(_enum(DiseaseState))] | None = None
    prior_lines: Annotated[int, AfterValidator(_within(0, 30)), _bounds(0, 30)] | None = None
    rapid_progression: bool | None = None
    measurable_disease: bool | None = None
    regimens: list[RegimenIn] = Field(default_factory=list)
    prior_car_t: list[PriorCarTIn] = Field(default_factory=list)
    transplants: list[TransplantIn] = Field(default_factory=list)
    labs: list[LabIn] = Field(default_factory=list)
    performance: PerformanceIn | None = None
    cns: Annotated[CnsStatus, BeforeValidator(_enum(CnsStatus))] | None = None
    infections: InfectionsIn | None = None
    pregnant: bool | None = None
    breastfeeding: bool | None = None
    other_malignancies: list[OtherMalignancyIn] | None = Field(None, description="[] = none; null = not asked")
    life_expectancy_weeks: Annotated[float, AfterValidator(_within(0, 5200)), _bounds(0, 5200)] | None = None
    travel_fit: bool | None = None
    heart_disease: bool | None = None
    accepts_allogeneic_risks: bool | None = None

    @field_validator("birth_date")
    @classmethod
    def _plausible_birth(cls, born: date | None, info: ValidationInfo) -> date | None:
        if born is None:
            return None
        age = (_context(info).as_of - born).days / 365.25
        if age > MAX_AGE:
            raise problem(f"{born.isoformat()} makes the patient {age:.0f} years old (impossible, over {MAX_AGE:g})")
        given = info.data.get("age_years")
        if given is not None and abs(given - age) > 1:
            raise problem(f"{born.isoformat()} makes the patient {age:.1f} years old, but age_years is {given:g}")
        return born

    @field_validator("pregnant")
    @classmethod
    def _can_be_pregnant(cls, pregnant: bool | None, info: ValidationInfo) -> bool | None:
        if pregnant and info.data.get("sex") is Sex.MALE:
            raise problem("true contradicts sex: male")
        return pregnant

