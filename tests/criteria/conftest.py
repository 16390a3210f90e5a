"""Fixtures for the criteria parser tests: one vocabulary per session."""

from __future__ import annotations

import pytest

from allonav.criteria import CriteriaVocabulary, load_criteria_vocabulary


@pytest.fixture(scope="session")
def vocabulary() -> CriteriaVocabulary:
    return load_criteria_vocabulary()
