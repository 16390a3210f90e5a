"""Numeric criteria: labs (with × ULN and unit conversion), age, ECOG/Karnofsky/Lansky, life expectancy, lines."""

from __future__ import annotations

import re

from allonav.criteria.finding import Claims, Finding
from allonav.criteria.numbers import NUM, Quantity, find_quantities, to_number, to_weeks
from allonav.criteria.rules import CriteriaVocabulary
from allonav.domain.criterion import Category, Comparator, CriterionKind, Threshold
from allonav.domain.labs import LabDefinition

_JOIN = re.compile(r"^[\s(),/&]*(?:(?:and|or|and/or|plus|as\s+well\s+as)\b[\s(),/&]*)?$", re.IGNORECASE)
_GAP_OK = re.compile(r"[;]|\b(?:within|before|prior|after|days?|weeks?)\b", re.IGNORECASE)
_ULN_WORDS = re.compile(
    r"[\s:,]*(?:(?:level|value|count|concentration)s?\s+)?(?:(?:is|are|must\s+be|should\s+be|to\s+be)\s+)?"
    r"(?P<cmp>≤|<=|<|≥|>=|>|above|greater\s+than|more\s+than|higher\s+than|below|less\s+than|within|not\s+exceed\w*)\s*"
    r"(?:the\s+)?(?:institutional\s+|normal\s+)?(?:ULN\b|upper\s+limits?\s+of\s+(?:the\s+)?normal|normal\s+(?:limits?|range)"
    r"|upper\s+normal\s+limit)", re.IGNORECASE)
_ULN_LABS = {"bilirubin", "ALT", "AST", "creatinine", "INR", "LDH"}
_WORD_CMP = {"≤": Comparator.LE, "<=": Comparator.LE, "<": Comparator.LT, "≥": Comparator.GE, ">=": Comparator.GE,
             ">": Comparator.GT, "above": Comparator.GT, "greater": Comparator.GT, "more": Comparator.GT,
             "higher": Comparator.GT, "below": Comparator.LT, "less": Comparator.LT, "within": Comparator.LE,
             "not": Comparator.LE}


def detect_labs(text: str, vocab: CriteriaVocabulary, claims: Claims) -> list[Finding]:
    """Lab thresholds: "ALT/AST ≤ 3 × ULN, platelets ≥ 50 × 10^9/L" → ALT LE 3 xULN, AST LE 3 xULN, platelets GE 50."""
    mentions = _lab_mentions(text, vocab, claims)
    quantities = [q for q in find_quantities(text) if claims.free(q.start, q.end)]
    findings: list[Finding] = []
    index = 0
    while index < len(mentions):
        start, end, names = mentions[index]
        group_names = list(names)
        while index + 1 < len(mentions) and _JOIN.match(text[end : mentions[index + 1][0]]):
            index += 1
            end = max(end, mentions[index][1])
            group_names += [n for n in mentions[index][2] if n not in group_names]
        next_start = mentions[index + 1][0] if index + 1 < len(mentions) else len(text)
        index += 1
        threshold_span = _threshold_after(text, end, next_start, quantities)
        if threshold_span is None:
            continue
        quantity, q_end = threshold_span
        for name in group_names:
            threshold = _lab_threshold(vocab.labs.labs[name], quantity)
            if threshold is not None:
                findings.append(Finding(Category.LAB, start, q_end, measurement=name, threshold=threshold,
                                        triggers=[(start, end)]))
        if findings and findings[-1].end == q_end:
            claims.claim(start, q_end)
    return findings


def _lab_mentions(text: str, vocab: CriteriaVocabulary, claims: Claims) -> list[tuple[int, int, tuple[str, ...]]]:
    if not vocab.may_match("lab", text):
        return []
    raw = [(m.start(), m.end(), names) for names, pattern in vocab.lab_patterns for m in pattern.finditer(text)
           if m.end() > m.start()]
    raw.sort(key=lambda r: (r[0], -(r[1] - r[0])))
    kept: list[tuple[int, int, tuple[str, ...]]] = []
    for start, end, names in raw:
        if not claims.free(start, end):
            continue
        if kept and start < kept[-1][1]:
            continue
        kept.append((start, end, names))
    return kept


def _threshold_after(text: str, end: int, limit: int, quantities: list[Quantity]) -> tuple[Quantity, int] | None:
    for quantity in quantities:
        if quantity.start < end or quantity.start >= limit:
            continue
        gap = text[end : quantity.start]
        too_far = len(gap) > 45 and (len(gap) > 70 or re.search(r"\d", gap) is not None)
        if too_far or _GAP_OK.search(gap):
            return None
        return quantity, quantity.end
    words = _ULN_WORDS.match(text, end, limit)
    if words:
        comparator = _WORD_CMP.get(words.group("cmp").split()[0].lower(), Comparator.LE)
        return Quantity(comparator, 1.0, None, "xULN", words.start(), words.end(), True), words.end()
    return None


def _lab_threshold(lab: LabDefinition, quantity: Quantity) -> Threshold | None:
    if quantity.uln:
        if lab.name not in _ULN_LABS and lab.name not in {"ANC", "platelets"}:
            return None
        if not 0 < quantity.value <= 100:
            return None
        return Threshold(quantity.comparator, quantity.value, quantity.upper, "xULN", True)
    if quantity.unit in {"years", "months", "weeks", "days", "hours"}:
        return None
    factor = _factor(lab, quantity.unit, quantity.value)
    if factor is None:
        return None
    upper = None if quantity.upper is None else round(quantity.upper * factor, 4)
    return Threshold(quantity.comparator, round(quantity.value * factor, 4), upper, lab.unit)


def _factor(lab: LabDefinition, unit: str | None, value: float) -> float | None:
    if unit is not None:
        converted = lab.to_canonical(1.0, unit)
        if converted is None and unit == "%" and lab.unit != "%":
            return None
        if converted is not None and lab.low <= value * converted <= lab.high:
            return converted
        return None
    candidates = [1.0, *lab.factors.values()]
    return next((f for f in candidates if lab.low <= value * f <= lab.high and not (f == 1.0 and value == 0)), None)


_AGE_CONTEXT = re.compile(r"\bage[ds]?\b|\byears?\s+(?:of\s+age|old)|\byrs?\s+old|\bolder\b|\byounger\b|\bbirthday",
                          re.IGNORECASE)


def detect_age(text: str, claims: Claims, kind: CriterionKind) -> list[Finding]:
    """Age limits: "Age 18-70 years" → BETWEEN 18..70 years; "≥ 18 years old" → GE 18; months become years."""
    hits = []
    for quantity in find_quantities(text):
        if not claims.free(quantity.start, quantity.end) or quantity.unit not in {None, "years", "months"}:
            continue
        window = text[max(0, quantity.start - 40) : min(len(text), quantity.end + 25)]
        before = text[max(0, quantity.start - 25) : quantity.start]
        if not (_AGE_CONTEXT.search(window) and (quantity.unit or re.search(r"(?i)\bage[ds]?\b", before))):
            continue
        if re.search(r"(?i)\b(?:within|since|for|last|past|after|before|prior)\s*$", before):
            continue
        if quantity.comparator is Comparator.EQ and not re.search(r"(?i)\bage[ds]?\s*(?:of|is|:)?\s*$", before):
            continue
        factor = 1 / 12 if quantity.unit == "months" else 1.0
        upper_factor = 1 / 12 if quantity.upper_unit == "months" else 1.0
        value = round(quantity.value * factor, 2)
        upper = None if quantity.upper is None else round(quantity.upper * upper_factor, 2)
        if not 0 <= value <= 120 or (upper is not None and upper > 120):
            continue
        hits.append((quantity, value, upper))
    if not hits:
        return []
    first, value, upper = hits[0]
    comparator = first.comparator
    if comparator is Comparator.EQ:
        comparator = Comparator.LT if kind is CriterionKind.EXCLUSION else Comparator.GE
    end = first.end
    if len(hits) > 1 and comparator in {Comparator.GE, Comparator.GT}:
        second, second_value, _ = hits[1]
        if second.comparator in {Comparator.LE, Comparator.LT} and second.start - first.end < 30:
            comparator, upper, end = Comparator.BETWEEN, second_value, second.end
    claims.claim(first.start, end)
    threshold = Threshold(comparator, value, upper if comparator is Comparator.BETWEEN else None, "years")
    return [Finding(Category.AGE, first.start, end, measurement="age", threshold=threshold)]


_PERF = re.compile(r"\b(?:ecog|zubrod|who)\b|eastern\s+cooperative\s+oncology\s+group|performance\s+(?:status|score)"
                   r"|\bps\b|\b(?P<kps>karnofsky|kps|lansky)\b", re.IGNORECASE)
_LIST = re.compile(r"^[^0-9;.]{0,40}?(?P<list>[0-4](?:\s*(?:,|or|and|/|、)\s*[0-4])+)(?!\s*(?:\.\d|%|-))")


def detect_performance(text: str, claims: Claims, kind: CriterionKind) -> list[Finding]:
    """ECOG, Karnofsky (KPS) or Lansky → ECOG bound: "ECOG 0-2" → LE 2, "KPS ≥ 70%" → LE 1, "0 or 1" → LE 1."""
    findings: list[Finding] = []
    for match in _PERF.finditer(text):
        if not claims.free(match.start(), match.end()):
            continue
        tail = text[match.end() : match.end() + 60]
        is_kps = match.group("kps") is not None
        threshold, end = _perf_list(tail, is_kps, match.end())
        if threshold is None:
            for quantity in find_quantities(tail):
                if quantity.start > 40 or quantity.unit not in {None, "%"}:
                    break
                threshold = _perf_threshold(quantity, is_kps, kind)
                end = match.end() + quantity.end
                break
        if threshold is None:
            continue
        claims.claim(match.start(), end)
        findings.append(Finding(Category.PERFORMANCE, match.start(), end, measurement="ECOG", threshold=threshold,
                                triggers=[(match.start(), match.end())]))
    return findings


def _perf_list(tail: str, is_kps: bool, offset: int) -> tuple[Threshold | None, int]:
    match = _LIST.match(tail)
    if is_kps or not match:
        return None, 0
    numbers = sorted(int(n) for n in re.findall(r"[0-4]", match.group("list")))
    if numbers[0] == 0:
        return Threshold(Comparator.LE, float(numbers[-1])), offset + match.end()
    return Threshold(Comparator.BETWEEN, float(numbers[0]), float(numbers[-1])), offset + match.end()


def _ecog_of_kps(kps: float) -> int:
    return 0 if kps >= 90 else 1 if kps >= 70 else 2 if kps >= 50 else 3 if kps >= 30 else 4


def _perf_threshold(quantity: Quantity, is_kps: bool, kind: CriterionKind) -> Threshold | None:
    comparator, value, upper = quantity.comparator, quantity.value, quantity.upper
    if is_kps:
        if not 10 <= value <= 100:
            return None
        if comparator in {Comparator.GE, Comparator.EQ, Comparator.BETWEEN}:
            return Threshold(Comparator.LE, float(_ecog_of_kps(value)))
        if comparator is Comparator.GT:
            return Threshold(Comparator.LE, float(_ecog_of_kps(value + 10)))
        bound = value - 10 if comparator is Comparator.LT else value
        return Threshold(Comparator.GE, float(_ecog_of_kps(bound)))
    if value > 5 or (upper is not None and upper > 5) or quantity.unit == "%":
        return None
    if comparator is Comparator.BETWEEN and upper is not None:
        return Threshold(Comparator.LE, upper) if value == 0 else Threshold(Comparator.BETWEEN, value, upper)
    if comparator is Comparator.EQ:
        comparator = Comparator.GE if kind is CriterionKind.EXCLUSION and value >= 2 else Comparator.LE
    return Threshold(comparator, value)


_LIFE = re.compile(r"life[\s-]+expectancy|(?:expected|estimated|anticipated|predicted)\s+(?:survival|life|lifetime)"
                   r"|survival\s+(?:time|period)|expected\s+to\s+(?:live|survive)|life\s+span|\bsurvival\b",
                   re.IGNORECASE)


def detect_life_expectancy(text: str, claims: Claims) -> list[Finding]:
    """Life expectancy in weeks: "> 12 weeks" → GT 12, "at least 3 months" → GE 13."""
    for match in _LIFE.finditer(text):
        if match.group(0).lower() == "survival" and not re.search(r"(?i)expect|estimat", text):
            continue
        for quantity in find_quantities(text[match.end() : match.end() + 70]):
            if quantity.unit not in {"weeks", "months", "days", "years"}:
                continue
            comparator = quantity.comparator
            if comparator in {Comparator.EQ, Comparator.BETWEEN}:
                comparator = Comparator.GE
            end = match.end() + quantity.end
            claims.claim(match.start(), end)
            threshold = Threshold(comparator, to_weeks(quantity.value, quantity.unit), None, "weeks")
            return [Finding(Category.LIFE_EXPECTANCY, match.start(), end, threshold=threshold,
                            triggers=[(match.start(), match.end())])]
    return []


_ORDINAL = {"second": 1, "third": 2, "fourth": 3, "fifth": 4, "2nd": 1, "3rd": 2, "4th": 3}
_LINES = re.compile(
    rf"(?:(?P<cmp>at\s+least|≥|>=|more\s+than|>|greater\s+than|a\s+minimum\s+of|minimum|no\s+less\s+than|"
    rf"not\s+less\s+than)\s*)?(?P<n>{NUM})\s*(?P<plus>\+|or\s+more|or\s+greater|and\s+above)?\s*"
    rf"(?:(?:prior|previous|different|standard|systemic|lines?\s+of|kinds?\s+of|types?\s+of|courses?\s+of|"
    rf"consecutive|or\s+more|therapeutic|treatment|anti-?\w+)\s+){{0,3}}(?P<noun>lines?|regimens?)\b"
    r"|(?P<ord>second|third|fourth|fifth|2nd|3rd|4th)[- ]line\s+(?:or\s+)?(?:later|beyond|above|higher|subsequent)",
    re.IGNORECASE,
)


def detect_prior_lines(text: str, claims: Claims) -> list[Finding]:
    """Number of prior lines: "at least 2 prior lines of therapy" → prior_lines GE 2; "third-line or later" → GE 2."""
    for match in _LINES.finditer(text):
        if not claims.free(match.start(), match.end()):
            continue
        if match.group("ord"):
            value: float | None = float(_ORDINAL[match.group("ord").lower()])
            comparator = Comparator.GE
        else:
            value = to_number(match.group("n"))
            cmp_word = (match.group("cmp") or "").lower()
            comparator = Comparator.GT if cmp_word.startswith(("more", ">", "greater")) else Comparator.GE
        if value is None or not 0 < value <= 15:
            continue
        claims.claim(match.start(), match.end())
        return [Finding(Category.DISEASE_STATUS, match.start(), match.end(), measurement="prior_lines",
                        threshold=Threshold(comparator, value))]
    return []
