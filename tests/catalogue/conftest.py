"""Catalogue fixtures: the packaged vocabulary (real data comes from the root `shared` fixture)."""

from __future__ import annotations

import pytest

from allonav.catalogue import Vocabulary, load_vocabulary


@pytest.fixture(scope="session")
def vocabulary() -> Vocabulary:
    return load_vocabulary()
