"""In-memory filter and facet index over the catalogue (numpy), rebuilt when the catalogue changes.

Full text comes from the database (`fulltext`); filters, facet counts and ordering run here on
boolean arrays, so a search over 100k programmes costs a few array operations.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import numpy.typing as npt
from sqlalchemy import select
from sqlalchemy.orm import Session

from allonav.domain.trial import ALLOGENEIC_SOURCES, OverallStatus
from allonav.store.tables import FacetRow, TrialRow

FACETS = ("modality", "cell_source", "gene_editing", "antigen", "disease_group", "status", "phase", "country",
          "city")

#: Facets counted only under a filter on one of these facets (a world-wide city list is noise, and costly).
DRILL_DOWN: dict[str, tuple[str, ...]] = {"city": ("country", "city")}

#: Values that stand for a family of stored values when used as a filter.
FAMILIES: dict[str, dict[str, frozenset[str]]] = {
    "cell_source": {"allogeneic": ALLOGENEIC_SOURCES | {"mixed"}},
    "status": {"open": frozenset(s.value for s in OverallStatus if s.is_open)},
}

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]


class UnknownFilterValue(ValueError):
    """A filter names a value no programme has; the message lists the allowed values."""


@dataclass(frozen=True, slots=True)
class FacetColumn:
    values: tuple[str, ...]
    doc: IntArray
    code: IntArray
    lookup: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class IndexResult:
    total: int
    ids: list[int]
    facets: dict[str, list[tuple[str, int]]]


@dataclass
class CatalogueIndex:
    version: int
    ids: IntArray
    order: IntArray
    columns: dict[str, FacetColumn]
    _mask_cache: dict[tuple[str, frozenset[str]], BoolArray] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return int(self.ids.size)

    @classmethod
    def build(cls, session: Session, version: int) -> CatalogueIndex:
        rows = session.execute(
            select(TrialRow.id, TrialRow.overall_status, TrialRow.last_update, TrialRow.nct_id).order_by(TrialRow.id)
        ).all()
        ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        open_values = FAMILIES["status"]["open"]

        def sort_key(position: int) -> tuple[int, int, str]:
            _, status, updated, nct = rows[position]
            day = updated.toordinal() if isinstance(updated, date) else 0
            return (0 if status in open_values else 1, -day, nct)

        order = np.array(sorted(range(len(rows)), key=sort_key), dtype=np.int64)
        pairs: dict[str, tuple[list[int], list[str]]] = defaultdict(lambda: ([], []))
        for trial_id, facet, value in session.execute(select(FacetRow.trial_id, FacetRow.facet, FacetRow.value)):
            docs, values = pairs[facet]
            docs.append(trial_id)
            values.append(value)
        columns: dict[str, FacetColumn] = {}
        for facet in FACETS:
            docs, values = pairs.get(facet, ([], []))
            distinct = tuple(sorted(set(values)))
            lookup = {v: i for i, v in enumerate(distinct)}
            positions = np.searchsorted(ids, np.array(docs, dtype=np.int64)) if docs else np.zeros(0, np.int64)
            codes = np.fromiter((lookup[v] for v in values), dtype=np.int64, count=len(values))
            columns[facet] = FacetColumn(distinct, positions.astype(np.int64), codes, lookup)
        return cls(version=version, ids=ids, order=order, columns=columns)

    def resolve(self, facet: str, wanted: Sequence[str], allowed: Collection[str] | None = None) -> frozenset[str]:
        """Map user filter values (any case, or a family such as `allogeneic`) to stored values.

        With `allowed` (a closed vocabulary), a value outside it raises `UnknownFilterValue` listing
        the allowed ones; a value inside it that no programme has simply matches nothing.
        """
        column = self.columns[facet]
        families = FAMILIES.get(facet, {})
        known = {v.lower(): v for v in column.values}
        if allowed is not None:
            known |= {v.lower(): v for v in allowed}
        family_keys = {k.lower(): v for k, v in families.items()}
        out: set[str] = set()
        for raw in wanted:
            key = raw.strip().lower()
            if key in family_keys:
                out |= family_keys[key]
            elif key in known:
                out.add(known[key])
            elif allowed is not None:
                choices = ", ".join(sorted(set(allowed) | set(families)))
                raise UnknownFilterValue(f"unknown {facet} {raw!r}; allowed: {choices}")
        return frozenset(out)

    def _mask(self, facet: str, values: frozenset[str]) -> BoolArray:
        key = (facet, values)
        cached = self._mask_cache.get(key)
        if cached is not None:
            return cached
        column = self.columns[facet]
        codes = [column.lookup[v] for v in values if v in column.lookup]
        mask = np.zeros(self.size, dtype=np.bool_)
        if codes:
            mask[column.doc[np.isin(column.code, codes)]] = True
        if len(self._mask_cache) > 512:
            self._mask_cache.clear()
        self._mask_cache[key] = mask
        return mask

    def ids_to_mask(self, ids: Sequence[int]) -> BoolArray:
        """A boolean array over the index, true at the given trial row ids (unknown ids ignored)."""
        mask = np.zeros(self.size, dtype=np.bool_)
        wanted = np.asarray(ids, dtype=np.int64)
        if wanted.size:
            positions = np.searchsorted(self.ids, wanted)
            inside = positions < self.size
            positions, wanted = positions[inside], wanted[inside]
            mask[positions[self.ids[positions] == wanted]] = True
        return mask

    def search(
        self,
        *,
        text_mask: BoolArray | None,
        filters: Mapping[str, Sequence[str]],
        allowed: Mapping[str, Collection[str]],
        offset: int,
        limit: int,
        facet_limit: int = 40,
    ) -> IndexResult:
        """Apply a full-text mask and filters; count facets; return one page of ids in catalogue order."""
        mask = np.ones(self.size, dtype=np.bool_) if text_mask is None else text_mask.copy()
        for facet, wanted_values in filters.items():
            if wanted_values:
                mask &= self._mask(facet, self.resolve(facet, wanted_values, allowed.get(facet)))
        facets: dict[str, list[tuple[str, int]]] = {}
        for facet, column in self.columns.items():
            if facet in DRILL_DOWN and not any(filters.get(parent) for parent in DRILL_DOWN[facet]):
                facets[facet] = []  # cities are counted once a country (or city) is chosen
                continue
            if not column.values:
                facets[facet] = []
                continue
            counts = np.bincount(column.code[mask[column.doc]], minlength=len(column.values))
            present = np.flatnonzero(counts)
            # Codes follow the alphabetical order of values, so a stable sort on -count breaks ties by name.
            top = present[np.argsort(-counts[present], kind="stable")[:facet_limit]]
            facets[facet] = [(column.values[i], int(counts[i])) for i in top]
        hits = self.order[mask[self.order]]
        page = self.ids[hits[offset : offset + limit]]
        return IndexResult(total=int(hits.size), ids=[int(i) for i in page], facets=facets)
