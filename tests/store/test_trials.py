"""Upsert keyed on NCT ID: newer replaces, older is ignored, re-imports change nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from sqlalchemy import select

from allonav.domain.trial import CellTherapyProfile, Labelled, Site, Trial
from allonav.services.context import Context
from allonav.store.tables import FacetRow
from allonav.store.trials import catalogue_version, get_trial, upsert_trials

NOW = datetime(2026, 11, 26, tzinfo=UTC)
PROFILE = CellTherapyProfile(modality=(Labelled("CAR-T"),), cell_source=Labelled("ipsc"))
BASE = Trial(nct_id="NCT99001000", title="iPSC CAR-T", last_update=date(2026, 1, 1),
             sites=(Site("H", "Beijing", None, "China"),))


def _upsert(ctx: Context, *trials: Trial) -> dict[str, list[str]]:
    with ctx.sessions.begin() as session:
        counts = upsert_trials(session, items=[(t, PROFILE) for t in trials], now=NOW)
    return {"inserted": counts.inserted, "updated": counts.updated, "unchanged": counts.unchanged,
            "older": counts.older}


def test_insert_then_identical_reimport_is_unchanged(ctx: Context) -> None:
    assert _upsert(ctx, BASE)["inserted"] == ["NCT99001000"]
    assert _upsert(ctx, BASE)["unchanged"] == ["NCT99001000"]


def test_newer_record_replaces_and_its_sites_follow(ctx: Context) -> None:
    _upsert(ctx, BASE)
    newer = replace(BASE, title="iPSC CAR-T v2", last_update=date(2026, 2, 1),
                    sites=(Site("H2", "Shanghai", None, "China"), Site("H3", "Boston", None, "United States")))
    assert _upsert(ctx, newer)["updated"] == ["NCT99001000"]
    with ctx.sessions() as session:
        stored = get_trial(session, "nct99001000")
        assert stored is not None and stored.trial.title == "iPSC CAR-T v2"
        assert [site.city for site in stored.trial.sites] == ["Shanghai", "Boston"]
        cities = set(session.execute(select(FacetRow.value).where(FacetRow.facet == "city")).scalars())
        assert cities == {"Shanghai", "Boston"}


def test_older_record_is_ignored(ctx: Context) -> None:
    _upsert(ctx, BASE)
    older = replace(BASE, title="stale", last_update=date(2025, 6, 1))
    assert _upsert(ctx, older)["older"] == ["NCT99001000"]
    with ctx.sessions() as session:
        stored = get_trial(session, "NCT99001000")
        assert stored is not None and stored.trial.title == "iPSC CAR-T"


def test_import_order_does_not_change_the_outcome(ctx: Context) -> None:
    sparse = replace(BASE, last_update=None, sites=())
    _upsert(ctx, sparse, BASE)
    _upsert(ctx, BASE)
    _upsert(ctx, sparse)
    with ctx.sessions() as session:
        stored = get_trial(session, "NCT99001000")
        assert stored is not None and stored.trial.last_update == date(2026, 1, 1)


def test_catalogue_version_moves_only_on_change(ctx: Context) -> None:
    with ctx.sessions() as session:
        start = catalogue_version(session)
    _upsert(ctx, BASE)
    with ctx.sessions() as session:
        after_insert = catalogue_version(session)
    _upsert(ctx, BASE)
    with ctx.sessions() as session:
        assert catalogue_version(session) == after_insert > start
