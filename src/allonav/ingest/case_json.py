"""Patient case JSON ⇄ domain `PatientCase`, validated at the edge.

The JSON mirrors the domain field by field (snake_case keys, ISO dates, enums by value); a missing key
or null means "not known". On the way in, lab names may be synonyms and values are converted to the
canonical unit of labs.toml, antigen names are matched case-insensitively, and a Karnofsky or Lansky
score becomes ECOG. Every problem is reported at once, each with its JSON path and what is allowed.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime
from enum import Enum
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from allonav.domain.case import (
    AntigenResult,
    Diagnosis,
    Infections,
    LabResult,
    OtherMalignancy,
    PatientCase,
    Performance,
    PriorCarT,
    Provenance,
    Regimen,
    Transplant,
)
from allonav.domain.labs import LabVocabulary
from allonav.ingest.case_schema import (
    XULN,
    AntigenIn,
    CaseContext,
    CaseIn,
    DiagnosisIn,
    LabIn,
    OtherMalignancyIn,
    PerformanceIn,
    PriorCarTIn,
    ProvenanceIn,
    RegimenIn,
    TransplantIn,
    show,
    to_canonical,
)

__all__ = ["CaseError", "case_json_schema", "case_to_json", "ecog_from_score", "load_case"]

_EXPECTED = {
    "int_type": "expected a whole number",
    "float_type": "expected a number",
    "finite_number": "expected a finite number",
    "bool_type": "expected true or false",
    "string_type": "expected a string",
    "list_type": "expected a list",
    "model_type": "expected an object",
    "model_attributes_type": "expected an object",
    "dict_type": "expected an object",
    "date_type": "expected an ISO date (YYYY-MM-DD)",
}
_RECORDED = re.compile(r"(Karnofsky|Lansky) (\d+)")


class CaseError(ValueError):
    """A patient case JSON that cannot be used; `problems` holds one "path: reason" line per problem."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the patient case:\n{lines}")


def ecog_from_score(score: int) -> int:
    """ECOG from a Karnofsky (adults) or Lansky (children) score on the same 0–100 scale.

    KPS 100 → 0, 80–90 → 1, 60–70 → 2, 40–50 → 3, 10–30 → 4, 0 → 5; e.g. a 9-year-old with Lansky 60
    (up and around, minimal active play) is ECOG 2.
    """
    if not 0 <= score <= 100:
        raise ValueError(f"{score} is not a Karnofsky or Lansky score (0–100)")
    if score == 100:
        return 0
    if score >= 80:
        return 1
    if score >= 60:
        return 2
    if score >= 40:
        return 3
    return 4 if score >= 10 else 5


def load_case(data: object, *, labs: LabVocabulary, antigens: Collection[str], as_of: date) -> PatientCase:
    """Validate parsed case JSON and build the domain case, converting units to canonical ones.

    `antigens` are the canonical antigen names (the catalogue's antigens.toml); `as_of` is the day the
    case is read on (no date may lie after it). Example: `{"case_id": "p1", "age_years": 34,
    "diagnoses": [{"disease_group": "b-all"}], "labs": [{"name": "total bilirubin", "value": 1.2,
    "unit": "mg/dL"}], "performance": {"karnofsky": 70}}` gives disease group B-ALL, bilirubin 20.52
    µmol/L and ECOG 2 recorded as "Karnofsky 70". Raises `CaseError` listing every problem, e.g.
    `labs[0].unit: 'mg/ml' is not a unit for bilirubin; allowed: µmol/L, mg/dL, xULN`.
    """
    context = CaseContext(
        labs=labs, antigens={name.lower(): name for name in antigens}, as_of=as_of, birth_date=_birth(data, as_of)
    )
    try:
        model = CaseIn.model_validate(data, context=context)
    except ValidationError as error:
        raise CaseError([_describe(detail) for detail in error.errors(include_url=False)]) from None
    return _case(model, labs)


def case_json_schema() -> dict[str, Any]:
    """The JSON Schema of the case format (structure and types; vocabularies are checked by `load_case`).

    Example: `case_json_schema()["properties"]["performance"]` documents `{"karnofsky": 70}`.
    """
    return CaseIn.model_json_schema()


def case_to_json(case: PatientCase) -> dict[str, Any]:
    """The case as JSON that `load_case` reads back into an equal case (canonical units, no nulls).

    Example: a case with ECOG 2 recorded as "Karnofsky 70" gives `"performance": {"karnofsky": 70}`;
    a bilirubin of 20.52 µmol/L gives `{"name": "bilirubin", "value": 20.52, "unit": "µmol/L"}`.
    """
    out: dict[str, Any] = {"case_id": case.case_id}
    _put(out, "age_years", case.age_years)
    _put(out, "birth_date", case.birth_date)
    _put(out, "sex", case.sex)
    _put(out, "country", case.country)
    _put_list(out, "diagnoses", [_diagnosis_json(d) for d in case.diagnoses])
    _put_list(out, "antigens", [_antigen_json(a) for a in case.antigens])
    _put(out, "disease_state", case.disease_state)
    _put(out, "prior_lines", case.prior_lines)
    _put(out, "rapid_progression", case.rapid_progression)
    _put(out, "measurable_disease", case.measurable_disease)
    _put_list(out, "regimens", [_regimen_json(r) for r in case.regimens])
    _put_list(out, "prior_car_t", [_car_t_json(c) for c in case.prior_car_t])
    _put_list(out, "transplants", [_transplant_json(t) for t in case.transplants])
    _put_list(out, "labs", [_lab_json(lab) for lab in case.labs])
    if case.performance is not None:
        out["performance"] = _performance_json(case.performance)
    _put(out, "cns", case.cns)
    infections = _fields(case.infections, "hbv", "hcv", "hiv", "active_uncontrolled")
    if infections:
        out["infections"] = infections
    for name in ("pregnant", "breastfeeding"):
        _put(out, name, getattr(case, name))
    if case.other_malignancies is not None:
        out["other_malignancies"] = [_fields(m, "name", "active", "diagnosed_on") for m in case.other_malignancies]
    for name in ("life_expectancy_weeks", "travel_fit", "heart_disease", "accepts_allogeneic_risks"):
        _put(out, name, getattr(case, name))
    return out


# --- errors -------------------------------------------------------------------------------------------


def _path(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else ("." if text else "") + str(part)
    return text or "(case)"


def _describe(detail: ErrorDetails) -> str:
    loc, kind, given = detail["loc"], detail["type"], detail.get("input")
    if kind == "case":
        reason = str((detail.get("ctx") or {}).get("problem", detail["msg"]))
    elif kind == "missing":
        reason = "required"
    elif kind == "extra_forbidden":
        model = _model_at(loc[:-1])
        allowed = ", ".join(model.model_fields) if model is not None else "see the case JSON schema"
        reason = f"unknown key; allowed: {allowed}"
    elif kind == "invalid_key":
        reason = "keys must be strings"
    elif kind == "string_too_short":
        reason = "must not be empty"
    elif kind in _EXPECTED:
        reason = f"{_EXPECTED[kind]}, got {show(given)}"
    else:
        reason = f"{detail['msg']} (got {show(given)})"
    return f"{_path(loc)}: {reason}"


def _birth(data: object, as_of: date) -> date | None:
    """The birth date, when the JSON gives a valid past one (other dates are checked against it)."""
    raw = data.get("birth_date") if isinstance(data, Mapping) else None
    if isinstance(raw, date) and not isinstance(raw, datetime):
        born: date | None = raw
    elif isinstance(raw, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw.strip()):
        try:
            born = date.fromisoformat(raw.strip())
        except ValueError:
            born = None
    else:
        born = None
    return born if born is not None and born <= as_of else None


def _model_at(path: tuple[int | str, ...]) -> type[BaseModel] | None:
    """The model that validates the object at a JSON path (for listing its allowed keys)."""
    model: type[BaseModel] = CaseIn
    for part in path:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        found = _find_model(field.annotation) if field is not None else None
        if found is None:
            return None
        model = found
    return model


def _find_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in getattr(annotation, "__args__", ()):
        found = _find_model(argument)
        if found is not None:
            return found
    return None


# --- JSON → domain ------------------------------------------------------------------------------------


def _provenance(raw: ProvenanceIn | None) -> Provenance | None:
    if raw is None:
        return None
    span = (raw.span[0], raw.span[1]) if raw.span is not None else None
    return Provenance(raw.source, raw.sentence, span, raw.text, raw.confidence)


def _diagnosis(raw: DiagnosisIn) -> Diagnosis:
    return Diagnosis(
        raw.disease_group, raw.subtype, raw.diagnosed_on, raw.pathology_confirmed, _provenance(raw.source)
    )


def _antigen(raw: AntigenIn) -> AntigenResult:
    return AntigenResult(
        raw.antigen, raw.positive, raw.percent, raw.method, raw.tested_on, raw.specimen, _provenance(raw.source)
    )


def _regimen(raw: RegimenIn) -> Regimen:
    return Regimen(
        raw.name, raw.kind, tuple(raw.targets), raw.started_on, raw.ended_on, raw.best_response,
        _provenance(raw.source),
    )


def _car_t(raw: PriorCarTIn) -> PriorCarT:
    return PriorCarT(
        raw.product, tuple(raw.targets), raw.infused_on, raw.autologous, raw.best_response, raw.failure,
        _provenance(raw.source),
    )


def _transplant(raw: TransplantIn) -> Transplant:
    return Transplant(raw.allogeneic, raw.transplanted_on, raw.gvhd, raw.on_immunosuppression, _provenance(raw.source))


def _lab(raw: LabIn, labs: LabVocabulary) -> LabResult:
    lab = labs.labs[raw.name]
    if raw.unit == XULN:
        return LabResult(raw.name, raw.value, XULN, raw.measured_on, None, _provenance(raw.source))
    value = to_canonical(lab, raw.value, raw.unit)
    uln = to_canonical(lab, raw.uln, raw.unit) if raw.uln is not None else None
    if value is None:  # excluded by validation
        raise AssertionError(f"unit {raw.unit!r} passed validation for {raw.name} but cannot be converted")
    return LabResult(raw.name, value, lab.unit, raw.measured_on, uln, _provenance(raw.source))


def _performance(raw: PerformanceIn) -> Performance:
    if raw.ecog is not None:
        ecog, recorded = raw.ecog, "ECOG"
    elif raw.karnofsky is not None:
        ecog, recorded = ecog_from_score(raw.karnofsky), f"Karnofsky {raw.karnofsky}"
    else:
        score = raw.lansky if raw.lansky is not None else 0
        ecog, recorded = ecog_from_score(score), f"Lansky {score}"
    return Performance(ecog, recorded, raw.assessed_on, _provenance(raw.source))


def _case(raw: CaseIn, labs: LabVocabulary) -> PatientCase:
    infections = raw.infections
    return PatientCase(
        case_id=raw.case_id,
        age_years=raw.age_years,
        birth_date=raw.birth_date,
        sex=raw.sex,
        country=raw.country,
        diagnoses=tuple(_diagnosis(d) for d in raw.diagnoses),
        antigens=tuple(_antigen(a) for a in raw.antigens),
        disease_state=raw.disease_state,
        prior_lines=raw.prior_lines,
        rapid_progression=raw.rapid_progression,
        measurable_disease=raw.measurable_disease,
        regimens=tuple(_regimen(r) for r in raw.regimens),
        prior_car_t=tuple(_car_t(c) for c in raw.prior_car_t),
        transplants=tuple(_transplant(t) for t in raw.transplants),
        labs=tuple(_lab(lab, labs) for lab in raw.labs),
        performance=_performance(raw.performance) if raw.performance is not None else None,
        cns=raw.cns,
        infections=Infections(
            infections.hbv, infections.hcv, infections.hiv, infections.active_uncontrolled,
            _provenance(infections.source),
        ) if infections is not None else Infections(),
        pregnant=raw.pregnant,
        breastfeeding=raw.breastfeeding,
        other_malignancies=tuple(_malignancy(m) for m in raw.other_malignancies)
        if raw.other_malignancies is not None else None,
        life_expectancy_weeks=raw.life_expectancy_weeks,
        travel_fit=raw.travel_fit,
        heart_disease=raw.heart_disease,
        accepts_allogeneic_risks=raw.accepts_allogeneic_risks,
    )


def _malignancy(raw: OtherMalignancyIn) -> OtherMalignancy:
    return OtherMalignancy(raw.name, raw.active, raw.diagnosed_on, _provenance(raw.source))


# --- domain → JSON ------------------------------------------------------------------------------------


def _json_value(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    return value


def _put(out: dict[str, Any], key: str, value: object) -> None:
    if value is not None:
        out[key] = _json_value(value)


def _put_list(out: dict[str, Any], key: str, items: list[dict[str, Any]]) -> None:
    if items:
        out[key] = items


def _fields(item: Any, *names: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in names:
        value = getattr(item, name)
        if name == "targets":
            if value:
                out[name] = list(value)
        else:
            _put(out, name, value)
    source = getattr(item, "source", None)
    if isinstance(source, Provenance):
        out["source"] = _fields_plain(source)
    return out


def _fields_plain(source: Provenance) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in ("source", "sentence", "span", "text", "confidence"):
        _put(out, name, getattr(source, name))
    return out


def _diagnosis_json(item: Diagnosis) -> dict[str, Any]:
    return _fields(item, "disease_group", "subtype", "diagnosed_on", "pathology_confirmed")


def _antigen_json(item: AntigenResult) -> dict[str, Any]:
    return _fields(item, "antigen", "positive", "percent", "method", "tested_on", "specimen")


def _regimen_json(item: Regimen) -> dict[str, Any]:
    return _fields(item, "name", "kind", "targets", "started_on", "ended_on", "best_response")


def _car_t_json(item: PriorCarT) -> dict[str, Any]:
    return _fields(item, "product", "targets", "infused_on", "autologous", "best_response", "failure")


def _transplant_json(item: Transplant) -> dict[str, Any]:
    return _fields(item, "allogeneic", "transplanted_on", "gvhd", "on_immunosuppression")


def _lab_json(item: LabResult) -> dict[str, Any]:
    return _fields(item, "name", "value", "unit", "uln", "measured_on")


def _performance_json(item: Performance) -> dict[str, Any]:
    recorded = _RECORDED.fullmatch(item.recorded_as)
    score = int(recorded[2]) if recorded else -1
    if recorded and 0 <= score <= 100 and score % 10 == 0 and ecog_from_score(score) == item.ecog:
        out: dict[str, Any] = {recorded[1].lower(): score}
    else:
        out = {"ecog": item.ecog}
    _put(out, "assessed_on", item.assessed_on)
    if item.source is not None:
        out["source"] = _fields_plain(item.source)
    return out
