"""The running application's parts, built once from settings by the CLI or `create_app()`."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from allonav.catalogue.vocabulary import Vocabulary, load_vocabulary
from allonav.services.catalogue_search import CatalogueSearch
from allonav.settings import Settings
from allonav.store.db import make_engine, migrate, session_factory


@dataclass
class Context:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    search: CatalogueSearch

    @cached_property
    def vocabulary(self) -> Vocabulary:
        return load_vocabulary()

    def close(self) -> None:
        self.engine.dispose()


def open_context(settings: Settings, *, upgrade: bool = True) -> Context:
    """Connect to the configured database and bring its schema up to date."""
    engine = make_engine(settings.database_url)
    if upgrade:
        migrate(engine)
    return Context(settings=settings, engine=engine, sessions=session_factory(engine), search=CatalogueSearch())
