"""The trial classifier on short invented registry texts, arbitrary text, and the labelled real records."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from allonav.catalogue import Vocabulary, classify
from allonav.domain.trial import CellTherapyProfile, Intervention, Trial

REPO = Path(__file__).resolve().parents[2]


def trial(**fields: Any) -> Trial:
    interventions = tuple(Intervention(name=i) if isinstance(i, str) else i for i in fields.pop("interventions", ()))
    return Trial(nct_id="NCT00000001", interventions=interventions, **fields)


CASES: list[tuple[str, Trial, dict[str, Any]]] = [
    (
        "universal CD19 CAR-T in B-ALL",
        trial(title="Universal CD19 CAR-T Cells in Relapsed B-cell Acute Lymphoblastic Leukemia"),
        {
            "modality": ("CAR-T",),
            "cell_source": "allogeneic-unspecified",
            "antigens": ("CD19",),
            "diseases": ("B-ALL",),
        },
    ),
    (
        "allogeneic HSCT in criteria does not make the product allogeneic",
        trial(title="CD19 CAR-T for r/r B-NHL", eligibility_criteria="Inclusion: relapse after allogeneic HSCT."),
        {"cell_source": "unknown", "diseases": ("other-B-NHL",)},
    ),
    (
        "CAR-T with no source statement is unknown, not autologous",
        trial(title="BCMA CAR T cells in relapsed multiple myeloma"),
        {"cell_source": "unknown", "antigens": ("BCMA",), "diseases": ("MM",), "editing": ("none-stated",)},
    ),
    (
        "patient's own T cells are autologous",
        trial(title="CART-BCMA in myeloma", brief_summary="The patient's own T cells are collected and modified."),
        {"cell_source": "autologous"},
    ),
    (
        "leukapheresis of the patient for manufacture is autologous",
        trial(title="CD7 CAR-T in T-ALL", eligibility_criteria="No contraindication to leukapheresis."),
        {"cell_source": "autologous", "antigens": ("CD7",), "diseases": ("T-ALL",)},
    ),
    (
        "donor-derived CAR-T after transplant",
        trial(title="Donor-derived CD7 CAR-T cells for T-cell lymphoblastic lymphoma relapsing after HSCT"),
        {"cell_source": "allogeneic-donor", "diseases": ("T-LBL",)},
    ),
    (
        "cord blood CAR-NK",
        trial(title="Cord blood-derived CD19 CAR-NK cells in CLL"),
        {"modality": ("CAR-NK",), "cell_source": "cord-blood", "diseases": ("CLL",)},
    ),
    (
        "iPSC NK with CAR in AML",
        trial(
            title="iPSC-derived NK cells in AML", brief_summary="NK cells expressing a CLL-1 chimeric antigen receptor."
        ),
        {"modality": ("CAR-NK",), "cell_source": "ipsc", "antigens": ("CLL1",), "diseases": ("AML",)},
    ),
    (
        "NK-92 cell line",
        trial(title="BCMA CAR-NK 92 cells in myeloma"),
        {"cell_source": "cell-line", "modality": ("CAR-NK",)},
    ),
    (
        "autologous and allogeneic arms are mixed",
        trial(title="CD5 CAR-T", interventions=["Autologous CD5 CAR-T", "Donor-derived CD5 CAR-T"]),
        {"cell_source": "mixed"},
    ),
    (
        "UCART with TALEN editing",
        trial(title="UCART22 in B-ALL", brief_summary="TALEN-edited allogeneic T cells with a CD22 CAR."),
        {"cell_source": "allogeneic-unspecified", "editing": ("TALEN",), "antigens": ("CD22",)},
    ),
    (
        "CRISPR knockout",
        trial(title="CRISPR/Cas9 PD-1 knockout mesothelin CAR-T in solid tumours"),
        {"editing": ("CRISPR",), "antigens": ("mesothelin",), "diseases": ("solid-tumour",)},
    ),
    (
        "base editing is not counted as CRISPR",
        trial(title="Base-edited CAR7 T cells", brief_summary="Made using CRISPR base editing."),
        {"editing": ("base-editing",)},
    ),
    ("edited without a named technology", trial(title="Gene-edited CD38 CAR-T cells in B-ALL"), {"editing": ()}),
    (
        "dual target CD19/CD22 bispecific CAR",
        trial(title="CD19/CD22 bispecific CAR-T in B-ALL"),
        {"antigens": ("CD19", "CD22")},
    ),
    (
        "dual target BCMA-CD19",
        trial(title="BCMA-CD19 compound CAR T cells in SLE"),
        {"antigens": ("CD19", "BCMA"), "diseases": ("autoimmune",)},
    ),
    (
        "prior CD19 therapy is not the product target",
        trial(title="CD38 CAR-T in B-ALL relapsing after CD19 CAR-T"),
        {"antigens": ("CD38",)},
    ),
    (
        "CD3, CD34, CD4/CD8 and HLA are not targets",
        trial(
            title="GPC3 CAR-T", brief_summary="CD3+ T cells, CD34 counts, CD4/CD8 ratio and HLA typing are measured."
        ),
        {"antigens": ("GPC3",)},
    ),
    (
        "CD19 CAR-T failure in eligibility is not a target",
        trial(title="CAR-T for lymphoma", eligibility_criteria="Inclusion: CD19 CAR-T failed."),
        {"antigens": ()},
    ),
    (
        "approved product names are CAR-T and autologous",
        trial(title="Tisagenlecleucel in young adults with ALL"),
        {"modality": ("CAR-T",), "cell_source": "autologous", "antigens": ("CD19",), "diseases": ("B-ALL",)},
    ),
    ("CART19 variant spelling", trial(title="huCART19 for CLL"), {"modality": ("CAR-T",), "antigens": ("CD19",)}),
    (
        "gamma delta CAR",
        trial(title="Universal CAR-γδT cells in AML", brief_summary="CD123 CAR."),
        {"modality": ("CAR-gdT",)},
    ),
    ("CAR macrophages", trial(title="CAR-macrophages targeting HER2"), {"modality": ("CAR-M",), "antigens": ("HER2",)}),
    ("TCR-T", trial(title="NY-ESO-1 TCR-T cells in sarcoma"), {"modality": ("TCR-T",), "antigens": ("NY-ESO-1",)}),
    (
        "not a cell therapy",
        trial(title="Influenza vaccine in lymphoma", interventions=["High-dose influenza vaccine"]),
        {"modality": ("not-cell-therapy",)},
    ),
    (
        "T-lineage context makes a bare ALL T-ALL",
        trial(title="CD7 CAR-T", conditions=("Acute Lymphoblastic Leukemia",)),
        {"diseases": ("T-ALL",)},
    ),
    ("Chinese-centre English for B-NHL", trial(title="CAR-T in r/r B-NHL"), {"diseases": ("other-B-NHL",)}),
    (
        "DLBCL and myasthenia",
        trial(conditions=("DLBCL", "Myasthenia Gravis"), title="CD19 CAR-T"),
        {"diseases": ("LBCL", "autoimmune")},
    ),
    (
        "eligibility is only a fallback for disease",
        trial(title="CD19 CAR-T", conditions=("Follicular Lymphoma",), eligibility_criteria="Excluded: prior myeloma."),
        {"diseases": ("FL",)},
    ),
    ("nothing about disease is other", trial(title="A cell therapy study"), {"diseases": ("other",)}),
    # CAR-T as the setting, not the product under study
    (
        "a CRS drug given with standard-of-care CAR-T is not a cell therapy",
        trial(title="Drug X with anti-CD19 CAR-T cells in large B-cell lymphoma", interventions=["Siltuximab"]),
        {"modality": ("not-cell-therapy",), "antigens": (), "cell_source": "unknown", "diseases": ("LBCL",)},
    ),
    (
        "a coaching app for patients getting a commercial CAR-T",
        trial(title="Quality of life after tisagenlecleucel in DLBCL", interventions=["Digital health coaching"]),
        {"modality": ("not-cell-therapy",), "cell_source": "unknown", "antigens": ()},
    ),
    (
        "a behavioural intervention type is never the product",
        trial(title="CAR-T recipients and sleep", interventions=[Intervention("Sleep hygiene", type="BEHAVIORAL")]),
        {"modality": ("not-cell-therapy",)},
    ),
    (
        "a registry with no intervention listed",
        trial(title="CAR-T cell therapy in haematological malignancies",
              brief_summary="A multicentre registry of patients treated with CAR-T cells."),
        {"modality": ("not-cell-therapy",)},
    ),
    (
        "a listed CAR-T product keeps its modality even next to a drug",
        trial(title="IL-7 after CAR-T in LBCL", interventions=["CAR T-cell therapy", "Efineptakin alfa"]),
        {"modality": ("CAR-T",)},
    ),
    (
        "an unknown product code is not taken as background",
        trial(title="KX-101 in B-ALL", brief_summary="KX-101 is a CD19 CAR-T.", interventions=["KX-101"]),
        {"modality": ("CAR-T",), "antigens": ("CD19",)},
    ),
    (
        "a combined intervention with a product code is not background",
        trial(title="Allogeneic NK cells with IL-15", interventions=["NKX-001 + IL-15 + pembrolizumab"]),
        {"modality": ("NK",)},
    ),
    # T-cell subsets with a CAR are not also CAR-T
    (
        "CAR NK T cells are CAR-NKT only",
        trial(title="Allogeneic NK T-cells expressing a CD19-specific CAR in B-ALL"),
        {"modality": ("CAR-NKT",)},
    ),
    (
        "CAR gamma-delta T cells named as CAR T in the intervention are CAR-gdT only",
        trial(title="CD19 CAR-γδT cells in lupus", interventions=["anti-CD19 CAR T cell therapy"]),
        {"modality": ("CAR-gdT",)},
    ),
    # antigens missing before
    ("PSMA inside a product code", trial(title="TmPSMA-02 CAR T cells in mCRPC"), {"antigens": ("PSMA",)}),
    ("TROP2 CAR-NK", trial(title="TROP2-directed CAR-NK in colorectal cancer"), {"antigens": ("TROP2",)}),
    ("CDH17 CAR-T", trial(title="Anti-CDH17 CAR-T in CDH17-positive solid tumours"), {"antigens": ("CDH17",)}),
    ("HLA-G CAR", trial(title="HLA-G-CAR γδ T cells in solid tumors"), {"antigens": ("HLA-G",)}),
    (
        "fluorescein adaptor CAR",
        trial(title="Fluorescein-specific CAR T cells with a folate-fluorescein bridge in osteosarcoma"),
        {"antigens": ("FITC",), "diseases": ("solid-tumour",)},
    ),
    (
        "EGFRvIII is its own target, EGFRt is not one",
        trial(title="EGFRvIII CAR T cells in glioblastoma", brief_summary="Cells carry an EGFRt safety switch."),
        {"antigens": ("EGFRvIII",)},
    ),
    (
        "PD-1/PD-L1 pathway talk is not a PD-L1 target",
        trial(title="MUC1 CAR-T", interventions=["PD-1 knockout MUC1 CAR-T, releasing the PD-1/PD-L1 brake"]),
        {"antigens": ("MUC1",)},
    ),
    (
        "an APRIL-based CAR targets BCMA and TACI",
        trial(title="APRIL CAR T cells in multiple myeloma"),
        {"antigens": ("BCMA", "TACI")},
    ),
    # disease wording
    (
        "a generic B-cell malignancy is B-ALL and other-B-NHL",
        trial(title="CD19 CAR-T", conditions=("B Cell Malignancies",)),
        {"diseases": ("B-ALL", "other-B-NHL")},
    ),
    (
        "B-cell leukaemia and B-cell lymphoma without subtype",
        trial(title="CD19 CAR-NK", conditions=("B-cell Lymphoma", "B-cell Leukemia")),
        {"diseases": ("B-ALL", "other-B-NHL")},
    ),
    (
        "a named subtype beats the generic B-cell term",
        trial(title="CD19 CAR-T", conditions=("B-cell Malignancies", "DLBCL")),
        {"diseases": ("LBCL",)},
    ),
    (
        "CD19+ acute leukaemia is B-ALL by its target",
        trial(title="CD19 CAR-T in CD19+ acute leukemia"),
        {"diseases": ("B-ALL",)},
    ),
    (
        "CD7+ acute leukaemia refined by an explicit summary",
        trial(title="CD7 CAR-T", conditions=("CD7+ Acute Leukemia",), brief_summary="For T-ALL and AML."),
        {"diseases": ("T-ALL", "AML")},
    ),
    (
        "a bare lymphoma with a CD19/CD22 target is other-B-NHL",
        trial(title="CD19/CD22 CAR-T", conditions=("Lymphoma",), brief_summary="Active in B-cell malignancies."),
        {"diseases": ("other-B-NHL",)},
    ),
    (
        "an ambiguous ALL is refined by the summary",
        trial(title="CD70 CAR-T", conditions=("ALL, Childhood",), brief_summary="B-ALL or T-ALL may enrol."),
        {"diseases": ("B-ALL", "T-ALL")},
    ),
    (
        "metastatic malignant tumours are solid",
        trial(title="Mesothelin CAR-T", conditions=("Recurrent or Metastatic Malignant Tumors",)),
        {"diseases": ("solid-tumour",)},
    ),
    (
        "an organ neoplasm is solid",
        trial(title="HER2 CAR-NK", conditions=("Malignant Neoplasm of Stomach",)),
        {"diseases": ("solid-tumour",)},
    ),
    (
        "a product code is not a tumour abbreviation",
        trial(title="CRC01 in lupus", conditions=("Lupus Nephritis",)),
        {"diseases": ("autoimmune",)},
    ),
    ("AL amyloidosis is not myeloma", trial(title="BCMA CAR-T in AL amyloidosis"), {"diseases": ("other",)}),
    (
        "primary CNS lymphoma is a large B-cell lymphoma",
        trial(title="CD19 CAR-T", conditions=("Primary Central Nervous System Lymphoma",)),
        {"diseases": ("LBCL",)},
    ),
    # cell source
    (
        "tumour cell lines in an assay are not the product source",
        trial(title="HER2 CAR-NK", brief_summary="It killed multiple tumor cell lines in vitro."),
        {"cell_source": "unknown"},
    ),
    (
        "autologous CAR-T named as usual practice is background",
        trial(title="NKG2D CAR-NK in myeloma", brief_summary="CAR-T is mostly based on autologous T cells."),
        {"cell_source": "unknown"},
    ),
    (
        "CAR-T cells measured in vivo are not an in vivo CAR product",
        trial(title="CAR-T in lupus", brief_summary="Persistence of CAR-T cells in vivo and CAR-T toxicity."),
        {"cell_source": "unknown"},
    ),
    (
        "patients giving blood to make the cells is autologous",
        trial(title="CD19 CAR T cells", detailed_description="Patients will give us blood to make the T cells."),
        {"cell_source": "autologous"},
    ),
    (
        "a stated collection for manufacture in the criteria is autologous",
        trial(title="XYZ-1 CAR-T", eligibility_criteria="Mononuclear cells can be collected for CAR T production."),
        {"cell_source": "autologous"},
    ),
    (
        "prior autologous CAR-T in the criteria is not a source",
        trial(title="XYZ-1 CAR-T", eligibility_criteria="Excluded: prior autologous CAR-T."),
        {"cell_source": "unknown"},
    ),
    (
        "allo CAR-T refined by a matched sibling donor in the summary",
        trial(title="Allo-CAR-T after HSCT", brief_summary="T cells derived from matched sibling donors."),
        {"cell_source": "allogeneic-donor"},
    ),
    (
        "banked donor-derived cells stay unspecified",
        trial(title="Allogeneic CAR-NK", brief_summary="Banked allogeneic donor-derived CAR-NK cells."),
        {"cell_source": "allogeneic-unspecified"},
    ),
    (
        "healthy unrelated donors are not a patient-specific donor",
        trial(title="Universal CAR-T", brief_summary="Derived from healthy unrelated donors."),
        {"cell_source": "allogeneic-unspecified"},
    ),
    (
        "bridging to an allogeneic transplant is not a source",
        trial(title="CD123 CAR-T", interventions=["CD123 CAR-T cells and bridging to allogeneic"]),
        {"cell_source": "unknown"},
    ),
    # gene editing
    (
        "non-gene-editing technology is none-stated",
        trial(title="Universal CLL1 CAR-T", brief_summary="Made with non-gene editing protein retention."),
        {"editing": ("none-stated",)},
    ),
]


@pytest.mark.parametrize(("scenario", "record", "expected"), CASES, ids=[case[0] for case in CASES])
def test_classify_scenarios(vocabulary: Vocabulary, scenario: str, record: Trial, expected: dict[str, Any]) -> None:
    profile = classify(record, vocabulary)
    got = {
        "modality": profile.modality_values,
        "cell_source": profile.cell_source.value,
        "editing": profile.gene_editing_values,
        "antigens": profile.antigen_values,
        "diseases": profile.disease_group_values,
    }
    for key, value in expected.items():
        assert got[key] == value, f"{scenario}: {key}"
    _assert_evidence(profile)


def _assert_evidence(profile: CellTherapyProfile) -> None:
    labelled = (
        *profile.modality,
        profile.cell_source,
        *profile.gene_editing,
        *profile.antigens,
        *profile.disease_groups,
    )
    fields = {
        "record",
        "title",
        "official_title",
        "conditions",
        "keywords",
        "interventions",
        "arm_descriptions",
        "brief_summary",
        "detailed_description",
        "eligibility_criteria",
    }
    for item in labelled:
        assert item.evidence, item.value
        for evidence in item.evidence:
            assert evidence.field in fields
            assert len(evidence.text) <= 200
            assert evidence.match == "" or " ".join(evidence.match.split())[:40] in evidence.text


def test_classify_is_deterministic(vocabulary: Vocabulary) -> None:
    record = CASES[14][1]
    assert classify(record, vocabulary) == classify(record, vocabulary)


text = st.one_of(
    st.none(),
    st.text(max_size=300),
    st.sampled_from(["CD19 CAR-T", "allogeneic", "after CD7", "B-ALL/T-LBL", "(", "\\", "CAR-NK 92"]),
)
texts = st.lists(st.text(max_size=80), max_size=3).map(tuple)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    title=text,
    official=text,
    summary=text,
    description=text,
    criteria=text,
    conditions=texts,
    keywords=texts,
    arms=texts,
    names=st.lists(st.text(min_size=1, max_size=60), max_size=3),
)
def test_classify_never_raises(
    vocabulary: Vocabulary,
    title: str | None,
    official: str | None,
    summary: str | None,
    description: str | None,
    criteria: str | None,
    conditions: tuple[str, ...],
    keywords: tuple[str, ...],
    arms: tuple[str, ...],
    names: list[str],
) -> None:
    record = Trial(
        nct_id="NCT00000002",
        title=title,
        official_title=official,
        brief_summary=summary,
        detailed_description=description,
        eligibility_criteria=criteria,
        conditions=conditions,
        keywords=keywords,
        arm_descriptions=arms,
        interventions=tuple(Intervention(name=n, description=n, other_names=(n,)) for n in names),
    )
    profile = classify(record, vocabulary)
    assert profile.modality and profile.disease_groups
    _assert_evidence(profile)


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_classification", REPO / "bench" / "classification.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.shared
def test_labelled_real_records_meet_thresholds(shared: Path) -> None:
    bench = _bench()
    labels = bench.load_labels()
    assert len(labels) >= 110
    trials = bench.load_trials(shared / "data" / "ctgov", [(label["file"], label["nct_id"]) for label in labels])
    report = bench.score(labels, trials)
    for name, result in report.fields.items():
        assert result.precision >= 0.95, f"{name} precision {result.precision:.1%}: {result.errors}"
        assert result.recall >= 0.95, f"{name} recall {result.recall:.1%}: {result.errors}"
