"""ClinicalTrials.gov website CSV export (`ctg-studies.csv`) → API v2-shaped study dicts.

The dicts have the API's `protocolSection` layout, so `allonav.ingest.study_json.parse_study`
maps them like any API record. Only the columns a file has are used; a column it lacks leaves the
field absent (never "empty"). Columns with no API v2 place (Study URL, Study Documents, unknown
columns) are kept verbatim under the study's `_csv` key, which `parse_study` ignores.

Cells:

* Multi-valued cells are `|`-separated (Conditions, Interventions, Phases, Collaborators, Other IDs,
  outcome measures, Locations, Study Design).
* Interventions read `TYPE: name` (`BIOLOGICAL: CD123 CAR-T cells`); a prefix that is not a known
  intervention type stays part of the name and the type is left absent.
* Age is either the current export's standard age groups (`CHILD, ADULT, OLDER_ADULT`) or the
  older `18 Years and older (Adult, Older Adult)` / `18 Years to 65 Years` form, whose limits
  become `minimumAge` / `maximumAge`.
* Dates are `YYYY-MM-DD`, `YYYY-MM`, or the older `December 26, 2018` / `December 2018`.
* Outcome measures read `measure, description, time frame`: the first comma-separated part is the
  measure, the last the time frame, everything between the description (a best effort: the
  export does not escape commas inside the parts).

Locations (`Facility, City, State, ZIP, Country`, parts omitted when empty; the facility may itself
contain commas) are split by a heuristic:

1. the last part is the country;
2. the part before it is a postal code when it contains a digit and is short (≤ 10 characters of
   letters, digits, spaces and hyphens);
3. with a postal code and three or more parts remaining, the last is the state, the one before it
   the city and the rest (joined with ", ") the facility; with two, they are facility and city; with
   one, it is the city (the export nearly always names the facility, so a missing state is more
   likely than a missing facility);
4. without a postal code: in the United States the last part is the state when it names a state,
   and the part before it the city; elsewhere the last part is the city, unless the last two
   parts are equal (`Beijing, Beijing`), which is read as city and state; the rest is the facility.

Known limits: a facility name with a comma in a country whose addresses carry a postal code but no
state (`Hospital, Department, Berlin, 10117, Germany`) comes out with the department as city and
the city as state; a location without a facility shifts the other way.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first study row 2.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from allonav.ingest.errors import RecordError
from allonav.ingest.study_json import NCT_ID

NCT_COLUMN = "NCT Number"

_INTERVENTION_TYPES = frozenset(
    {
        "BEHAVIORAL",
        "BIOLOGICAL",
        "COMBINATION_PRODUCT",
        "DEVICE",
        "DIAGNOSTIC_TEST",
        "DIETARY_SUPPLEMENT",
        "DRUG",
        "GENETIC",
        "PROCEDURE",
        "RADIATION",
        "OTHER",
    }
)
_INTERVENTION = re.compile(r"^\s*([A-Za-z][A-Za-z _]*?)\s*:\s*(.+)$", re.DOTALL)
_MONTHS = {
    name: index
    for index, name in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        start=1,
    )
}
_ISO_DATE = re.compile(r"^\d{4}(?:-\d{1,2}(?:-\d{1,2})?)?$")
_WORD_DATE = re.compile(r"^([A-Za-z]+)\.?\s+(?:(\d{1,2}),?\s+)?(\d{4})$")
_AGE_UNIT = r"(\d+(?:\.\d+)?\s+(?:Year|Month|Week|Day|Hour|Minute)s?)"
_AGE_RANGE = re.compile(rf"{_AGE_UNIT}\s+to\s+{_AGE_UNIT}", re.IGNORECASE)
_AGE_MIN = re.compile(rf"{_AGE_UNIT}\s+and\s+older", re.IGNORECASE)
_AGE_MAX = re.compile(rf"up\s+to\s+{_AGE_UNIT}", re.IGNORECASE)
_STD_AGES = {"CHILD": "CHILD", "ADULT": "ADULT", "OLDER ADULT": "OLDER_ADULT", "OLDER_ADULT": "OLDER_ADULT"}
_POSTAL = re.compile(r"^(?=.*\d)[A-Za-z0-9][A-Za-z0-9 \-]{0,9}$")
_US_STATES = frozenset(
    {
        "Alabama",
        "Alaska",
        "Arizona",
        "Arkansas",
        "California",
        "Colorado",
        "Connecticut",
        "Delaware",
        "Florida",
        "Georgia",
        "Hawaii",
        "Idaho",
        "Illinois",
        "Indiana",
        "Iowa",
        "Kansas",
        "Kentucky",
        "Louisiana",
        "Maine",
        "Maryland",
        "Massachusetts",
        "Michigan",
        "Minnesota",
        "Mississippi",
        "Missouri",
        "Montana",
        "Nebraska",
        "Nevada",
        "Ohio",
        "Oklahoma",
        "Oregon",
        "Pennsylvania",
        "Tennessee",
        "Texas",
        "Utah",
        "Vermont",
        "Virginia",
        "Washington",
        "Wisconsin",
        "Wyoming",
        "New Hampshire",
        "New Jersey",
        "New Mexico",
        "New York",
        "North Carolina",
        "North Dakota",
        "Rhode Island",
        "South Carolina",
        "South Dakota",
        "West Virginia",
        "District of Columbia",
        "Puerto Rico",
    }
)
_US = frozenset({"United States", "USA", "United States of America"})


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split("|") if part.strip()]


def _date(cell: str, column: str) -> str:
    """Normalise an export date to the API's `YYYY[-MM[-DD]]` form, or raise RecordError."""
    text = cell.strip()
    if _ISO_DATE.match(text):
        parts = [int(p) for p in text.split("-")]
        try:
            date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
        except ValueError as exc:
            raise RecordError(f"column {column!r} is not a date: {text!r} ({exc})") from None
        return "-".join(f"{p:02d}" if i else f"{p:04d}" for i, p in enumerate(parts))
    match = _WORD_DATE.match(text)
    month = _MONTHS.get(match[1].lower()) if match else None
    if match and month is None:
        month = next(
            (n for name, n in _MONTHS.items() if len(match[1]) >= 3 and name.startswith(match[1].lower())),
            None,
        )
    if match and month is not None:
        year, day = int(match[3]), match[2]
        try:
            date(year, month, int(day or 1))
        except ValueError as exc:
            raise RecordError(f"column {column!r} is not a date: {text!r} ({exc})") from None
        return f"{year:04d}-{month:02d}" + (f"-{int(day):02d}" if day else "")
    raise RecordError(
        f"column {column!r} is not a date: {text!r} (expected e.g. 2024-03-05 or March 5, 2024)"
    )


def _intervention(entry: str) -> dict[str, str]:
    match = _INTERVENTION.match(entry)
    if match:
        kind = re.sub(r"[\s_]+", "_", match[1].strip()).upper()
        if kind in _INTERVENTION_TYPES:
            return {"type": kind, "name": match[2].strip()}
    return {"name": entry}


def _outcome(entry: str) -> dict[str, str]:
    parts = [p.strip() for p in entry.split(", ")]
    outcome = {"measure": parts[0]}
    if len(parts) >= 2:
        outcome["timeFrame"] = parts[-1]
    if len(parts) >= 3:
        outcome["description"] = ", ".join(parts[1:-1])
    return outcome


def split_location(entry: str) -> dict[str, str]:
    """Split one `Facility, City, State, ZIP, Country` location into API v2 location fields.

    See the module docstring for the heuristic; parts that cannot be placed are left out.
    """
    parts = [p.strip() for p in entry.split(",") if p.strip()]
    location: dict[str, str] = {}
    if not parts:
        return location
    location["country"] = parts.pop()
    if parts and _POSTAL.match(parts[-1]):
        location["zip"] = parts.pop()
        if len(parts) >= 3:
            location["state"] = parts.pop()
        if parts:
            location["city"] = parts.pop()
    elif parts:
        us_state = location["country"] in _US and parts[-1] in _US_STATES
        if len(parts) >= 2 and (us_state or parts[-1].casefold() == parts[-2].casefold()):
            location["state"] = parts.pop()
        location["city"] = parts.pop()
    if parts:
        location["facility"] = ", ".join(parts)
    return location


def _age(cell: str, eligibility: dict[str, Any]) -> None:
    text = cell.strip()
    if match := _AGE_RANGE.search(text):
        eligibility["minimumAge"], eligibility["maximumAge"] = match[1], match[2]
    elif match := _AGE_MIN.search(text):
        eligibility["minimumAge"] = match[1]
    elif match := _AGE_MAX.search(text):
        eligibility["maximumAge"] = match[1]
    groups = re.search(r"\(([^)]*)\)", text)
    names = groups[1] if groups else text
    std = [
        _STD_AGES[p]
        for p in (re.sub(r"\s+", " ", x.strip()).upper() for x in names.split(","))
        if p in _STD_AGES
    ]
    if std:
        eligibility["stdAges"] = list(dict.fromkeys(std))


def _design(cell: str, design: dict[str, Any]) -> None:
    info: dict[str, Any] = {}
    keys = {
        "ALLOCATION": "allocation",
        "INTERVENTION MODEL": "interventionModel",
        "PRIMARY PURPOSE": "primaryPurpose",
        "OBSERVATIONAL MODEL": "observationalModel",
        "TIME PERSPECTIVE": "timePerspective",
    }
    for part in _split(cell):
        name, sep, value = part.partition(":")
        if not sep:
            continue
        key, value = name.strip().upper(), value.strip()
        if key == "MASKING":
            info["maskingInfo"] = {"masking": value}
        elif key in keys:
            info[keys[key]] = value
    if info:
        design["designInfo"] = info


def study_from_row(row: dict[str, str]) -> dict[str, Any]:
    """Build an API v2-shaped study dict from one export row (header → cell), or raise RecordError."""
    nct = row.get(NCT_COLUMN, "").strip().upper()
    if not nct:
        raise RecordError(f"no {NCT_COLUMN}: the row has no NCT ID")
    if not NCT_ID.match(nct):
        raise RecordError(
            f"{NCT_COLUMN} is not an NCT ID: {row[NCT_COLUMN].strip()!r} (expected NCT + 8 digits)"
        )

    ident: dict[str, Any] = {"nctId": nct}
    status: dict[str, Any] = {}
    sponsors: dict[str, Any] = {}
    description: dict[str, Any] = {}
    conditions: dict[str, Any] = {}
    design: dict[str, Any] = {}
    arms: dict[str, Any] = {}
    outcomes: dict[str, Any] = {}
    eligibility: dict[str, Any] = {}
    contacts: dict[str, Any] = {}
    extra: dict[str, str] = {}
    study: dict[str, Any] = {}

    for column, raw in row.items():
        cell = raw.strip()
        if column == NCT_COLUMN or not cell:
            continue
        if column == "Study Title":
            ident["briefTitle"] = cell
        elif column == "Acronym":
            ident["acronym"] = cell
        elif column == "Study Status":
            status["overallStatus"] = cell
        elif column == "Brief Summary":
            description["briefSummary"] = cell
        elif column == "Study Results":
            study["hasResults"] = cell.upper() in {"YES", "HAS RESULTS"}
        elif column == "Conditions":
            conditions["conditions"] = _split(cell)
        elif column == "Interventions":
            arms["interventions"] = [_intervention(e) for e in _split(cell)]
        elif column in {"Primary Outcome Measures", "Secondary Outcome Measures", "Other Outcome Measures"}:
            key = column.split()[0].lower() + "Outcomes"
            outcomes[key] = [_outcome(e) for e in _split(cell)]
        elif column == "Sponsor":
            sponsors.setdefault("leadSponsor", {})["name"] = cell
        elif column == "Funder Type":
            sponsors.setdefault("leadSponsor", {})["class"] = cell
        elif column == "Collaborators":
            sponsors["collaborators"] = [{"name": name} for name in _split(cell)]
        elif column == "Sex":
            eligibility["sex"] = cell.upper()
        elif column == "Age":
            _age(cell, eligibility)
        elif column == "Phases":
            design["phases"] = _split(cell)
        elif column == "Enrollment":
            if not re.fullmatch(r"\d+", cell):
                raise RecordError(f"column 'Enrollment' is not a whole number: {cell!r}")
            design["enrollmentInfo"] = {"count": int(cell)}
        elif column == "Study Type":
            design["studyType"] = cell
        elif column == "Study Design":
            _design(cell, design)
        elif column == "Other IDs":
            ids = _split(cell)
            ident["orgStudyIdInfo"] = {"id": ids[0]}
            if ids[1:]:
                ident["secondaryIdInfos"] = [{"id": other} for other in ids[1:]]
        elif column in _DATE_COLUMNS:
            status[_DATE_COLUMNS[column]] = {"date": _date(cell, column)}
        elif column == "Locations":
            contacts["locations"] = [split_location(e) for e in _split(cell)]
        else:
            extra[column] = cell

    modules = {
        "identificationModule": ident,
        "statusModule": status,
        "sponsorCollaboratorsModule": sponsors,
        "descriptionModule": description,
        "conditionsModule": conditions,
        "designModule": design,
        "armsInterventionsModule": arms,
        "outcomesModule": outcomes,
        "eligibilityModule": eligibility,
        "contactsLocationsModule": contacts,
    }
    study["protocolSection"] = {name: module for name, module in modules.items() if module}
    if extra:
        study["_csv"] = extra
    return study


_DATE_COLUMNS = {
    "Start Date": "startDateStruct",
    "Primary Completion Date": "primaryCompletionDateStruct",
    "Completion Date": "completionDateStruct",
    "First Posted": "studyFirstPostDateStruct",
    "Results First Posted": "resultsFirstPostDateStruct",
    "Last Update Posted": "lastUpdatePostDateStruct",
}


def iter_csv_studies(text_stream: Iterable[str]) -> Iterator[tuple[int, dict[str, Any] | RecordError]]:
    """Read a ClinicalTrials.gov CSV export: yield (row number, study dict or RecordError) per row.

    A bad row (no NCT Number, wrong number of cells, unreadable date or enrollment) yields a
    `RecordError` and reading goes on. A file that is not such an export (its header has no
    "NCT Number" column, or it cannot be read as CSV text) raises `RecordError`.
    `text_stream` is any iterable of lines, e.g. a file opened with `newline=""` (and
    `encoding="utf-8-sig"` to drop a byte-order mark). Blank lines are skipped. Row numbers count
    the header as row 1.
    """
    reader = csv.reader(text_stream)
    try:
        header = next(reader, None)
    except (csv.Error, UnicodeDecodeError) as exc:
        raise RecordError(f"not a readable CSV file: {exc}") from None
    if header:
        header = [name.strip().lstrip("\ufeff").strip() for name in header]
    if not header or NCT_COLUMN not in header:
        raise RecordError(
            f'not a ClinicalTrials.gov CSV export: the header has no "{NCT_COLUMN}" column'
            + (f" (found: {', '.join(repr(h) for h in header[:8])})" if header else " (the file is empty)")
        )
    row_number = 1
    while True:
        row_number += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError as exc:
            raise RecordError(f"not a readable CSV file: {exc}") from None
        except csv.Error as exc:
            yield row_number, RecordError(f"row {row_number}: cannot read the CSV row ({exc})")
            continue
        if not cells or all(not cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            yield (
                row_number,
                RecordError(
                    f"row {row_number}: has {len(cells)} cells but the header has {len(header)} columns"
                ),
            )
            continue
        row: dict[str, str] = {}
        for name, cell in zip(header, cells, strict=True):
            row.setdefault(name, cell)
        try:
            yield row_number, study_from_row(row)
        except RecordError as exc:
            yield row_number, RecordError(f"row {row_number}: {exc}")
