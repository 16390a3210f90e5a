"""The API v2 study parser: shapes it accepts and the reasons it gives for what it refuses."""

from __future__ import annotations

import contextlib
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from allonav.domain.trial import OverallStatus, Phase
from allonav.ingest.errors import RecordError
from allonav.ingest.study_json import parse_age, parse_date, parse_study


def _study(**modules: Any) -> dict[str, Any]:
    protocol: dict[str, Any] = {"identificationModule": {"nctId": "NCT01234567", "briefTitle": "A CAR-T study"}}
    protocol.update(modules)
    return {"protocolSection": protocol}


@pytest.mark.parametrize(
    ("raw", "years"),
    [("18 Years", 18.0), ("6 Months", 0.5), ("1 Year", 1.0), ("N/A", None), (None, None), ("  75 years ", 75.0)],
)
def test_ages_are_read_in_years(raw: str | None, years: float | None) -> None:
    assert parse_age(raw, "minimumAge") == years


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("2024-03-05", date(2024, 3, 5)), ("2024-03", date(2024, 3, 1)), ("2024", date(2024, 1, 1)), (None, None)],
)
def test_dates_accept_the_api_precisions(raw: str | None, expected: date | None) -> None:
    assert parse_date(raw, "date") == expected


def test_a_full_study_maps_its_fields() -> None:
    trial = parse_study(
        _study(
            statusModule={"overallStatus": "RECRUITING", "lastUpdatePostDateStruct": {"date": "2026-01-02"}},
            designModule={"phases": ["PHASE1", "PHASE2"]},
            conditionsModule={"conditions": ["B-ALL"]},
            eligibilityModule={"eligibilityCriteria": "Inclusion Criteria:\n* ECOG 0-1", "minimumAge": "3 Years"},
            contactsLocationsModule={"locations": [{"facility": "H", "city": "Beijing", "country": "China"}]},
        )
    )
    assert trial.nct_id == "NCT01234567"
    assert trial.overall_status is OverallStatus.RECRUITING
    assert trial.phases == (Phase.PHASE1, Phase.PHASE2)
    assert trial.last_update == date(2026, 1, 2)
    assert trial.countries == ("China",)
    assert trial.minimum_age_years == 3.0
    assert trial.eligibility_criteria == "Inclusion Criteria:\n* ECOG 0-1"


def test_mirror_spellings_of_status_and_phase_are_understood() -> None:
    trial = parse_study(_study(statusModule={"overallStatus": "Active, not recruiting"},
                               designModule={"phases": ["Phase 1", "Unknown"]}))
    assert trial.overall_status is OverallStatus.ACTIVE_NOT_RECRUITING
    assert trial.phases == (Phase.PHASE1,)


@pytest.mark.parametrize(
    ("study", "reason"),
    [
        ({"protocolSection": {"identificationModule": {}}}, "no NCT ID"),
        ({"protocolSection": {"identificationModule": {"nctId": None}}}, "no NCT ID"),
        ({"protocolSection": {"identificationModule": {"nctId": "12345"}}}, "not an NCT ID"),
        ({"protocolSection": {"identificationModule": {"nctId": 12345678}}}, "must be a string"),
        ({"something": 1}, "no protocolSection"),
        ([1, 2], "must be a JSON object"),
        (_study(conditionsModule={"conditions": "Leukemia"}), "conditionsModule.conditions must be a list"),
        (_study(statusModule={"overallStatus": "OPEN"}), "unknown value 'OPEN'; allowed:"),
        (_study(statusModule={"lastUpdatePostDateStruct": {"date": "yesterday"}}), "is not a date"),
        (_study(eligibilityModule={"minimumAge": "eighteen"}), "is not an age"),
        (_study(contactsLocationsModule={"locations": ["Beijing"]}), "locations[0] must be an object"),
    ],
)
def test_bad_records_are_refused_with_a_reason(study: Any, reason: str) -> None:
    with pytest.raises(RecordError, match=None) as caught:
        parse_study(study)
    assert reason in str(caught.value)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)
module_names = st.sampled_from([
    "identificationModule", "statusModule", "designModule", "conditionsModule", "eligibilityModule",
    "contactsLocationsModule", "armsInterventionsModule", "descriptionModule", "sponsorCollaboratorsModule",
])


@given(st.dictionaries(module_names, json_values | st.dictionaries(st.text(max_size=20), json_values, max_size=5),
                       max_size=6))
def test_parser_raises_only_record_errors_on_arbitrary_json(protocol: dict[str, Any]) -> None:
    protocol.setdefault("identificationModule", {"nctId": "NCT01234567"})
    with contextlib.suppress(RecordError):
        parse_study({"protocolSection": protocol})
