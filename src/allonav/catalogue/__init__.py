"""Trial catalogue classification: which cell therapy a registered trial tests, with evidence."""

from allonav.catalogue.classify import classify
from allonav.catalogue.vocabulary import Vocabulary, VocabularyError, load_vocabulary

__all__ = ["Vocabulary", "VocabularyError", "classify", "load_vocabulary"]
