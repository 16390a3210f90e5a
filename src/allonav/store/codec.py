"""Trial and profile ↔ JSON-ready dicts, for the `record` and `profile` columns and the API."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from allonav.domain.trial import (
    CellTherapyProfile,
    Evidence,
    Intervention,
    Labelled,
    OverallStatus,
    Phase,
    Site,
    Sponsor,
    Trial,
)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def trial_to_dict(trial: Trial) -> dict[str, Any]:
    return {
        "nct_id": trial.nct_id,
        "title": trial.title,
        "official_title": trial.official_title,
        "acronym": trial.acronym,
        "overall_status": trial.overall_status.value if trial.overall_status else None,
        "phases": [phase.value for phase in trial.phases],
        "study_type": trial.study_type,
        "conditions": list(trial.conditions),
        "keywords": list(trial.keywords),
        "interventions": [
            {"name": i.name, "type": i.type, "description": i.description, "other_names": list(i.other_names)}
            for i in trial.interventions
        ],
        "arm_descriptions": list(trial.arm_descriptions),
        "brief_summary": trial.brief_summary,
        "detailed_description": trial.detailed_description,
        "sponsor": {"name": trial.sponsor.name, "class": trial.sponsor.sponsor_class} if trial.sponsor else None,
        "collaborators": list(trial.collaborators),
        "start_date": _iso(trial.start_date),
        "last_update": _iso(trial.last_update),
        "eligibility_criteria": trial.eligibility_criteria,
        "minimum_age_years": trial.minimum_age_years,
        "maximum_age_years": trial.maximum_age_years,
        "sex": trial.sex,
        "healthy_volunteers": trial.healthy_volunteers,
        "sites": [
            {
                "facility": s.facility,
                "city": s.city,
                "state": s.state,
                "country": s.country,
                "status": s.status,
                "latitude": s.latitude,
                "longitude": s.longitude,
            }
            for s in trial.sites
        ],
        "enrollment": trial.enrollment,
        "source": trial.source,
    }


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else None


def trial_from_dict(data: dict[str, Any]) -> Trial:
    sponsor = data.get("sponsor")
    status = data.get("overall_status")
    return Trial(
        nct_id=data["nct_id"],
        title=data.get("title"),
        official_title=data.get("official_title"),
        acronym=data.get("acronym"),
        overall_status=OverallStatus(status) if status else None,
        phases=tuple(Phase(p) for p in data.get("phases", [])),
        study_type=data.get("study_type"),
        conditions=tuple(data.get("conditions", [])),
        keywords=tuple(data.get("keywords", [])),
        interventions=tuple(
            Intervention(
                name=i["name"],
                type=i.get("type"),
                description=i.get("description"),
                other_names=tuple(i.get("other_names", [])),
            )
            for i in data.get("interventions", [])
        ),
        arm_descriptions=tuple(data.get("arm_descriptions", [])),
        brief_summary=data.get("brief_summary"),
        detailed_description=data.get("detailed_description"),
        sponsor=Sponsor(name=sponsor["name"], sponsor_class=sponsor.get("class")) if sponsor else None,
        collaborators=tuple(data.get("collaborators", [])),
        start_date=_date(data.get("start_date")),
        last_update=_date(data.get("last_update")),
        eligibility_criteria=data.get("eligibility_criteria"),
        minimum_age_years=data.get("minimum_age_years"),
        maximum_age_years=data.get("maximum_age_years"),
        sex=data.get("sex"),
        healthy_volunteers=data.get("healthy_volunteers"),
        sites=tuple(Site(**site) for site in data.get("sites", [])),
        enrollment=data.get("enrollment"),
        source=data.get("source"),
    )


def _labelled_to_dict(item: Labelled) -> dict[str, Any]:
    return {
        "value": item.value,
        "evidence": [{"field": e.field, "text": e.text, "match": e.match} for e in item.evidence],
    }


def _labelled_from_dict(data: dict[str, Any]) -> Labelled:
    return Labelled(
        value=data["value"],
        evidence=tuple(Evidence(field=e["field"], text=e["text"], match=e["match"]) for e in data.get("evidence", [])),
    )


PROFILE_FIELDS = ("modality", "cell_source", "gene_editing", "antigens", "disease_groups")


def profile_to_dict(profile: CellTherapyProfile) -> dict[str, Any]:
    return {
        "modality": [_labelled_to_dict(x) for x in profile.modality],
        "cell_source": _labelled_to_dict(profile.cell_source),
        "gene_editing": [_labelled_to_dict(x) for x in profile.gene_editing],
        "antigens": [_labelled_to_dict(x) for x in profile.antigens],
        "disease_groups": [_labelled_to_dict(x) for x in profile.disease_groups],
    }


def profile_from_dict(data: dict[str, Any]) -> CellTherapyProfile:
    return CellTherapyProfile(
        modality=tuple(_labelled_from_dict(x) for x in data.get("modality", [])),
        cell_source=_labelled_from_dict(data.get("cell_source") or {"value": "unknown"}),
        gene_editing=tuple(_labelled_from_dict(x) for x in data.get("gene_editing", [])),
        antigens=tuple(_labelled_from_dict(x) for x in data.get("antigens", [])),
        disease_groups=tuple(_labelled_from_dict(x) for x in data.get("disease_groups", [])),
    )


def content_digest(record: dict[str, Any]) -> tuple[str, int]:
    """A stable digest of a trial record (its `source` label excluded) and how much it says (serialised length).

    The digest tells a real change from a re-import; the size breaks ties between two versions
    with the same update date (the fuller one wins).
    """
    payload = {key: value for key, value in record.items() if key != "source"}
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest(), len(text)
