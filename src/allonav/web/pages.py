"""Server-rendered pages: the catalogue search and the programme page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from allonav.services.catalogue_search import SearchRequestError, trial_detail
from allonav.store.trials import count_trials, get_trial
from allonav.web.catalogue_params import FACET_PARAMS, CatalogueParams
from allonav.web.deps import ContextDep, SessionDep

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).with_name("templates"))
NCT = re.compile(r"^NCT\d{8}$", re.IGNORECASE)

FACET_TITLES = {
    "modality": "Modality", "cell_source": "Cell source", "antigen": "Target antigen",
    "disease_group": "Disease group", "gene_editing": "Gene editing", "status": "Status", "phase": "Phase",
    "country": "Country", "city": "City",
}
FACET_ORDER = ("cell_source", "modality", "antigen", "disease_group", "status", "country", "phase", "gene_editing",
               "city")


def _pairs(params: CatalogueParams) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = [("q", params.q)] if params.q else []
    for facet, values in params.filters().items():
        pairs += [(FACET_PARAMS[facet], v) for v in values]
    return pairs


def _toggle_url(pairs: list[tuple[str, str]], name: str, value: str) -> str:
    kept = [p for p in pairs if p != (name, value)] if (name, value) in pairs else [*pairs, (name, value)]
    return "/?" + urlencode(kept)


@router.get("/", response_class=HTMLResponse)
def catalogue_page(request: Request, params: Annotated[CatalogueParams, Depends()], ctx: ContextDep,
                   session: SessionDep) -> HTMLResponse:
    pairs = _pairs(params)
    error = None
    try:
        page = ctx.search.search(session, params.query())
    except SearchRequestError as exc:
        error = str(exc)
        page = None
    facets: list[dict[str, Any]] = []
    if page is not None:
        for facet in FACET_ORDER:
            name = FACET_PARAMS[facet]
            facets.append({
                "title": FACET_TITLES[facet],
                "values": [
                    {"value": v, "count": c, "active": (name, v) in pairs, "url": _toggle_url(pairs, name, v)}
                    for v, c in page.facets.get(facet, [])
                ],
            })
    active = [{"name": n, "value": v, "url": _toggle_url(pairs, n, v)} for n, v in pairs if n != "q"]
    prev_url = next_url = None
    if page is not None:
        if params.offset > 0:
            prev_url = "/?" + urlencode([*pairs, ("offset", str(max(0, params.offset - params.limit)))])
        if params.offset + params.limit < page.total:
            next_url = "/?" + urlencode([*pairs, ("offset", str(params.offset + params.limit))])
    return templates.TemplateResponse(
        request,
        "catalogue.html",
        {
            "params": params,
            "page": page,
            "hits": [hit.as_dict() for hit in page.hits] if page else [],
            "facets": facets,
            "active": active,
            "error": error,
            "catalogue_size": count_trials(session),
            "prev_url": prev_url,
            "next_url": next_url,
        },
        status_code=422 if error else 200,
    )


@router.get("/trials/{nct_id}", response_class=HTMLResponse)
def trial_page(request: Request, nct_id: str, session: SessionDep) -> HTMLResponse:
    if not NCT.match(nct_id):
        return templates.TemplateResponse(request, "error.html", {
            "title": "Not an NCT ID", "message": f"{nct_id!r} is not an NCT ID (NCT followed by 8 digits)."},
            status_code=422)
    stored = get_trial(session, nct_id)
    if stored is None:
        return templates.TemplateResponse(request, "error.html", {
            "title": "Programme not found",
            "message": f"{nct_id.upper()} is not in the catalogue. Import or sync it from ClinicalTrials.gov."},
            status_code=404)
    return templates.TemplateResponse(request, "trial.html", {"t": trial_detail(stored)})
