"""Criteria rules as data: concepts, diseases, antigens and lab wordings loaded from `criteria/data/*.toml`.

Everything is validated on load; errors name the file, the entry and what is allowed.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from allonav.domain.criterion import Category
from allonav.domain.labs import LabVocabulary, load_labs

DATA = Path(__file__).with_name("data")
DISEASE_GROUPS = ("B-ALL", "LBCL", "FL", "MCL", "CLL", "other-B-NHL", "MM", "T-ALL", "T-LBL", "PTCL", "other-T-cell",
                  "AML", "MDS", "Hodgkin", "solid-tumour", "autoimmune", "other")
PRIOR_THERAPIES = ("CAR-T", "allogeneic HSCT", "autologous HSCT", "HSCT", "bispecific", "chemotherapy", "radiotherapy",
                   "investigational", "immunosuppression", "steroids", "live vaccine", "donor lymphocyte infusion")
ALLOWED_VALUES: dict[Category, frozenset[str]] = {
    Category.SEX: frozenset({"female", "male"}),
    Category.DIAGNOSIS: frozenset(DISEASE_GROUPS),
    Category.DISEASE_STATUS: frozenset({"relapsed", "refractory", "measurable", "MRD-positive", "rapid_progression"}),
    Category.PRIOR_THERAPY: frozenset(PRIOR_THERAPIES),
    Category.CNS: frozenset({"active", "any", "treated_stable"}),
    Category.INFECTION: frozenset({"HBV", "HCV", "HIV", "active_uncontrolled", "CMV", "EBV", "syphilis", "tuberculosis",
                                   "fungal", "COVID-19"}),
    Category.GVHD: frozenset({"active", "acute", "chronic", "grade≥2", "immunosuppression"}),
    Category.PREGNANCY: frozenset({"pregnant", "breastfeeding", "contraception"}),
    Category.ORGAN_DISEASE: frozenset({"cardiac", "pulmonary", "hepatic", "renal", "autoimmune", "seizure",
                                       "neurological", "psychiatric", "bleeding", "thrombosis"}),
    Category.PERFORMANCE: frozenset({"karnofsky"}),  # rule-internal marker only; criteria carry measurement="ECOG"
}


class CriteriaRulesError(ValueError):
    """A criteria data file is malformed; the message says where and what is allowed."""


@dataclass(frozen=True, slots=True)
class Concept:
    category: Category
    value: str | None
    pattern: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class CriteriaVocabulary:
    """Compiled rules for the parser; build it once with `load_criteria_vocabulary()` and reuse it."""

    concepts: tuple[Concept, ...]
    diseases: tuple[tuple[str, re.Pattern[str]], ...]
    antigens: tuple[tuple[str, re.Pattern[str]], ...]
    lab_patterns: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...]
    labs: LabVocabulary
    negation_before: re.Pattern[str]
    negation_after: re.Pattern[str]
    prefilters: dict[str, re.Pattern[str]]  # one combined pattern per rule family, to skip text quickly

    def may_match(self, family: str, text: str) -> bool:
        """False when no rule of `family` ("antigen", "disease", "lab" or a category value) can match `text`."""
        pattern = self.prefilters.get(family)
        return pattern is None or pattern.search(text) is not None

    def concepts_of(self, category: Category) -> tuple[Concept, ...]:
        """The concepts of one category, e.g. every infection pattern (HBV, HCV, HIV …)."""
        return tuple(c for c in self.concepts if c.category is category)


def load_rules(folder: Path = DATA, labs: LabVocabulary | None = None) -> CriteriaVocabulary:
    """Load and validate `concepts.toml`, `diseases.toml`, `antigens.toml` and `labs.toml` from `folder`.

    Example: a concept `{category = "infection", value = "HBV", patterns = ['\\bhbsag\\b']}` lets
    "HBsAg positive" become an infection criterion with values ("HBV",).
    """
    labs = labs or load_labs()
    concepts_doc = _read(folder / "concepts.toml")
    concepts = tuple(_concepts(concepts_doc, "concepts.toml"))
    negation = concepts_doc.get("negation")
    if not isinstance(negation, dict) or set(negation) != {"before", "after"}:
        raise CriteriaRulesError("concepts.toml [negation]: needs exactly the lists 'before' and 'after'")
    before = _alternation(negation["before"], "concepts.toml [negation].before")
    after = _alternation(negation["after"], "concepts.toml [negation].after")
    diseases = tuple(
        (name, pattern)
        for name, pattern in _named(_read(folder / "diseases.toml"), "disease", "group", "diseases.toml")
        if _check_group(name)
    )
    antigens = tuple(_named(_read(folder / "antigens.toml"), "antigen", "name", "antigens.toml"))
    lab_patterns = _labs(_read(folder / "labs.toml"), labs)
    prefilters = {
        "disease": _combine(p for _, p in diseases),
        "lab": _combine(p for _, p in lab_patterns),
    }
    for category in {c.category for c in concepts} - {Category.ORGAN_DISEASE, Category.INFECTION}:
        prefilters[category.value] = _combine(c.pattern for c in concepts if c.category is category)
    return CriteriaVocabulary(concepts, diseases, antigens, lab_patterns, labs, before, after, prefilters)


def _combine(patterns: Iterable[re.Pattern[str]]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns), re.IGNORECASE)


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as stream:
            return tomllib.load(stream)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise CriteriaRulesError(f"{path.name}: cannot read ({error})") from error


def _compile(pattern: object, where: str) -> re.Pattern[str]:
    if not isinstance(pattern, str) or not pattern:
        raise CriteriaRulesError(f"{where}: patterns must be non-empty strings, got {pattern!r}")
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as error:
        raise CriteriaRulesError(f"{where}: bad regex {pattern!r} ({error})") from error


def _alternation(patterns: object, where: str) -> re.Pattern[str]:
    if not isinstance(patterns, list) or not patterns:
        raise CriteriaRulesError(f"{where}: must be a non-empty list of regex strings")
    for pattern in patterns:
        _compile(pattern, where)
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


def _patterns(entry: dict[str, Any], where: str) -> re.Pattern[str]:
    return _alternation(entry.get("patterns"), f"{where} patterns")


def _concepts(doc: dict[str, Any], name: str) -> list[Concept]:
    unknown_sections = set(doc) - {"concept", "negation"}
    if unknown_sections:
        raise CriteriaRulesError(f"{name}: unknown section(s) {sorted(unknown_sections)}; allowed: concept, negation")
    categories = {c.value for c in Category if c is not Category.UNPARSED}
    out: list[Concept] = []
    for index, entry in enumerate(doc.get("concept", [])):
        where = f"{name} concept[{index}]"
        unknown = set(entry) - {"category", "value", "patterns"}
        if unknown:
            raise CriteriaRulesError(f"{where}: unknown key(s) {sorted(unknown)}; allowed: category, value, patterns")
        category = entry.get("category")
        if category not in categories:
            raise CriteriaRulesError(f"{where}: category {category!r} is not one of {sorted(categories)}")
        value = entry.get("value")
        allowed = ALLOWED_VALUES.get(Category(category), frozenset())
        if value is not None and value not in allowed:
            raise CriteriaRulesError(f"{where}: value {value!r} not allowed for {category}; allowed: {sorted(allowed)}")
        out.append(Concept(Category(category), value, _patterns(entry, where)))
    return out


def _named(doc: dict[str, Any], section: str, key: str, name: str) -> list[tuple[str, re.Pattern[str]]]:
    if set(doc) - {section}:
        raise CriteriaRulesError(f"{name}: unknown section(s) {sorted(set(doc) - {section})}; allowed: {section}")
    out: list[tuple[str, re.Pattern[str]]] = []
    for index, entry in enumerate(doc.get(section, [])):
        where = f"{name} {section}[{index}]"
        unknown = set(entry) - {key, "patterns"}
        if unknown:
            raise CriteriaRulesError(f"{where}: unknown key(s) {sorted(unknown)}; allowed: {key}, patterns")
        value = entry.get(key)
        if not isinstance(value, str) or not value:
            raise CriteriaRulesError(f"{where}: '{key}' must be a non-empty string")
        out.append((value, _patterns(entry, where)))
    return out


def _check_group(group: str) -> bool:
    """A disease group, or a family of groups joined by "+" ("T-ALL+T-LBL+PTCL+other-T-cell")."""
    for member in group.split("+"):
        if member not in DISEASE_GROUPS:
            raise CriteriaRulesError(f"diseases.toml: group {member!r} is not one of {list(DISEASE_GROUPS)}")
    return True


def _labs(doc: dict[str, Any], labs: LabVocabulary) -> tuple[tuple[tuple[str, ...], re.Pattern[str]], ...]:
    out: list[tuple[tuple[str, ...], re.Pattern[str]]] = []
    for index, entry in enumerate(doc.get("lab", [])):
        where = f"labs.toml lab[{index}]"
        unknown = set(entry) - {"names", "patterns"}
        if unknown:
            raise CriteriaRulesError(f"{where}: unknown key(s) {sorted(unknown)}; allowed: names, patterns")
        names = entry.get("names")
        if not isinstance(names, list) or not names or any(n not in labs.labs for n in names):
            raise CriteriaRulesError(f"{where}: names {names!r} must be lab names of labs.toml: {sorted(labs.labs)}")
        out.append((tuple(names), _patterns(entry, where)))
    for lab in labs.labs.values():
        words = sorted({lab.name.lower(), *lab.synonyms}, key=len, reverse=True)
        alternation = "|".join(re.escape(w) for w in words)
        out.append(((lab.name,), re.compile(rf"(?<![\w-])(?:{alternation})(?![\w-])", re.IGNORECASE)))
    return tuple(out)
