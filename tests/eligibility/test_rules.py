"""rules.toml and readiness.toml are validated on load: a typo fails with a message naming what is allowed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from allonav.eligibility import JudgeRules, RulesError, load_rules
from allonav.eligibility.rules import COLLECT_KEYS, READINESS, RULES


def test_packaged_rules_load(rules: JudgeRules) -> None:
    assert (rules.lab_days, rules.antigen_days, rules.performance_days) == (14, 90, 30)
    assert rules.lab_days_for("LVEF") == 42 and rules.lab_days_for("ANC") == 14
    assert set(rules.collect) == COLLECT_KEYS
    assert rules.lab_name("ANC") == "ANC (absolute neutrophil count)"
    assert rules.therapies["investigational"].confirm_absence
    assert "blinatumomab" in rules.therapies["bispecific"].names


def test_every_parameter_line_cites_a_source() -> None:
    numeric = [line for line in RULES.read_text(encoding="utf-8").splitlines() if re.match(r"^\w+ = \d", line)]
    assert len(numeric) == 4
    for line in numeric:
        assert "allonav default, to be set by the medical reviewer" in line or "—" in line, line


def _write(tmp_path: Path, text: str, name: str = "rules.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


RULES_TEXT = RULES.read_text(encoding="utf-8")
READINESS_TEXT = READINESS.read_text(encoding="utf-8")

BAD_RULES = [
    ("lab = 14 ", "lab = -1 ", "positive whole number"),
    ("antigen = 90", "antigen = 90\nbogus = 3", "unknown key"),
    ("LVEF = 42", "troponin = 42", "is not a lab"),
    ('age = "age (date of birth)"\n', "", "missing key"),
    ('ANC = "ANC (absolute neutrophil count)"', 'NEUT = "x"', "unknown key 'NEUT'"),
    ('kinds = ["chemotherapy"]\nwords', "words", "needs kinds or names"),
    ("[allowance]", "[allowances]", "unknown table"),
]


@pytest.mark.parametrize(("old", "new", "message"), BAD_RULES, ids=[b[2] for b in BAD_RULES])
def test_malformed_rules_fail_loudly(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert old in RULES_TEXT
    with pytest.raises(RulesError, match=message):
        load_rules(_write(tmp_path, RULES_TEXT.replace(old, new, 1)))


BAD_FACTORS = [
    ('category = "disease_status"', 'category = "mood"', "not allowed"),
    ('comparator = "<=", value = 34.2', 'comparator = "≈", value = 34.2', "not allowed"),
    ('measurement = "bilirubin"', 'measurement = "bili"', "lab measurement"),
    ('method = "flow"', 'method = "PCR"', "method"),
    ('group = "all"', "", "go together"),
    ('kind = "exclusion"', 'kind = "maybe"', "not allowed"),
]


@pytest.mark.parametrize(("old", "new", "message"), BAD_FACTORS, ids=[b[0] for b in BAD_FACTORS])
def test_malformed_factors_fail_loudly(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert old in READINESS_TEXT
    bad = _write(tmp_path, READINESS_TEXT.replace(old, new, 1), "readiness.toml")
    with pytest.raises(RulesError, match=message):
        load_rules(readiness_path=bad)


def test_factor_without_source_fails(tmp_path: Path) -> None:
    text = READINESS_TEXT.replace('source = "seed (relapsed', 'note = "seed (relapsed', 1)
    with pytest.raises(RulesError, match=r"unknown key|source"):
        load_rules(readiness_path=_write(tmp_path, text, "readiness.toml"))
