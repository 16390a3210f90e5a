"""Segmentation: headings, numbering styles, nesting, "any of the following" groups, run-on text, escapes."""

from __future__ import annotations

from allonav.criteria import CriteriaVocabulary, leaves, parse_criteria
from allonav.criteria.segment import looks_cut_short
from allonav.criteria.text import clean
from allonav.domain.criterion import Category, Criterion, CriterionKind


def _ids(criteria: tuple[Criterion, ...]) -> list[str]:
    out: list[str] = []
    for criterion in criteria:
        out.append(criterion.criterion_id)
        out.extend(_ids(criterion.children))
    return out


def test_numbered_nested_and_any_group(vocabulary: CriteriaVocabulary) -> None:
    text = (
        "Inclusion Criteria:\n\n1. Age 18-75 years;\n2. Adequate organ function:\n   * ANC ≥ 1.0 × 10^9/L\n"
        "   * Platelets ≥ 50 × 10^9/L\n3. Any of the following:\n   a. relapse after allo-HSCT\n"
        "   b. refractory to two lines of therapy\n\nKey Exclusion Criteria:\n\n(1) Active CNS leukemia;\n"
        "(2) Pregnant or breastfeeding women.\n"
    )
    parsed = parse_criteria("NCT1", text, vocabulary)
    assert [c.criterion_id for c in parsed.inclusion] == ["I1", "I2", "I3"]
    assert [c.criterion_id for c in parsed.exclusion] == ["E1", "E2"]
    organ = parsed.criteria[1]
    assert organ.group == "all" and [c.measurement for c in organ.children] == ["ANC", "platelets"]
    assert [c.criterion_id for c in organ.children] == ["I2.1", "I2.2"]
    assert parsed.criteria[2].group == "any" and len(parsed.criteria[2].children) == 2
    assert parsed.criteria[3].category is Category.CNS
    assert len(leaves(parsed.criteria)) == 7


def test_bullets_dashes_and_dots(vocabulary: CriteriaVocabulary) -> None:
    text = "Inclusion Criteria:\n* Age ≥ 18\n- ECOG 0-1\n• Life expectancy ≥ 12 weeks\nExclusion Criteria:\n* HIV\n"
    parsed = parse_criteria("NCT1", text, vocabulary)
    assert [c.category for c in parsed.inclusion] == [Category.AGE, Category.PERFORMANCE, Category.LIFE_EXPECTANCY]
    assert [c.category for c in parsed.exclusion] == [Category.INFECTION]


def test_circled_and_parenthesised_numbers(vocabulary: CriteriaVocabulary) -> None:
    text = "排除标准\n① HIV positive\n② Prior CAR-T therapy\n(3) Pregnant women\n"
    parsed = parse_criteria("NCT1", text, vocabulary)
    assert [c.kind for c in parsed.criteria] == [CriterionKind.EXCLUSION] * 3
    assert [c.category for c in parsed.criteria] == [Category.INFECTION, Category.PRIOR_THERAPY, Category.PREGNANCY]


def test_run_on_text_is_split_into_sentences(vocabulary: CriteriaVocabulary) -> None:
    text = (
        "Inclusion Criteria: Voluntarily participating in this clinical study and signing the informed consent form; "
        "The estimated survival period is at least one month; No other serious cardiopulmonary diseases. "
        "Exclusion Criteria: Pregnant or lactating women. Active HBV infection. ECOG \\> 2."
    )
    parsed = parse_criteria("NCT1", text, vocabulary)
    assert [c.category for c in parsed.inclusion] == [Category.CONSENT, Category.LIFE_EXPECTANCY,
                                                       Category.ORGAN_DISEASE]
    assert [c.category for c in parsed.exclusion] == [Category.PREGNANCY, Category.INFECTION, Category.PERFORMANCE]
    ecog = parsed.exclusion[-1]
    assert ecog.threshold is not None and ecog.threshold.value == 2
    assert text[ecog.span[0] : ecog.span[1]] == "ECOG \\> 2."


def test_lettered_run_on_sub_items(vocabulary: CriteriaVocabulary) -> None:
    text = (
        "Inclusion Criteria\nPatient's main organs functioning well:\nA. Liver function: alanine aminotransferase/"
        "aspartate aminotransferase < 2.5 times the upper limit of normal (ULN) and total bilirubin≤ 1.5 times ULN; "
        "B. Renal function: Creatinine clearance rate ≥ 60ml/min. C. Pulmonary function: Indoor oxygen saturation "
        "≥ 95%. D. Cardiac Function: Left ventricular ejection fraction (LVEF) ≥50%.\n"
    )
    parsed = parse_criteria("NCT1", text, vocabulary)
    assert len(parsed.criteria) == 1
    labs = [leaf for leaf in leaves(parsed.criteria) if leaf.category is Category.LAB]
    measurements = {c.measurement for leaf in labs for c in (leaf.children or (leaf,))}
    assert measurements == {"ALT", "AST", "bilirubin", "CrCl", "SpO2", "LVEF"}


def test_notes_and_wrapped_lines_continue_the_item(vocabulary: CriteriaVocabulary) -> None:
    text = "Inclusion Criteria:\n* ECOG performance status 0 or 1\nNote: assessed within 7 days\n* Age ≥ 18 years\n"
    parsed = parse_criteria("NCT1", text, vocabulary)
    assert len(parsed.criteria) == 2
    assert "Note" in parsed.criteria[0].text


def test_intro_sentences_are_not_criteria(vocabulary: CriteriaVocabulary) -> None:
    text = ("Inclusion Criteria:\n\nTo be included, participants must meet all of the following criteria:\n\n"
            "1. Age ≥ 18\n")
    parsed = parse_criteria("NCT1", text, vocabulary)
    assert [c.category for c in parsed.criteria] == [Category.AGE]


def test_text_before_any_heading_is_inclusion(vocabulary: CriteriaVocabulary) -> None:
    parsed = parse_criteria("NCT1", "Age 18 years or older", vocabulary)
    assert parsed.criteria[0].kind is CriterionKind.INCLUSION and parsed.criteria[0].category is Category.AGE


def test_empty_and_missing_text(vocabulary: CriteriaVocabulary) -> None:
    assert parse_criteria("NCT1", None, vocabulary).criteria == ()
    assert parse_criteria("NCT1", "   \n", vocabulary).criteria == ()


def test_unparsed_kept_verbatim(vocabulary: CriteriaVocabulary) -> None:
    parsed = parse_criteria("NCT1", "Exclusion Criteria:\n* Adequate venous access for apheresis", vocabulary)
    assert parsed.criteria[0].category is Category.UNPARSED
    assert parsed.criteria[0].text == "Adequate venous access for apheresis"


def test_unescape_keeps_source_offsets() -> None:
    source = r"ANC \> 1.0 &times; 10\^9/L"
    cleaned = clean(source)
    assert cleaned.text == "ANC > 1.0 × 10^9/L"
    start, end = cleaned.span(4, 5)
    assert source[start:end] == "\\>"


def test_cut_short_detection() -> None:
    assert looks_cut_short("Inclusion Criteria:\n* Age ≥ 18\n* T cell percentage in PBMC of periph")
    assert not looks_cut_short("Inclusion Criteria:\n* Age ≥ 18\n\nExclusion Criteria:\n* Pregnancy.")
