"""Checks about treatment history: prior therapies with washout windows, and GVHD after a transplant.

Absence is read from the history only when a history was recorded (some regimen, CAR-T or transplant
listed, or zero prior lines); an empty history stays unknown ("full treatment history"). Therapy
classes that a history does not routinely show (investigational drugs, live vaccines, DLI) are never
read as absent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from allonav.domain.case import CarTFailure, GvhdStatus, PatientCase, PriorCarT, Regimen
from allonav.domain.criterion import Criterion
from allonav.domain.verdict import CaseEvidence
from allonav.eligibility.finding import Finding, any_of, dated, evidence, found, review, unknown
from allonav.eligibility.rules import JudgeRules


@dataclass(frozen=True, slots=True)
class _Record:
    """One therapy event: when it was last given (None = undated), or ongoing (counts as today)."""

    fact: CaseEvidence
    last: date | None
    ongoing: bool = False
    open_end: bool = False  # started on `last`, no end date recorded: may still be running


def history_recorded(case: PatientCase) -> bool:
    """True when a treatment history was taken. Example: one regimen listed → True; nothing and
    prior_lines None → False (an empty list then means "not asked", not "none")."""
    return bool(case.regimens or case.prior_car_t or case.transplants) or case.prior_lines == 0


def _infused(car: PriorCarT) -> bool:
    """False for a CAR-T product that was never given (manufacturing failure, no infusion date): the
    patient has not received CAR-T. Example: axi-cel whose manufacturing failed → not a prior CAR-T."""
    return not (car.failure is CarTFailure.MANUFACTURING_FAILURE and car.infused_on is None)


def _regimen_record(regimen: Regimen, as_of: date) -> _Record:
    fact = evidence(
        f"regimens[{regimen.name}]",
        f"{regimen.name}" + (f" ({regimen.kind})" if regimen.kind else "")
        + (f" {regimen.started_on.isoformat()}" if regimen.started_on else "")
        + (f" to {regimen.ended_on.isoformat()}" if regimen.ended_on else ""),
        regimen.source,
    )  # fmt: skip
    if regimen.ended_on is not None:
        return _Record(fact, regimen.ended_on)
    if regimen.started_on is not None and regimen.started_on <= as_of:
        # no end date: within a window if it *started* inside it; otherwise the end date is needed
        return _Record(fact, regimen.started_on, open_end=True)
    return _Record(fact, None)


def _records(case: PatientCase, value: str, as_of: date, rules: JudgeRules) -> list[_Record] | None:
    """Therapy events matching a contract value; None when the value is not known to the judge."""
    key = value.lower()
    if key == "car-t":
        return [
            _Record(evidence("prior_car_t", dated(c.product or "CAR-T", c.infused_on), c.source), c.infused_on)
            for c in case.prior_car_t
            if _infused(c)
        ]
    if key in ("allogeneic hsct", "autologous hsct", "hsct"):
        wanted = {"allogeneic hsct": (True,), "autologous hsct": (False,), "hsct": (True, False)}[key]
        return [
            _Record(
                evidence(
                    "transplants", dated("allogeneic HSCT" if t.allogeneic else "autologous HSCT", t.transplanted_on)
                ),
                t.transplanted_on,
            )
            for t in case.transplants
            if t.allogeneic in wanted
        ]
    if key.startswith("anti-"):
        target = key.removeprefix("anti-")
        found_records = [_regimen_record(r, as_of) for r in case.regimens if target in (t.lower() for t in r.targets)]
        found_records += [
            _Record(evidence("prior_car_t", dated(c.product or "CAR-T", c.infused_on), c.source), c.infused_on)
            for c in case.prior_car_t
            if target in (t.lower() for t in c.targets) and _infused(c)
        ]
        return found_records
    therapy = rules.therapies.get(value) or next((t for t in rules.therapies.values() if t.name.lower() == key), None)
    if therapy is None:
        return None
    matched = [
        _regimen_record(r, as_of)
        for r in case.regimens
        if (r.kind or "").lower() in therapy.kinds or any(n in r.name.lower() for n in therapy.names)
    ]
    if therapy.name == "immunosuppression":
        matched += [
            _Record(evidence("transplants.on_immunosuppression", "true"), as_of, ongoing=True)
            for t in case.transplants
            if t.on_immunosuppression
        ]
    return matched


def _words(value: str, rules: JudgeRules) -> str:
    therapy = rules.therapies.get(value)
    if therapy is not None:
        return therapy.words
    return f"prior {value} (with dates)"


def _therapy_item(case: PatientCase, value: str, window: int | None, as_of: date, rules: JudgeRules) -> Finding:
    records = _records(case, value, as_of, rules)
    if records is None:
        return unknown(f"therapy '{value}' is not known to the judge", f"review prior therapy: {value}")
    facts = [r.fact for r in records]
    span = f" within {window} days" if window is not None else ""
    if window is None and records:
        return found(True, f"prior {value} recorded", *facts)
    if window is not None:
        inside = [r for r in records if r.ongoing or (r.last is not None and 0 <= (as_of - r.last).days <= window)]
        if inside:
            return found(True, f"{value}{span} of {as_of}", *(r.fact for r in inside))
        undated = [r for r in records if r.last is None or r.open_end]
        if undated:
            return unknown(f"{value}: date not recorded", _words(value, rules), evidence=facts)
        if records:
            return found(False, f"last {value} is outside {window} days", *facts)
    therapy = rules.therapies.get(value)
    if therapy is not None and therapy.confirm_absence:
        return unknown(f"{value}: absence cannot be read from the history", therapy.words)
    if not history_recorded(case):
        return unknown("treatment history not recorded", rules.words("history"))
    summary = evidence(
        "history",
        f"{len(case.regimens)} regimen(s), {len(case.prior_car_t)} CAR-T, {len(case.transplants)} transplant(s)",
    )
    return found(False, f"no {value}{span} in the recorded history", summary)


def check_prior_therapy(case: PatientCase, criterion: Criterion, as_of: date, rules: JudgeRules) -> Finding:
    """Any of the listed therapies given (within `window_days` of `as_of` when set).

    Example: exclusion "chemotherapy within 2 weeks" (window 14) with R-ICE ended 10 days ago → holds;
    ended 40 days ago → does not hold; exclusion "prior CAR-T" with an axi-cel infusion → holds.
    """
    if not criterion.values:
        return review(criterion.text, rules.words("unparsed"))
    return any_of(_therapy_item(case, v, criterion.window_days, as_of, rules) for v in criterion.values)


_GVHD = {
    "active": {GvhdStatus.ACTIVE_ACUTE, GvhdStatus.ACTIVE_CHRONIC},
    "acute": {GvhdStatus.ACTIVE_ACUTE},
    "chronic": {GvhdStatus.ACTIVE_CHRONIC},
    "grade≥2": {GvhdStatus.ACTIVE_ACUTE, GvhdStatus.ACTIVE_CHRONIC},
}


_HISTORY = re.compile(r"\b(?:history|previous(?:ly)?|prior|ever|had|past)\b", re.IGNORECASE)


def _gvhd_item(case: PatientCase, value: str, window: int | None, as_of: date, rules: JudgeRules,
               *, alone: bool = True, history: bool = False) -> Finding:
    allo = [t for t in case.transplants if t.allogeneic]
    if not allo:
        if value == "immunosuppression" and alone:  # current, or within the criterion's window
            return _therapy_item(case, "immunosuppression", window or 0, as_of, rules)
        if not history_recorded(case):
            return unknown("transplant history not recorded", rules.words("history"))
        return found(False, "no allogeneic transplant recorded", evidence("transplants", "no allogeneic transplant"))
    items: list[Finding] = []
    for t in allo:
        when = dated("allogeneic HSCT", t.transplanted_on)
        if value == "immunosuppression":
            if t.on_immunosuppression is None:
                items.append(unknown("immunosuppression not recorded", rules.words("immunosuppression")))
            else:
                fact = evidence("transplants.on_immunosuppression", f"{when}: {str(t.on_immunosuppression).lower()}")
                items.append(found(t.on_immunosuppression, "on immunosuppression", fact))
            continue
        if t.gvhd is None:
            items.append(
                unknown("GVHD status not recorded", rules.words("gvhd"), evidence=[evidence("transplants", when)])
            )
            continue
        fact = evidence("transplants.gvhd", f"{when}: GVHD {t.gvhd.value}", t.source)
        if history and t.gvhd is GvhdStatus.RESOLVED:  # past GVHD counts; its type and grade are not recorded
            items.append(unknown("past GVHD resolved; type and grade not recorded", rules.words("gvhd"),
                                 evidence=[fact]))
            continue
        holds = t.gvhd in _GVHD[value]
        if holds and value == "grade≥2":
            items.append(unknown("active GVHD, grade not recorded", rules.words("gvhd"), evidence=[fact]))
        else:
            items.append(found(holds, f"GVHD {t.gvhd.value} vs {value}", fact))
    return any_of(items)


def check_gvhd(case: PatientCase, criterion: Criterion, as_of: date, rules: JudgeRules) -> Finding:
    """GVHD of the listed kind (default: active) or immunosuppression after an allogeneic transplant.

    Example: exclusion "active GVHD" after an allogeneic HSCT with GVHD resolved → does not hold; with
    active chronic GVHD → holds. No allogeneic transplant in a recorded history → does not hold.
    """
    values = list(criterion.values) or ["active"]
    if any(v not in _GVHD and v != "immunosuppression" for v in values):
        return review(criterion.text, rules.words("unparsed"))
    alone = values == ["immunosuppression"]  # "GVHD requiring immunosuppression": no allo-HSCT, no GVHD
    history = bool(_HISTORY.search(criterion.text))
    return any_of(_gvhd_item(case, v, criterion.window_days, as_of, rules, alone=alone, history=history)
                  for v in values)
