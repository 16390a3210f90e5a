"""`allonav screen` and `allonav criteria`: eligibility screening from the command line."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from allonav.cli_common import context, err, fail, out, parse_date, print_json, require_nct
from allonav.domain.verdict import CriterionVerdict
from allonav.services.case_input import CaseInputError, case_from_file
from allonav.services.screening import (
    DISCLAIMER,
    TrialNotFound,
    criteria_of,
    criteria_to_dict,
    report_to_dict,
    screen_case,
)

#: How a verdict reads to a family: an exclusion that is "met" excludes; one that is "not met" is clear.
LABELS = {
    ("inclusion", "met"): "meets",
    ("inclusion", "not_met"): "DOES NOT MEET",
    ("exclusion", "met"): "EXCLUDED BY",
    ("exclusion", "not_met"): "clear",
    ("inclusion", "unknown"): "unknown",
    ("exclusion", "unknown"): "unknown",
    ("inclusion", "not_applicable"): "n/a",
    ("exclusion", "not_applicable"): "n/a",
}


def label(verdict: CriterionVerdict) -> str:
    return LABELS[(verdict.criterion.kind.value, verdict.label.value)]


def screen(
    case_file: Annotated[Path, typer.Argument(help="Patient case JSON (see examples/)")],
    trial: Annotated[str | None, typer.Option("--trial", help="Screen against one NCT ID")] = None,
    all_trials: Annotated[bool, typer.Option("--all", help="Screen against every programme")] = False,
    top: Annotated[int, typer.Option(help="With --all: how many programmes to show")] = 10,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Screening date (default: today)")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Screen a case criterion by criterion: met / not met / unknown, with evidence and what to collect."""
    if (trial is None) == (not all_trials):
        fail("give either --trial NCT_ID or --all")
    if trial is not None:
        trial = require_nct(trial)
    if top < 1:
        fail("--top must be at least 1")
    day = parse_date(as_of, "--as-of") or date.today()
    ctx = context()
    try:
        case = case_from_file(ctx, case_file, as_of=day)
    except CaseInputError as exc:
        fail(str(exc))
    with ctx.sessions() as session:
        try:
            report = screen_case(session, ctx.criteria, case, as_of=day, rules=ctx.judge_rules, nct_id=trial, top=top)
        except TrialNotFound as exc:
            fail(str(exc), code=1)
    if as_json:
        print_json(report_to_dict(report))
        return
    out.print(f"[bold]Case {case.case_id}[/] screened on {day.isoformat()} — {DISCLAIMER}")
    table = Table(title="Allogeneic readiness (protocol-independent)", expand=True)
    for column in ("id", "factor", "verdict", "to collect"):
        table.add_column(column, overflow="fold")
    for factor in report.readiness:
        table.add_row(factor.criterion.criterion_id, factor.criterion.text, label(factor),
                      "; ".join(factor.to_collect))
    out.print(table)
    for item in report.trials:
        verdict = item.verdict
        out.print(f"\n[bold]{item.nct_id}[/] {item.title or ''} — [bold]{verdict.fit.value.replace('_', ' ')}[/]",
                  highlight=False)
        if verdict.note:
            out.print(f"  {verdict.note}", highlight=False, markup=False)
        rows = Table(expand=True, show_header=True)
        for column in ("id", "criterion", "verdict", "evidence / to collect"):
            rows.add_column(column, overflow="fold")
        for v in verdict.verdicts:
            detail = "; ".join([f"{e.path} = {e.value}" for e in v.evidence] + [f"collect: {c}" for c in v.to_collect])
            rows.add_row(v.criterion.criterion_id, v.criterion.text[:160], label(v), detail)
        if verdict.verdicts:
            out.print(rows)


def criteria(
    nct_id: Annotated[str, typer.Argument(help="NCT ID")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Show a programme's eligibility criteria parsed into checkable criteria."""
    nct_id = require_nct(nct_id)
    ctx = context()
    with ctx.sessions() as session:
        try:
            row, parsed = criteria_of(session, ctx.criteria, nct_id)
        except TrialNotFound as exc:
            fail(str(exc), code=1)
    data = criteria_to_dict(parsed, row.nct_id)
    if as_json:
        print_json(data)
        return
    if parsed is None:
        err.print(data["note"])
        return
    table = Table(title=f"{row.nct_id}: {len(parsed.criteria)} criteria", expand=True)
    for column in ("id", "kind", "category", "text"):
        table.add_column(column, overflow="fold")
    for criterion in parsed.criteria:
        table.add_row(criterion.criterion_id, criterion.kind.value, criterion.category.value, criterion.text)
    out.print(table)
