"""The running application's parts, built once from settings by the CLI or `create_app()`."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from allonav.catalogue.vocabulary import Vocabulary, load_vocabulary
from allonav.criteria import load_criteria_vocabulary
from allonav.domain.labs import LabVocabulary, load_labs
from allonav.domain.trial import CELL_SOURCES, DISEASE_GROUPS, GENE_EDITING, MODALITIES, OverallStatus, Phase
from allonav.eligibility import JudgeRules, load_rules
from allonav.services.catalogue_search import CatalogueSearch
from allonav.services.screening import CriteriaCache
from allonav.settings import Settings
from allonav.store.db import make_engine, migrate, session_factory


@dataclass
class Context:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    vocabulary: Vocabulary
    search: CatalogueSearch

    @cached_property
    def labs(self) -> LabVocabulary:
        return load_labs()

    @cached_property
    def judge_rules(self) -> JudgeRules:
        return load_rules(labs=self.labs)

    @cached_property
    def criteria(self) -> CriteriaCache:
        """Parsed criteria, shared by every request of this process."""
        return CriteriaCache(load_criteria_vocabulary())

    def close(self) -> None:
        self.engine.dispose()


def closed_vocabularies(vocabulary: Vocabulary) -> dict[str, tuple[str, ...]]:
    """The values each catalogue filter may take (a value outside them is refused with this list)."""
    return {
        "modality": MODALITIES,
        "cell_source": CELL_SOURCES,
        "gene_editing": GENE_EDITING,
        "disease_group": DISEASE_GROUPS,
        "antigen": vocabulary.antigen_order,
        "status": tuple(status.value for status in OverallStatus),
        "phase": tuple(phase.value for phase in Phase),
    }


def open_context(settings: Settings, *, upgrade: bool = True) -> Context:
    """Connect to the configured database and bring its schema up to date."""
    engine = make_engine(settings.database_url)
    if upgrade:
        migrate(engine)
    vocabulary = load_vocabulary()
    return Context(settings=settings, engine=engine, sessions=session_factory(engine), vocabulary=vocabulary,
                   search=CatalogueSearch(closed_vocabularies(vocabulary)))
