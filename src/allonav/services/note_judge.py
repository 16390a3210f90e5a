"""Judge one trial criterion straight from a patient note: note → proposed case → parsed criterion → verdict.

Composes the engines (records extraction, criteria parser, eligibility judge) and maps the verdict to the
labels physicians use in the TrialGPT annotation: inclusion — included / not included / not enough
information / not applicable; exclusion — excluded / not excluded / not enough information / not
applicable. Following that convention, an exclusion whose condition the note never mentions is
"not excluded" (the judge itself keeps it unknown).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from allonav.criteria import CriteriaVocabulary, leaves, parse_criteria
from allonav.domain.criterion import CriterionKind
from allonav.domain.labs import LabVocabulary
from allonav.domain.verdict import CriterionVerdict, VerdictLabel
from allonav.eligibility import JudgeRules, judge
from allonav.records import RecordVocabulary, extract, to_case

INCLUSION_LABELS = {
    VerdictLabel.MET: "included",
    VerdictLabel.NOT_MET: "not included",
    VerdictLabel.UNKNOWN: "not enough information",
    VerdictLabel.NOT_APPLICABLE: "not applicable",
}
EXCLUSION_LABELS = {
    VerdictLabel.MET: "excluded",
    VerdictLabel.NOT_MET: "not excluded",
    VerdictLabel.UNKNOWN: "not excluded",  # labelling convention: a condition the note never mentions
    VerdictLabel.NOT_APPLICABLE: "not applicable",
}


@dataclass(frozen=True, slots=True)
class NoteJudgement:
    label: str
    evidence_sentences: tuple[int, ...]
    explanation: str


@dataclass(frozen=True, slots=True)
class NoteJudge:
    criteria: CriteriaVocabulary
    records: RecordVocabulary
    labs: LabVocabulary
    rules: JudgeRules

    def judge(self, note: str, criterion_type: str, criterion_text: str, *, as_of: date) -> NoteJudgement:
        """One pair. Raises ValueError for a criterion_type other than inclusion/exclusion."""
        if criterion_type not in ("inclusion", "exclusion"):
            raise ValueError(f"criterion_type must be 'inclusion' or 'exclusion', got {criterion_type!r}")
        kind = CriterionKind(criterion_type)
        extraction = extract("note", note, vocabulary=self.records, labs=self.labs, as_of=as_of)
        case = to_case(extraction, "note")
        heading = "Inclusion Criteria:" if kind is CriterionKind.INCLUSION else "Exclusion Criteria:"
        parsed = parse_criteria("NCT00000000", f"{heading}\n* {criterion_text}", self.criteria)
        items = [c for c in parsed.criteria if c.kind is kind] or list(parsed.criteria)
        verdicts = [judge(case, criterion, as_of=as_of, rules=self.rules) for criterion in items]
        label = _combine(verdicts)
        labels = INCLUSION_LABELS if kind is CriterionKind.INCLUSION else EXCLUSION_LABELS
        sentences = sorted({
            fact.provenance.sentence for fact in extraction.facts
            if fact.provenance.sentence is not None and any(
                e.path.split("[")[0].split(".")[0] == fact.path.split(".")[0] for v in verdicts for e in v.evidence)
        })
        explanation = "; ".join(v.explanation for v in verdicts if v.explanation) or \
            f"{len(leaves(items))} criterion part(s) judged: {label.value}"
        return NoteJudgement(labels[label], tuple(sentences), explanation)


def _combine(verdicts: list[CriterionVerdict]) -> VerdictLabel:
    """One label for a criterion text that parsed into several items: any decisive item decides."""
    labels = [v.label for v in verdicts]
    if VerdictLabel.MET in labels and VerdictLabel.NOT_MET not in labels:
        return VerdictLabel.MET if all(x in (VerdictLabel.MET, VerdictLabel.NOT_APPLICABLE) for x in labels) \
            else VerdictLabel.UNKNOWN
    if VerdictLabel.NOT_MET in labels:
        return VerdictLabel.NOT_MET
    if labels and all(x is VerdictLabel.NOT_APPLICABLE for x in labels):
        return VerdictLabel.NOT_APPLICABLE
    return VerdictLabel.UNKNOWN
