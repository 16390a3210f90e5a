"""`extract`: propose facts from one clinical note; pure (no I/O, no clock: `as_of` is given).

Example:
    >>> from datetime import date
    >>> from allonav.domain.labs import load_labs
    >>> from allonav.records import extract, load_vocabulary
    >>> note = "0. A 58-year-old woman with relapsed B-ALL.\\n1. No evidence of CNS disease."
    >>> result = extract("n1", note, vocabulary=load_vocabulary(), labs=load_labs(), as_of=date(2025, 1, 1))
    >>> [(f.path, f.display, f.status) for f in result.of("cns")]
    [('cns', 'CNS disease', 'negated')]
"""

from __future__ import annotations

from datetime import date

from allonav.domain.labs import LabVocabulary
from allonav.records.base import Document
from allonav.records.findings import find_age_and_sex, find_antigens, find_diagnoses, find_labs, find_performance
from allonav.records.history import (
    find_car_t,
    find_cns,
    find_infections,
    find_pregnancy,
    find_transplants,
)
from allonav.records.model import Extraction
from allonav.records.sentences import split_sentences
from allonav.records.vocabulary import RecordVocabulary

EXTRACTORS = (
    find_age_and_sex,
    find_diagnoses,
    find_antigens,
    find_labs,
    find_performance,
    find_car_t,
    find_transplants,
    find_infections,
    find_pregnancy,
    find_cns,
)


def extract(doc_id: str, text: str, *, vocabulary: RecordVocabulary, labs: LabVocabulary, as_of: date) -> Extraction:
    """Split `text` into sentences and run every extractor; facts come in sentence order."""
    sentences = split_sentences(text)
    doc = Document(doc_id, sentences, vocabulary, labs, as_of)
    for extractor in EXTRACTORS:
        extractor(doc)
    ordered = sorted(doc.facts, key=lambda f: (f.provenance.span or (0, 0))[0])
    return Extraction(doc_id, as_of, tuple(sentences), tuple(ordered))
