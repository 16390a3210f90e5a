"""Trial repository: idempotent upsert keyed on NCT ID, reads, and the catalogue version."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, delete, func, select, update
from sqlalchemy.orm import Session

from allonav.domain.trial import CellTherapyProfile, Trial
from allonav.store.codec import (
    content_digest,
    profile_from_dict,
    profile_to_dict,
    trial_from_dict,
    trial_to_dict,
)
from allonav.store.tables import Base, FacetRow, MetaRow, SearchTextRow, TrialRow

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


def _table(model: type[Base]) -> Table:
    """The Core table of a mapped class (Core inserts skip the ORM's per-row bookkeeping)."""
    return Base.metadata.tables[model.__tablename__]


@dataclass(frozen=True, slots=True)
class _Prepared:
    """A trial ready to write: its JSON record, digest and size computed once."""

    trial: Trial
    profile: CellTherapyProfile
    record: dict[str, Any]
    digest: str
    size: int

    @property
    def rank(self) -> tuple[int, int]:
        return _rank(self.trial.last_update, self.size)


def _prepare(trial: Trial, profile: CellTherapyProfile) -> _Prepared:
    record = trial_to_dict(trial)
    digest, size = content_digest(record)
    return _Prepared(trial, profile, record, digest, size)


def _rank(last_update: date | None, size: int) -> tuple[int, int]:
    """Which of two versions of a record wins: the newer `lastUpdatePostDate`, then the fuller record.

    The order of files in an import never changes the outcome, so re-imports are idempotent.
    """
    return (last_update.toordinal() if last_update else 0, size)


def _newest_per_nct(items: Iterable[tuple[Trial, CellTherapyProfile]]) -> tuple[dict[str, _Prepared], list[str]]:
    """The winning version of each NCT ID in a batch, and the IDs of the versions it superseded."""
    chosen: dict[str, _Prepared] = {}
    superseded: list[str] = []
    for trial, profile in items:
        prepared = _prepare(trial, profile)
        current = chosen.get(trial.nct_id)
        if current is not None:
            superseded.append(trial.nct_id)
        if current is None or prepared.rank > current.rank:
            chosen[trial.nct_id] = prepared
    return chosen, superseded


def _row_values(item: _Prepared, now: datetime) -> dict[str, Any]:
    trial = item.trial
    return {
        "nct_id": trial.nct_id,
        "title": trial.title,
        "overall_status": trial.overall_status.value if trial.overall_status else None,
        "last_update": trial.last_update,
        "cell_source": item.profile.cell_source.value,
        "has_criteria": bool(trial.eligibility_criteria),
        "content_hash": item.digest,
        "record_size": item.size,
        "record": item.record,
        "profile": profile_to_dict(item.profile),
        "imported_at": now,
    }


def _insert_children(session: Session, rows: Sequence[tuple[int, _Prepared]]) -> None:
    facets = [
        {"trial_id": trial_id, "facet": facet, "value": value}
        for trial_id, item in rows
        for facet, value in facet_values(item.trial, item.profile)
    ]
    texts = [{"trial_id": trial_id, "body": search_body(item.trial)} for trial_id, item in rows]
    # Core inserts: one executemany per table (the ORM bulk path splits rows by which columns are None).
    for table, values in ((_table(FacetRow), facets), (_table(SearchTextRow), texts)):
        if values:
            session.execute(table.insert(), values)


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
    to_insert: list[_Prepared] = []
    to_update: list[tuple[int, _Prepared]] = []
    for nct_id, item in chosen.items():
        stored = existing.get(nct_id)
        if stored is None:
            to_insert.append(item)
            counts.inserted.append(nct_id)
        elif item.digest == stored.content_hash:
            counts.unchanged.append(nct_id)
        elif item.rank > _rank(stored.last_update, stored.record_size):
            to_update.append((stored.id, item))
            counts.updated.append(nct_id)
        else:
            counts.older.append(nct_id)

    children: list[tuple[int, _Prepared]] = []
    if to_insert:
        table = _table(TrialRow)
        result = session.execute(
            table.insert().returning(table.c.id, sort_by_parameter_order=True),
            [_row_values(item, now) for item in to_insert],
        )
        children += [(trial_id, item) for (trial_id,), item in zip(result.all(), to_insert, strict=True)]
    if to_update:
        ids = [trial_id for trial_id, _ in to_update]
        for child in (FacetRow, SearchTextRow):
            session.execute(delete(child).where(child.trial_id.in_(ids)))
        for trial_id, item in to_update:
            session.execute(update(TrialRow).where(TrialRow.id == trial_id).values(**_row_values(item, now)))
        children += to_update
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
