"""`allonav extract`: case facts proposed from free-text records, each with its source sentence."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from allonav.cli_common import fail, out, parse_date, print_json
from allonav.domain.labs import load_labs
from allonav.ingest.case_json import case_to_json
from allonav.records import Extraction, Fact, extract, load_vocabulary, to_case


def _fact_to_dict(fact: Fact) -> dict[str, Any]:
    source = fact.provenance
    return {
        "path": fact.path,
        "value": fact.display,
        "status": fact.status,
        "confidence": fact.confidence,
        "provenance": {"source": source.source, "sentence": source.sentence,
                       "span": list(source.span) if source.span else None, "text": source.text},
    }


def extract_command(
    files: Annotated[list[Path], typer.Argument(help="Text records: clinic notes, discharge summaries, reports")],
    case_id: Annotated[str, typer.Option(help="Case id of the proposed case")] = "extracted",
    as_of: Annotated[str | None, typer.Option("--as-of", help="Reading date (default: today)")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Propose case facts from free-text records; every fact names its document and sentence."""
    day = parse_date(as_of, "--as-of") or date.today()
    vocabulary, labs = load_vocabulary(), load_labs()
    extractions: list[Extraction] = []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            fail(f"{path}: cannot read this record as UTF-8 text ({exc})")
        extractions.append(extract(path.name, text, vocabulary=vocabulary, labs=labs, as_of=day))
    facts = tuple(fact for item in extractions for fact in item.facts)
    merged = Extraction(doc_id="+".join(item.doc_id for item in extractions), as_of=day, sentences=(), facts=facts)
    case = to_case(merged, case_id)
    if as_json:
        print_json({"case": case_to_json(case), "facts": [_fact_to_dict(f) for f in facts],
                    "note": "proposed facts: a reviewer accepts or rejects each before it enters the case"})
        return
    table = Table(title=f"{len(facts)} proposed facts from {len(files)} record(s)", expand=True)
    for column in ("field", "value", "status", "source"):
        table.add_column(column, overflow="fold")
    for fact in facts:
        table.add_row(fact.path, fact.display, fact.status,
                      f"{fact.provenance.source} sentence {fact.provenance.sentence}: “{fact.provenance.text}”")
    out.print(table)
