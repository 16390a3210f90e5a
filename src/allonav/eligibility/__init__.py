"""Eligibility judge: criteria × patient case → verdicts with evidence, and what to collect when unknown.

A pure engine: every input is an argument (`as_of`, rules, vocabularies); the only I/O is `load_rules`,
which reads the packaged data files. It informs and never promises eligibility: an unknown stays
unknown and never rolls up to eligible.
"""

from allonav.eligibility.judge import judge
from allonav.eligibility.readiness import readiness
from allonav.eligibility.rules import JudgeRules, RulesError, TherapyClass, load_rules
from allonav.eligibility.screen import INCOMPLETE_NOTE, NOT_AVAILABLE_NOTE, fit_of, screen_trial

__all__ = [
    "INCOMPLETE_NOTE",
    "NOT_AVAILABLE_NOTE",
    "JudgeRules",
    "RulesError",
    "TherapyClass",
    "fit_of",
    "judge",
    "load_rules",
    "readiness",
    "screen_trial",
]
