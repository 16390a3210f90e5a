"""Fixtures for record extraction: the packaged vocabularies and a fixed as_of date."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from allonav.domain.labs import LabVocabulary, load_labs
from allonav.records import Extraction, RecordVocabulary, extract, load_vocabulary

NOTES = Path(__file__).resolve().parents[1] / "fixtures" / "notes"
AS_OF = date(2025, 3, 1)


@pytest.fixture(scope="session")
def vocabulary() -> RecordVocabulary:
    return load_vocabulary()


@pytest.fixture(scope="session")
def lab_vocabulary() -> LabVocabulary:
    return load_labs()


@pytest.fixture(scope="session")
def run(vocabulary: RecordVocabulary, lab_vocabulary: LabVocabulary) -> Callable[[str, str], Extraction]:
    def _run(doc_id: str, text: str) -> Extraction:
        return extract(doc_id, text, vocabulary=vocabulary, labs=lab_vocabulary, as_of=AS_OF)

    return _run
