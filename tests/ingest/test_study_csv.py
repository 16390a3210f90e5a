"""ClinicalTrials.gov website CSV export → API v2-shaped study dicts."""

from __future__ import annotations

import contextlib
import csv
import io
import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from allonav.domain.trial import OverallStatus, Phase, Site
from allonav.ingest.errors import RecordError
from allonav.ingest.study_csv import iter_csv_studies, split_location
from allonav.ingest.study_json import parse_study

FULL_HEADER = [
    "NCT Number",
    "Study Title",
    "Study URL",
    "Acronym",
    "Study Status",
    "Brief Summary",
    "Study Results",
    "Conditions",
    "Interventions",
    "Primary Outcome Measures",
    "Secondary Outcome Measures",
    "Other Outcome Measures",
    "Sponsor",
    "Collaborators",
    "Sex",
    "Age",
    "Phases",
    "Enrollment",
    "Funder Type",
    "Study Type",
    "Study Design",
    "Other IDs",
    "Start Date",
    "Primary Completion Date",
    "Completion Date",
    "First Posted",
    "Results First Posted",
    "Last Update Posted",
    "Locations",
    "Study Documents",
]


def csv_text(header: list[str], *rows: list[str]) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def read(text: str) -> list[tuple[int, dict[str, Any] | RecordError]]:
    return list(iter_csv_studies(io.StringIO(text, newline="")))


def full_row(**cells: str) -> list[str]:
    values = {
        "NCT Number": "NCT90000010",
        "Study Title": "Allogeneic CD19 CAR-T cells, fixture",
        "Study URL": "https://clinicaltrials.gov/study/NCT90000010",
        "Acronym": "ALLO-19",
        "Study Status": "RECRUITING",
        "Brief Summary": "A made-up study, with commas, and a | pipe-free summary.",
        "Study Results": "NO",
        "Conditions": "B-cell Acute Lymphoblastic Leukemia|Non-Hodgkin Lymphoma",
        "Interventions": "BIOLOGICAL: ALLO-501 CAR-T cells|DRUG: Fludarabine|Cyclophosphamide",
        "Primary Outcome Measures": "Dose-limiting toxicity, Toxicities graded by CTCAE, v5, 28 days",
        "Secondary Outcome Measures": "Overall response rate, 3 months",
        "Other Outcome Measures": "",
        "Sponsor": "Example Bio, Inc.",
        "Collaborators": "Cancer Centre A|University B",
        "Sex": "ALL",
        "Age": "18 Years to 75 Years   (Adult, Older Adult)",
        "Phases": "PHASE1|PHASE2",
        "Enrollment": "42",
        "Funder Type": "INDUSTRY",
        "Study Type": "INTERVENTIONAL",
        "Study Design": (
            "Allocation: NA|Intervention Model: SINGLE_GROUP|Masking: NONE|Primary Purpose: TREATMENT"
        ),
        "Other IDs": "EXB-001|2024-000001-11",
        "Start Date": "2024-02",
        "Primary Completion Date": "2026-12-31",
        "Completion Date": "",
        "First Posted": "January 15, 2024",
        "Results First Posted": "",
        "Last Update Posted": "2025-03-05",
        "Locations": "City of Hope, Duarte, California, 91010, United States"
        "|Hospital Clínic de Barcelona, Barcelona, 08036, Spain"
        "|Peking University People's Hospital, Beijing, Beijing, China",
        "Study Documents": "Study Protocol, https://cdn.clinicaltrials.gov/large-docs/10/NCT90000010/Prot_000.pdf",
    }
    values.update(cells)
    return [values[name] for name in FULL_HEADER]


# ---------------------------------------------------------------- whole-row mapping


def test_full_row_maps_to_api_shape_and_parses() -> None:
    [(row, study)] = read(csv_text(FULL_HEADER, full_row()))
    assert row == 2
    assert isinstance(study, dict)
    protocol = study["protocolSection"]
    assert protocol["armsInterventionsModule"]["interventions"] == [
        {"type": "BIOLOGICAL", "name": "ALLO-501 CAR-T cells"},
        {"type": "DRUG", "name": "Fludarabine"},
        {"name": "Cyclophosphamide"},
    ]
    assert protocol["designModule"]["designInfo"] == {
        "allocation": "NA",
        "interventionModel": "SINGLE_GROUP",
        "maskingInfo": {"masking": "NONE"},
        "primaryPurpose": "TREATMENT",
    }
    assert protocol["identificationModule"]["orgStudyIdInfo"] == {"id": "EXB-001"}
    assert protocol["identificationModule"]["secondaryIdInfos"] == [{"id": "2024-000001-11"}]
    assert protocol["statusModule"]["studyFirstPostDateStruct"] == {"date": "2024-01-15"}
    assert "completionDateStruct" not in protocol["statusModule"]
    assert protocol["outcomesModule"]["primaryOutcomes"] == [
        {
            "measure": "Dose-limiting toxicity",
            "description": "Toxicities graded by CTCAE, v5",
            "timeFrame": "28 days",
        }
    ]
    assert protocol["outcomesModule"]["secondaryOutcomes"] == [
        {"measure": "Overall response rate", "timeFrame": "3 months"}
    ]
    assert "otherOutcomes" not in protocol["outcomesModule"]
    assert protocol["eligibilityModule"]["stdAges"] == ["ADULT", "OLDER_ADULT"]
    assert study["hasResults"] is False
    assert study["_csv"] == {
        "Study URL": "https://clinicaltrials.gov/study/NCT90000010",
        "Study Documents": "Study Protocol, https://cdn.clinicaltrials.gov/large-docs/10/NCT90000010/Prot_000.pdf",
    }

    trial = parse_study(study, source="csv")
    assert trial.nct_id == "NCT90000010"
    assert trial.acronym == "ALLO-19"
    assert trial.overall_status is OverallStatus.RECRUITING
    assert trial.phases == (Phase.PHASE1, Phase.PHASE2)
    assert trial.conditions == ("B-cell Acute Lymphoblastic Leukemia", "Non-Hodgkin Lymphoma")
    assert trial.sponsor is not None
    assert (trial.sponsor.name, trial.sponsor.sponsor_class) == ("Example Bio, Inc.", "INDUSTRY")
    assert trial.collaborators == ("Cancer Centre A", "University B")
    assert trial.sex == "ALL"
    assert (trial.minimum_age_years, trial.maximum_age_years) == (18.0, 75.0)
    assert trial.enrollment == 42
    assert trial.study_type == "INTERVENTIONAL"
    assert trial.start_date == date(2024, 2, 1)
    assert trial.last_update == date(2025, 3, 5)
    assert trial.countries == ("United States", "Spain", "China")
    assert trial.sites[0] == Site("City of Hope", "Duarte", "California", "United States")
    assert trial.sites[1] == Site("Hospital Clínic de Barcelona", "Barcelona", None, "Spain")
    assert trial.sites[2] == Site("Peking University People's Hospital", "Beijing", "Beijing", "China")
    assert trial.eligibility_criteria is None


def test_columns_absent_from_the_export_stay_absent() -> None:
    header = ["NCT Number", "Study Title", "Study Status"]
    [(_, study)] = read(csv_text(header, ["nct90000011", "Only a title", "Active, not recruiting"]))
    assert isinstance(study, dict)
    assert set(study["protocolSection"]) == {"identificationModule", "statusModule"}
    trial = parse_study(study)
    assert trial.nct_id == "NCT90000011"
    assert trial.overall_status is OverallStatus.ACTIVE_NOT_RECRUITING
    assert trial.sites == () and trial.sponsor is None and trial.enrollment is None


# ---------------------------------------------------------------- table-driven snippets

HEADER = ["NCT Number", "Study Title", "Phases", "Start Date", "Enrollment"]

CASES: list[tuple[str, str, list[tuple[int, str]]]] = [
    (
        "good rows",
        csv_text(
            HEADER, ["NCT90000001", "A", "PHASE1", "2024-01-02", "10"], ["NCT90000002", "B", "", "", ""]
        ),
        [(2, "NCT90000001"), (3, "NCT90000002")],
    ),
    (
        "missing NCT Number, reading goes on",
        csv_text(HEADER, ["", "A", "", "", ""], ["NCT90000002", "B", "", "", ""]),
        [(2, "error:no NCT Number"), (3, "NCT90000002")],
    ),
    (
        "malformed NCT Number",
        csv_text(HEADER, ["NCT123", "A", "", "", ""]),
        [(2, "error:is not an NCT ID: 'NCT123'")],
    ),
    (
        "too few cells",
        csv_text(HEADER, ["NCT90000001", "A"], ["NCT90000002", "B", "", "", ""]),
        [(2, "error:has 2 cells but the header has 5 columns"), (3, "NCT90000002")],
    ),
    (
        "too many cells",
        csv_text(HEADER, ["NCT90000001", "A", "", "", "", "extra"]),
        [(2, "error:has 6 cells but the header has 5 columns")],
    ),
    (
        "bad date",
        csv_text(HEADER, ["NCT90000001", "A", "", "2024-13-01", ""]),
        [(2, "error:column 'Start Date' is not a date: '2024-13-01'")],
    ),
    (
        "unreadable date",
        csv_text(HEADER, ["NCT90000001", "A", "", "soon", ""]),
        [(2, "error:column 'Start Date' is not a date: 'soon'")],
    ),
    (
        "enrollment not a number",
        csv_text(HEADER, ["NCT90000001", "A", "", "", "about 40"]),
        [(2, "error:column 'Enrollment' is not a whole number: 'about 40'")],
    ),
    (
        "blank lines are skipped but counted",
        "NCT Number,Study Title\r\n\r\nNCT90000001,A\r\n,\r\nNCT90000002,B\r\n",
        [(3, "NCT90000001"), (5, "NCT90000002")],
    ),
    (
        "multi-line cell keeps row numbering by record",
        'NCT Number,Study Title\nNCT90000001,"line one\nline two"\nNCT90000002,B\n',
        [(2, "NCT90000001"), (3, "NCT90000002")],
    ),
    (
        "byte-order mark before the header",
        "\ufeffNCT Number,Study Title\nNCT90000001,A\n",
        [(2, "NCT90000001")],
    ),
    ("header only", "NCT Number,Study Title\n", []),
]


@pytest.mark.parametrize(("text", "expected"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_snippets(text: str, expected: list[tuple[int, str]]) -> None:
    got: list[tuple[int, str]] = []
    for row, item in read(text):
        if isinstance(item, RecordError):
            assert str(item).startswith(f"row {row}: ")
            got.append((row, f"error:{item}"))
        else:
            got.append((row, item["protocolSection"]["identificationModule"]["nctId"]))
    assert len(got) == len(expected)
    for (row, value), (want_row, want) in zip(got, expected, strict=True):
        assert row == want_row
        if want.startswith("error:"):
            assert value.startswith("error:")
            assert want.removeprefix("error:") in value
        else:
            assert value == want


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        ("\n\n", "the file is empty"),
        (
            "Study Title,Conditions\nA,B\n",
            "header has no \"NCT Number\" column (found: 'Study Title', 'Conditions')",
        ),
        ('{"studies": []}\n', 'no "NCT Number" column'),
    ],
)
def test_not_an_export_raises_for_the_whole_file(text: str, message: str) -> None:
    with pytest.raises(RecordError, match=r"not a ClinicalTrials\.gov CSV export") as caught:
        read(text)
    assert message in str(caught.value)


# ---------------------------------------------------------------- cells


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Dietary Supplement: Vitamin D", {"type": "DIETARY_SUPPLEMENT", "name": "Vitamin D"}),
        ("COMBINATION_PRODUCT: X + Y", {"type": "COMBINATION_PRODUCT", "name": "X + Y"}),
        ("Biological:CAR-NK", {"type": "BIOLOGICAL", "name": "CAR-NK"}),
        ("CAR-T: anti-CD19", {"name": "CAR-T: anti-CD19"}),
        ("Ratio 1:1 dosing", {"name": "Ratio 1:1 dosing"}),
    ],
)
def test_intervention_cells(cell: str, expected: dict[str, str]) -> None:
    [(_, study)] = read(csv_text(["NCT Number", "Interventions"], ["NCT90000001", cell]))
    assert isinstance(study, dict)
    assert study["protocolSection"]["armsInterventionsModule"]["interventions"] == [expected]


@pytest.mark.parametrize(
    ("cell", "phases"),
    [
        ("PHASE1|PHASE2", (Phase.PHASE1, Phase.PHASE2)),
        ("EARLY_PHASE1", (Phase.EARLY_PHASE1,)),
        ("Phase 2|Phase 3", (Phase.PHASE2, Phase.PHASE3)),
        ("NA", (Phase.NA,)),
        ("Not Applicable", (Phase.NA,)),
    ],
)
def test_phase_cells(cell: str, phases: tuple[Phase, ...]) -> None:
    [(_, study)] = read(csv_text(["NCT Number", "Phases"], ["NCT90000001", cell]))
    assert parse_study(study).phases == phases


@pytest.mark.parametrize(
    ("cell", "minimum", "maximum", "std"),
    [
        ("CHILD, ADULT, OLDER_ADULT", None, None, ["CHILD", "ADULT", "OLDER_ADULT"]),
        ("18 Years and older   (Adult, Older Adult)", 18.0, None, ["ADULT", "OLDER_ADULT"]),
        ("up to 17 Years   (Child)", None, 17.0, ["CHILD"]),
        ("6 Months to 21 Years   (Child, Adult)", 0.5, 21.0, ["CHILD", "ADULT"]),
        ("whatever", None, None, None),
    ],
)
def test_age_cells(cell: str, minimum: float | None, maximum: float | None, std: list[str] | None) -> None:
    [(_, study)] = read(csv_text(["NCT Number", "Age"], ["NCT90000001", cell]))
    assert isinstance(study, dict)
    trial = parse_study(study)
    assert (trial.minimum_age_years, trial.maximum_age_years) == (minimum, maximum)
    assert study["protocolSection"].get("eligibilityModule", {}).get("stdAges") == std


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2018-12-26", "2018-12-26"),
        ("2018-12", "2018-12"),
        ("2018", "2018"),
        ("December 26, 2018", "2018-12-26"),
        ("Dec 2018", "2018-12"),
        ("2018-1-5", "2018-01-05"),
    ],
)
def test_date_cells(cell: str, expected: str) -> None:
    [(_, study)] = read(csv_text(["NCT Number", "Last Update Posted"], ["NCT90000001", cell]))
    assert isinstance(study, dict)
    assert study["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"] == {"date": expected}


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (
            "City of Hope, Duarte, California, 91010, United States",
            {
                "facility": "City of Hope",
                "city": "Duarte",
                "state": "California",
                "zip": "91010",
                "country": "United States",
            },
        ),
        (
            "Mayo Clinic, Rochester, Minnesota, United States",
            {
                "facility": "Mayo Clinic",
                "city": "Rochester",
                "state": "Minnesota",
                "country": "United States",
            },
        ),
        (
            "Hôpital Saint-Louis, Paris, 75010, France",
            {"facility": "Hôpital Saint-Louis", "city": "Paris", "zip": "75010", "country": "France"},
        ),
        (
            "Princess Margaret, University Health Network, Toronto, Ontario, M5G 2M9, Canada",
            {
                "facility": "Princess Margaret, University Health Network",
                "city": "Toronto",
                "state": "Ontario",
                "zip": "M5G 2M9",
                "country": "Canada",
            },
        ),
        (
            "Hebei Senlang Biotechnology Inc., Ltd., Shijiazhuang, China",
            {
                "facility": "Hebei Senlang Biotechnology Inc., Ltd.",
                "city": "Shijiazhuang",
                "country": "China",
            },
        ),
        (
            "Peking University People's Hospital, Beijing, Beijing, China",
            {
                "facility": "Peking University People's Hospital",
                "city": "Beijing",
                "state": "Beijing",
                "country": "China",
            },
        ),
        ("Beijing, China", {"city": "Beijing", "country": "China"}),
        ("Germany", {"country": "Germany"}),
        (" , ", {}),
    ],
)
def test_split_location(entry: str, expected: dict[str, str]) -> None:
    assert split_location(entry) == expected


# ---------------------------------------------------------------- never anything but RecordError


def _drain(text: str) -> None:
    try:
        for row, item in iter_csv_studies(io.StringIO(text, newline="")):
            assert isinstance(row, int)
            assert isinstance(item, dict | RecordError)
            if isinstance(item, dict):
                with contextlib.suppress(RecordError):
                    parse_study(item)
    except RecordError:
        pass


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_arbitrary_text_raises_only_record_error(text: str) -> None:
    _drain(text)


CSV_TOKENS = st.sampled_from([*list('NCT0123456789,"|:\n\r -aAPHSE'), "NCT90000001", "PHASE1", "2024-"])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(FULL_HEADER), min_size=0, max_size=8),
    st.lists(CSV_TOKENS, max_size=60).map("".join),
)
def test_export_header_with_arbitrary_rows_raises_only_record_error(header: list[str], body: str) -> None:
    _drain(",".join(["NCT Number", *header]) + "\n" + body)


# ---------------------------------------------------------------- real export


def shared_dir() -> Path:
    override = os.environ.get("ALLONAV_SHARED_DIR")
    return Path(override) if override else Path(__file__).resolve().parents[2].parent / "shared"


@pytest.mark.shared
def test_real_leukaemia_export_maps_and_parses() -> None:
    path = shared_dir() / "data" / "ctgov" / "leukaemia_ctg-studies_export.csv"
    if not path.is_file():
        pytest.skip(f"real data not found at {path} (set ALLONAV_SHARED_DIR to the shared folder)")
    with path.open(encoding="utf-8-sig", newline="") as stream:
        results = list(iter_csv_studies(stream))
    errors = [(row, item) for row, item in results if isinstance(item, RecordError)]
    assert errors == []
    trials = [parse_study(item, source=path.name) for _, item in results if isinstance(item, dict)]
    assert len(trials) == 245
    assert len({t.nct_id for t in trials}) == 245
    assert all(t.title and t.overall_status and t.conditions for t in trials)
    assert sum(1 for t in trials if t.phases) > 200
    assert sum(1 for t in trials if any(i.type == "BIOLOGICAL" for i in t.interventions)) > 40
    car = [t for t in trials if t.title and "CAR" in t.title.upper()]
    assert car, "the export holds CAR-T / CAR-NK trials"
