"""Regressions found screening a CD7+ T-ALL case against a real CD7 CAR-T protocol (NCT04823091)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from allonav.catalogue import load_vocabulary
from allonav.criteria import leaves, load_criteria_vocabulary, parse_criteria
from allonav.domain.criterion import Category, CriterionKind
from allonav.domain.labs import load_labs
from allonav.domain.verdict import VerdictLabel
from allonav.eligibility import judge, load_rules
from allonav.ingest.case_json import load_case

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
AS_OF = date(2026, 10, 1)
TEXT = """Inclusion Criteria:
1. Diagnosed as T-cell hematologic malignancies (including leukemia and lymphoma) according to WHO2016 criteria;
2. CD7 were positive in bone marrow or cerebrospinal fluid by immunohistochemistry or flow cytometry at screening, \
and one of the following conditions is satisfied:
   A. No remission was achieved after at least 2 lines of standard therapy; B. Relapse or progression after \
standard treatment;
"""


def _case(cd7_positive: bool) -> object:
    data = json.loads((EXAMPLES / "tall_cd7_positive_circulating_blasts.json").read_text())
    for result in data["antigens"]:
        if result["antigen"].upper() == "CD7" and not cd7_positive:
            result["positive"], result["percent"] = False, 0
    return load_case(data, labs=load_labs(), antigens=load_vocabulary().antigen_order, as_of=date(2026, 11, 26))


@pytest.fixture(scope="module")
def parsed() -> list:  # type: ignore[type-arg]
    return list(parse_criteria("NCT04823091", TEXT, load_criteria_vocabulary()).criteria)


def test_generic_t_cell_malignancy_names_every_t_cell_group(parsed: list) -> None:  # type: ignore[type-arg]
    diagnosis = parsed[0]
    assert diagnosis.category is Category.DIAGNOSIS
    assert set(diagnosis.values) == {"T-ALL", "T-LBL", "PTCL", "other-T-cell"}


def test_csf_as_specimen_is_not_a_cns_criterion_and_no_remission_is_refractory(parsed: list) -> None:  # type: ignore[type-arg]
    antigen = parsed[1]
    assert antigen.category is Category.ANTIGEN and antigen.values == ("CD7",)
    assert all(leaf.category is not Category.CNS for leaf in leaves([antigen]))
    status = [leaf for leaf in leaves([antigen]) if leaf.category is Category.DISEASE_STATUS]
    assert status and not any(leaf.negated for leaf in status)


@pytest.mark.parametrize(("cd7_positive", "expected"), [(True, VerdictLabel.MET), (False, VerdictLabel.NOT_MET)])
def test_parent_condition_holds_besides_its_any_of_group(parsed: list, cd7_positive: bool,  # type: ignore[type-arg]
                                                         expected: VerdictLabel) -> None:
    criterion = parsed[1]
    assert criterion.kind is CriterionKind.INCLUSION and criterion.children
    verdict = judge(_case(cd7_positive), criterion, as_of=AS_OF, rules=load_rules())  # type: ignore[arg-type]
    assert verdict.label is expected
    assert any(e.path == "antigens[CD7]" for e in verdict.evidence)
