"""JSON API `/api/v1`: the catalogue."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path

from allonav.services.catalogue_search import SearchRequestError, trial_detail
from allonav.store.trials import count_trials, get_trial, latest_update
from allonav.web.catalogue_params import CatalogueParams
from allonav.web.deps import ContextDep, SessionDep

router = APIRouter(prefix="/api/v1", tags=["catalogue"])
NCT = re.compile(r"^NCT\d{8}$", re.IGNORECASE)


@router.get("/trials", summary="Search the programme catalogue")
def list_trials(params: Annotated[CatalogueParams, Depends()], ctx: ContextDep, session: SessionDep) -> dict[str, Any]:
    try:
        page = ctx.search.search(session, params.query())
    except SearchRequestError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from None
    return {
        "total": page.total,
        "offset": page.offset,
        "limit": page.limit,
        "results": [hit.as_dict() for hit in page.hits],
        "facets": {k: [{"value": v, "count": c} for v, c in values] for k, values in page.facets.items()},
    }


@router.get("/trials/{nct_id}", summary="One programme with its classification evidence, sites and criteria")
def show_trial(nct_id: Annotated[str, Path(max_length=20)], session: SessionDep) -> dict[str, Any]:
    if not NCT.match(nct_id):
        raise HTTPException(status_code=422, detail=f"not an NCT ID: {nct_id!r} (expected NCT followed by 8 digits)")
    stored = get_trial(session, nct_id)
    if stored is None:
        raise HTTPException(status_code=404, detail=f"{nct_id.upper()} is not in the catalogue")
    return trial_detail(stored)


@router.get("/catalogue", summary="Catalogue size and freshness")
def catalogue_status(session: SessionDep) -> dict[str, Any]:
    latest = latest_update(session)
    return {"trials": count_trials(session), "latest_update": latest.isoformat() if latest else None}
