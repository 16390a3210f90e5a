"""The parser never raises: arbitrary text → a CriteriaSet whose spans lie inside the text and whose ids are unique."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from allonav.criteria import CriteriaVocabulary, load_criteria_vocabulary, parse_criteria
from allonav.domain.criterion import CriteriaSet, Criterion

VOCABULARY = load_criteria_vocabulary()
PIECES = st.sampled_from([
    "Inclusion Criteria:", "Exclusion Criteria", "\n", "\n\n", "  * ", "1. ", "(2) ", "① ", "a. ", "- ", "• ",
    "ECOG 0-2", "≥", "≤", "\\>", "&gt;", "×ULN", "10^9/L", "CD19-negative", "no active CNS", "within 4 weeks",
    "Age 18-70 years", "ALT/AST", "; ", ". ", ":", "(", ")", "or", "and", "HBsAg", "GVHD", "pregnant", "1.5", "@NUMBER",
])


def _walk(criteria: tuple[Criterion, ...]) -> list[Criterion]:
    out: list[Criterion] = []
    for criterion in criteria:
        out.append(criterion)
        out.extend(_walk(criterion.children))
    return out


def _check(text: str, parsed: CriteriaSet) -> None:
    every = _walk(parsed.criteria)
    assert len({c.criterion_id for c in every}) == len(every)
    for criterion in every:
        start, end = criterion.span
        assert 0 <= start <= end <= len(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_arbitrary_text_never_raises(text: str) -> None:
    _check(text, parse_criteria("NCT00000000", text, VOCABULARY))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(PIECES, st.text(max_size=8)), max_size=40).map("".join))
def test_criteria_like_text_never_raises(text: str) -> None:
    _check(text, parse_criteria("NCT00000000", text, VOCABULARY))


def test_vocabulary_fixture_is_reusable(vocabulary: CriteriaVocabulary) -> None:
    assert parse_criteria("NCT1", "ECOG 0-1", vocabulary) == parse_criteria("NCT1", "ECOG 0-1", VOCABULARY)
