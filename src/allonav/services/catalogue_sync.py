"""Fill the catalogue from the live ClinicalTrials.gov API, or from a snapshot when offline."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date

import httpx

from allonav.ingest.sync import CELL_THERAPY_TERM, CtgovClient, SyncConfig, SyncError, SyncQuery
from allonav.services.catalogue_import import ImportReport, default_workers, import_paths, import_studies
from allonav.services.context import Context
from allonav.store.trials import count_trials

PROBE_SECONDS = 3.0


class SyncFailed(RuntimeError):
    """The sync could not run or stopped; records imported before the failure are kept."""


def sync(
    ctx: Context,
    *,
    term: str | None = None,
    since: date | None = None,
    statuses: tuple[str, ...] = (),
    client: httpx.Client | None = None,
    sleep: Callable[[float], None] = time.sleep,
    on_page: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Fetch every page of the query and upsert it page by page (each page commits on its own)."""
    try:
        query = SyncQuery(term=term or CELL_THERAPY_TERM, statuses=statuses, updated_since=since)
    except ValueError as exc:
        raise SyncFailed(str(exc)) from None
    report = ImportReport()
    try:
        with CtgovClient(SyncConfig(base_url=ctx.settings.ctgov_url), client=client, sleep=sleep) as api:
            for page in api.iter_pages(query):
                import_studies(ctx.sessions, page.studies, source=f"ctgov-api page {page.number}",
                               vocabulary=ctx.vocabulary, report=report)
                if on_page:
                    on_page(page.number, report.read)
    except SyncError as exc:
        done = report.summary
        raise SyncFailed(f"{exc} (kept what was fetched before: {done['imported']} new, {done['updated']} updated)") \
            from None
    return report


def fill_if_empty(ctx: Context, *, offline: bool, log: Callable[[str], None],
                  client: httpx.Client | None = None, sleep: Callable[[float], None] = time.sleep) -> str:
    """First-run fill: the live cell-therapy query when reachable, else the snapshot, else say how to fill it."""
    with ctx.sessions() as session:
        existing = count_trials(session)
    if existing:
        return f"catalogue ready: {existing} programmes (run `allonav trials sync` to refresh)"
    if not offline:
        with CtgovClient(SyncConfig(base_url=ctx.settings.ctgov_url), client=client) as api:
            reachable = api.probe(PROBE_SECONDS)
        if reachable:
            log("ClinicalTrials.gov is reachable: syncing the cell-therapy programmes …")
            try:
                report = sync(ctx, client=client, sleep=sleep,
                              on_page=lambda n, total: log(f"page {n}: {total} records"))
                return f"catalogue filled from ClinicalTrials.gov: {report.summary['imported']} programmes"
            except SyncFailed as exc:
                log(f"live sync stopped: {exc}")
        else:
            log("ClinicalTrials.gov is not reachable: using the local snapshot")
    snapshot = ctx.settings.snapshot
    if snapshot is not None and snapshot.exists():
        report = import_paths(ctx.sessions, [snapshot], vocabulary=ctx.vocabulary, workers=default_workers())
        summary = report.summary
        return (f"catalogue filled from {snapshot}: {summary['imported']} programmes"
                f" ({summary['skipped']} records skipped)")
    return ("the catalogue is empty and ClinicalTrials.gov is not reachable; fill it with "
            "`allonav trials import PATH` (a ClinicalTrials.gov export) or set ALLONAV_SNAPSHOT to a folder of exports")
