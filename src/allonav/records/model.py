"""Extraction results: proposed facts with provenance and a status, before they become a PatientCase.

Example: from "0. CD19+ 92% by flow." `extract` proposes
`Fact(path="antigens", value=AntigenResult("CD19", True, 92.0, AntigenMethod.FLOW), status="affirmed", …)`
whose provenance says sentence 0, the character span of "CD19+ 92%" and the sentence text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from allonav.domain.case import Provenance

Status = Literal["affirmed", "negated", "hedged", "historical", "family"]


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence: its index (the note's own number when numbered), and its span in the document."""

    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Fact:
    """A proposed fact: `path` names the PatientCase field ("age_years", "antigens", "infections.hbv" …)."""

    path: str
    value: object
    display: str
    provenance: Provenance
    confidence: float
    status: Status


@dataclass(frozen=True, slots=True)
class Extraction:
    doc_id: str
    as_of: date
    sentences: tuple[Sentence, ...]
    facts: tuple[Fact, ...]

    def of(self, path: str, *statuses: Status) -> tuple[Fact, ...]:
        """The facts for a path, optionally only those with the given statuses."""
        return tuple(f for f in self.facts if f.path == path and (not statuses or f.status in statuses))
