"""Catalogue search and trial lookup: full text from the database, filters and facets in memory."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from allonav.store.catalogue_index import FACETS, BoolArray, CatalogueIndex
from allonav.store.codec import PROFILE_FIELDS, profile_to_dict, trial_to_dict
from allonav.store.fulltext import matching_ids, query_phrases
from allonav.store.tables import TrialRow
from allonav.store.trials import StoredTrial, catalogue_version

MAX_LIMIT = 500
PHRASE_CACHE_SIZE = 256


class SearchRequestError(ValueError):
    """A search request is malformed (bad paging, unknown filter value)."""


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """What a navigator asks the catalogue: free text plus filters (any value of a facet matches)."""

    text: str = ""
    filters: Mapping[str, Sequence[str]] = field(default_factory=dict)
    offset: int = 0
    limit: int = 20


@dataclass(frozen=True, slots=True)
class TrialSummary:
    nct_id: str
    title: str | None
    overall_status: str | None
    phases: list[str]
    conditions: list[str]
    countries: list[str]
    site_count: int
    last_update: date | None
    has_criteria: bool
    profile: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "nct_id": self.nct_id,
            "title": self.title,
            "overall_status": self.overall_status,
            "phases": self.phases,
            "conditions": self.conditions,
            "countries": self.countries,
            "site_count": self.site_count,
            "last_update": self.last_update.isoformat() if self.last_update else None,
            "has_criteria": self.has_criteria,
            **profile_values(self.profile),
            "evidence": profile_evidence(self.profile),
        }


@dataclass(frozen=True, slots=True)
class SearchPage:
    total: int
    offset: int
    limit: int
    hits: list[TrialSummary]
    facets: dict[str, list[tuple[str, int]]]


def profile_values(profile: Mapping[str, Any]) -> dict[str, Any]:
    """The classification values without evidence: `{"modality": ["CAR-T"], "cell_source": "ipsc", …}`."""
    out: dict[str, Any] = {}
    for name in PROFILE_FIELDS:
        value = profile.get(name)
        out[name] = value["value"] if isinstance(value, Mapping) else [item["value"] for item in value or []]
    return out


def profile_evidence(profile: Mapping[str, Any]) -> dict[str, Any]:
    """Per classification field, the evidence behind each value."""
    out: dict[str, Any] = {}
    for name in PROFILE_FIELDS:
        value = profile.get(name)
        items = [value] if isinstance(value, Mapping) else list(value or [])
        out[name] = {item["value"]: item.get("evidence", []) for item in items}
    return out


class CatalogueSearch:
    """Holds the in-memory index; rebuilds it when the stored catalogue version changes. Thread-safe."""

    def __init__(self, allowed: Mapping[str, Collection[str]] | None = None) -> None:
        self.allowed: Mapping[str, Collection[str]] = allowed or {}
        self._index: CatalogueIndex | None = None
        self._lock = threading.Lock()
        self._phrases: OrderedDict[tuple[int, tuple[str, ...]], BoolArray] = OrderedDict()  # query → matches

    def index(self, session: Session) -> CatalogueIndex:
        version = catalogue_version(session)
        current = self._index
        if current is not None and current.version == version:
            return current
        with self._lock:
            if self._index is None or self._index.version != version:
                self._index = CatalogueIndex.build(session, version)
            return self._index

    def clear_phrase_cache(self) -> None:
        with self._lock:
            self._phrases.clear()

    def _text_mask(self, session: Session, index: CatalogueIndex, phrases: list[list[str]]) -> BoolArray:
        """Programmes containing every phrase, remembered per query (LRU, keyed by catalogue version):
        a common word ("lymphoma") matches a third of the catalogue and costs the database tens of ms."""
        key = (index.version, tuple(" ".join(phrase) for phrase in phrases))
        with self._lock:
            found = self._phrases.get(key)
            if found is not None:
                self._phrases.move_to_end(key)
                return found
        found = index.ids_to_mask(matching_ids(session, phrases))
        with self._lock:
            self._phrases[key] = found
            while len(self._phrases) > PHRASE_CACHE_SIZE:
                self._phrases.popitem(last=False)
        return found

    def search(self, session: Session, query: SearchQuery) -> SearchPage:
        """Run a search; raises `SearchRequestError` for bad paging or unknown filter values."""
        if query.offset < 0 or not 1 <= query.limit <= MAX_LIMIT:
            raise SearchRequestError(f"offset must be ≥ 0 and limit between 1 and {MAX_LIMIT}")
        unknown = set(query.filters) - set(FACETS)
        if unknown:
            raise SearchRequestError(f"unknown filter {sorted(unknown)}; filters are: {', '.join(FACETS)}")
        index = self.index(session)
        phrases = query_phrases(query.text)
        text_mask = self._text_mask(session, index, phrases) if phrases else None
        try:
            result = index.search(text_mask=text_mask, filters=query.filters, allowed=self.allowed, offset=query.offset,
                                  limit=query.limit)
        except ValueError as exc:
            raise SearchRequestError(str(exc)) from None
        return SearchPage(
            total=result.total,
            offset=query.offset,
            limit=query.limit,
            hits=load_summaries(session, result.ids),
            facets=result.facets,
        )


def load_summaries(session: Session, ids: Sequence[int]) -> list[TrialSummary]:
    """Summaries of the given trial rows, in the given order."""
    if not ids:
        return []
    rows = session.execute(
        select(TrialRow.id, TrialRow.record, TrialRow.profile, TrialRow.has_criteria).where(TrialRow.id.in_(ids))
    ).all()
    by_id = {row.id: row for row in rows}
    out: list[TrialSummary] = []
    for trial_id in ids:
        row = by_id.get(trial_id)
        if row is None:
            continue
        record = row.record
        countries = list(dict.fromkeys(s["country"] for s in record.get("sites", []) if s.get("country")))
        last = record.get("last_update")
        out.append(
            TrialSummary(
                nct_id=record["nct_id"],
                title=record.get("title"),
                overall_status=record.get("overall_status"),
                phases=list(record.get("phases", [])),
                conditions=list(record.get("conditions", [])),
                countries=countries,
                site_count=len(record.get("sites", [])),
                last_update=date.fromisoformat(last) if last else None,
                has_criteria=bool(row.has_criteria),
                profile=row.profile,
            )
        )
    return out


def trial_detail(stored: StoredTrial) -> dict[str, Any]:
    """The full JSON view of one programme: record fields, classification values and evidence."""
    profile = profile_to_dict(stored.profile)
    record = trial_to_dict(stored.trial)
    sites_by_country: dict[str, list[dict[str, Any]]] = {}
    for site in record["sites"]:
        sites_by_country.setdefault(site.get("country") or "Country not given", []).append(site)
    return {
        **record,
        "countries": list(stored.trial.countries),
        "sites_by_country": sites_by_country,
        **profile_values(profile),
        "evidence": profile_evidence(profile),
        "criteria_status": "available" if stored.trial.eligibility_criteria
        else "criteria not available: sync from ClinicalTrials.gov",
        "imported_at": stored.imported_at.isoformat(),
    }

