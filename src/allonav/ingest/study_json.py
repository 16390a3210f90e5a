"""ClinicalTrials.gov API v2 study JSON → domain `Trial`.

Accepts the full API shape and the sparser rebuilt shapes (mirror pages, landscape monitors):
a missing field stays missing. Wrong types raise `RecordError` with the field's path.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any, TypeVar

from allonav.domain.trial import Intervention, OverallStatus, Phase, Site, Sponsor, Trial
from allonav.ingest.errors import RecordError

E = TypeVar("E", OverallStatus, Phase)

NCT_ID = re.compile(r"^NCT\d{8}$")
_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(year|month|week|day|hour|minute)s?\s*$", re.IGNORECASE)
_AGE_FACTORS = {"year": 1.0, "month": 1 / 12, "week": 7 / 365.25, "day": 1 / 365.25, "hour": 1 / 8766,
                "minute": 1 / 525960}


def _module(protocol: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = protocol.get(name)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise RecordError(f"protocolSection.{name} must be an object, got {type(value).__name__}")
    return value


def _text(module: Mapping[str, Any], key: str, path: str) -> str | None:
    value = module.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise RecordError(f"{path}.{key} must be a string, got {type(value).__name__}")
    value = value.strip()
    return value or None


def _list(module: Mapping[str, Any], key: str, path: str) -> list[Any]:
    value = module.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError(f"{path}.{key} must be a list, got {type(value).__name__}")
    return value


def _strings(module: Mapping[str, Any], key: str, path: str) -> tuple[str, ...]:
    items = _list(module, key, path)
    out: list[str] = []
    for index, item in enumerate(items):
        if not isinstance(item, str):
            raise RecordError(f"{path}.{key}[{index}] must be a string, got {type(item).__name__}")
        if item.strip():
            out.append(item.strip())
    return tuple(out)


def parse_date(value: object, path: str) -> date | None:
    """Read an API date: "2024-03-05", "2024-03" (first of month) or "2024" (1 January)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise RecordError(f"{path} must be a date string, got {type(value).__name__}")
    text = value.strip()
    match = re.fullmatch(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", text)
    if not match:
        raise RecordError(f"{path} is not a date: {text!r} (expected YYYY-MM-DD)")
    year, month, day = int(match[1]), int(match[2] or 1), int(match[3] or 1)
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise RecordError(f"{path} is not a date: {text!r} ({exc})") from None


def _date_struct(module: Mapping[str, Any], key: str, path: str) -> date | None:
    struct = module.get(key)
    if struct is None:
        return None
    if not isinstance(struct, Mapping):
        raise RecordError(f"{path}.{key} must be an object, got {type(struct).__name__}")
    return parse_date(struct.get("date"), f"{path}.{key}.date")


def parse_age(value: object, path: str) -> float | None:
    """"18 Years" → 18.0; "6 Months" → 0.5; "N/A" or absent → None."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise RecordError(f"{path} must be a string such as '18 Years', got {type(value).__name__}")
    text = value.strip()
    if text.upper() in {"", "N/A", "NA", "NONE"}:
        return None
    match = _AGE.match(text)
    if not match:
        raise RecordError(f"{path} is not an age: {text!r} (expected e.g. '18 Years' or '6 Months')")
    return round(float(match[1]) * _AGE_FACTORS[match[2].lower()], 4)


def _enum_or_none(kind: type[E], value: object, path: str) -> E | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise RecordError(f"{path} must be a string, got {type(value).__name__}")
    key = _ENUM_ALIASES.get(value.strip().upper(), value.strip().upper())
    key = re.sub(r"[\s,]+", "_", key)
    if kind is Phase:
        key = re.sub(r"^(EARLY_)?PHASE_(\d)$", r"\1PHASE\2", key)
        if key in _PHASE_NOT_STATED:
            return None
    try:
        return kind(key)
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise RecordError(f"{path} has unknown value {value!r}; allowed: {allowed}") from None


_ENUM_ALIASES = {"UNKNOWN STATUS": "UNKNOWN", "N/A": "NA", "NOT APPLICABLE": "NA"}
_PHASE_NOT_STATED = frozenset({"UNKNOWN", "NOT_STATED", ""})


def _sites(module: Mapping[str, Any]) -> tuple[Site, ...]:
    sites: list[Site] = []
    for index, raw in enumerate(_list(module, "locations", "contactsLocationsModule")):
        path = f"contactsLocationsModule.locations[{index}]"
        if not isinstance(raw, Mapping):
            raise RecordError(f"{path} must be an object, got {type(raw).__name__}")
        geo = raw.get("geoPoint")
        lat = lon = None
        if isinstance(geo, Mapping):
            lat_raw, lon_raw = geo.get("lat"), geo.get("lon")
            lat = float(lat_raw) if isinstance(lat_raw, int | float) else None
            lon = float(lon_raw) if isinstance(lon_raw, int | float) else None
        sites.append(
            Site(
                facility=_text(raw, "facility", path),
                city=_text(raw, "city", path),
                state=_text(raw, "state", path),
                country=_text(raw, "country", path),
                status=_text(raw, "status", path),
                latitude=lat,
                longitude=lon,
            )
        )
    return tuple(sites)


def _interventions(module: Mapping[str, Any]) -> tuple[Intervention, ...]:
    out: list[Intervention] = []
    for index, raw in enumerate(_list(module, "interventions", "armsInterventionsModule")):
        path = f"armsInterventionsModule.interventions[{index}]"
        if not isinstance(raw, Mapping):
            raise RecordError(f"{path} must be an object, got {type(raw).__name__}")
        name = _text(raw, "name", path)
        if name is None:
            continue
        out.append(
            Intervention(
                name=name,
                type=_text(raw, "type", path),
                description=_text(raw, "description", path),
                other_names=_strings(raw, "otherNames", path),
            )
        )
    return tuple(out)


def _arm_descriptions(module: Mapping[str, Any]) -> tuple[str, ...]:
    out: list[str] = []
    for index, raw in enumerate(_list(module, "armGroups", "armsInterventionsModule")):
        path = f"armsInterventionsModule.armGroups[{index}]"
        if not isinstance(raw, Mapping):
            raise RecordError(f"{path} must be an object, got {type(raw).__name__}")
        parts = [p for p in (_text(raw, "label", path), _text(raw, "description", path)) if p]
        if parts:
            out.append(": ".join(parts))
    return tuple(out)


def study_nct_id(study: object) -> str | None:
    """The NCT ID of a raw study object, or None when it has none (no error raised)."""
    if not isinstance(study, Mapping):
        return None
    protocol = study.get("protocolSection")
    if not isinstance(protocol, Mapping):
        return None
    ident = protocol.get("identificationModule")
    if not isinstance(ident, Mapping):
        return None
    value = ident.get("nctId")
    return value.strip().upper() if isinstance(value, str) else None


def parse_study(study: object, *, source: str | None = None) -> Trial:
    """Map one API v2 study object to a `Trial`, or raise `RecordError` saying what is wrong."""
    if not isinstance(study, Mapping):
        raise RecordError(f"a study must be a JSON object, got {type(study).__name__}")
    protocol = study.get("protocolSection")
    if not isinstance(protocol, Mapping):
        raise RecordError("no protocolSection: not a ClinicalTrials.gov API v2 study")
    ident = _module(protocol, "identificationModule")
    nct_raw = ident.get("nctId")
    if nct_raw is None or (isinstance(nct_raw, str) and not nct_raw.strip()):
        raise RecordError("no NCT ID (protocolSection.identificationModule.nctId is missing)")
    if not isinstance(nct_raw, str):
        raise RecordError(f"identificationModule.nctId must be a string, got {type(nct_raw).__name__}")
    nct_id = nct_raw.strip().upper()
    if not NCT_ID.match(nct_id):
        raise RecordError(f"identificationModule.nctId is not an NCT ID: {nct_raw!r} (expected NCT + 8 digits)")

    status = _module(protocol, "statusModule")
    sponsors = _module(protocol, "sponsorCollaboratorsModule")
    description = _module(protocol, "descriptionModule")
    conditions = _module(protocol, "conditionsModule")
    design = _module(protocol, "designModule")
    arms = _module(protocol, "armsInterventionsModule")
    eligibility = _module(protocol, "eligibilityModule")
    contacts = _module(protocol, "contactsLocationsModule")

    lead = sponsors.get("leadSponsor")
    sponsor = None
    if isinstance(lead, Mapping) and isinstance(lead.get("name"), str):
        sponsor = Sponsor(name=lead["name"].strip(), sponsor_class=_text(lead, "class", "leadSponsor"))
    collaborators = tuple(
        c["name"].strip()
        for c in _list(sponsors, "collaborators", "sponsorCollaboratorsModule")
        if isinstance(c, Mapping) and isinstance(c.get("name"), str)
    )
    phases = tuple(
        phase
        for index, raw in enumerate(_list(design, "phases", "designModule"))
        if (phase := _enum_or_none(Phase, raw, f"designModule.phases[{index}]")) is not None
    )
    enrollment_info = design.get("enrollmentInfo")
    enrollment = None
    if isinstance(enrollment_info, Mapping) and isinstance(enrollment_info.get("count"), int):
        enrollment = int(enrollment_info["count"])
    healthy = eligibility.get("healthyVolunteers")

    return Trial(
        nct_id=nct_id,
        title=_text(ident, "briefTitle", "identificationModule"),
        official_title=_text(ident, "officialTitle", "identificationModule"),
        acronym=_text(ident, "acronym", "identificationModule"),
        overall_status=_enum_or_none(OverallStatus, status.get("overallStatus"), "statusModule.overallStatus"),
        phases=phases,
        study_type=_text(design, "studyType", "designModule"),
        conditions=_strings(conditions, "conditions", "conditionsModule"),
        keywords=_strings(conditions, "keywords", "conditionsModule"),
        interventions=_interventions(arms),
        arm_descriptions=_arm_descriptions(arms),
        brief_summary=_text(description, "briefSummary", "descriptionModule"),
        detailed_description=_text(description, "detailedDescription", "descriptionModule"),
        sponsor=sponsor,
        collaborators=collaborators,
        start_date=_date_struct(status, "startDateStruct", "statusModule"),
        last_update=_date_struct(status, "lastUpdatePostDateStruct", "statusModule"),
        eligibility_criteria=_text(eligibility, "eligibilityCriteria", "eligibilityModule"),
        minimum_age_years=parse_age(eligibility.get("minimumAge"), "eligibilityModule.minimumAge"),
        maximum_age_years=parse_age(eligibility.get("maximumAge"), "eligibilityModule.maximumAge"),
        sex=_text(eligibility, "sex", "eligibilityModule"),
        healthy_volunteers=healthy if isinstance(healthy, bool) else None,
        sites=_sites(contacts),
        enrollment=enrollment,
        source=source,
    )
