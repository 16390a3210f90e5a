"""`POST /api/v1/screen`: screen a patient case against one programme or the whole catalogue."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException
from pydantic import BaseModel, ConfigDict, Field

from allonav.services.case_input import CaseInputError, case_from_data
from allonav.services.screening import TrialNotFound, report_to_dict, screen_case
from allonav.web.deps import ContextDep, SessionDep

router = APIRouter(prefix="/api/v1", tags=["screening"])


class ScreenRequest(BaseModel):
    """A case (the JSON format of `examples/`), and either one NCT ID or `top` programmes of the catalogue."""

    model_config = ConfigDict(extra="forbid")

    case: dict[str, Any] = Field(description="Patient case, as in examples/*.json")
    nct_id: str | None = Field(default=None, pattern=r"^[Nn][Cc][Tt]\d{8}$", description="Screen one programme")
    top: int = Field(default=10, ge=1, le=500, description="Without nct_id: how many programmes to return")
    as_of: date | None = Field(default=None, description="Screening date (default: today)")


@router.post("/screen", summary="Screen a patient case: verdict per criterion with evidence and what to collect")
def screen(request: Annotated[ScreenRequest, Body()], ctx: ContextDep, session: SessionDep) -> dict[str, Any]:
    day = request.as_of or date.today()
    try:
        case = case_from_data(ctx, request.case, as_of=day)
    except CaseInputError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from None
    try:
        report = screen_case(session, ctx.criteria, case, as_of=day, rules=ctx.judge_rules, nct_id=request.nct_id,
                             top=request.top)
    except TrialNotFound as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from None
    return report_to_dict(report)
