"""Judge parameters as data: freshness limits, plain-word wording, therapy classes, readiness factors.

`load_rules` reads `data/rules.toml` and `data/readiness.toml`, checks every key and value, and fails
with a message naming the entry and what is allowed — never silently at judging time. The engine
itself does no I/O: callers load the rules once and pass them to `judge`, `screen_trial`, `readiness`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from allonav.domain.criterion import Criterion
from allonav.domain.labs import LabVocabulary, load_labs
from allonav.eligibility.factors import FactorError, load_factors

DATA_DIR = Path(__file__).resolve().parent / "data"
RULES = DATA_DIR / "rules.toml"
READINESS = DATA_DIR / "readiness.toml"

COLLECT_KEYS = frozenset(
    {
        "age", "sex", "diagnosis", "pathology", "disease_state", "prior_lines", "measurable", "MRD-positive",
        "rapid_progression", "history", "performance", "cns", "HBV", "HCV", "HIV", "active_uncontrolled",
        "CMV", "EBV", "syphilis", "tuberculosis", "fungal", "COVID-19", "gvhd", "immunosuppression",
        "pregnancy", "breastfeeding", "contraception", "other_malignancy", "life_expectancy", "cardiac",
        "pulmonary", "hepatic", "renal", "autoimmune", "seizure", "neurological", "psychiatric", "bleeding",
        "thrombosis", "consent", "accepts_allogeneic_risks", "travel_fit", "unparsed",
    }
)  # fmt: skip
ALLOWANCE_KEYS = frozenset({"HBV", "HCV", "HIV"})
THERAPY_KEYS = frozenset({"kinds", "names", "words", "confirm_absence"})


class RulesError(ValueError):
    """rules.toml or readiness.toml is malformed; the message names the entry and what is allowed."""


@dataclass(frozen=True, slots=True)
class TherapyClass:
    """A class of prior therapy matched in `PatientCase.regimens` by kind or by a drug name in the regimen name.

    Example: steroids → names ("dexamethasone", "prednisone", …); a regimen "Dexamethasone pulse" matches.
    """

    name: str
    kinds: frozenset[str]
    names: tuple[str, ...]
    words: str
    confirm_absence: bool = False


@dataclass(frozen=True, slots=True)
class JudgeRules:
    """Everything the judge needs besides the case and the criterion; build with `load_rules`.

    Example: `rules.lab_days_for("LVEF")` → 42 (echocardiogram), `rules.lab_days_for("ANC")` → 14.
    """

    labs: LabVocabulary
    lab_days: int
    antigen_days: int
    performance_days: int
    lab_overrides: Mapping[str, int] = field(default_factory=dict)
    lab_words: Mapping[str, str] = field(default_factory=dict)
    collect: Mapping[str, str] = field(default_factory=dict)
    allowance: Mapping[str, str] = field(default_factory=dict)
    therapies: Mapping[str, TherapyClass] = field(default_factory=dict)
    readiness: tuple[Criterion, ...] = ()
    readiness_sources: Mapping[str, str] = field(default_factory=dict)

    def lab_days_for(self, name: str) -> int:
        """Freshness limit in days for a lab: `lab_overrides` first, else `lab_days`.

        Example: with LVEF = 42 in overrides, an echocardiogram from 30 days ago is still current.
        """
        return self.lab_overrides.get(name, self.lab_days)

    def lab_name(self, name: str) -> str:
        """Plain words for a lab, e.g. "ANC" → "ANC (absolute neutrophil count)"; the name itself otherwise."""
        return self.lab_words.get(name, name)

    def words(self, key: str) -> str:
        """What to collect for a fact key, e.g. "HBV" → "HBV serology: HBsAg, anti-HBc, HBV DNA by PCR"."""
        return self.collect.get(key, key)


def _table(doc: Mapping[str, Any], key: str, where: str) -> dict[str, Any]:
    value = doc.get(key, {})
    if not isinstance(value, dict):
        raise RulesError(f"{where}: [{key}] must be a table")
    return value


def _positive_days(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise RulesError(f"{where}: must be a positive whole number of days (got {value!r})")
    return value


def _strings(table: Mapping[str, Any], where: str, allowed: frozenset[str] | None = None) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in table.items():
        if allowed is not None and key not in allowed:
            raise RulesError(f"{where}: unknown key '{key}'; allowed: {sorted(allowed)}")
        if not isinstance(value, str) or not value.strip():
            raise RulesError(f"{where}.{key}: must be non-empty text")
        out[key] = value
    return out


def _freshness(doc: Mapping[str, Any], labs: LabVocabulary, where: str) -> tuple[int, int, int, dict[str, int]]:
    fresh = _table(doc, "freshness", where)
    unknown = set(fresh) - {"lab", "antigen", "performance", "lab_overrides"}
    if unknown:
        raise RulesError(f"{where} [freshness]: unknown key(s) {sorted(unknown)}; allowed: lab, antigen, performance")
    values = [_positive_days(fresh.get(k), f"{where} freshness.{k}") for k in ("lab", "antigen", "performance")]
    overrides: dict[str, int] = {}
    for name, days in _table(fresh, "lab_overrides", f"{where} [freshness]").items():
        if name not in labs.labs:
            raise RulesError(f"{where} freshness.lab_overrides: '{name}' is not a lab; allowed: {sorted(labs.labs)}")
        overrides[name] = _positive_days(days, f"{where} freshness.lab_overrides.{name}")
    return values[0], values[1], values[2], overrides


def _therapies(doc: Mapping[str, Any], where: str) -> dict[str, TherapyClass]:
    out: dict[str, TherapyClass] = {}
    for name, entry in _table(doc, "therapy", where).items():
        at = f"{where} therapy.{name}"
        if not isinstance(entry, dict):
            raise RulesError(f"{at}: must be a table")
        unknown = set(entry) - THERAPY_KEYS
        if unknown:
            raise RulesError(f"{at}: unknown key(s) {sorted(unknown)}; allowed: {sorted(THERAPY_KEYS)}")
        kinds, names = entry.get("kinds", []), entry.get("names", [])
        if not all(isinstance(x, str) and x for x in [*kinds, *names]):
            raise RulesError(f"{at}: kinds and names must be lists of text")
        if not kinds and not names:
            raise RulesError(f"{at}: needs kinds or names to match a regimen")
        words = entry.get("words")
        if not isinstance(words, str) or not words.strip():
            raise RulesError(f"{at}: 'words' (what to collect) is required")
        confirm = entry.get("confirm_absence", False)
        if not isinstance(confirm, bool):
            raise RulesError(f"{at}: confirm_absence must be true or false")
        out[name] = TherapyClass(
            name=name,
            kinds=frozenset(k.lower() for k in kinds),
            names=tuple(n.lower() for n in names),
            words=words,
            confirm_absence=confirm,
        )
    return out


def load_rules(path: Path = RULES, readiness_path: Path = READINESS, labs: LabVocabulary | None = None) -> JudgeRules:
    """Load and validate the judge rules and the readiness factors (the only I/O of the engine).

    Example: `rules = load_rules()`; then `judge(case, criterion, as_of=date(2026, 10, 5), rules=rules)`.
    """
    vocabulary = labs if labs is not None else load_labs()
    with path.open("rb") as stream:
        doc = tomllib.load(stream)
    where = path.name
    allowed = {"freshness", "lab_words", "collect", "allowance", "therapy"}
    if set(doc) - allowed:
        raise RulesError(f"{where}: unknown table(s) {sorted(set(doc) - allowed)}; allowed: {sorted(allowed)}")
    lab_days, antigen_days, performance_days, overrides = _freshness(doc, vocabulary, where)
    lab_words = _strings(_table(doc, "lab_words", where), f"{where} lab_words", frozenset(vocabulary.labs))
    collect = _strings(_table(doc, "collect", where), f"{where} collect", COLLECT_KEYS)
    missing = COLLECT_KEYS - set(collect)
    if missing:
        raise RulesError(f"{where} [collect]: missing key(s) {sorted(missing)}")
    allowance = _strings(_table(doc, "allowance", where), f"{where} allowance", ALLOWANCE_KEYS)
    try:
        factors = load_factors(readiness_path, frozenset(vocabulary.labs))
    except FactorError as error:
        raise RulesError(str(error)) from error
    return JudgeRules(
        labs=vocabulary,
        lab_days=lab_days,
        antigen_days=antigen_days,
        performance_days=performance_days,
        lab_overrides=overrides,
        lab_words=lab_words,
        collect=collect,
        allowance=allowance,
        therapies=_therapies(doc, where),
        readiness=tuple(f.criterion for f in factors),
        readiness_sources={f.criterion.criterion_id: f.source for f in factors},
    )
