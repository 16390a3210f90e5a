"""`allonav judge`: criterion-level verdicts straight from patient notes, JSON Lines in and out."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from allonav.cli_common import err, fail, out, parse_date
from allonav.criteria import load_criteria_vocabulary
from allonav.domain.labs import load_labs
from allonav.eligibility import load_rules
from allonav.records import load_vocabulary
from allonav.services.note_judge import NoteJudge


def judge_command(
    jsonl: Annotated[Path, typer.Option("--jsonl", help='Input: one {"id", "note", "criterion_type", '
                                        '"criterion_text"} per line')],
    out_path: Annotated[Path, typer.Option("--out", help='Output: one {"id", "label", "evidence_sentences", '
                                           '"explanation"} per line')],
    as_of: Annotated[str | None, typer.Option("--as-of", help="Reading date (default: today)")] = None,
) -> None:
    """Judge each note × criterion pair offline; bad lines are reported and skipped."""
    day = parse_date(as_of, "--as-of") or date.today()
    try:
        lines = jsonl.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{jsonl}: cannot read ({exc})")
    labs = load_labs()
    engine = NoteJudge(load_criteria_vocabulary(), load_vocabulary(), labs, load_rules(labs=labs))
    results: list[str] = []
    skipped = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if not isinstance(row, dict):
                raise ValueError("a line must be a JSON object")
            missing = [k for k in ("note", "criterion_type", "criterion_text") if not isinstance(row.get(k), str)]
            if missing:
                raise ValueError(f"missing or non-text field(s): {', '.join(missing)}")
            result = engine.judge(row["note"], row["criterion_type"], row["criterion_text"], as_of=day)
        except ValueError as exc:  # json.JSONDecodeError is a ValueError too
            skipped += 1
            err.print(f"skipped {jsonl}:{number}: {exc}", highlight=False, markup=False)
            continue
        results.append(json.dumps({"id": row.get("id", number), "label": result.label,
                                   "evidence_sentences": list(result.evidence_sentences),
                                   "explanation": result.explanation}, ensure_ascii=False))
    try:
        out_path.write_text("".join(r + "\n" for r in results), encoding="utf-8")
    except OSError as exc:
        fail(f"{out_path}: cannot write ({exc})")
    out.print(f"judged {len(results)} pair(s), skipped {skipped}; written to {out_path}")
