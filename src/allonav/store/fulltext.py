"""Database-native full-text search: SQLite FTS5 or PostgreSQL tsvector, behind one function."""

from __future__ import annotations

import re
from collections.abc import Sequence

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
    """Trial row ids whose search text contains every phrase.

    Reads through the driver's cursor: a common word matches tens of thousands of rows, and plain
    tuples cost a fraction of ORM rows.
    """
    if not phrases:
        return []
    connection = session.connection()
    cursor = connection.connection.cursor()
    try:
        if connection.dialect.name == "sqlite":
            match = " ".join('"' + " ".join(tokens) + '"' for tokens in phrases)
            cursor.execute("SELECT rowid FROM trial_fts WHERE trial_fts MATCH ?", (match,))
        else:
            condition = " && ".join("phraseto_tsquery('english', %s)" for _ in phrases)
            cursor.execute(f"SELECT trial_id FROM trial_search WHERE tsv @@ ({condition})",
                           tuple(" ".join(tokens) for tokens in phrases))
        return [row[0] for row in cursor.fetchall()]
    finally:
        cursor.close()
