"""Errors raised while reading registry records."""

from __future__ import annotations


class RecordError(ValueError):
    """A single record cannot be used; the reason says why, in words a data manager understands."""
