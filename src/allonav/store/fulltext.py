"""Database-native full-text search: SQLite FTS5 or PostgreSQL tsvector, behind one function."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.orm import Session

_PHRASE = re.compile(r'"([^"]*)"|(\S+)')
_TOKEN = re.compile(r"\w+", re.UNICODE)


def query_phrases(query: str) -> list[list[str]]:
    """Split a search box query into phrases of word tokens: `CAR-T "cord blood"` → [[car, t], [cord, blood]].

    Every phrase must match (AND); punctuation only separates tokens, so user input can never
    inject query syntax.
    """
    phrases: list[list[str]] = []
    for quoted, bare in _PHRASE.findall(query):
        tokens = [t.lower() for t in _TOKEN.findall(quoted or bare)]
        if tokens:
            phrases.append(tokens)
    return phrases


def matching_ids(session: Session, phrases: Sequence[Sequence[str]]) -> list[int]:
    """Trial row ids whose search text contains every phrase."""
    if not phrases:
        return []
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        match = " ".join('"' + " ".join(tokens) + '"' for tokens in phrases)
        rows = session.execute(text("SELECT rowid FROM trial_fts WHERE trial_fts MATCH :q"), {"q": match})
    else:
        params = {f"p{i}": " ".join(tokens) for i, tokens in enumerate(phrases)}
        condition = " && ".join(f"phraseto_tsquery('english', :p{i})" for i in range(len(phrases)))
        rows = session.execute(text(f"SELECT trial_id FROM trial_search WHERE tsv @@ ({condition})"), params)
    return [int(row[0]) for row in rows]
