"""Extractors for who the patient is and what the disease looks like now: age, sex, diagnoses, antigens,
labs and performance status.

Example: "0. A 58-year-old woman with relapsed B-ALL.\\n1. CD19+ 92% by flow; ANC 1.2 x10^9/L; ECOG 1."
gives age 58, sex female, diagnosis B-ALL, CD19 positive 92 % by flow, ANC 1.2 10^9/L and ECOG 1.
"""

from __future__ import annotations

import re

from allonav.domain.case import AntigenMethod, AntigenResult, Diagnosis, LabResult, Performance, Sex
from allonav.records.base import Document, number

_SEX_WORD = re.compile(r"(?<![\w-])(mrs|ms|mr|miss|woman|female|girl|lady|man|male|boy|gentleman)(?![\w-])", re.I)
_PRONOUN = re.compile(r"\b(he|she)\b", re.IGNORECASE)
_PERCENT = re.compile(r"(\d{1,3}(?:\.\d+)?)\s*%")
_LAB_TAIL = re.compile(
    r"\s*(?:level|count|value)?\s*(?:of|was|is|were|at|:|=|-)?\s*(?:was\s+|of\s+)?"
    r"(?P<v>\d+(?:[.,]\d+)*)\s*(?P<u>[x×]\s?10\^?\*?\d+\s?/\s?[a-zµμ]+|10\^\d+/[a-zµμ]+|[^\s,;()]+)?",
    re.IGNORECASE,
)
_PERFORMANCE = re.compile(
    r"\b(?P<scale>ECOG|Karnofsky|KPS|Lansky)\b(?:\s*(?:performance\s+status|performance\s+score|PS|score|status))?"
    r"\s*(?:of|was|is|:|=)?\s*(?P<v>\d{1,3})\s*%?",
    re.IGNORECASE,
)


def find_age_and_sex(doc: Document) -> None:
    """The patient's age (first age phrase not about a relative) and sex (word by the age, else title/pronoun)."""
    vocab = doc.vocabulary
    sex_found = False
    for sentence in doc.sentences:
        hits = sorted(
            (m for p in vocab.age_patterns for m in p.finditer(sentence.text)), key=lambda m: (m.start(), -m.end())
        )
        for match in hits:
            value = number(match.group("n"))
            unit = (match.groupdict().get("u") or "years").lower()
            years = None if value is None else value * vocab.age_units.get(unit, 1.0)
            if years is None or years > vocab.max_age:
                continue
            fact = doc.add("age_years", round(years, 2), match.group(0).strip(), sentence, match.span(), 0.95)
            if fact.status in ("family", "negated"):
                continue
            letter = match.groupdict().get("sx")
            if letter:
                sex = Sex.FEMALE if letter.upper() == "F" else Sex.MALE
                doc.add("sex", sex, letter, sentence, match.span("sx"), 0.85, "affirmed")
                return
            tail = sentence.text[match.end() : match.end() + vocab.sex_after_age_chars]
            letter_after = re.match(r"\s*([MF])\b", tail)  # "75 yo M", "79 yo F"
            if letter_after:
                start = match.end() + letter_after.start(1)
                sex = Sex.FEMALE if letter_after.group(1) == "F" else Sex.MALE
                doc.add("sex", sex, letter_after.group(1), sentence, (start, start + 1), 0.85, "affirmed")
                return
            word = _SEX_WORD.search(re.split(r"[,.;(]| who | with ", tail)[0])
            if word:
                start = match.end() + word.start()
                sex = Sex(vocab.sex_words[word.group(1).lower()])
                doc.add("sex", sex, word.group(0), sentence, (start, start + len(word.group(0))), 0.95, "affirmed")
                sex_found = True
            break
        else:
            continue
        break
    if not sex_found:
        _sex_from_titles_or_pronouns(doc)


def _sex_from_titles_or_pronouns(doc: Document) -> None:
    for sentence in doc.sentences:
        for match in re.finditer(r"\b(Mrs|Ms|Mr|Miss)\b\.?", sentence.text):
            sex = Sex(doc.vocabulary.sex_words[match.group(1).lower()])
            doc.add("sex", sex, match.group(0), sentence, match.span(1), 0.9, "affirmed")
            return
    for sentence in doc.sentences:
        for match in _PRONOUN.finditer(sentence.text):
            sex = Sex(doc.vocabulary.sex_pronouns[match.group(1).lower()])
            doc.add("sex", sex, match.group(0), sentence, match.span(), 0.7, "affirmed")
            return


def find_diagnoses(doc: Document) -> None:
    """Disease-group mentions ("relapsed B-ALL" → B-ALL, "DLBCL" → LBCL); family mentions stay family."""
    for sentence in doc.sentences:
        for group, pattern in doc.vocabulary.diseases.items():
            for match in pattern.finditer(sentence.text):
                value = Diagnosis(group, subtype=match.group(0), diagnosed_on=doc.date_in(sentence.text))
                doc.add("diagnoses", value, f"{group} ({match.group(0)})", sentence, match.span(), 0.85)


def find_antigens(doc: Document) -> None:
    """Antigen results: "CD19+ 92% by flow", "CD19-negative relapse", "CD7 positive on 98% of blasts"."""
    vocab = doc.vocabulary
    for sentence in doc.sentences:
        text = sentence.text
        matches = list(vocab.antigens.finditer(text))
        for i, match in enumerate(matches):
            stop = matches[i + 1].start() if i + 1 < len(matches) else len(text)
            after = text[match.end() : min(stop, match.end() + 40)]
            before = text[max(0, match.start() - 20) : match.start()]
            positive: bool | None = None
            start, end = match.span()
            neg = vocab.antigen_negative.match(after.lstrip(" ")) if after[:1] in "- −" or after[:1].isalpha() else None
            pos = vocab.antigen_positive.match(after.lstrip(" "))
            lead = len(after) - len(after.lstrip(" "))
            if neg and not (pos and pos.end() > neg.end()):
                positive, end = False, match.end() + lead + neg.end()
            elif pos:
                positive, end = True, match.end() + lead + pos.end()
            else:
                cue_neg = re.search(rf"(?:{vocab.antigen_negative_before.pattern})\s*$", before, re.IGNORECASE)
                cue_pos = re.search(rf"(?:{vocab.antigen_positive_before.pattern})\s*$", before, re.IGNORECASE)
                cue = cue_neg or cue_pos
                if cue is None:
                    continue
                positive = cue is cue_pos
                start = match.start() - len(before) + cue.start()
            percent_match = _PERCENT.search(after[: (stop - match.end())])
            percent = float(percent_match.group(1)) if percent_match and positive else None
            if percent is not None and percent > 100:
                percent = None
            method = (
                AntigenMethod.IHC if vocab.ihc.search(text) else AntigenMethod.FLOW if vocab.flow.search(text) else None
            )
            name = vocab.antigen_name(match.group(0))
            value = AntigenResult(name, positive, percent, method, tested_on=doc.date_in(text))
            shown = f"{name} {'positive' if positive else 'negative'}" + (f" {percent:g}%" if percent else "")
            doc.add("antigens", value, shown, sentence, (start, end), 0.85)


def find_labs(doc: Document) -> None:
    """Lab values with units converted to the canonical unit; values outside the plausible range are dropped."""
    words = sorted({w for lab in doc.labs.labs.values() for w in (lab.name.lower(), *lab.synonyms)}, key=len)
    names = re.compile(
        r"(?<![\w-])(" + "|".join(re.escape(w) for w in reversed(words)) + r")(?![\w-])", re.IGNORECASE
    )
    for sentence in doc.sentences:
        for match in names.finditer(sentence.text):
            lab = doc.labs.find(match.group(1))
            tail = _LAB_TAIL.match(sentence.text, match.end())
            if lab is None or tail is None:
                continue
            value = number(tail.group("v"))
            written = (tail.group("u") or "").rstrip(".")
            if value is None:
                continue
            unit = re.sub(r"^[x×]\s*(?=10)", "", written)
            unit = doc.vocabulary.unit_aliases.get(unit.lower().replace(" ", ""), unit)
            canonical = lab.to_canonical(value, unit) if unit else value
            if canonical is None and unit and re.fullmatch(r"[a-z]+", unit, re.IGNORECASE):
                canonical, unit = value, ""  # a following word ("and"), not a unit
            if canonical is None or not lab.low <= canonical <= lab.high:
                continue
            result = LabResult(lab.name, round(canonical, 4), lab.unit, measured_on=doc.date_in(sentence.text))
            end = tail.start("u") + len(written) if unit and written else tail.end("v")
            doc.add("labs", result, f"{lab.name} {canonical:g} {lab.unit}", sentence, (match.start(), end), 0.8)


def find_performance(doc: Document) -> None:
    """ECOG, or Karnofsky/Lansky converted to ECOG with the table in terms.toml ("KPS 70" → ECOG 1)."""
    for sentence in doc.sentences:
        for match in _PERFORMANCE.finditer(sentence.text):
            scale = match.group("scale").upper()
            score = int(match.group("v"))
            if scale == "ECOG":
                if score > 5:
                    continue
                ecog, recorded = score, "ECOG"
            else:
                if score > 100:
                    continue
                ecog = next(e for threshold, e in doc.vocabulary.to_ecog if score >= threshold)
                recorded = f"{'Lansky' if scale == 'LANSKY' else 'Karnofsky'} {score}"
            value = Performance(ecog, recorded, assessed_on=doc.date_in(sentence.text))
            doc.add("performance", value, f"ECOG {ecog} ({recorded})", sentence, match.span(), 0.9)
