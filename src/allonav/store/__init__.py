"""Persistence: SQLAlchemy tables, Alembic migrations, repositories and the search index."""
