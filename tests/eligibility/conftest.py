"""Rules loaded once from the packaged data for all eligibility tests."""

from __future__ import annotations

import pytest

from allonav.eligibility import JudgeRules, load_rules


@pytest.fixture(scope="session")
def rules() -> JudgeRules:
    return load_rules()
