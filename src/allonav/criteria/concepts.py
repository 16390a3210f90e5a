"""Keyword criteria: infections, GVHD, pregnancy, CNS, other malignancy, prior therapy, antigen, diagnosis, status."""

from __future__ import annotations

import re
from itertools import pairwise

from allonav.criteria.finding import Claims, Finding, add_value
from allonav.criteria.numbers import find_quantities, window_days
from allonav.criteria.rules import CriteriaVocabulary
from allonav.domain.criterion import Category, Comparator, CriterionKind, Threshold

_CNS_ACTIVE = re.compile(r"\b(?:active|current|symptomatic|untreated|uncontrolled|progressive|ongoing|"
                         r"clinically\s+(?:significant|active)|known|relapse|involvement|invasion|infiltration)", re.I)
_CNS_TREATED = re.compile(r"(?<!un)(?:treated|stable|(?<!un)controlled|remission|cleared|resolved|asymptomatic)", re.I)
_CNS_EXTEND = re.compile(r"[\s-]*(?:(?:leuka?emia|lymphoma|involvement|disease|metasta\w*|infiltration|lesions?|"
                         r"relapse|invasion|tumou?rs?|status|\d)\b\s*)+", re.I)
_GVHD_VALUES = (
    ("active", re.compile(r"\b(?:active|current|ongoing|uncontrolled|present|existing|suffering)\b", re.I)),
    ("acute", re.compile(r"\bacute\b|\bagvhd\b", re.I)),
    ("chronic", re.compile(r"\bchronic\b|\bcgvhd\b|\bextensive\b", re.I)),
    ("grade≥2", re.compile(r"grade\s*(?:≥|>=|>)\s*(?:1|2|i{1,2})\b|(?:≥|>=)\s*grade\s*(?:2|ii)\b|grade\s*(?:ii|2)\s*"
                           r"(?:-|to|~)\s*(?:iv|4)|\b(?:ii|2)\s*-\s*(?:iv|4)\b|grade\s*(?:ii|2|iii|3)\s+or\s+(?:above|"
                           r"higher|more)|above\s+(?:grade\s+)?(?:2|ii|1|i)\b|(?:2|ii)\s+degrees|moderate|severe|"
                           r"grade\s+(?:iii|3|iv|4)", re.I)),
    ("immunosuppression", re.compile(r"immunosuppress|immune\s*suppress|systemic\s+(?:treatment|therapy|steroid)|"
                                     r"requir\w+\s+(?:\w+\s+)?(?:treatment|therapy)|steroid", re.I)),
)
_PRIOR_CUE = re.compile(r"\b(?:prior|previous|previously|received|receiving|receive|treated|treatment|therapy|history|"
                        r"underw|undergo|within|before|after|following|post|exposure|exposed|failed|failure|had|use|"
                        r"used|using|taking|administ|requir|relaps|refractor|progress|since|last|past|ongoing|"
                        r"concurrent|concomitant|current|allowed|permitted|washout|discontinu|eligible|candidate|"
                        r"plan|scheduled|naive|naïve|dependen|long-term|chronic|systemic|participat|enrol)",
                        re.I)
_ANCHOR = re.compile(
    r"\b(?:before|prior\s+to|preceding|ahead\s+of)\s+(?:the\s+)?(?:(?:start|time|day|date)\s+of\s+)?"
    r"(?:(?:first|planned|scheduled|study|initial)\s+)?(?:(?:infusion|administration|dosing)\s+of\s+(?:the\s+)?"
    r"(?:study\s+)?[\w.®+-]+(?:\s+(?:t[- ])?cells?)?|(?:[\w.®+/-]+\s+){0,3}?(?:cells?\s+)?(?:infusion|"
    r"administration|dosing|apheresis|leukapheresis|lymphodepl\w*)\b)", re.I)
_NEW_CLAUSE = re.compile(r";|,?\s+or\s+(?=(?:have|has|had|were|was|is|are|received|previously|a\s+previous|"
                         r"history)\b)", re.I)
_NO_PRIOR = re.compile(r"allerg|hypersensitiv|contraindicat|intoleran|anaphyla", re.I)
_ANTI = re.compile(r"(?:\banti-?\s*|\b)$", re.I)
_DIRECTED = re.compile(r"[\s-]*(?:directed|targeted|targeting|specific|car\b|car-?t|car-?nk|bispecific|antibod|"
                       r"monoclonal|adc|cellular|cell\s+therap|therap|redirected|\+?\s*car)", re.I)
_AIMED_AT = re.compile(r"\b(?:directed|targeted|targeting|aimed)\s+(?:at|against|to)?\s*[^;.]{0,80}?\(?\s*$", re.I)
_EXPRESSION = re.compile(r"^[\s(]*(?:\+|pos\b|positiv|express|expression|\(\+\)|-\s*positiv|bright|dim|"
                         r"negativ|-\s*neg|\(-\)|-(?=\s|$|[,;)])|loss|(?:is|are|was|were|be|being)\s+(?:positive|negative|expressed))",
                         re.I)
_EXPR_BEFORE = re.compile(r"(?:express\w*|positiv\w*|negativ\w*|loss\s+of|lack\w*\s+of|stain\w*\s+for)\s+"
                          r"(?:\w+\s+){0,2}$", re.I)
_ANTI_CUE = re.compile(r"anti|direct|target|specific|car|bispecific|antibod|monoclonal|adc|cellular|therap", re.I)
_EXPRESSION_CUE = re.compile(r"\+|pos|express|negativ|-\s*neg|\(-\)|\w-(?:\s|$|[,;)])|loss|lack|absen|dim|bright|stain",
                             re.I)
_NEG_ANTIGEN = re.compile(r"negativ|-\s*neg|\(-\)|^\s*-(?=\s|$|[,;)])|loss|lack|absen", re.I)
_LISTED = re.compile(r"^\s*(?:,|/|\band/or\b|\bor\b|\band\b|&)\s*$", re.I)
_FLOW = re.compile(r"flow|cytometr|\bfcm\b|\bfacs\b", re.I)
_IHC = re.compile(r"immunohisto|\bihc\b|immunostain", re.I)
_DIAG_TRIGGER = re.compile(r"\bdiagnos|who\s+(?:20\d\d\s+)?classification|confirmed\s+(?:diagnosis|as)", re.I)
_ORGAN_OK = re.compile(r"(?:adequate|normal|sufficient|good|satisfactory|acceptable|preserved)\s+(?:\w+\s+){0,6}?"
                       r"(?:function|reserve)|functioning\s+well", re.I)
_ORGAN_FUNCTION = re.compile(r"(?:major\s+|vital\s+|main\s+)?organs?\s+function", re.I)
_SEX_BOTH = re.compile(r"male\s+(?:and|or|&|/)\s+female|female\s+(?:and|or|&|/)\s+male|men\s+(?:and|or)\s+women|"
                       r"women\s+(?:and|or)\s+men|both\s+(?:sexes|genders)|any\s+(?:sex|gender)|(?:gender|sex)\s+"
                       r"(?:is\s+)?(?:not\s+limited|unlimited|no\s+limit|not\s+restricted)|regardless\s+of\s+(?:sex|gender)"
                       r"|(?:gender|sex)\s*(?:is\s+)?(?:not|no)\s+(?:limit|restrict)", re.I)


def detect_by_concepts(text: str, category: Category, vocab: CriteriaVocabulary, claims: Claims) -> list[Finding]:
    """Findings of one keyword category: "HBsAg positive or HCV antibody positive" → infection (HBV), (HCV)."""
    findings: list[Finding] = []
    if not vocab.may_match(category.value, text):
        return findings
    for concept in vocab.concepts_of(category):
        for match in concept.pattern.finditer(text):
            # a pattern may name the part it stands for: "hepatitis B or (?P<hit>C)" claims only the "C"
            start, end = match.span("hit") if "hit" in match.groupdict() and match.group("hit") else match.span()
            if end <= start or not claims.free(start, end):
                continue
            claims.claim(start, end)
            findings.append(Finding(category, start, end, values=add_value((), concept.value), triggers=[(start, end)]))
    return findings


def detect_cns(text: str, vocab: CriteriaVocabulary, claims: Claims) -> list[Finding]:
    """CNS involvement: "active CNS leukemia" → (active,); "treated, stable brain metastases" → (treated_stable,)."""
    findings = detect_by_concepts(text, Category.CNS, vocab, claims)
    for finding in findings:
        extend = _CNS_EXTEND.match(text, finding.end)
        if extend:
            claims.claim(finding.end, extend.end())
            finding.end = extend.end()
        context = text[max(0, finding.start - 50) : finding.end + 40]
        value = "active" if _CNS_ACTIVE.search(context) else "treated_stable" if _CNS_TREATED.search(context) else "any"
        if value == "active" and _CNS_TREATED.search(context) and not re.search(r"(?i)active|symptom|untreat", context):
            value = "treated_stable"
        finding.values = (value,)
    return findings


def detect_gvhd(text: str, vocab: CriteriaVocabulary, claims: Claims) -> list[Finding]:
    """GVHD: "Grade ≥ 2 acute GVHD" → (acute, grade≥2); "chronic GVHD requiring immunosuppression" → (chronic, …)."""
    findings = detect_by_concepts(text, Category.GVHD, vocab, claims)
    if not findings:
        return []
    first = findings[0]
    first.end = max(f.end for f in findings)
    first.triggers = [t for f in findings for t in f.triggers]
    context = text[max(0, first.start - 60) : min(len(text), first.end + 80)]
    first.values = tuple(name for name, pattern in _GVHD_VALUES if pattern.search(context))
    for match in re.finditer(r"(?i)immunosuppress\w*|immune\s*suppress\w*", text[first.start : first.end + 80]):
        claims.claim(first.start + match.start(), first.start + match.end())
    return [first]


def detect_prior_therapy(text: str, vocab: CriteriaVocabulary, claims: Claims) -> list[Finding]:
    """Prior or excluded therapies with windows: "Prior CAR-T therapy within 3 months" → (CAR-T,), 91 days."""
    if _NO_PRIOR.search(text) or not _PRIOR_CUE.search(text):
        return []
    for anchor in _ANCHOR.finditer(text):  # "within 2 weeks prior to CAR-T infusion": the study's own step
        if claims.free(anchor.start(), anchor.end()):
            claims.claim(anchor.start(), anchor.end())
    findings = _anti_antigen(text, vocab, claims)
    findings += detect_by_concepts(text, Category.PRIOR_THERAPY, vocab, claims)
    clauses = [(0, len(text))]
    cuts = [m for m in _NEW_CLAUSE.finditer(text)]
    if cuts:
        bounds = [0, *(m.start() for m in cuts), len(text)]
        clauses = list(pairwise(bounds))
    own = {span: window_days(text[span[0] : span[1]]) for span in clauses}
    for finding in findings:
        span = next(c for c in clauses if c[0] <= finding.start < c[1] or c == clauses[-1])
        # each clause keeps its own window: "ASCT within 12 weeks or have received allo-HSCT (no time limit)"
        finding.window_days = own[span] if len(clauses) > 1 else window_days(text)
    return findings


def _anti_antigen(text: str, vocab: CriteriaVocabulary, claims: Claims) -> list[Finding]:
    findings: list[Finding] = []
    if not _ANTI_CUE.search(text):
        return findings
    for name, pattern in vocab.antigens:
        for match in pattern.finditer(text):
            if not claims.free(match.start(), match.end()) or match.end() <= match.start():
                continue
            before = text[max(0, match.start() - 6) : match.start()]
            anti = re.search(r"(?i)anti-?\s*$", before)
            directed = _DIRECTED.match(text, match.end())
            # "therapy directed at G protein-coupled receptor … (GPRC5D)"
            if not anti and not directed and _AIMED_AT.search(text[max(0, match.start() - 100) : match.start()]):
                end = match.end() + (1 if text[match.end() : match.end() + 1] == ")" else 0)
                claims.claim(match.start(), end)
                findings.append(Finding(Category.PRIOR_THERAPY, match.start(), end, values=(f"anti-{name}",),
                                        triggers=[(match.start(), match.end())]))
                continue
            if not anti and not directed:
                continue
            end = directed.end() if directed else match.end()
            start = match.start() - (len(anti.group(0)) if anti else 0)
            claims.claim(start, end)
            findings.append(Finding(Category.PRIOR_THERAPY, start, end, values=(f"anti-{name}",),
                                    triggers=[(match.start(), match.end())]))
    return findings


def detect_antigen(text: str, vocab: CriteriaVocabulary, claims: Claims) -> list[Finding]:
    """Antigen expression: "CD7 positive expression ≥ 70% by flow cytometry" → (CD7,), flow, GE 70 %.

    Antigens listed together share the cue after the last one: "CD19 and/or CD22 positive" → (CD19,), (CD22,).
    A method is kept only when one is required: "by flow cytometry or IHC" accepts either → method None.
    """
    findings: list[Finding] = []
    if not _EXPRESSION_CUE.search(text):
        return findings
    mentions = sorted(
        {(m.start(), m.end(), name) for name, pattern in vocab.antigens for m in pattern.finditer(text)
         if m.end() > m.start() and claims.free(m.start(), m.end())}
    )
    mentions = [m for i, m in enumerate(mentions) if not any(o[0] <= m[0] < o[1] and o != m for o in mentions[:i])]
    cues: dict[int, tuple[re.Match[str] | None, re.Match[str] | None]] = {}
    for index in range(len(mentions) - 1, -1, -1):
        start, end, _ = mentions[index]
        cue = _EXPRESSION.match(text[end : end + 25])
        cue_before = _EXPR_BEFORE.search(text[max(0, start - 40) : start])
        listed = index + 1 in cues and _LISTED.match(text[end : mentions[index + 1][0]]) is not None
        if not cue and not cue_before and listed:
            inherited = cues[index + 1]
            cues[index] = (None, inherited[0] or inherited[1])
            continue
        cues[index] = (cue, cue_before)
    for index, (start, end_name, name) in enumerate(mentions):
        cue, cue_before = cues[index]
        if not cue and not cue_before:
            continue
        if not claims.free(start, end_name):
            continue
        negated = bool(_NEG_ANTIGEN.search(cue.group(0) if cue else cue_before.group(0) if cue_before else ""))
        end = end_name + (cue.end() if cue else 0)
        claims.claim(start, end)
        clause = _clause(text, start, end)
        flow, ihc = _FLOW.search(clause), _IHC.search(clause)
        method = "flow" if flow and not ihc else "IHC" if ihc and not flow else None
        threshold = None
        following = [m[0] for m in mentions[index + 1 :] if m[0] >= end]
        stop = min([end + 90, *following, *(i for i in (text.find(";", end), text.find(". ", end)) if i >= 0)])
        for quantity in find_quantities(text[end:stop]):
            if quantity.unit == "%" and quantity.comparator is not Comparator.BETWEEN:
                comparator = Comparator.GE if quantity.comparator is Comparator.EQ else quantity.comparator
                threshold = Threshold(comparator, quantity.value, None, "%")
                end += quantity.end
                claims.claim(end - quantity.end + quantity.start, end)
                break
        findings.append(Finding(Category.ANTIGEN, start, end, values=(name,), method=method,
                                threshold=threshold, negated=negated, triggers=[]))
    return findings


def _clause(text: str, start: int, end: int) -> str:
    left = max(text.rfind(";", 0, start), text.rfind(". ", 0, start))
    right_candidates = [i for i in (text.find(";", end), text.find(". ", end)) if i >= 0]
    return text[left + 1 : min(right_candidates) if right_candidates else len(text)]


def detect_diagnosis(text: str, vocab: CriteriaVocabulary, claims: Claims, kind: CriterionKind) -> list[Finding]:
    """Diagnosis groups: "Histologically confirmed DLBCL or FL" → (LBCL, FL), measurement pathology_confirmed."""
    values: tuple[str, ...] = ()
    start, end = len(text), 0
    for group, pattern in vocab.diseases if vocab.may_match("disease", text) else ():
        for match in pattern.finditer(text):
            if match.end() <= match.start() or not claims.free(match.start(), match.end()):
                continue
            claims.claim(match.start(), match.end())
            for member in group.split("+"):  # a family: "T-cell malignancies" → every T-cell group
                values = add_value(values, member)
            start, end = min(start, match.start()), max(end, match.end())
    confirmed = detect_by_concepts(text, Category.DIAGNOSIS, vocab, claims)
    triggered = bool(confirmed) or bool(_DIAG_TRIGGER.search(text))
    if not values and not triggered:
        return []
    if not values and not confirmed and kind is CriterionKind.EXCLUSION:
        return []
    for finding in confirmed:
        start, end = min(start, finding.start), max(end, finding.end)
    if start >= end:
        trigger = _DIAG_TRIGGER.search(text)
        start, end = (trigger.start(), trigger.end()) if trigger else (0, len(text))
    if len(values) > 1 and "other" in values:
        values = tuple(v for v in values if v != "other")
    if kind is CriterionKind.EXCLUSION and values == ("autoimmune",):
        return [Finding(Category.ORGAN_DISEASE, start, end, values=("autoimmune",))]
    measurement = "pathology_confirmed" if confirmed else None
    return [Finding(Category.DIAGNOSIS, start, end, values=values, measurement=measurement)]


def detect_other_malignancy(text: str, vocab: CriteriaVocabulary, claims: Claims) -> list[Finding]:
    """Other malignancies: "Other malignancy within 5 years, except treated basal cell carcinoma" → 1826 days."""
    findings = detect_by_concepts(text, Category.OTHER_MALIGNANCY, vocab, claims)
    if not findings:
        return []
    first = findings[0]
    first.triggers = [t for f in findings for t in f.triggers]
    first.window_days = window_days(text[first.start :])
    claims.claim(first.start, len(text))
    return [first]


def detect_organ(text: str, vocab: CriteriaVocabulary, claims: Claims) -> list[Finding]:
    """Organ disease without numbers: "Clinically significant heart disease (NYHA III-IV)" → (cardiac,);
    "Adequate organ function" → (cardiac, pulmonary, hepatic, renal), negated (absence of disease)."""
    findings = detect_by_concepts(text, Category.ORGAN_DISEASE, vocab, claims)
    for match in _ORGAN_FUNCTION.finditer(text):
        if claims.free(match.start(), match.end()):
            claims.claim(match.start(), match.end())
            findings.append(Finding(Category.ORGAN_DISEASE, match.start(), match.end(),
                                    values=("cardiac", "pulmonary", "hepatic", "renal")))
    if findings and _ORGAN_OK.search(text):
        for finding in findings:
            finding.negated = True
    return findings


def detect_sex(text: str, vocab: CriteriaVocabulary, claims: Claims, alone: bool) -> list[Finding]:
    """Sex: "male or female", "gender is not limited" → (female, male); "Women only" → (female,)."""
    both = _SEX_BOTH.search(text)
    if both and claims.free(both.start(), both.end()):
        claims.claim(both.start(), both.end())
        return [Finding(Category.SEX, both.start(), both.end(), values=("female", "male"))]
    if not alone:
        return []
    findings = detect_by_concepts(text, Category.SEX, vocab, claims)
    values = tuple(v for v in ("female", "male") if any(v in f.values for f in findings))
    if not findings:
        return []
    return [Finding(Category.SEX, findings[0].start, findings[-1].end, values=values)]
