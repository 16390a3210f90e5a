"""Vocabulary loading: the packaged data is valid, and malformed data fails with a helpful message."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from allonav.catalogue import VocabularyError, load_vocabulary
from allonav.catalogue.vocabulary import DATA_DIR, FILES


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def _append(directory: Path, name: str, text: str) -> None:
    with (directory / name).open("a", encoding="utf-8") as handle:
        handle.write(text)


def test_packaged_vocabulary_loads_and_is_ordered() -> None:
    vocabulary = load_vocabulary()
    assert vocabulary.antigen_order[:4] == ("CD19", "CD20", "CD22", "BCMA")
    assert len(set(vocabulary.antigen_order)) == len(vocabulary.antigen_order)
    assert {term.value for term in vocabulary.disease_groups} >= {"B-ALL", "MM", "AML", "autoimmune"}


def test_loading_from_an_explicit_directory(tmp_path: Path) -> None:
    assert load_vocabulary(_copy(tmp_path)).antigen_order == load_vocabulary().antigen_order


@pytest.mark.parametrize(
    ("scenario", "file", "text", "expected"),
    [
        ("disease group not in DISEASE_GROUPS", "diseases.toml",
         "\n[[group]]\nvalue = \"B-CLL\"\npatterns = ['x']\n", "value 'B-CLL' is not allowed; allowed: B-ALL, LBCL"),
        ("unknown key in an entry", "antigens.toml",
         "\n[[antigen]]\nname = \"TROP2\"\npatterns = ['TROP-?2']\nsynonyms = ['x']\n",
         "unknown key(s) synonyms; allowed: name, patterns"),
        ("invalid regex", "antigens.toml", "\n[[antigen]]\nname = \"ZZZ9\"\npatterns = ['ZZZ(9']\n",
         "invalid regular expression"),
        ("modality outside MODALITIES", "modality.toml", "\n[[modality]]\nvalue = \"CAR-B\"\npatterns = ['x']\n",
         "allowed: CAR-T, CAR-NK"),
        ("cell source outside CELL_SOURCES", "cell_source.toml",
         "\n[[source]]\nvalue = \"xenogeneic\"\nstrength = \"strong\"\npatterns = ['pig']\n", "allowed: autologous"),
        ("bad strength", "cell_source.toml",
         "\n[[source]]\nvalue = \"autologous\"\nstrength = \"medium\"\npatterns = ['own']\n", "allowed: strong, weak"),
        ("editing outside GENE_EDITING", "gene_editing.toml",
         "\n[[technique]]\nvalue = \"prime-editing\"\npatterns = ['prime edit']\n", "allowed: CRISPR, TALEN"),
        ("duplicate antigen", "antigens.toml", "\n[[antigen]]\nname = \"CD19\"\npatterns = ['x']\n", "duplicate"),
        ("empty patterns", "antigens.toml", "\n[[antigen]]\nname = \"ZZZ9\"\npatterns = []\n", "non-empty list"),
        ("unknown top-level table", "context.toml", "\n[affirmation]\nbefore = ['x']\n", "unknown key(s) affirmation"),
        ("umbrella yields to unknown group", "diseases.toml",
         "\n[[umbrella]]\nvalue = \"other\"\npatterns = ['x']\nyields_to = [\"DLBCL\"]\n", "'DLBCL' is not allowed"),
    ],
)
def test_malformed_vocabulary_is_rejected_with_allowed_values(
    tmp_path: Path, scenario: str, file: str, text: str, expected: str
) -> None:
    directory = _copy(tmp_path)
    _append(directory, file, text)
    with pytest.raises(VocabularyError) as info:
        load_vocabulary(directory)
    assert expected in str(info.value), scenario
    assert file in str(info.value)


def test_missing_file_names_the_expected_files(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    (directory / "antigens.toml").unlink()
    with pytest.raises(VocabularyError, match="expected files: " + ", ".join(FILES)):
        load_vocabulary(directory)


def test_invalid_toml_is_reported(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _append(directory, "modality.toml", "\n[[modality\n")
    with pytest.raises(VocabularyError, match="not valid TOML"):
        load_vocabulary(directory)
