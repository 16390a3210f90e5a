"""Negation, hedging, history and family context; sentence splitting; age/sex forms; robustness; data validation."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from allonav.domain.case import CnsStatus, InfectionStatus, Sex
from allonav.domain.labs import LabVocabulary
from allonav.records import (
    Extraction,
    RecordVocabulary,
    RecordVocabularyError,
    extract,
    load_vocabulary,
    split_sentences,
    to_case,
)
from allonav.records.vocabulary import DATA

Run = Callable[[str, str], Extraction]

# (sentence, fact path, expected status)
CONTEXT = [
    ("No evidence of CNS disease.", "cns", "negated"),
    ("She denies HIV infection.", "infections.hiv", "negated"),
    ("Possible CNS involvement on MRI.", "cns", "hedged"),
    ("Suspected CNS relapse.", "cns", "hedged"),
    ("Cannot rule out CNS involvement.", "cns", "hedged"),
    ("CNS disease cannot be ruled out.", "cns", "hedged"),
    ("CNS involvement was ruled out.", "cns", "negated"),
    ("History of CNS relapse in 2019.", "cns", "historical"),
    ("He previously received axi-cel.", "prior_car_t", "historical"),
    ("Her mother had breast cancer and multiple myeloma.", "diagnoses", "family"),
    ("Family history of acute myeloid leukemia in his father.", "diagnoses", "family"),
    ("His sister was diagnosed with DLBCL.", "diagnoses", "family"),
    ("She has DLBCL.", "diagnoses", "affirmed"),
    ("No CNS disease but possible HIV.", "infections.hiv", "hedged"),
    ("No CNS disease but HIV positive.", "infections.hiv", "affirmed"),
    ("She is not pregnant.", "pregnant", "affirmed"),  # an explicit negative, value False
    ("Currently 12 weeks pregnant.", "pregnant", "affirmed"),
    ("No prior CD19 CAR-T therapy.", "prior_car_t", "negated"),
]


@pytest.mark.parametrize(("text", "path", "status"), CONTEXT)
def test_context_status(run: Run, text: str, path: str, status: str) -> None:
    facts = run("ctx", text).of(path)
    assert facts, f"nothing found for {path} in {text!r}"
    assert facts[0].status == status


# (note, what to_case gives)
NEGATIVES = [
    ("No evidence of CNS disease.", lambda c: c.cns is CnsStatus.NONE),
    ("Denies hepatitis B.", lambda c: c.infections.hbv is InfectionStatus.NEGATIVE),
    ("HCV negative.", lambda c: c.infections.hcv is InfectionStatus.NEGATIVE),
    ("HIV on ART with undetectable viral load.", lambda c: c.infections.hiv is InfectionStatus.CONTROLLED),
    ("Negative pregnancy test.", lambda c: c.pregnant is False),
    ("Possible CNS disease.", lambda c: c.cns is None),  # hedged: unknown, never normal
    ("Her mother had multiple myeloma.", lambda c: c.diagnoses == ()),
    ("No CD19 expression on blasts.", lambda c: c.antigen("CD19") is not None and c.antigen("CD19").positive is False),
    ("Allo-HSCT in 2022, now with chronic GVHD on ruxolitinib.",
     lambda c: c.transplants[0].allogeneic and c.transplants[0].gvhd.value == "active_chronic"),
    ("Allogeneic stem cell transplant in 2022 without GVHD.", lambda c: c.transplants[0].gvhd.value == "none"),
]


@pytest.mark.parametrize(("text", "check"), NEGATIVES)
def test_to_case_reads_context(run: Run, text: str, check: Callable[..., bool]) -> None:
    assert check(to_case(run("neg", text), "c"))


AGES = [
    ("A 58-year-old woman with DLBCL.", 58.0, Sex.FEMALE),
    ("58 yo M with MCL.", 58.0, Sex.MALE),
    ("The child, aged 7 years, has B-ALL. She is well.", 7.0, Sex.FEMALE),
    ("An 18-month-old boy with infant ALL.", 1.5, Sex.MALE),
    ("Mrs Jones is 71 years old.", 71.0, Sex.FEMALE),
    ("74M with CLL.", 74.0, Sex.MALE),
    ("Pt is a 22yo F.", 22.0, Sex.FEMALE),
    ("A 15-week-old infant. He was born to a 39-year-old woman.", 0.29, Sex.MALE),
]


@pytest.mark.parametrize(("text", "age", "sex"), AGES)
def test_age_and_sex(run: Run, text: str, age: float, sex: Sex) -> None:
    case = to_case(run("age", text), "c")
    assert case.age_years == pytest.approx(age, abs=0.01)
    assert case.sex is sex


def test_numbered_and_plain_sentences() -> None:
    numbered = split_sentences("0. A 58-year-old woman.\n1. CD19+ 92% by flow. ECOG 1.\n")
    assert [(s.index, s.text) for s in numbered] == [(0, "A 58-year-old woman."), (1, "CD19+ 92% by flow. ECOG 1.")]
    plain = split_sentences("Mr. Smith has MCL. He received brexu-cel.\n\nECOG 1")
    expected = [(0, "Mr. Smith has MCL."), (1, "He received brexu-cel."), (2, "ECOG 1")]
    assert [(s.index, s.text) for s in plain] == expected
    text = "Intro text here.\n1. Migraines\n2. HTN"  # a numbered list in prose is not a numbered note
    assert [s.index for s in split_sentences(text)] == [0, 1, 2]
    for sentence in plain:
        assert "Mr. Smith has MCL. He received brexu-cel.\n\nECOG 1"[sentence.start : sentence.end] == sentence.text


def test_antigen_forms(run: Run) -> None:
    facts = run("ag", "CD19+ 92% by flow. CD7 positive on 98% of blasts. Loss of CD22.").of("antigens")
    shown = [(f.value.antigen, f.value.positive, f.value.percent) for f in facts]  # type: ignore[attr-defined]
    assert shown == [("CD19", True, 92.0), ("CD7", True, 98.0), ("CD22", False, None)]


def test_future_dates_are_ignored(run: Run) -> None:
    facts = run("d", "ANC 1.0 x10^9/L on 2030-01-01.").of("labs")
    assert facts and facts[0].value.measured_on is None  # type: ignore[attr-defined]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400)
       | st.lists(st.sampled_from(["0.", "1.", "CD19", "-", "+", "%", "no", "ANC", "1.2", "x10^9/L", "year-old",
                                   "woman", "CAR-T", "HBV", "ECOG", "9", ".", "\n", " ", "KPS", "999", "mother"]),
                  max_size=60).map(" ".join))
def test_extract_never_raises(vocabulary: RecordVocabulary, lab_vocabulary: LabVocabulary, text: str) -> None:
    extraction = extract("h", text, vocabulary=vocabulary, labs=lab_vocabulary, as_of=date(2025, 1, 1))
    to_case(extraction, "h")
    for fact in extraction.facts:
        assert fact.provenance.span is not None and fact.provenance.text is not None
        assert text[fact.provenance.span[0] : fact.provenance.span[1]] in fact.provenance.text


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        ("terms.toml", 'MM = ["multiple myeloma"', 'Myeloma = ["multiple myeloma"', "DISEASE_GROUPS"),
        ("terms.toml", "relapse = [", "relapsing = [", "unknown mode"),
        ("terms.toml", "(?P<n>\\d{1,3})\\s*(?:yo", "(?P<n>\\d{1,3}\\s*(?:yo", "invalid regular expression"),
        ("context.toml", "[cues.family]", "[cues.relatives]", "need exactly"),
    ],
)
def test_vocabulary_is_validated(tmp_path: Path, file: str, old: str, new: str, message: str) -> None:
    for name in ("terms.toml", "context.toml"):
        shutil.copy(DATA / name, tmp_path / name)
    path = tmp_path / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(RecordVocabularyError, match=message):
        load_vocabulary(tmp_path)
