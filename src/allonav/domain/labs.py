"""Lab vocabulary: canonical names, synonyms and units with conversion factors (data in labs.toml)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DATA = Path(__file__).with_name("data") / "labs.toml"


class LabVocabularyError(ValueError):
    """labs.toml is malformed; the message names the entry and what is allowed."""


@dataclass(frozen=True, slots=True)
class LabDefinition:
    name: str  # canonical: "ANC", "bilirubin", "creatinine", "CrCl", "LVEF", "SpO2" …
    unit: str  # canonical unit
    synonyms: tuple[str, ...]
    factors: dict[str, float]  # other unit (lower-case) → multiply by factor to get the canonical unit
    low: float  # plausible range in the canonical unit: values outside are rejected as impossible
    high: float

    def to_canonical(self, value: float, unit: str | None) -> float | None:
        """Convert `value` in `unit` to the canonical unit; None when the unit is not known for this lab."""
        key = _unit_key(unit or self.unit)
        if key == _unit_key(self.unit):
            return value
        factor = self.factors.get(key)
        return None if factor is None else value * factor


def _unit_key(unit: str) -> str:
    text = unit.strip().lower().replace("μ", "µ").replace("^", "").replace("×", "x").replace(" ", "")
    return re.sub(r"10\*", "10", text)


@dataclass(frozen=True, slots=True)
class LabVocabulary:
    labs: dict[str, LabDefinition]
    _by_word: dict[str, LabDefinition] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, LabDefinition] = {}
        for lab in self.labs.values():
            for word in (lab.name.lower(), *lab.synonyms):
                index.setdefault(word, lab)
        object.__setattr__(self, "_by_word", index)

    def find(self, text: str) -> LabDefinition | None:
        """The lab a name or synonym refers to ("absolute neutrophil count" → ANC), case-insensitive."""
        return self._by_word.get(text.strip().lower())


def _require(entry: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    value = entry.get(key)
    if not isinstance(value, kind):
        raise LabVocabularyError(f"{where}: '{key}' has the wrong type ({value!r})")
    return value


def load_labs(path: Path = DATA) -> LabVocabulary:
    """Load and validate the lab vocabulary."""
    with path.open("rb") as stream:
        doc = tomllib.load(stream)
    allowed = {"name", "unit", "synonyms", "factors", "low", "high"}
    labs: dict[str, LabDefinition] = {}
    for index, entry in enumerate(doc.get("lab", [])):
        where = f"{path.name} lab[{index}]"
        unknown = set(entry) - allowed
        if unknown:
            raise LabVocabularyError(f"{where}: unknown key(s) {sorted(unknown)}; allowed: {sorted(allowed)}")
        name = _require(entry, "name", str, where)
        factors = entry.get("factors", {})
        if not all(isinstance(v, int | float) for v in factors.values()):
            raise LabVocabularyError(f"{where}: factors must map units to numbers")
        low = float(_require(entry, "low", (int, float), where))
        high = float(_require(entry, "high", (int, float), where))
        if low >= high:
            raise LabVocabularyError(f"{where}: low must be below high")
        labs[name] = LabDefinition(
            name=name,
            unit=_require(entry, "unit", str, where),
            synonyms=tuple(s.lower() for s in entry.get("synonyms", [])),
            factors={_unit_key(k): float(v) for k, v in factors.items()},
            low=low,
            high=high,
        )
    return LabVocabulary(labs)
