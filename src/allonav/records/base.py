"""Shared plumbing for the extractors: one document's sentences, and how a match becomes a Fact.

Example: a match of "ECOG 1" at characters 10–16 of sentence 3 becomes a Fact whose provenance is
`Provenance("document:n1", 3, (doc_start + 10, doc_start + 16), <sentence text>, 0.9)`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from allonav.domain.case import Provenance
from allonav.domain.labs import LabVocabulary
from allonav.records.context import classify
from allonav.records.model import Fact, Sentence, Status
from allonav.records.vocabulary import RecordVocabulary

HEDGED_FACTOR = 0.6
_MONTHS = {m: i + 1 for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))}
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_NAMED = re.compile(
    r"\b([A-Z][a-z]{2})[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})\b|\b(\d{1,2})\s+([A-Z][a-z]{2})[a-z]*\.?\s+(\d{4})\b"
)


@dataclass
class Document:
    doc_id: str
    sentences: list[Sentence]
    vocabulary: RecordVocabulary
    labs: LabVocabulary
    as_of: date
    facts: list[Fact] = field(default_factory=list)

    def add(
        self,
        path: str,
        value: object,
        display: str,
        sentence: Sentence,
        span: tuple[int, int],
        confidence: float,
        status: Status | None = None,
    ) -> Fact:
        """Record a fact found at sentence.text[span[0]:span[1]]; its status comes from the context cues."""
        start, end = span
        if status is None:
            status = classify(sentence.text, start, end, self.vocabulary)
        if status == "hedged":
            confidence *= HEDGED_FACTOR
        confidence = round(confidence, 3)
        provenance = Provenance(
            source=f"document:{self.doc_id}",
            sentence=sentence.index,
            span=(sentence.start + start, sentence.start + end),
            text=sentence.text,
            confidence=confidence,
        )
        fact = Fact(path, value, display, provenance, confidence, status)
        self.facts.append(fact)
        return fact

    def date_in(self, text: str) -> date | None:
        """The first full date written in `text` (2024-03-01, March 1, 2024, 1 Mar 2024), if not after as_of."""
        found: list[tuple[int, date]] = []
        for match in _ISO.finditer(text):
            day = _date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            if day:
                found.append((match.start(), day))
        for match in _NAMED.finditer(text):
            if match.group(1):
                month, dd, yyyy = match.group(1), match.group(2), match.group(3)
            else:
                dd, month, yyyy = match.group(4), match.group(5), match.group(6)
            number = _MONTHS.get(month.lower())
            day = _date(int(yyyy), number, int(dd)) if number else None
            if day:
                found.append((match.start(), day))
        dates = [day for _, day in sorted(found, key=lambda f: f[0]) if day <= self.as_of]
        return dates[0] if dates else None


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def number(text: str) -> float | None:
    """A number as written in a note ("45,000" → 45000.0, "8.2" → 8.2), or None."""
    cleaned = text.replace(",", "") if re.fullmatch(r"\d{1,3}(,\d{3})+", text) else text.replace(",", ".")
    try:
        return float(cleaned)
    except ValueError:
        return None
