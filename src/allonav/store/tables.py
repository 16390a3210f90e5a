"""Database tables (SQLAlchemy 2 declarative). Schema changes go through Alembic migrations."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class TrialRow(Base):
    """One registered programme: indexed columns for filtering plus the full record as JSON."""

    __tablename__ = "trials"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    nct_id: Mapped[str] = mapped_column(String(16), unique=True, nullable=False)
    title: Mapped[str | None] = mapped_column(Text)
    overall_status: Mapped[str | None] = mapped_column(String(40), index=True)
    last_update: Mapped[date | None] = mapped_column(Date)
    cell_source: Mapped[str] = mapped_column(String(40), nullable=False, default="unknown")
    has_criteria: Mapped[bool] = mapped_column(default=False, nullable=False)
    content_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    record_size: Mapped[int] = mapped_column(Integer, nullable=False)
    record: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    profile: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class FacetRow(Base):
    """One (facet, value) pair of a trial: what filters and facet counts are built from."""

    __tablename__ = "trial_facets"
    __table_args__ = (Index("ix_trial_facets_facet_value", "facet", "value"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    trial_id: Mapped[int] = mapped_column(ForeignKey("trials.id", ondelete="CASCADE"), nullable=False, index=True)
    facet: Mapped[str] = mapped_column(String(32), nullable=False)
    value: Mapped[str] = mapped_column(Text, nullable=False)


class SearchTextRow(Base):
    """The text that full-text search reads. The dialect-specific index over it is made by migration."""

    __tablename__ = "trial_search"

    trial_id: Mapped[int] = mapped_column(ForeignKey("trials.id", ondelete="CASCADE"), primary_key=True)
    body: Mapped[str] = mapped_column(Text, nullable=False)


class MetaRow(Base):
    """Key/value facts about the store, e.g. the catalogue version that caches compare against."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text, nullable=False)
