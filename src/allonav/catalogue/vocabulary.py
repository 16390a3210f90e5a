"""Classification vocabularies, kept as TOML data and validated when loaded.

Each file in `catalogue/data/` holds regex patterns for one concept (antigens, disease groups,
modality, cell source, gene editing, negation context). `load_vocabulary` reads them with `tomllib`,
checks every key and value against what is allowed (the allowed value tuples come from
`allonav.domain.trial`) and compiles every pattern, so a typo fails at load time with a message that
lists what is allowed — never silently at classification time.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from allonav.domain.trial import CELL_SOURCES, DISEASE_GROUPS, GENE_EDITING, MODALITIES

DATA_DIR = Path(__file__).resolve().parent / "data"
FILES = ("antigens.toml", "diseases.toml", "modality.toml", "cell_source.toml", "gene_editing.toml", "context.toml")
STRENGTHS = ("strong", "weak")


class VocabularyError(ValueError):
    """A vocabulary file is malformed: unknown key, value outside the allowed set, or a bad regex."""


Patterns = tuple[re.Pattern[str], ...]


@dataclass(frozen=True, slots=True)
class Term:
    """One canonical value (an antigen, a disease group, a modality…) and the patterns that name it."""

    value: str
    patterns: Patterns


@dataclass(frozen=True, slots=True)
class Umbrella:
    """A broad disease term that counts only when none of `yields_to` was found; it may name several groups."""

    values: tuple[str, ...]
    patterns: Patterns
    yields_to: frozenset[str]


@dataclass(frozen=True, slots=True)
class AntigenContext:
    """A lineage-free term ("CD19+ acute leukaemia"): the group of the first rule whose antigens the product targets."""

    patterns: Patterns
    rules: tuple[tuple[frozenset[str], str], ...]
    yields_to: frozenset[str]
    """Not used when one of these groups is named in the same text."""
    refine: frozenset[str]
    """Groups a later tier may name explicitly to replace this inferred one."""


@dataclass(frozen=True, slots=True)
class Lineage:
    """A lymphoblastic term without B/T stated: `t_value` with T-lineage context, else `default`."""

    patterns: Patterns
    default: str
    t_value: str
    t_groups: frozenset[str]
    t_antigens: frozenset[str]


@dataclass(frozen=True, slots=True)
class ModalityTerm:
    """A modality; with `needs_car`, it becomes `car_value` when the record describes a CAR."""

    value: str
    patterns: Patterns
    car_value: str | None = None


@dataclass(frozen=True, slots=True)
class Background:
    """When the cell therapy a record names is only the setting: non-product interventions, observational records."""

    product: Patterns
    neutral: Patterns
    patterns: Patterns
    types: frozenset[str]
    observational: Patterns


@dataclass(frozen=True, slots=True)
class SourceTerm:
    value: str
    strength: str
    patterns: Patterns


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """All compiled vocabularies; build it with `load_vocabulary`, never by hand in production code."""

    antigens: tuple[Term, ...]
    disease_groups: tuple[Term, ...]
    disease_umbrellas: tuple[Umbrella, ...]
    disease_lineages: tuple[Lineage, ...]
    disease_contexts: tuple[AntigenContext, ...]
    car_patterns: Patterns
    modalities: tuple[ModalityTerm, ...]
    background: Background
    source_exclude: Patterns
    source_mixed: Patterns
    sources: tuple[SourceTerm, ...]
    source_refine_blocked: Patterns
    source_before: Patterns
    editing: tuple[Term, ...]
    editing_generic: Patterns
    negation_before: Patterns
    negation_after: Patterns

    @property
    def antigen_order(self) -> tuple[str, ...]:
        """Canonical antigen names in vocabulary order (the order results are sorted in)."""
        return tuple(term.value for term in self.antigens)


def _fail(path: str, message: str) -> VocabularyError:
    return VocabularyError(f"{path}: {message}")


def _check_keys(table: Mapping[str, Any], allowed: Sequence[str], required: Sequence[str], path: str) -> None:
    unknown = sorted(set(table) - set(allowed))
    if unknown:
        raise _fail(path, f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(allowed)}")
    missing = [key for key in required if key not in table]
    if missing:
        raise _fail(path, f"missing required key(s) {', '.join(missing)}; allowed: {', '.join(allowed)}")


def _choice(value: object, allowed: Sequence[str], path: str) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise _fail(path, f"value {value!r} is not allowed; allowed: {', '.join(allowed)}")
    return value


def _string(value: object, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, f"must be a non-empty string, got {value!r}")
    return value


def _compile(raw: object, path: str) -> Patterns:
    if not isinstance(raw, list) or not raw:
        raise _fail(path, "patterns must be a non-empty list of regular expressions")
    texts: list[str] = []
    for index, pattern in enumerate(raw):
        text = _string(pattern, f"{path}[{index}]")
        try:
            re.compile(text, re.IGNORECASE)
        except re.error as exc:
            raise _fail(f"{path}[{index}]", f"invalid regular expression {text!r}: {exc}") from None
        texts.append(text)
    # One alternation per list: a single scan of each text instead of one per pattern.
    return (re.compile("|".join(f"(?:{text})" for text in texts), re.IGNORECASE),)


def _tables(doc: Mapping[str, Any], key: str, path: str) -> list[Mapping[str, Any]]:
    raw = doc.get(key, [])
    if not isinstance(raw, list) or not all(isinstance(item, Mapping) for item in raw):
        raise _fail(path, f"[[{key}]] must be an array of tables")
    return raw


def _table(doc: Mapping[str, Any], key: str, path: str) -> Mapping[str, Any]:
    raw = doc.get(key)
    if not isinstance(raw, Mapping):
        raise _fail(path, f"[{key}] table is required")
    return raw


def _groups(raw: object, allowed: Sequence[str], path: str) -> frozenset[str]:
    if not isinstance(raw, list):
        raise _fail(path, f"must be a list of values from: {', '.join(allowed)}")
    return frozenset(_choice(item, allowed, f"{path}[{index}]") for index, item in enumerate(raw))


def _antigens(doc: Mapping[str, Any], name: str) -> tuple[Term, ...]:
    _check_keys(doc, ("antigen",), ("antigen",), name)
    terms: list[Term] = []
    seen: set[str] = set()
    for index, table in enumerate(_tables(doc, "antigen", name)):
        path = f"{name} antigen[{index}]"
        _check_keys(table, ("name", "patterns"), ("name", "patterns"), path)
        value = _string(table["name"], f"{path}.name")
        if value in seen:
            raise _fail(path, f"duplicate antigen name {value!r}")
        seen.add(value)
        terms.append(Term(value, _compile(table["patterns"], f"{path}.patterns")))
    return tuple(terms)


def _values(raw: object, path: str) -> tuple[str, ...]:
    items = raw if isinstance(raw, list) else [raw]
    if not items:
        raise _fail(path, f"must name at least one value from: {', '.join(DISEASE_GROUPS)}")
    return tuple(_choice(item, DISEASE_GROUPS, path) for item in items)


def _contexts(doc: Mapping[str, Any], name: str) -> tuple[AntigenContext, ...]:
    contexts: list[AntigenContext] = []
    for index, table in enumerate(_tables(doc, "by_antigen", name)):
        path = f"{name} by_antigen[{index}]"
        keys = ("patterns", "rules", "yields_to", "refine")
        _check_keys(table, keys, keys, path)
        raw = table["rules"]
        if not isinstance(raw, list) or not raw or not all(isinstance(rule, Mapping) for rule in raw):
            raise _fail(f"{path}.rules", "must be a non-empty array of {antigens = [...], value = ...} tables")
        rules: list[tuple[frozenset[str], str]] = []
        for number, rule in enumerate(raw):
            where = f"{path}.rules[{number}]"
            _check_keys(rule, ("antigens", "value"), ("antigens", "value"), where)
            antigens = rule["antigens"]
            if not isinstance(antigens, list) or not all(isinstance(a, str) for a in antigens):
                raise _fail(f"{where}.antigens", "must be a list of antigen names")
            rules.append((frozenset(antigens), _choice(rule["value"], DISEASE_GROUPS, f"{where}.value")))
        contexts.append(AntigenContext(_compile(table["patterns"], f"{path}.patterns"), tuple(rules),
                                       _groups(table["yields_to"], DISEASE_GROUPS, f"{path}.yields_to"),
                                       _groups(table["refine"], DISEASE_GROUPS, f"{path}.refine")))
    return tuple(contexts)


def _diseases(doc: Mapping[str, Any], name: str) -> tuple[tuple[Term, ...], tuple[Umbrella, ...], tuple[Lineage, ...]]:
    _check_keys(doc, ("group", "umbrella", "lineage", "by_antigen"), ("group",), name)
    groups: list[Term] = []
    for index, table in enumerate(_tables(doc, "group", name)):
        path = f"{name} group[{index}]"
        _check_keys(table, ("value", "patterns"), ("value", "patterns"), path)
        groups.append(Term(_choice(table["value"], DISEASE_GROUPS, f"{path}.value"),
                           _compile(table["patterns"], f"{path}.patterns")))
    umbrellas: list[Umbrella] = []
    for index, table in enumerate(_tables(doc, "umbrella", name)):
        path = f"{name} umbrella[{index}]"
        _check_keys(table, ("value", "patterns", "yields_to"), ("value", "patterns", "yields_to"), path)
        umbrellas.append(
            Umbrella(
                _values(table["value"], f"{path}.value"),
                _compile(table["patterns"], f"{path}.patterns"),
                _groups(table["yields_to"], DISEASE_GROUPS, f"{path}.yields_to"),
            )
        )
    lineages: list[Lineage] = []
    keys = ("patterns", "default", "t_value", "t_groups", "t_antigens")
    for index, table in enumerate(_tables(doc, "lineage", name)):
        path = f"{name} lineage[{index}]"
        _check_keys(table, keys, keys, path)
        antigens = table["t_antigens"]
        if not isinstance(antigens, list) or not all(isinstance(a, str) for a in antigens):
            raise _fail(f"{path}.t_antigens", "must be a list of antigen names")
        lineages.append(
            Lineage(
                _compile(table["patterns"], f"{path}.patterns"),
                _choice(table["default"], DISEASE_GROUPS, f"{path}.default"),
                _choice(table["t_value"], DISEASE_GROUPS, f"{path}.t_value"),
                _groups(table["t_groups"], DISEASE_GROUPS, f"{path}.t_groups"),
                frozenset(antigens),
            )
        )
    return tuple(groups), tuple(umbrellas), tuple(lineages)


def _background(doc: Mapping[str, Any], name: str) -> Background:
    table = _table(doc, "background", name)
    keys = ("product", "neutral", "patterns", "types", "observational")
    _check_keys(table, keys, keys, f"{name} [background]")
    types = table["types"]
    if not isinstance(types, list) or not all(isinstance(t, str) and t.strip() for t in types):
        raise _fail(f"{name} [background].types", "must be a list of ClinicalTrials.gov intervention types")
    return Background(
        _compile(table["product"], f"{name} [background].product"),
        _compile(table["neutral"], f"{name} [background].neutral"),
        _compile(table["patterns"], f"{name} [background].patterns"),
        frozenset(t.upper() for t in types),
        _compile(table["observational"], f"{name} [background].observational"),
    )


def _modality(doc: Mapping[str, Any], name: str) -> tuple[Patterns, tuple[ModalityTerm, ...]]:
    _check_keys(doc, ("car", "modality", "background"), ("car", "modality", "background"), name)
    car = _table(doc, "car", name)
    _check_keys(car, ("patterns",), ("patterns",), f"{name} [car]")
    terms: list[ModalityTerm] = []
    for index, table in enumerate(_tables(doc, "modality", name)):
        path = f"{name} modality[{index}]"
        _check_keys(table, ("value", "patterns", "needs_car", "car_value"), ("value", "patterns"), path)
        needs_car = table.get("needs_car", False)
        if not isinstance(needs_car, bool):
            raise _fail(f"{path}.needs_car", f"must be true or false, got {needs_car!r}")
        car_value = _choice(table["car_value"], MODALITIES, f"{path}.car_value") if needs_car else None
        if "car_value" in table and not needs_car:
            raise _fail(path, "car_value is only allowed with needs_car = true")
        terms.append(
            ModalityTerm(_choice(table["value"], MODALITIES, f"{path}.value"),
                         _compile(table["patterns"], f"{path}.patterns"), car_value)
        )
    return _compile(car["patterns"], f"{name} [car].patterns"), tuple(terms)


def _sources(
    doc: Mapping[str, Any], name: str
) -> tuple[Patterns, Patterns, tuple[SourceTerm, ...], Patterns, Patterns]:
    keys = ("exclude", "mixed", "source", "refine", "context")
    _check_keys(doc, keys, keys, name)
    context = _table(doc, "context", name)
    _check_keys(context, ("before",), ("before",), f"{name} [context]")
    refine = _table(doc, "refine", name)
    _check_keys(refine, ("blocked_by",), ("blocked_by",), f"{name} [refine]")
    exclude = _table(doc, "exclude", name)
    mixed = _table(doc, "mixed", name)
    _check_keys(exclude, ("patterns",), ("patterns",), f"{name} [exclude]")
    _check_keys(mixed, ("patterns",), ("patterns",), f"{name} [mixed]")
    terms: list[SourceTerm] = []
    for index, table in enumerate(_tables(doc, "source", name)):
        path = f"{name} source[{index}]"
        _check_keys(table, ("value", "strength", "patterns"), ("value", "strength", "patterns"), path)
        allowed = tuple(v for v in CELL_SOURCES if v not in ("mixed", "unknown"))
        terms.append(
            SourceTerm(
                _choice(table["value"], allowed, f"{path}.value"),
                _choice(table["strength"], STRENGTHS, f"{path}.strength"),
                _compile(table["patterns"], f"{path}.patterns"),
            )
        )
    return (_compile(exclude["patterns"], f"{name} [exclude].patterns"),
            _compile(mixed["patterns"], f"{name} [mixed].patterns"), tuple(terms),
            _compile(refine["blocked_by"], f"{name} [refine].blocked_by"),
            _compile(context["before"], f"{name} [context].before"))


def _editing(doc: Mapping[str, Any], name: str) -> tuple[tuple[Term, ...], Patterns]:
    _check_keys(doc, ("technique", "generic"), ("technique", "generic"), name)
    allowed = tuple(v for v in GENE_EDITING if v != "none-stated")
    terms: list[Term] = []
    for index, table in enumerate(_tables(doc, "technique", name)):
        path = f"{name} technique[{index}]"
        _check_keys(table, ("value", "patterns"), ("value", "patterns"), path)
        value = _choice(table["value"], allowed, f"{path}.value")
        terms.append(Term(value, _compile(table["patterns"], f"{path}.patterns")))
    generic = _table(doc, "generic", name)
    _check_keys(generic, ("patterns",), ("patterns",), f"{name} [generic]")
    return tuple(terms), _compile(generic["patterns"], f"{name} [generic].patterns")


def _context(doc: Mapping[str, Any], name: str) -> tuple[Patterns, Patterns]:
    _check_keys(doc, ("negation",), ("negation",), name)
    negation = _table(doc, "negation", name)
    _check_keys(negation, ("before", "after"), ("before", "after"), f"{name} [negation]")
    return (_compile(negation["before"], f"{name} [negation].before"),
            _compile(negation["after"], f"{name} [negation].after"))


def _read(directory: Path, name: str) -> Mapping[str, Any]:
    path = directory / name
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise VocabularyError(f"{path}: vocabulary file is missing; expected files: {', '.join(FILES)}") from None
    except tomllib.TOMLDecodeError as exc:
        raise VocabularyError(f"{path}: not valid TOML: {exc}") from None


def load_vocabulary(path: Path | None = None) -> Vocabulary:
    """Load and validate the vocabularies from `path` (default: the packaged `catalogue/data`).

    Raises `VocabularyError` naming the file, the entry and what is allowed — for example a disease
    group "B-CLL" fails with "value 'B-CLL' is not allowed; allowed: B-ALL, LBCL, …", and the pattern
    "CD19(" fails as an invalid regular expression. The result is immutable and safe to share.
    """
    directory = path or DATA_DIR
    docs = {name: _read(directory, name) for name in FILES}
    groups, umbrellas, lineages = _diseases(docs["diseases.toml"], "diseases.toml")
    car, modalities = _modality(docs["modality.toml"], "modality.toml")
    exclude, mixed, sources, refine_blocked, source_before = _sources(docs["cell_source.toml"], "cell_source.toml")
    editing, editing_generic = _editing(docs["gene_editing.toml"], "gene_editing.toml")
    before, after = _context(docs["context.toml"], "context.toml")
    return Vocabulary(
        antigens=_antigens(docs["antigens.toml"], "antigens.toml"),
        disease_groups=groups,
        disease_umbrellas=umbrellas,
        disease_lineages=lineages,
        disease_contexts=_contexts(docs["diseases.toml"], "diseases.toml"),
        car_patterns=car,
        modalities=modalities,
        background=_background(docs["modality.toml"], "modality.toml"),
        source_exclude=exclude,
        source_mixed=mixed,
        sources=sources,
        source_refine_blocked=refine_blocked,
        source_before=source_before,
        editing=editing,
        editing_generic=editing_generic,
        negation_before=before,
        negation_after=after,
    )
