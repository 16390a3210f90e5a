"""Record vocabulary: context cues and extraction terms, loaded from `records/data/*.toml` and validated.

Example: `load_vocabulary().diseases["MM"]` matches "multiple myeloma" and "plasma cell myeloma", and
`load_vocabulary().cues["negated"].pre` contains "no evidence of" (as in "no evidence of CNS disease").
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from allonav.domain.case import CarTFailure
from allonav.domain.trial import DISEASE_GROUPS

DATA = Path(__file__).with_name("data")
STATUSES = ("family", "negated", "hedged", "historical")  # precedence order when several cues match


class RecordVocabularyError(ValueError):
    """A records data file is malformed; the message names the file, the entry and what is wrong."""


@dataclass(frozen=True, slots=True)
class CueList:
    pre: tuple[str, ...]
    post: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CarTProduct:
    name: str
    aliases: re.Pattern[str]
    targets: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RecordVocabulary:
    """Everything `extract` needs that is clinical knowledge rather than code."""

    pre_tokens: int
    post_tokens: int
    cues: dict[str, CueList]  # status → cues
    terminators: tuple[str, ...]
    age_patterns: tuple[re.Pattern[str], ...]
    age_units: dict[str, float]  # unit word → years per unit
    max_age: float
    sex_words: dict[str, str]  # word → "female"/"male"
    sex_pronouns: dict[str, str]
    sex_after_age_chars: int
    diseases: dict[str, re.Pattern[str]]  # disease group → pattern
    antigens: re.Pattern[str]
    antigen_names: dict[str, str]  # lower-case → canonical spelling
    antigen_positive: re.Pattern[str]
    antigen_negative: re.Pattern[str]
    antigen_negative_before: re.Pattern[str]
    antigen_positive_before: re.Pattern[str]
    flow: re.Pattern[str]
    ihc: re.Pattern[str]
    unit_aliases: dict[str, str]
    to_ecog: tuple[tuple[int, int], ...]
    car_t_generic: re.Pattern[str]
    car_t_products: tuple[CarTProduct, ...]
    car_t_look_ahead: int
    car_t_received: re.Pattern[str]
    car_t_failures: tuple[tuple[CarTFailure, re.Pattern[str]], ...]
    transplant: dict[str, re.Pattern[str]]  # allogeneic, autologous, gvhd, gvhd_chronic … immunosuppression
    infections: dict[str, re.Pattern[str]]  # hbv, hcv, hiv, negative, positive, resolved, controlled
    pregnancy: re.Pattern[str]
    pregnancy_negative: re.Pattern[str]
    cns_active: re.Pattern[str]
    cns_none: re.Pattern[str]

    def antigen_name(self, text: str) -> str:
        """The canonical spelling of an antigen matched in text ("cd19" → "CD19")."""
        return self.antigen_names.get(text.lower(), text.upper())


def _words(terms: list[str]) -> re.Pattern[str]:
    """Alternation of regex terms, bounded so "all" never matches inside "small"."""
    body = "|".join(sorted(terms, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w])", re.IGNORECASE)


def _raw(terms: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{t})" for t in terms), re.IGNORECASE)


def _get(table: dict[str, Any], key: str, kind: type, where: str, strings: bool = True) -> Any:
    value = table.get(key)
    if not isinstance(value, kind):
        raise RecordVocabularyError(f"{where}: '{key}' must be a {kind.__name__}, got {value!r}")
    if strings and isinstance(value, list) and not all(isinstance(v, str) for v in value):
        raise RecordVocabularyError(f"{where}: '{key}' must be a list of strings")
    return value


def _load(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as stream:
            return tomllib.load(stream)
    except tomllib.TOMLDecodeError as error:
        raise RecordVocabularyError(f"{path.name}: {error}") from error


def load_vocabulary(directory: Path = DATA) -> RecordVocabulary:
    """Load and validate `context.toml` and `terms.toml`; raises RecordVocabularyError naming the bad entry."""
    try:
        return _build(_load(directory / "context.toml"), _load(directory / "terms.toml"))
    except re.error as error:
        raise RecordVocabularyError(f"invalid regular expression {error.pattern!r}: {error}") from error


def _build(context: dict[str, Any], terms: dict[str, Any]) -> RecordVocabulary:
    window = _get(context, "window", dict, "context.toml")
    cue_table = _get(context, "cues", dict, "context.toml")
    if set(cue_table) != set(STATUSES):
        raise RecordVocabularyError(f"context.toml [cues]: need exactly {sorted(STATUSES)}, got {sorted(cue_table)}")
    cues = {
        status: CueList(tuple(_get(t, "pre", list, f"cues.{status}")), tuple(_get(t, "post", list, f"cues.{status}")))
        for status, t in cue_table.items()
    }
    age = _get(terms, "age", dict, "terms.toml [age]")
    patterns = tuple(re.compile(p, re.IGNORECASE) for p in _get(age, "patterns", list, "[age]"))
    for pattern in patterns:
        if "n" not in pattern.groupindex:
            raise RecordVocabularyError(f"[age] pattern {pattern.pattern!r} has no group 'n'")
    units = {u: 1 / 12 for u in _get(age, "months", list, "[age]")}
    units |= {u: 7 / 365.25 for u in _get(age, "weeks", list, "[age]")}
    units |= {u: 1 / 365.25 for u in _get(age, "days", list, "[age]")}
    sex = _get(terms, "sex", dict, "terms.toml [sex]")
    sex_words = {w: "female" for w in _get(sex, "female", list, "[sex]")} | {
        w: "male" for w in _get(sex, "male", list, "[sex]")
    }
    pronouns = {w: "female" for w in _get(sex, "female_pronouns", list, "[sex]")} | {
        w: "male" for w in _get(sex, "male_pronouns", list, "[sex]")
    }
    diseases_table = _get(terms, "diseases", dict, "terms.toml [diseases]")
    unknown = set(diseases_table) - set(DISEASE_GROUPS)
    if unknown:
        raise RecordVocabularyError(f"[diseases]: {sorted(unknown)} not in DISEASE_GROUPS {DISEASE_GROUPS}")
    diseases = {group: _words(_get(diseases_table, group, list, "[diseases]")) for group in diseases_table}
    ag = _get(terms, "antigens", dict, "[antigens]")
    names = _get(ag, "names", list, "[antigens]")
    perf = _get(terms, "performance", dict, "[performance]")
    to_ecog = tuple((int(a), int(b)) for a, b in perf.get("to_ecog", []))
    if not to_ecog or to_ecog[-1][0] != 0:
        raise RecordVocabularyError("[performance] to_ecog must be a list of [score, ecog] ending at score 0")
    car = _get(terms, "car_t", dict, "[car_t]")
    products = tuple(
        CarTProduct(
            _get(p, "name", str, "[[car_t.product]]"),
            _words([re.escape(a) for a in _get(p, "aliases", list, "[[car_t.product]]")]),
            tuple(_get(p, "targets", list, "[[car_t.product]]")),
        )
        for p in _get(car, "product", list, "[car_t]", strings=False)
    )
    failure_table = _get(car, "failure", dict, "[car_t.failure]")
    failures: list[tuple[CarTFailure, re.Pattern[str]]] = []
    for mode, cue_terms in failure_table.items():
        try:
            failures.append((CarTFailure(mode), _words(cue_terms)))
        except ValueError as error:
            allowed = [f.value for f in CarTFailure]
            raise RecordVocabularyError(f"[car_t.failure]: unknown mode {mode!r}; allowed: {allowed}") from error
    tx = _get(terms, "transplant", dict, "[transplant]")
    inf = _get(terms, "infections", dict, "[infections]")
    preg = _get(terms, "pregnancy", dict, "[pregnancy]")
    cns = _get(terms, "cns", dict, "[cns]")
    units_table = _get(terms, "units", dict, "[units]")
    return RecordVocabulary(
        pre_tokens=int(_get(window, "pre_tokens", int, "[window]")),
        post_tokens=int(_get(window, "post_tokens", int, "[window]")),
        cues=cues,
        terminators=tuple(_get(_get(context, "terminators", dict, "context.toml"), "words", list, "[terminators]")),
        age_patterns=patterns,
        age_units=units,
        max_age=float(_get(age, "max_years", int, "[age]")),
        sex_words=sex_words,
        sex_pronouns=pronouns,
        sex_after_age_chars=int(_get(sex, "after_age_chars", int, "[sex]")),
        diseases=diseases,
        antigens=_words([re.escape(n) for n in names]),
        antigen_names={n.lower(): n for n in names},
        antigen_positive=_raw(_get(ag, "positive", list, "[antigens]")),
        antigen_negative=_raw(_get(ag, "negative", list, "[antigens]")),
        antigen_negative_before=_raw(_get(ag, "negative_before", list, "[antigens]")),
        antigen_positive_before=_raw(_get(ag, "positive_before", list, "[antigens]")),
        flow=_words(_get(ag, "flow", list, "[antigens]")),
        ihc=_words(_get(ag, "ihc", list, "[antigens]")),
        unit_aliases={str(k): str(v) for k, v in _get(units_table, "aliases", dict, "[units]").items()},
        to_ecog=to_ecog,
        car_t_generic=re.compile(_get(car, "generic", str, "[car_t]"), re.IGNORECASE),
        car_t_products=products,
        car_t_look_ahead=int(_get(car, "look_ahead_sentences", int, "[car_t]")),
        car_t_received=_words([re.escape(w) for w in _get(car, "received", list, "[car_t]")]),
        car_t_failures=tuple(failures),
        transplant={key: _words(_get(tx, key, list, "[transplant]")) for key in tx},
        infections={key: _words(_get(inf, key, list, "[infections]")) for key in inf},
        pregnancy=_words(_get(preg, "terms", list, "[pregnancy]")),
        pregnancy_negative=_words(_get(preg, "negative", list, "[pregnancy]")),
        cns_active=_words(_get(cns, "active", list, "[cns]")),
        cns_none=_words(_get(cns, "none", list, "[cns]")),
    )
