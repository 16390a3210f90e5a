"""Eligibility-criteria parser: free text → typed `allonav.domain.criterion.CriteriaSet` (pure, rules as data)."""

from allonav.criteria.parse import leaves, load_criteria_vocabulary, parse_criteria
from allonav.criteria.rules import CriteriaRulesError, CriteriaVocabulary

__all__ = ["CriteriaRulesError", "CriteriaVocabulary", "leaves", "load_criteria_vocabulary", "parse_criteria"]
