"""Sentence splitting for clinical notes, numbered ("0. …\\n1. …") or plain.

Example: "0. A 58-year-old woman.\\n1. CD19+ by flow." gives sentences 0 and 1 (the note's own numbers);
"A 58-year-old woman. She has B-ALL." gives sentences 0 and 1 by position. Spans index the original text.
"""

from __future__ import annotations

import re

from allonav.records.model import Sentence

_NUMBERED = re.compile(r"^[ \t]*(\d{1,4})\.[ \t]+(.*\S)?[ \t]*$", re.MULTILINE)
_ABBREVIATIONS = ("dr", "mr", "mrs", "ms", "vs", "e.g", "i.e", "approx", "pt", "st", "fig", "dept", "etc")
_LIST_NUMBER = re.compile(r"(?:^|\n)[ \t]*\d{1,3}$")
_BOUNDARY = re.compile(r"[.!?]+[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])|\n[ \t]*\n+|\n(?=[ \t]*(?:[-*•]|\d{1,3}\.\s))")


def _numbered(text: str) -> list[Sentence] | None:
    lines = [line for line in text.splitlines() if line.strip()]
    matches = list(_NUMBERED.finditer(text))
    if not matches or len(matches) != len(lines) or int(matches[0].group(1)) > 1:
        return None  # a numbered list inside prose is not a sentence-numbered note
    sentences: list[Sentence] = []
    for match in matches:
        if match.group(2) is None:
            continue
        sentences.append(Sentence(int(match.group(1)), match.start(2), match.end(2), match.group(2)))
    return sentences


def split_sentences(text: str) -> list[Sentence]:
    """Split a note into sentences; a sentence-numbered note keeps its numbers as indices."""
    numbered = _numbered(text)
    if numbered is not None:
        return numbered
    sentences: list[Sentence] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        word = re.search(r"([\w.]+)[.!?]*$", text[start : match.start() + 1])
        if word and word.group(1).lower().rstrip(".") in _ABBREVIATIONS and text[match.start()] == ".":
            continue
        if _LIST_NUMBER.search(text, 0, match.start()):  # "1. Migraines": the number of a list item
            continue
        _add(sentences, text, start, match.start() + len(match.group(0).rstrip()))
        start = match.end()
    _add(sentences, text, start, len(text))
    return sentences


def _add(sentences: list[Sentence], text: str, start: int, end: int) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if not stripped:
        return
    begin = start + (len(chunk) - len(chunk.lstrip()))
    sentences.append(Sentence(len(sentences), begin, begin + len(stripped), stripped))
