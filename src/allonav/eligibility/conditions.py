"""Checks about other conditions: infections, other cancers, organ disease without a numeric threshold."""

from __future__ import annotations

import re
from datetime import date

from allonav.domain.case import InfectionStatus, OtherMalignancy, PatientCase
from allonav.domain.criterion import Criterion
from allonav.eligibility.finding import Finding, any_of, dated, evidence, found, review, unknown
from allonav.eligibility.rules import COLLECT_KEYS, JudgeRules

VIRUSES = ("HBV", "HCV", "HIV")
OTHER_INFECTIONS = ("CMV", "EBV", "syphilis", "tuberculosis", "fungal", "COVID-19")


_ACTIVE_ONLY = re.compile(r"\b(?:active|replicat\w*|viral\s+load)\b|\b(?:dna|rna)\b[^;.]{0,60}?"
                          r"(?:above|detectable|positiv|>|≥|higher|exceed)", re.IGNORECASE)
_PAST_TOO = re.compile(r"\bhistory\b|\bcarriers?\b|\bresolved\b|\bprevious|\bcore\s+antibod\w*\s*(?:\w+\s*)?"
                       r"(?:positiv|\+)(?![^;.]{0,40}(?:dna|rna))|\bever\b", re.IGNORECASE)


def _active_only(text: str) -> bool:
    """True when the criterion is about current infection only: "active hepatitis B", "HBcAb positive with HBV
    DNA above the limit of detection"; False for "history of hepatitis B", "including carriers"."""
    return bool(_ACTIVE_ONLY.search(text)) and not _PAST_TOO.search(text)


def _infection_item(case: PatientCase, value: str, rules: JudgeRules, active_only: bool = False) -> Finding:
    infections = case.infections
    if value in VIRUSES:
        status = {"HBV": infections.hbv, "HCV": infections.hcv, "HIV": infections.hiv}[value]
        if status is None:
            return unknown(f"{value} status not recorded", rules.words(value))
        fact = evidence(f"infections.{value.lower()}", status.value, infections.source)
        if status is InfectionStatus.POSITIVE:
            return found(True, f"{value} positive", fact)
        if status is InfectionStatus.NEGATIVE:
            return found(False, f"{value} negative", fact)
        if status is InfectionStatus.RESOLVED and active_only and value in ("HBV", "HCV"):
            return found(False, f"{value} resolved: not an active infection", fact)
        question = rules.allowance.get(value, f"ask the trial team whether {status.value} {value} is allowed")
        return unknown(f"{value} {status.value}: allowance depends on the protocol", question, evidence=[fact])
    if value == "active_uncontrolled":
        flag = infections.active_uncontrolled
        if flag is None:
            return unknown("infection status not recorded", rules.words("active_uncontrolled"))
        fact = evidence("infections.active_uncontrolled", str(flag).lower(), infections.source)
        return found(flag, f"active uncontrolled infection: {'yes' if flag else 'no'}", fact)
    if value in OTHER_INFECTIONS:
        return unknown(f"{value} status is not part of the case", rules.words(value))
    return unknown(f"infection '{value}' is not known to the judge", f"review infection item: {value}")


def check_infection(case: PatientCase, criterion: Criterion, as_of: date, rules: JudgeRules) -> Finding:
    """Any of the listed infections present. Resolved HBV / controlled HIV stay unknown (protocol-specific).

    Example: exclusion "HIV, active HBV or HCV" with HBV positive → holds; all three negative → does not
    hold; HBV resolved → unknown, collect "ask the trial team whether resolved hepatitis B … is allowed".
    """
    if not criterion.values:
        return review(criterion.text, rules.words("unparsed"))
    active_only = _active_only(criterion.text)
    return any_of(_infection_item(case, v, rules, active_only) for v in criterion.values)


_EVER = re.compile(r"\b(?:history|previous(?:ly)?|prior|ever|had)\b", re.IGNORECASE)


def _malignancy_item(item: OtherMalignancy, window: int | None, as_of: date, ever: bool = False) -> Finding:
    fact = evidence(f"other_malignancies[{item.name}]", dated(
        item.name + {True: " (active)", False: " (not active)", None: ""}[item.active], item.diagnosed_on
    ), item.source)  # fmt: skip
    if item.active is True:
        return found(True, f"{item.name} is active", fact)
    if window is None:
        if ever:  # "history of other tumours", no time limit: a past cancer counts, active or not
            return found(True, f"history of {item.name}", fact)
        if item.active is False:
            return found(False, f"{item.name} is not active", fact)
        return unknown(f"{item.name}: activity not recorded", f"is the {item.name} still active?", evidence=[fact])
    if item.diagnosed_on is None:
        return unknown(f"{item.name}: date not recorded", f"date of diagnosis of the {item.name}", evidence=[fact])
    age = (as_of - item.diagnosed_on).days
    if age <= window:
        return found(True, f"{item.name} diagnosed {age} days ago (window {window})", fact)
    if item.active is False:
        return found(False, f"{item.name} diagnosed {age} days ago, not active", fact)
    return unknown(f"{item.name}: activity not recorded", f"is the {item.name} still active?", evidence=[fact])


def check_other_malignancy(case: PatientCase, criterion: Criterion, as_of: date, rules: JudgeRules) -> Finding:
    """Another cancer that is active, or diagnosed within `window_days`.

    Example: exclusion "other malignancy within 5 years" (1826 days), breast cancer diagnosed 2 years
    ago → holds; none recorded (`()`) → does not hold; never asked (`None`) → unknown.
    """
    if case.other_malignancies is None:
        return unknown("other cancers not asked", rules.words("other_malignancy"))
    if not case.other_malignancies:
        return found(False, "no other cancer recorded", evidence("other_malignancies", "none"))
    ever = bool(_EVER.search(criterion.text))
    return any_of(_malignancy_item(m, criterion.window_days, as_of, ever) for m in case.other_malignancies)


def _organ_item(case: PatientCase, value: str, rules: JudgeRules) -> Finding:
    if value == "cardiac":
        if case.heart_disease is None:
            return unknown("heart disease not recorded", rules.words("cardiac"))
        fact = evidence("heart_disease", str(case.heart_disease).lower())
        return found(case.heart_disease, f"clinically significant heart disease: {case.heart_disease}", fact)
    if value == "autoimmune":
        autoimmune = [d for d in case.diagnoses if d.disease_group == "autoimmune"]
        if autoimmune:
            return found(True, "autoimmune disease recorded", evidence("diagnoses[autoimmune]", "autoimmune"))
    if value in COLLECT_KEYS:
        return unknown(f"{value} disease is not part of the case", rules.words(value))
    return unknown(f"organ disease '{value}' is not known to the judge", f"review organ disease item: {value}")


def check_organ_disease(case: PatientCase, criterion: Criterion, as_of: date, rules: JudgeRules) -> Finding:
    """Clinically significant organ disease of the listed kinds (cardiac from `heart_disease`).

    Example: exclusion "NYHA class III–IV heart failure" (values cardiac), heart_disease False → does not
    hold; pulmonary disease is not in the case → unknown, collect "clinically significant lung disease".
    """
    if not criterion.values:
        return review(criterion.text, rules.words("unparsed"))
    return any_of(_organ_item(case, v, rules) for v in criterion.values)
