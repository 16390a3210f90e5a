"""Rules as data: the packaged files load, bad files fail with a message naming what is allowed, and the parser only
emits values the contract (docs/criteria-model.md) allows."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from allonav.criteria import CriteriaRulesError, CriteriaVocabulary
from allonav.criteria.rules import ALLOWED_VALUES, DATA, load_rules

ROOT = Path(__file__).resolve().parents[2]


def _copy_data(tmp_path: Path) -> Path:
    for path in DATA.glob("*.toml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    return tmp_path


def test_packaged_rules_load(vocabulary: CriteriaVocabulary) -> None:
    assert vocabulary.concepts and vocabulary.diseases and vocabulary.antigens and vocabulary.lab_patterns


def test_unknown_category_is_rejected(tmp_path: Path) -> None:
    folder = _copy_data(tmp_path)
    (folder / "concepts.toml").write_text(
        (folder / "concepts.toml").read_text() + '\n[[concept]]\ncategory = "horoscope"\npatterns = ["x"]\n')
    with pytest.raises(CriteriaRulesError, match="not one of"):
        load_rules(folder)


def test_value_outside_contract_is_rejected(tmp_path: Path) -> None:
    folder = _copy_data(tmp_path)
    text = (folder / "concepts.toml").read_text().replace('value = "HBV"', 'value = "hepatitis-B"', 1)
    (folder / "concepts.toml").write_text(text)
    with pytest.raises(CriteriaRulesError, match="allowed"):
        load_rules(folder)


def test_bad_regex_and_unknown_lab_are_rejected(tmp_path: Path) -> None:
    folder = _copy_data(tmp_path)
    (folder / "labs.toml").write_text('[[lab]]\nnames = ["WBC"]\npatterns = ["wbc"]\n')
    with pytest.raises(CriteriaRulesError, match="lab names"):
        load_rules(folder)
    (folder / "labs.toml").write_text('[[lab]]\nnames = ["ANC"]\npatterns = ["(unclosed"]\n')
    with pytest.raises(CriteriaRulesError, match="bad regex"):
        load_rules(folder)


def test_antigen_names_match_the_catalogue() -> None:
    catalogue = tomllib.loads((ROOT / "src/allonav/catalogue/data/antigens.toml").read_text(encoding="utf-8"))
    ours = tomllib.loads((DATA / "antigens.toml").read_text(encoding="utf-8"))
    assert {a["name"] for a in ours["antigen"]} <= {a["name"] for a in catalogue["antigen"]}


def test_contract_lists_every_allowed_value() -> None:
    contract = (ROOT / "docs" / "criteria-model.md").read_text(encoding="utf-8")
    for category, values in ALLOWED_VALUES.items():
        for value in values - {"karnofsky"}:
            assert f"`{value}`" in contract or value in contract, (category, value)
