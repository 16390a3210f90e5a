"""Medical-record review: propose facts from clinical notes, with provenance, and build a PatientCase.

Example: `to_case(extract("n1", "A 58-year-old woman with B-ALL.", vocabulary=load_vocabulary(),
labs=load_labs(), as_of=date(2025, 1, 1)), "case-1")` gives age 58, sex female, diagnosis B-ALL.
"""

from allonav.records.build import to_case
from allonav.records.extract import extract
from allonav.records.model import Extraction, Fact, Sentence, Status
from allonav.records.sentences import split_sentences
from allonav.records.vocabulary import RecordVocabulary, RecordVocabularyError, load_vocabulary

__all__ = [
    "Extraction",
    "Fact",
    "RecordVocabulary",
    "RecordVocabularyError",
    "Sentence",
    "Status",
    "extract",
    "load_vocabulary",
    "split_sentences",
    "to_case",
]
