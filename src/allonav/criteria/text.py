"""Text cleaning that keeps a map back to the source offsets (so spans always point into the trial's text)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

_ESCAPES = {"\\>": ">", "\\<": "<", "\\^": "^", "\\[": "[", "\\]": "]", "\\*": "*", "\\-": "-", "\\_": "_",
            "\\~": "~", "\\+": "+", "\\(": "(", "\\)": ")", "\\#": "#", "\\.": ".", "\\=": "="}
_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{1,6}|#x[0-9a-fA-F]{1,5});")
_SPACE = set(" \t\r\n\u00a0\u2002\u2003\u2009\u3000\u200b\ufeff")
_FOLD = {"＞": ">", "＜": "<", "≧": "≥", "≦": "≤", "⩾": "≥", "⩽": "≤", "：": ":", "；": ";", "，": ", ", "（": "(",
         "）": ")", "μ": "µ", "～": "~", "−": "-", "‐": "-", "‑": "-", "–": "-", "—": "-", "⁹": "^9", "³": "3",
         "²": "2", "％": "%", "。": ". ", "、": ", ", "’": "'", "‘": "'", "“": '"', "”": '"'}


@dataclass(frozen=True, slots=True)
class Clean:
    """Cleaned text and, for each of its characters, the offset of the source character it came from."""

    text: str
    offsets: tuple[int, ...]
    end: int  # source offset just past the cleaned range
    ends: tuple[int, ...] = ()  # for each character, the source offset just past what it came from

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Source span of the cleaned range [start, end), e.g. the span of "ANC ≥ 1.0" inside a lab item."""
        if not self.offsets:
            return (self.end, self.end)
        start = max(0, min(start, len(self.offsets) - 1))
        end = max(start + 1, min(end, len(self.offsets)))
        last = self.ends[end - 1] if len(self.ends) == len(self.offsets) else self.offsets[end - 1] + 1
        return (self.offsets[start], last)


def clean(source: str, start: int = 0, end: int | None = None) -> Clean:
    """Unescape and normalise `source[start:end]`, collapsing white space.

    Example: `clean(r"ANC \\> 1.0 &times; 10\\^9/L").text == "ANC > 1.0 × 10^9/L"`.
    """
    stop = len(source) if end is None else min(end, len(source))
    out: list[str] = []
    offsets: list[int] = []
    ends: list[int] = []
    index = max(0, start)
    while index < stop:
        char = source[index]
        if char == "\\" and index + 1 < stop and source[index : index + 2] in _ESCAPES:
            _emit(out, offsets, _ESCAPES[source[index : index + 2]], index)
            index += 2
            ends.extend([index] * (len(offsets) - len(ends)))
            continue
        if char == "&":
            match = _ENTITY.match(source, index, stop)
            if match:
                replaced = html.unescape(match.group(0))
                if replaced != match.group(0):
                    _emit(out, offsets, replaced, index)
                    index = match.end()
                    ends.extend([index] * (len(offsets) - len(ends)))
                    continue
        if char in _SPACE:
            if out and out[-1] != " ":
                out.append(" ")
                offsets.append(index)
            index += 1
            ends.extend([index] * (len(offsets) - len(ends)))
            continue
        _emit(out, offsets, _FOLD.get(char, char), index)
        index += 1
        ends.extend([index] * (len(offsets) - len(ends)))
    while out and out[-1] == " ":
        out.pop()
        offsets.pop()
        ends.pop()
    return Clean("".join(out), tuple(offsets), stop, tuple(ends))


def _emit(out: list[str], offsets: list[int], text: str, index: int) -> None:
    for char in _FOLD.get(text, text):
        if char in _SPACE:
            if not out or out[-1] == " ":
                continue
            char = " "
        out.append(char)
        offsets.append(index)
