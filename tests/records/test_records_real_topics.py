"""Robustness on all 165 real patient topics (TREC CT 2021, 2022 notes; 2023 questionnaires).

Age and sex are checked against an independent, deliberately simple reading of each free-text note:
the first age phrase of the first sentence ("A 58-year-old …", "48 M …", "A 5 months old …") and the
first sex word of the first sentence, else the first he/she in the note.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest

from allonav.domain.labs import LabVocabulary
from allonav.records import RecordVocabulary, extract, to_case

AS_OF = date(2025, 1, 1)
_AGE = re.compile(r"(\d+)\s*-?\s*(years?|yrs?|yo|y/o|months?|weeks?|days?|M|F)(?![a-z])")
_SEX = re.compile(r"\b(woman|female|girl|lady|man|male|boy|gentleman)\b|\b([MF])\b", re.IGNORECASE)
_UNITS = {"month": 1 / 12, "week": 7 / 365.25, "day": 1 / 365.25}


def _expected(text: str) -> tuple[float, str]:
    first = re.split(r"(?<=[a-z0-9)])\.\s", text, maxsplit=1)[0]
    age = _AGE.search(first)
    assert age, f"no age in {first[:80]!r}"
    unit = age.group(2).lower().rstrip("s")
    years = int(age.group(1)) * _UNITS.get(unit, 1.0)
    sex = next((m for m in _SEX.finditer(first) if m.group(1) or m.group(2) in ("M", "F")), None)
    if sex:
        word = (sex.group(1) or sex.group(2)).lower()
        return years, "female" if word in ("woman", "female", "girl", "lady", "f") else "male"
    pronoun = re.search(r"\b(he|she)\b", text, re.IGNORECASE)
    assert pronoun, f"no sex in {first[:80]!r}"
    return years, "female" if pronoun.group(1).lower() == "she" else "male"


def _notes(folder: Path) -> list[tuple[str, str]]:
    notes = []
    for name in ("trec_2021_queries.jsonl", "trec_2022_queries.jsonl"):
        for line in (folder / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                notes.append((record["_id"], record["text"]))
    return notes


def _questionnaires(folder: Path) -> list[tuple[str, str, str | None]]:
    """(id, text made of "field value." sentences, the age field as written)."""
    root = ET.parse(folder / "trec_2023_topics.xml").getroot()
    topics = []
    for topic in root.iter("topic"):
        fields = {f.get("name", ""): (f.text or "").strip() for f in topic.iter("field")}
        text = " ".join(f"{name} {value}." for name, value in fields.items() if value)
        topics.append((f"trec-2023-{topic.get('number')}", text, fields.get("age")))
    return topics


@pytest.mark.shared
def test_all_real_topics(shared: Path, vocabulary: RecordVocabulary, lab_vocabulary: LabVocabulary) -> None:
    folder = shared / "data" / "patients"
    notes, questionnaires = _notes(folder), _questionnaires(folder)
    assert len(notes) + len(questionnaires) == 165
    wrong: list[str] = []
    for doc_id, text in notes:
        extraction = extract(doc_id, text, vocabulary=vocabulary, labs=lab_vocabulary, as_of=AS_OF)
        case = to_case(extraction, doc_id)
        age, sex = _expected(text)
        got_sex = case.sex.value if case.sex else None
        if case.age_years is None or abs(case.age_years - age) > 0.01 or got_sex != sex:
            wrong.append(f"{doc_id}: got ({case.age_years}, {got_sex}), expected ({age:.2f}, {sex})")
        for fact in extraction.facts:
            assert fact.provenance.span and fact.provenance.text
            assert text[fact.provenance.span[0] : fact.provenance.span[1]] in fact.provenance.text
    assert not wrong, f"{len(wrong)}/{len(notes)} notes with wrong age/sex:\n" + "\n".join(wrong)
    ages_checked = 0
    for doc_id, text, age_field in questionnaires:
        case = to_case(extract(doc_id, text, vocabulary=vocabulary, labs=lab_vocabulary, as_of=AS_OF), doc_id)
        number = re.match(r"\d+", age_field or "")
        if number:
            ages_checked += 1
            assert case.age_years == float(number.group(0)), f"{doc_id}: age {age_field!r} → {case.age_years}"
    assert ages_checked == 4  # 2023 topics with a numeric age field ("39", "25 years old", "12yo", "58 y/o")
