"""Screen a patient case against programmes: criteria parsed once per criteria text, verdicts rolled up."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from allonav.criteria import CriteriaVocabulary, parse_criteria
from allonav.domain.case import PatientCase
from allonav.domain.criterion import CriteriaSet, Criterion
from allonav.domain.verdict import CriterionVerdict, TrialFit, TrialVerdict
from allonav.eligibility import JudgeRules, readiness, screen_trial
from allonav.store.tables import TrialRow
from allonav.store.trials import catalogue_version

FIT_ORDER = {
    TrialFit.ELIGIBLE: 0,
    TrialFit.POSSIBLY_ELIGIBLE: 1,
    TrialFit.CRITERIA_NOT_AVAILABLE: 2,
    TrialFit.INELIGIBLE: 3,
}


class TrialNotFound(LookupError):
    """The NCT ID is not in the catalogue."""


@dataclass
class CriteriaCache:
    """Parsed criteria per (NCT ID, content hash): each criteria text is parsed once per process."""

    vocabulary: CriteriaVocabulary
    _items: dict[tuple[str, str], CriteriaSet | None] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _programmes: tuple[int, list[_Programme]] | None = None

    def programmes(self, session: Session) -> list[_Programme]:
        """Every cell-therapy programme with its parsed criteria, rebuilt when the catalogue changes."""
        version = catalogue_version(session)
        cached = self._programmes
        if cached is not None and cached[0] == version:
            return cached[1]
        rows = session.execute(
            select(TrialRow.nct_id, TrialRow.title, TrialRow.overall_status, TrialRow.content_hash,
                   TrialRow.record["eligibility_criteria"].as_string(), TrialRow.profile["modality"])
        ).all()
        programmes = [
            _Programme(nct_id, title, status, self.get(nct_id, digest, text))
            for nct_id, title, status, digest, text, modality in rows
            if not (modality and all(item.get("value") == "not-cell-therapy" for item in modality))
        ]
        with self._lock:
            self._programmes = (version, programmes)
        return programmes

    def get(self, nct_id: str, digest: str, text: str | None) -> CriteriaSet | None:
        key = (nct_id, digest)
        with self._lock:
            if key in self._items:
                return self._items[key]
        parsed = parse_criteria(nct_id, text, self.vocabulary) if text else None
        with self._lock:
            self._items[key] = parsed
        return parsed


@dataclass(frozen=True, slots=True)
class _Programme:
    nct_id: str
    title: str | None
    overall_status: str | None
    criteria: CriteriaSet | None


@dataclass(frozen=True, slots=True)
class ScreenedTrial:
    nct_id: str
    title: str | None
    overall_status: str | None
    verdict: TrialVerdict


def criteria_of(session: Session, cache: CriteriaCache, nct_id: str) -> tuple[TrialRow, CriteriaSet | None]:
    """The trial row and its parsed criteria (None when the record carries no criteria text)."""
    row = session.execute(select(TrialRow).where(TrialRow.nct_id == nct_id.strip().upper())).scalar_one_or_none()
    if row is None:
        raise TrialNotFound(f"{nct_id.upper()} is not in the catalogue; import or sync it first")
    return row, cache.get(row.nct_id, row.content_hash, row.record.get("eligibility_criteria"))


def screen_one(session: Session, cache: CriteriaCache, case: PatientCase, nct_id: str, *, as_of: date,
               rules: JudgeRules) -> ScreenedTrial:
    """Screen the case against one programme."""
    row, criteria = criteria_of(session, cache, nct_id)
    verdict = screen_trial(case, criteria, as_of=as_of, rules=rules, nct_id=row.nct_id)
    return ScreenedTrial(row.nct_id, row.title, row.overall_status, verdict)


def screen_all(session: Session, cache: CriteriaCache, case: PatientCase, *, as_of: date, rules: JudgeRules,
               top: int | None = None, include_unavailable: bool = True) -> list[ScreenedTrial]:
    """Screen every cell-therapy programme; best fits first (eligible, possibly eligible with the fewest
    unknowns, criteria not available, ineligible)."""
    screened: list[ScreenedTrial] = []
    for programme in cache.programmes(session):
        if programme.criteria is None and not include_unavailable:
            continue
        verdict = screen_trial(case, programme.criteria, as_of=as_of, rules=rules, nct_id=programme.nct_id)
        screened.append(ScreenedTrial(programme.nct_id, programme.title, programme.overall_status, verdict))
    screened.sort(key=lambda s: (FIT_ORDER[s.verdict.fit], len(s.verdict.unknowns), len(s.verdict.blocking),
                                 s.nct_id))
    return screened[:top] if top else screened


DISCLAIMER = "allonav informs; it does not decide eligibility. Confirm every point with the trial team."


@dataclass(frozen=True, slots=True)
class ScreeningReport:
    """One screening: the readiness factors and the programmes screened, best fits first."""

    case_id: str
    as_of: date
    readiness: tuple[CriterionVerdict, ...]
    trials: list[ScreenedTrial]


def screen_case(session: Session, cache: CriteriaCache, case: PatientCase, *, as_of: date, rules: JudgeRules,
                nct_id: str | None = None, top: int | None = None) -> ScreeningReport:
    """Screen a case against one programme (`nct_id`) or the `top` best of the catalogue; raises TrialNotFound."""
    trials = ([screen_one(session, cache, case, nct_id, as_of=as_of, rules=rules)] if nct_id
              else screen_all(session, cache, case, as_of=as_of, rules=rules, top=top))
    return ScreeningReport(case.case_id, as_of, readiness(case, as_of=as_of, rules=rules), trials)


def report_to_dict(report: ScreeningReport) -> dict[str, Any]:
    """The JSON of `allonav screen --json` and `POST /api/v1/screen`."""
    return {
        "case_id": report.case_id,
        "as_of": report.as_of.isoformat(),
        "disclaimer": DISCLAIMER,
        "readiness": [verdict_to_dict(v) for v in report.readiness],
        "trials": [screened_to_dict(item) for item in report.trials],
    }


def criterion_to_dict(criterion: Criterion) -> dict[str, Any]:
    threshold = criterion.threshold
    return {
        "criterion_id": criterion.criterion_id,
        "kind": criterion.kind.value,
        "text": criterion.text,
        "category": criterion.category.value,
        "span": list(criterion.span),
        "negated": criterion.negated,
        "measurement": criterion.measurement,
        "threshold": None if threshold is None else {
            "comparator": threshold.comparator.value, "value": threshold.value, "upper": threshold.upper,
            "unit": threshold.unit, "uln_multiple": threshold.uln_multiple,
        },
        "values": list(criterion.values),
        "method": criterion.method,
        "window_days": criterion.window_days,
        "group": criterion.group,
        "children": [criterion_to_dict(child) for child in criterion.children],
    }


def criteria_to_dict(criteria: CriteriaSet | None, nct_id: str) -> dict[str, Any]:
    if criteria is None:
        return {"nct_id": nct_id, "criteria": [], "complete": False,
                "note": "criteria not available: sync from ClinicalTrials.gov"}
    return {"nct_id": criteria.nct_id, "complete": criteria.complete,
            "criteria": [criterion_to_dict(c) for c in criteria.criteria]}


def verdict_to_dict(verdict: CriterionVerdict) -> dict[str, Any]:
    criterion = verdict.criterion
    return {
        "criterion_id": criterion.criterion_id,
        "kind": criterion.kind.value,
        "text": criterion.text,
        "category": criterion.category.value,
        "verdict": verdict.label.value,
        "evidence": [{"path": e.path, "value": e.value, "source": e.source} for e in verdict.evidence],
        "explanation": verdict.explanation,
        "to_collect": list(verdict.to_collect),
    }


def screened_to_dict(item: ScreenedTrial) -> dict[str, Any]:
    verdict = item.verdict
    return {
        "nct_id": item.nct_id,
        "title": item.title,
        "overall_status": item.overall_status,
        "fit": verdict.fit.value,
        "note": verdict.note,
        "blocking": [v.criterion.criterion_id for v in verdict.blocking],
        "unknown": [v.criterion.criterion_id for v in verdict.unknowns],
        "to_collect": list(verdict.to_collect),
        "verdicts": [verdict_to_dict(v) for v in verdict.verdicts],
    }

