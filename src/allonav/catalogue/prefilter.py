"""Literal prefilters for vocabulary patterns: skip a regex scan when its required text is absent.

From a pattern's syntax tree we derive a set of lower-case strings of which at least one must occur in
any text the pattern matches (None when no such guarantee can be read off). Short optional parts and
small character classes are expanded (`CD-?19` → {"cd19", "cd-19"}), so the strings are selective. A
substring test in C is far cheaper than a regex scan that begins with a look-behind, so most terms of
a vocabulary are ruled out per record without running their pattern. The prefilter never changes
results: it only skips scans that cannot match.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

try:  # Python ≥ 3.11 keeps the parser under re._parser.
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_parse

Requirement = frozenset[str] | None

MAX_EXPANSION = 64
_ZERO_WIDTH = {sre_parse.AT, sre_parse.ASSERT, sre_parse.ASSERT_NOT}
_REPEATS = {sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT} | (
    {sre_parse.POSSESSIVE_REPEAT} if hasattr(sre_parse, "POSSESSIVE_REPEAT") else set()
)


def _finite(items: Any) -> set[str] | None:
    """Every string a (sub)sequence can match, when that set is small and literal; else None."""
    out = {""}
    for op, arg in items:
        piece: set[str] | None
        if op is sre_parse.LITERAL:
            piece = {chr(arg).lower()}
        elif op in _ZERO_WIDTH:
            continue
        elif op is sre_parse.SUBPATTERN:
            piece = _finite(arg[-1])
        elif op is sre_parse.BRANCH:
            piece = set()
            for branch in arg[1]:
                sub = _finite(branch)
                if sub is None:
                    return None
                piece |= sub
        elif op is sre_parse.IN:
            piece = _charset(arg)
        elif op in _REPEATS and arg[1] == 1 and arg[0] in (0, 1):
            body = _finite(arg[2])
            piece = None if body is None else (body | {""} if arg[0] == 0 else body)
        else:
            return None
        if piece is None:
            return None
        out = {a + b for a in out for b in piece}
        if len(out) > MAX_EXPANSION:
            return None
    return out


def _charset(items: Any) -> set[str] | None:
    chars: set[str] = set()
    for op, arg in items:
        if op is sre_parse.LITERAL:
            chars.add(chr(arg).lower())
        elif op is sre_parse.RANGE and arg[1] - arg[0] < 4:
            chars |= {chr(c).lower() for c in range(arg[0], arg[1] + 1)}
        else:
            return None
    return chars


def _score(requirement: frozenset[str]) -> int:
    return min(len(s) for s in requirement)


def _sequence(items: Any) -> Requirement:
    """The most selective requirement among the runs of a sequence."""
    candidates: list[frozenset[str]] = []
    run: list[Any] = []

    def close_run() -> None:
        if run:
            expansion = _finite(run)
            if expansion and "" not in expansion:
                candidates.append(frozenset(expansion))
            run.clear()

    for op, arg in items:
        if op is sre_parse.LITERAL or op in _ZERO_WIDTH or op is sre_parse.IN or (
            op in _REPEATS and arg[1] == 1 and arg[0] in (0, 1)
        ):
            run.append((op, arg))
            if _finite(run) is None:  # the run grew past what can be expanded: keep what came before
                run.pop()
                close_run()
                if _finite([(op, arg)]) is not None:
                    run.append((op, arg))
            continue
        close_run()
        inner: Requirement = None
        if op is sre_parse.SUBPATTERN:
            inner = _sequence(arg[-1])
        elif op is sre_parse.BRANCH:
            inner = _branch(arg[1])
        elif op in _REPEATS and arg[0] >= 1:
            inner = _sequence(arg[2])
        if inner:
            candidates.append(inner)
    close_run()
    if not candidates:
        return None
    return max(candidates, key=_score)


def _branch(branches: Any) -> Requirement:
    union: set[str] = set()
    for branch in branches:
        requirement = _sequence(branch)
        if requirement is None:
            return None
        union |= requirement
    return frozenset(union)


@lru_cache(maxsize=4096)
def requirement(pattern: re.Pattern[str]) -> Requirement:
    """Strings (lower case) of which one must occur in any match of `pattern`; None when unknown.

    Example: `(?<![A-Za-z0-9])CD-?19(?![0-9])|Kymriah` → {"cd19", "cd-19", "kymriah"}.
    """
    try:
        found = _sequence(sre_parse.parse(pattern.pattern, pattern.flags))
    except Exception:
        return None
    if found is None or _score(found) < 2:
        return None
    # A piece that contains another piece adds nothing: any text holding it holds the shorter one.
    return frozenset(p for p in found if not any(q != p and q in p for q in found))


@lru_cache(maxsize=2048)
def _lower(text: str) -> str:
    return text.lower()


def may_match(pattern: re.Pattern[str], text: str) -> bool:
    """False only when `pattern` certainly cannot match `text`."""
    needed = requirement(pattern)
    if not needed:
        return True
    haystack = _lower(text)
    return any(piece in haystack for piece in needed)


@lru_cache(maxsize=8192)
def may_match_lowered(pattern: re.Pattern[str], haystack: str) -> bool:
    """`may_match` for text already in lower case (a whole record), remembered per record."""
    needed = requirement(pattern)
    return not needed or any(piece in haystack for piece in needed)
