"""The `allonav` command line (Typer). Settings are read here, when a command runs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from allonav import cli_extract, cli_judge, cli_screen
from allonav.cli_common import context, err, fail, out, parse_date, print_json, require_nct
from allonav.ingest.files import SourceError, expand_paths
from allonav.services import catalogue_sync
from allonav.services.catalogue_import import ImportReport, default_workers, import_paths
from allonav.services.catalogue_search import SearchQuery, SearchRequestError, trial_detail
from allonav.store.trials import get_trial

app = typer.Typer(help="allonav: find off-the-shelf (allogeneic) CAR-T and CAR-NK programmes.", no_args_is_help=True,
                  add_completion=False)
trials_app = typer.Typer(help="The programme catalogue (ClinicalTrials.gov).", no_args_is_help=True)
db_app = typer.Typer(help="The database.", no_args_is_help=True)
app.add_typer(trials_app, name="trials")
app.add_typer(db_app, name="db")
app.command("screen")(cli_screen.screen)
app.command("criteria")(cli_screen.criteria)
app.command("extract")(cli_extract.extract_command)
app.command("judge")(cli_judge.judge_command)

def print_import_report(report: ImportReport, *, as_json: bool) -> None:
    if as_json:
        print_json(report.as_dict())
        return
    summary = report.summary
    out.print(
        f"imported {summary['imported']}, updated {summary['updated']}, unchanged {summary['unchanged']}"
        f" (older than stored: {summary['older_ignored']}), skipped {summary['skipped']}"
        f" — {summary['read']} records from {summary['files']} file(s)"
    )
    for skipped in report.skipped[:50]:
        err.print(f"skipped {skipped.location}: {skipped.reason}", highlight=False, markup=False)
    if len(report.skipped) > 50:
        err.print(f"… and {len(report.skipped) - 50} more skipped records (use --json for all)")


@trials_app.command("import")
def trials_import(
    paths: Annotated[list[Path], typer.Argument(help="Files (.json, .jsonl, .csv, .zip) or folders")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
) -> None:
    """Import ClinicalTrials.gov exports; bad records are reported and skipped."""
    try:
        expand_paths(paths)
    except SourceError as exc:
        fail(str(exc))
    ctx = context()
    with Progress(TextColumn("importing"), BarColumn(), TextColumn("{task.completed} records"),
                  TimeElapsedColumn(), console=err, transient=True, disable=as_json) as progress:
        task = progress.add_task("import", total=None)
        report = import_paths(ctx.sessions, paths, vocabulary=ctx.vocabulary, workers=default_workers(),
                              on_progress=lambda done, _where: progress.update(task, completed=done))
    print_import_report(report, as_json=as_json)


@trials_app.command("sync")
def trials_sync(
    term: Annotated[str | None, typer.Option(help="Search terms (default: the cell-therapy query)")] = None,
    since: Annotated[str | None, typer.Option(help="Only records updated on or after this date (YYYY-MM-DD)")] = None,
    status: Annotated[list[str] | None, typer.Option(help="Overall status filter, repeatable")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Fetch programmes from the live ClinicalTrials.gov API and upsert them."""
    since_date = parse_date(since, "--since")
    ctx = context()
    try:
        report = catalogue_sync.sync(ctx, term=term, since=since_date, statuses=tuple(status or ()),
                                     on_page=lambda n, total: err.print(f"page {n}: {total} records so far"))
    except catalogue_sync.SyncFailed as exc:
        fail(str(exc), code=1)
    print_import_report(report, as_json=as_json)


@trials_app.command("search")
def trials_search(
    query: Annotated[str, typer.Argument(help="Free text (all words must match; quote a phrase)")] = "",
    antigen: Annotated[list[str] | None, typer.Option(help="Target antigen, e.g. CD19 (repeatable)")] = None,
    source: Annotated[list[str] | None, typer.Option(help="Cell source, or 'allogeneic' for all off-the-shelf")] = None,
    modality: Annotated[list[str] | None, typer.Option(help="CAR-T, CAR-NK, …")] = None,
    disease: Annotated[list[str] | None, typer.Option(help="Disease group, e.g. B-ALL")] = None,
    editing: Annotated[list[str] | None, typer.Option(help="Gene editing, e.g. CRISPR")] = None,
    country: Annotated[list[str] | None, typer.Option(help="Site country")] = None,
    city: Annotated[list[str] | None, typer.Option(help="Site city")] = None,
    status: Annotated[list[str] | None, typer.Option(help="Overall status, or 'open'")] = None,
    phase: Annotated[list[str] | None, typer.Option(help="PHASE1, PHASE2, …")] = None,
    limit: Annotated[int, typer.Option(help="Results per page")] = 20,
    offset: Annotated[int, typer.Option(help="Results to skip")] = 0,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Search the catalogue with free text and filters."""
    filters = {
        "antigen": antigen, "cell_source": source, "modality": modality, "disease_group": disease,
        "gene_editing": editing, "country": country, "city": city, "status": status, "phase": phase,
    }
    request = SearchQuery(text=query, filters={k: v for k, v in filters.items() if v}, offset=offset, limit=limit)
    ctx = context()
    with ctx.sessions() as session:
        try:
            page = ctx.search.search(session, request)
        except SearchRequestError as exc:
            fail(str(exc))
    if as_json:
        print_json({"total": page.total, "offset": page.offset, "limit": page.limit,
                    "results": [hit.as_dict() for hit in page.hits],
                    "facets": {k: [{"value": v, "count": c} for v, c in vals] for k, vals in page.facets.items()}})
        return
    table = Table(title=f"{page.total} programme(s)", show_lines=False, expand=True)
    table.add_column("NCT ID", no_wrap=True, min_width=11)
    table.add_column("Status", max_width=14)
    table.add_column("Source · modality · antigens · diseases", ratio=2, overflow="fold")
    table.add_column("Title · countries", ratio=3, overflow="fold")
    for hit in page.hits:
        values = hit.as_dict()
        profile = " · ".join(
            part for part in (values["cell_source"], ", ".join(values["modality"]), ", ".join(values["antigens"]),
                              ", ".join(values["disease_groups"])) if part
        )
        countries = ", ".join(hit.countries[:4]) + (" …" if len(hit.countries) > 4 else "")
        table.add_row(hit.nct_id, (hit.overall_status or "").replace("_", " ").lower(), profile,
                      f"{hit.title or ''}\n[dim]{countries or 'no sites listed'}[/]")
    out.print(table)


@trials_app.command("show")
def trials_show(
    nct_id: Annotated[str, typer.Argument(help="NCT ID, e.g. NCT05000000")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Show one programme with its classification and the evidence for it."""
    nct_id = require_nct(nct_id)
    ctx = context()
    with ctx.sessions() as session:
        stored = get_trial(session, nct_id)
    if stored is None:
        fail(f"{nct_id.upper()} is not in the catalogue; import or sync it first", code=1)
    detail = trial_detail(stored)
    if as_json:
        print_json(detail)
        return
    out.print(f"[bold]{detail['nct_id']}[/] {detail['title'] or ''}", highlight=False)
    out.print(f"status {detail['overall_status']} · phases {', '.join(detail['phases']) or '—'}"
              f" · last update {detail['last_update'] or '—'}")
    for field in ("modality", "cell_source", "gene_editing", "antigens", "disease_groups"):
        value = detail[field]
        shown = value if isinstance(value, str) else ", ".join(value) or "—"
        out.print(f"[bold]{field}[/]: {shown}", highlight=False)
        for label, evidence in detail["evidence"][field].items():
            for item in evidence[:2]:
                out.print(f"    {label} ← {item['field']}: “{item['text']}”", highlight=False, markup=False)
    out.print(f"[bold]countries[/]: {', '.join(detail['countries']) or '—'} ({len(detail['sites'])} sites)")
    out.print(f"[bold]criteria[/]: {detail['criteria_status']}")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database schema."""
    ctx = context()
    out.print(f"database at {ctx.settings.database_url} is up to date")


@app.command("setup")
def setup(
    offline: Annotated[bool, typer.Option(help="Never try the live API")] = False,
) -> None:
    """Create or migrate the database and fill an empty catalogue (live API, else the snapshot)."""
    ctx = context()
    message = catalogue_sync.fill_if_empty(ctx, offline=offline or ctx.settings.offline,
                                           log=lambda text: err.print(text, highlight=False))
    out.print(message, highlight=False)


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
) -> None:
    """Serve the web app and the API."""
    import uvicorn

    from allonav.web.app import create_app

    if not 0 < port < 65536:
        fail(f"--port must be between 1 and 65535, got {port}")
    uvicorn.run(create_app(), host=host, port=port, log_level="info")


def main() -> None:
    app()
