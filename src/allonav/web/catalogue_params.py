"""Query parameters shared by the catalogue API and the catalogue page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Query

from allonav.services.catalogue_search import MAX_LIMIT, SearchQuery


@dataclass
class CatalogueParams:
    q: Annotated[str, Query(max_length=500, description="Free text; every word must match")] = ""
    antigen: Annotated[list[str] | None, Query(description="Target antigen, e.g. CD19")] = None
    source: Annotated[list[str] | None, Query(description="Cell source, or 'allogeneic' for all off-the-shelf")] = None
    modality: Annotated[list[str] | None, Query(description="CAR-T, CAR-NK, …")] = None
    disease: Annotated[list[str] | None, Query(description="Disease group, e.g. B-ALL")] = None
    editing: Annotated[list[str] | None, Query(description="Gene editing, e.g. CRISPR")] = None
    status: Annotated[list[str] | None, Query(description="Overall status, or 'open'")] = None
    phase: Annotated[list[str] | None, Query(description="PHASE1, PHASE2, …")] = None
    country: Annotated[list[str] | None, Query(description="Site country")] = None
    city: Annotated[list[str] | None, Query(description="Site city")] = None
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 20

    def filters(self) -> dict[str, list[str]]:
        pairs = {
            "antigen": self.antigen, "cell_source": self.source, "modality": self.modality,
            "disease_group": self.disease, "gene_editing": self.editing, "status": self.status,
            "phase": self.phase, "country": self.country, "city": self.city,
        }
        return {k: [v for v in values if v.strip()] for k, values in pairs.items() if values and any(
            v.strip() for v in values)}

    def query(self) -> SearchQuery:
        return SearchQuery(text=self.q, filters=self.filters(), offset=self.offset, limit=self.limit)


#: facet name → query parameter name
FACET_PARAMS = {
    "antigen": "antigen", "cell_source": "source", "modality": "modality", "disease_group": "disease",
    "gene_editing": "editing", "status": "status", "phase": "phase", "country": "country", "city": "city",
}
