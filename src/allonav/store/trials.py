"""Trial repository: idempotent upsert keyed on NCT ID, reads, and the catalogue version."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from allonav.domain.trial import CellTherapyProfile, Trial
from allonav.store.codec import (
    content_hash,
    profile_from_dict,
    profile_to_dict,
    record_size,
    trial_from_dict,
    trial_to_dict,
)
from allonav.store.tables import FacetRow, MetaRow, SearchTextRow, SiteRow, TrialRow

CATALOGUE_VERSION = "catalogue_version"


@dataclass(slots=True)
class UpsertCounts:
    """What an upsert did, per NCT ID."""

    inserted: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    older: list[str] = field(default_factory=list)

    def add(self, other: UpsertCounts) -> None:
        self.inserted += other.inserted
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.older += other.older


@dataclass(frozen=True, slots=True)
class StoredTrial:
    trial: Trial
    profile: CellTherapyProfile
    imported_at: datetime


def facet_values(trial: Trial, profile: CellTherapyProfile) -> list[tuple[str, str]]:
    """The (facet, value) pairs filters and facet counts use for one trial."""
    pairs: list[tuple[str, str]] = [("modality", v) for v in profile.modality_values]
    pairs.append(("cell_source", profile.cell_source.value))
    pairs += [("gene_editing", v) for v in profile.gene_editing_values]
    pairs += [("antigen", v) for v in profile.antigen_values]
    pairs += [("disease_group", v) for v in profile.disease_group_values]
    pairs.append(("status", trial.overall_status.value if trial.overall_status else "UNKNOWN"))
    pairs += [("phase", p.value) for p in trial.phases] or [("phase", "NA")]
    pairs += [("country", c) for c in trial.countries]
    cities = {s.city for s in trial.sites if s.city}
    pairs += [("city", c) for c in sorted(cities)]
    return list(dict.fromkeys(pairs))


def search_body(trial: Trial) -> str:
    """The text full-text search reads for one trial."""
    parts: list[str | None] = [
        trial.nct_id,
        trial.title,
        trial.official_title,
        trial.acronym,
        " ; ".join(trial.conditions),
        " ; ".join(trial.keywords),
        trial.brief_summary,
        trial.detailed_description,
        trial.eligibility_criteria,
        trial.sponsor.name if trial.sponsor else None,
    ]
    for intervention in trial.interventions:
        parts += [intervention.name, intervention.description, " ; ".join(intervention.other_names)]
    parts += list(trial.arm_descriptions)
    parts += [" ; ".join(p for p in (s.facility, s.city, s.state, s.country) if p) for s in trial.sites]
    return "\n".join(p for p in parts if p)


def _rank(last_update: date | None, size: int) -> tuple[int, int]:
    """Which of two versions of a record wins: the newer `lastUpdatePostDate`, then the fuller record.

    The order of files in an import never changes the outcome, so re-imports are idempotent.
    """
    return (last_update.toordinal() if last_update else 0, size)


def _decide(incoming_rank: tuple[int, int], new_hash: str, stored_rank: tuple[int, int], stored_hash: str) -> str:
    if new_hash == stored_hash:
        return "unchanged"
    return "updated" if incoming_rank > stored_rank else "older"


def _newest_per_nct(
    items: Iterable[tuple[Trial, CellTherapyProfile]],
) -> tuple[dict[str, tuple[Trial, CellTherapyProfile]], list[str]]:
    """The winning version of each NCT ID in a batch, and the IDs of the versions it superseded."""
    chosen: dict[str, tuple[Trial, CellTherapyProfile, tuple[int, int]]] = {}
    superseded: list[str] = []
    for trial, profile in items:
        rank = _rank(trial.last_update, record_size(trial_to_dict(trial)))
        current = chosen.get(trial.nct_id)
        if current is not None:
            superseded.append(trial.nct_id)
        if current is None or rank > current[2]:
            chosen[trial.nct_id] = (trial, profile, rank)
    return {nct: (trial, profile) for nct, (trial, profile, _) in chosen.items()}, superseded


def _row_values(trial: Trial, profile: CellTherapyProfile, record: dict[str, Any], digest: str,
                now: datetime) -> dict[str, Any]:
    return {
        "nct_id": trial.nct_id,
        "title": trial.title,
        "overall_status": trial.overall_status.value if trial.overall_status else None,
        "last_update": trial.last_update,
        "cell_source": profile.cell_source.value,
        "has_criteria": bool(trial.eligibility_criteria),
        "content_hash": digest,
        "record_size": record_size(record),
        "record": record,
        "profile": profile_to_dict(profile),
        "imported_at": now,
    }


def _insert_children(session: Session, rows: Sequence[tuple[int, Trial, CellTherapyProfile]]) -> None:
    sites = [
        {
            "trial_id": trial_id,
            "facility": s.facility,
            "city": s.city,
            "state": s.state,
            "country": s.country,
            "status": s.status,
            "latitude": s.latitude,
            "longitude": s.longitude,
        }
        for trial_id, trial, _ in rows
        for s in trial.sites
    ]
    facets = [
        {"trial_id": trial_id, "facet": facet, "value": value}
        for trial_id, trial, profile in rows
        for facet, value in facet_values(trial, profile)
    ]
    texts = [{"trial_id": trial_id, "body": search_body(trial)} for trial_id, trial, _ in rows]
    if sites:
        session.execute(insert(SiteRow), sites)
    if facets:
        session.execute(insert(FacetRow), facets)
    if texts:
        session.execute(insert(SearchTextRow), texts)


def upsert_trials(
    session: Session, *, items: Sequence[tuple[Trial, CellTherapyProfile]], now: datetime
) -> UpsertCounts:
    """Insert new trials, replace changed ones whose record is not older, leave the rest.

    Runs inside the caller's transaction: the caller commits the whole batch or nothing.
    """
    counts = UpsertCounts()
    chosen, superseded = _newest_per_nct(items)
    counts.older += superseded
    if not chosen:
        return counts
    existing = {
        row.nct_id: row
        for row in session.execute(
            select(
                TrialRow.id, TrialRow.nct_id, TrialRow.last_update, TrialRow.record_size, TrialRow.content_hash
            ).where(TrialRow.nct_id.in_(list(chosen)))
        )
    }
    to_insert: list[tuple[Trial, CellTherapyProfile, dict[str, Any]]] = []
    to_update: list[tuple[int, Trial, CellTherapyProfile, dict[str, Any]]] = []
    for nct_id, (trial, profile) in chosen.items():
        record = trial_to_dict(trial)
        digest = content_hash(record)
        values = _row_values(trial, profile, record, digest, now)
        stored = existing.get(nct_id)
        if stored is None:
            to_insert.append((trial, profile, values))
            counts.inserted.append(nct_id)
            continue
        decision = _decide(_rank(trial.last_update, values["record_size"]), digest,
                           _rank(stored.last_update, stored.record_size), stored.content_hash)
        getattr(counts, decision).append(nct_id)
        if decision == "updated":
            to_update.append((stored.id, trial, profile, values))

    children: list[tuple[int, Trial, CellTherapyProfile]] = []
    if to_insert:
        result = session.execute(
            insert(TrialRow).returning(TrialRow.id, TrialRow.nct_id, sort_by_parameter_order=True),
            [values for _, _, values in to_insert],
        )
        for (trial_id, _nct), (trial, profile, _) in zip(result.all(), to_insert, strict=True):
            children.append((trial_id, trial, profile))
    if to_update:
        ids = [trial_id for trial_id, *_ in to_update]
        for table in (SiteRow, FacetRow, SearchTextRow):
            session.execute(delete(table).where(table.trial_id.in_(ids)))
        for trial_id, trial, profile, values in to_update:
            session.execute(update(TrialRow).where(TrialRow.id == trial_id).values(**values))
            children.append((trial_id, trial, profile))
    _insert_children(session, children)
    if to_insert or to_update:
        bump_catalogue_version(session)
    return counts


def bump_catalogue_version(session: Session) -> None:
    row = session.get(MetaRow, CATALOGUE_VERSION)
    if row is None:
        session.add(MetaRow(key=CATALOGUE_VERSION, value="1"))
    else:
        row.value = str(int(row.value) + 1)


def catalogue_version(session: Session) -> int:
    value = session.execute(select(MetaRow.value).where(MetaRow.key == CATALOGUE_VERSION)).scalar()
    return int(value) if value else 0


def get_trial(session: Session, nct_id: str) -> StoredTrial | None:
    row = session.execute(select(TrialRow).where(TrialRow.nct_id == nct_id.strip().upper())).scalar_one_or_none()
    if row is None:
        return None
    return StoredTrial(trial=trial_from_dict(row.record), profile=profile_from_dict(row.profile),
                       imported_at=row.imported_at)


def count_trials(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(TrialRow)).scalar_one())


def latest_update(session: Session) -> date | None:
    return session.execute(select(func.max(TrialRow.last_update))).scalar()
