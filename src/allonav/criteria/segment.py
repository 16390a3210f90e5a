"""Eligibility text → inclusion/exclusion items (headings, bullets, numbering, nesting, run-on text)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise

from allonav.domain.criterion import CriterionKind

_HEADING = re.compile(
    r"^[#*_\s]*(?:(?:key|main|major|general|other|additional|specific|principal|patient|participant|subject|"
    r"retreatment|re-treatment|donor|recipient|cohort\s+\w+|part\s+\w+|phase\s+\w+)\s+)?"
    r"(?P<kind>inclusion|exclusion|inclusive|exclusive|eligibility|ineligibility)"
    r"(?:\s+(?:criteria|criterion|standards?|conditions?))?\b[^:\n]{0,60}?[:：]?\s*[*_]*\s*$",
    re.IGNORECASE,
)
_CRITERIA_FOR = re.compile(r"^[#*_\s]*criteria\s+for\s+(?P<kind>inclusion|exclusion)\b.{0,40}$", re.IGNORECASE)
_SUBHEADING = re.compile(
    r"(?i)^[#*_\s]*(?:[\w/&-]+\s+){0,4}?(?:eligibility|criteria|procurement|treatment|phase\s*\w*|cohort\s*\w*|part\s*\w*"
    r"|arm\s*\w*|screening|enrollment|enrolment|registration|retreatment|re-treatment|donors?|recipients?|patients?"
    r"|leukapheresis|apheresis|lymphodepletion|infusion)[\s*_]*:?[\s*_]*$|^\W*$|^<!--.*-->$|^\W*(?:or|and|and/or)\W*$"
)
_INLINE_HEADING = re.compile(r"(?i)(?:key\s+)?\b(?P<kind>inclusion|exclusion)\s+criteria\s*[:：]")
_CHINESE = {"入选标准": CriterionKind.INCLUSION, "入组标准": CriterionKind.INCLUSION,
            "纳入标准": CriterionKind.INCLUSION, "排除标准": CriterionKind.EXCLUSION}
_INTRO = re.compile(
    r"(?i)^(?:to be (?:included|eligible)|(?:patients|subjects|participants|individuals|candidates)\b).{0,80}"
    r"\b(?:meet|fulfil+|satisfy|satisfies|have)\b.{0,30}\bfollowing\b.{0,40}[:：.]?\s*$"
    r"|^(?:patients|subjects|participants)\s+(?:will be|are)\s+(?:excluded|eligible|included)\b.{0,60}[:：]\s*$"
)
_MARKER = re.compile(
    r"(?:(?P<bullet>[*\-•·▪○◦●■□➢►✓‣⁃])|(?P<num>\d{1,2}(?:\.\d{1,2})?[.)、](?![\d]))|(?P<pnum>[(（]\d{1,2}[)）])"
    r"|(?P<circ>[①-⑳])|(?P<roman>(?:i|ii|iii|iv|v|vi|vii|viii|ix|x|I|II|III|IV|V|VI)[.)](?=\s))"
    r"|(?P<letter>[a-zA-Z][.)](?=\s))|(?P<pletter>\([a-zA-Z]\)))\s*"
)
_RUN_MARKER = re.compile(
    r"(?:(?<=[.;:,。])|(?<=[.;:]\"))\s+"
    r"(?:\d{1,2}[.)、]|\(\d{1,2}\)|[①-⑳]|[A-Ha-h][.)]|(?:ii|iii|iv|v|vi)[.)]|[*•])\s+"
    r"(?=[A-Za-z(\"'])|\s[①-⑳]\s?"
)
_SENTENCE = re.compile(r"(?<=[a-z0-9)\]%\"'])(?:[.;]|\.\))\s+(?=[A-Z(])")
_NO_SPLIT_BEFORE = re.compile(r"(?i)(?:\be\.g|\bi\.e|\bvs|\bdr|\bno|\bapprox|\bincl|\bet al|\bca|\bfig|\bSt)\s*$")


@dataclass(slots=True)
class Item:
    """One segmented criterion: its kind, source span of its wording (marker excluded) and nested items."""

    kind: CriterionKind
    start: int
    end: int
    indent: int = 0
    marker: str | None = None
    children: list[Item] = field(default_factory=list)


def segment(text: str) -> list[Item]:
    """Split eligibility text into top-level items, each with nested sub-items.

    Example: "Inclusion Criteria:\\n1. Age ≥ 18\\n2. ECOG 0-1\\nExclusion Criteria:\\n* Active CNS disease"
    → two inclusion items and one exclusion item, spans pointing at "Age ≥ 18", "ECOG 0-1", "Active CNS disease".
    """
    kind = CriterionKind.INCLUSION
    roots: list[Item] = []
    stack: list[Item] = []
    previous_blank = True
    for start, end in _lines(text):
        line = text[start:end]
        stripped = line.strip()
        if not stripped:
            previous_blank = True
            continue
        heading = _heading(stripped)
        if heading is not None:
            kind = heading
            stack.clear()
            previous_blank = True
            continue
        indent = len(line) - len(line.lstrip(" \t"))
        content_start = start + indent
        match = _MARKER.match(text, content_start, end)
        marker = None
        if match and match.end() < end:
            marker = next((name for name, value in match.groupdict().items() if value), None)
            content_start = match.end()
        content_end = start + len(line.rstrip())
        if marker is None and _INTRO.match(stripped) and len(stripped) < 200:
            stack.clear()
            continue
        if (marker is None and len(stripped) < 60 and _SUBHEADING.match(stripped)) or not re.search(
                r"\w\w", text[content_start:end]):
            stack.clear()
            continue
        if marker is None and stack and _continues(text, stack[-1], stripped, previous_blank):
            stack[-1].end = content_end
            previous_blank = False
            continue
        item = Item(kind, content_start, content_end, indent, marker)
        while stack and not _is_child(text, item, stack[-1]):
            stack.pop()
        (stack[-1].children if stack else roots).append(item)
        if len(stack) < 4:
            stack.append(item)
        previous_blank = False
    return [piece for root in roots for piece in _expand(text, root)]


def looks_cut_short(text: str) -> bool:
    """True when the text seems truncated: it stops mid-sentence ("… T cell percentage in PBMC of periph")."""
    tail = text.rstrip()
    if not tail:
        return False
    last_line = tail.splitlines()[-1].strip()
    if tail.endswith(("...", "…")):
        return True
    ends_open = tail[-1].isalnum() and not re.search(r"(?i)\b(?:criteria|study|trial|therapy|years|weeks)$", last_line)
    has_exclusion = re.search(r"(?i)exclusion|排除", text) is not None
    return ends_open and (len(last_line) > 150 or not has_exclusion)


def _lines(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    for match in re.finditer(r"\r\n|\n|\r", text):
        spans.extend(_split_inline_headings(text, start, match.start()))
        start = match.end()
    spans.extend(_split_inline_headings(text, start, len(text)))
    return spans


def _split_inline_headings(text: str, start: int, end: int) -> list[tuple[int, int]]:
    cuts = [m.start() for m in _INLINE_HEADING.finditer(text, start, end) if m.start() > start]
    cuts += [m.end() for m in _INLINE_HEADING.finditer(text, start, end) if text[m.end() : end].strip()]
    bounds = [start, *sorted(set(cuts)), end]
    return [(a, b) for a, b in pairwise(bounds) if b > a]


def _heading(line: str) -> CriterionKind | None:
    for word, kind in _CHINESE.items():
        if line.startswith(word) and len(line) < 20:
            return kind
    if len(line) > 90:
        return None
    match = _HEADING.match(line) or _CRITERIA_FOR.match(line)
    if not match:
        inline = _INLINE_HEADING.match(line.strip("#*_ "))
        if not inline or line.strip("#*_ ")[inline.end() :].strip():
            return None
        match = inline
    word = match.group("kind").lower()
    if word in {"eligibility"}:
        return CriterionKind.INCLUSION
    if word == "ineligibility":
        return CriterionKind.EXCLUSION
    if match.re is _HEADING and not re.search(r"(?i)criteri|standard|condition|[:：]\s*[*_]*\s*$", line):
        return None
    return CriterionKind.INCLUSION if word.startswith("inclus") else CriterionKind.EXCLUSION


def _continues(text: str, last: Item, line: str, previous_blank: bool) -> bool:
    tail = text[last.start : last.end].rstrip()
    if line.lower().startswith(("note", "(note", "*note", "nb:", "n.b.")):
        return True
    if previous_blank and not line[:1].islower():
        return False
    if line[:1].islower() or tail.endswith((",", "(", "/", "-", " and", " or", " of", " the", " with", " to")):
        return True
    return not tail.endswith((".", ";", ":", "。", "；", "：")) and not previous_blank and len(line) < 40


def _is_child(text: str, item: Item, parent: Item) -> bool:
    if item.indent > parent.indent + 1:
        return True
    if item.indent < parent.indent - 1 or item.marker is None:
        return False
    head = text[parent.start : parent.end].rstrip()
    return head.endswith((":", "：")) and item.marker != parent.marker


def _expand(text: str, item: Item) -> list[Item]:
    children: list[Item] = []
    for child in item.children:
        children.extend(_expand(text, child))
    item.children = children
    if item.children or item.end - item.start < 60:
        return [item]
    pieces = _pieces(text, item.start, item.end)
    if len(pieces) < 2 or (item.end - item.start < 140 and len(pieces) < 3):
        return [item]
    first_start, first_end = pieces[0]
    item.end = first_end
    extra = [Item(item.kind, a, b, item.indent + 2, "run-on") for a, b in pieces[1:]]
    if text[first_start:first_end].rstrip().endswith((":", "：")):
        item.children = extra
        return [item]
    return [item, *extra]


def _pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    cuts: list[tuple[int, int]] = []
    for match in _RUN_MARKER.finditer(text, start, end):
        cuts.append((match.start(), match.end()))
    if len(cuts) < 2:
        cuts = []
        for match in _SENTENCE.finditer(text, start, end):
            if _NO_SPLIT_BEFORE.search(text, max(start, match.start() - 8), match.start()):
                continue
            if not _inside_brackets(text, start, match.start()):
                cuts.append((match.start() + 1, match.end()))
    pieces: list[tuple[int, int]] = []
    cursor = start
    for cut_start, cut_end in cuts:
        if cut_start - cursor >= 12 and text[cursor:cut_start].strip():
            pieces.append((cursor, cut_start))
            cursor = cut_end
    if end - cursor > 0 and text[cursor:end].strip():
        pieces.append((cursor, end))
    return [(a + len(text[a:b]) - len(text[a:b].lstrip()), a + len(text[a:b].rstrip())) for a, b in pieces]


def _inside_brackets(text: str, start: int, index: int) -> bool:
    chunk = text[start:index]
    return chunk.count("(") > chunk.count(")") or chunk.count("[") > chunk.count("]")
