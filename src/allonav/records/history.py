"""Extractors for treatment history and eligibility-relevant conditions: prior CAR-T (product, target,
failure mode), stem-cell transplants and GVHD, HBV/HCV/HIV status, pregnancy and CNS disease.

Example: "She received tisagenlecleucel in 2023 and relapsed with CD19-negative disease." gives a prior
CAR-T (tisagenlecleucel, CD19, failure antigen_loss); "HBsAg negative" gives infections.hbv = negative;
"No evidence of CNS disease." gives a negated CNS-active fact, which `to_case` reads as cns = none.
"""

from __future__ import annotations

import re

from allonav.domain.case import CarTFailure, CnsStatus, GvhdStatus, InfectionStatus, PriorCarT, Transplant
from allonav.records.base import Document
from allonav.records.model import Sentence, Status


def _failure(doc: Document, position: int, start: int) -> CarTFailure | None:
    """The failure mode stated after the CAR-T mention ("relapsed after" just before it also counts), or in
    the next sentences up to one that names another CAR-T; modes are tried in the order of terms.toml."""
    vocab = doc.vocabulary
    sentence = doc.sentences[position]
    before = sentence.text[max(0, start - 30) : start]
    lead = re.search(r"(?:relapsed|progressed|refractory|failed)\s+(?:after|following|to|on|post)\s*$", before, re.I)
    texts = [(lead.group(0) if lead else "") + sentence.text[start:]]
    for following in doc.sentences[position + 1 : position + 1 + vocab.car_t_look_ahead]:
        if vocab.car_t_generic.search(following.text) or _names_product(doc, following):
            break
        texts.append(following.text)
    text = " ".join(texts)
    for mode, pattern in vocab.car_t_failures:
        if pattern.search(text):
            return mode
    return None


def _names_product(doc: Document, sentence: Sentence) -> bool:
    return any(product.aliases.search(sentence.text) for product in doc.vocabulary.car_t_products)


def find_car_t(doc: Document) -> None:
    """Prior CAR-T: named products, or "<antigen> CAR-T"; the failure mode from this or the next sentence."""
    vocab = doc.vocabulary
    for position, sentence in enumerate(doc.sentences):
        taken: list[tuple[int, int]] = []
        for product in vocab.car_t_products:
            for match in product.aliases.finditer(sentence.text):
                taken.append(match.span())
                failure = _failure(doc, position, match.start())
                value = PriorCarT(product.name, product.targets, doc.date_in(sentence.text), True, failure=failure)
                shown = f"prior CAR-T {product.name}" + (f" ({failure.value})" if failure else "")
                doc.add("prior_car_t", value, shown, sentence, match.span(), 0.9)
        for match in vocab.car_t_generic.finditer(sentence.text):
            manufacturing = dict(vocab.car_t_failures).get(CarTFailure.MANUFACTURING_FAILURE)
            made = manufacturing is not None and manufacturing.search(sentence.text)
            if not (vocab.car_t_received.search(sentence.text) or made):
                continue
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue
            antigen = match.group("ag")
            targets = tuple(antigen.upper().split("/")) if antigen else ()
            failure = _failure(doc, position, match.start())
            value = PriorCarT(None, targets, doc.date_in(sentence.text), failure=failure)
            shown = f"prior {'/'.join(targets) or 'unspecified'} CAR-T" + (f" ({failure.value})" if failure else "")
            doc.add("prior_car_t", value, shown, sentence, match.span(), 0.75)


def find_transplants(doc: Document) -> None:
    """Allogeneic/autologous stem-cell transplants, and GVHD mentions (path "transplants.gvhd")."""
    terms = doc.vocabulary.transplant
    for sentence in doc.sentences:
        for kind in ("allogeneic", "autologous"):
            for match in list(terms[kind].finditer(sentence.text))[:1]:  # one transplant of a kind per sentence
                immuno = bool(terms["immunosuppression"].search(sentence.text)) or None
                value = Transplant(kind == "allogeneic", doc.date_in(sentence.text), on_immunosuppression=immuno)
                doc.add("transplants", value, f"{kind} transplant", sentence, match.span(), 0.85)
        for match in terms["gvhd"].finditer(sentence.text):
            before = sentence.text[max(0, match.start() - 30) : match.start()]
            if terms["gvhd_resolved"].search(before) or re.search(r"resolved", sentence.text[match.end() :], re.I):
                gvhd = GvhdStatus.RESOLVED
            elif terms["gvhd_chronic"].search(before):
                gvhd = GvhdStatus.ACTIVE_CHRONIC
            else:
                gvhd = GvhdStatus.ACTIVE_ACUTE if terms["gvhd_acute"].search(before) else GvhdStatus.ACTIVE_CHRONIC
            status: Status | None = "affirmed" if gvhd is GvhdStatus.RESOLVED else None
            doc.add("transplants.gvhd", gvhd, f"GVHD {gvhd.value}", sentence, match.span(), 0.7, status)


def find_infections(doc: Document) -> None:
    """HBV/HCV/HIV status: "HBsAg negative" → negative, "HIV on ART, undetectable" → controlled."""
    terms = doc.vocabulary.infections
    for sentence in doc.sentences:
        resolved = terms["hbv_resolved"].search(sentence.text)
        if resolved and terms["hbv"].search(sentence.text):
            doc.add("infections.hbv", InfectionStatus.RESOLVED, "HBV resolved", sentence, resolved.span(), 0.8,
                    "affirmed")
        for virus in ("hbv", "hcv", "hiv"):
            if virus == "hbv" and resolved:
                continue
            covered = 0
            for match in terms[virus].finditer(sentence.text):
                if match.start() < covered:
                    continue
                after = sentence.text[match.end() : match.end() + 60]
                after = re.split(r"[;.]|\bbut\b", after)[0]
                status, end = _infection_status(doc, virus, after)
                covered = match.end() + end
                doc.add(f"infections.{virus}", status, f"{virus.upper()} {status.value}", sentence,
                        (match.start(), match.end() + end), 0.8)


def _infection_status(doc: Document, virus: str, after: str) -> tuple[InfectionStatus, int]:
    terms = doc.vocabulary.infections
    order = [("negative", InfectionStatus.NEGATIVE), ("resolved", InfectionStatus.RESOLVED),
             ("controlled", InfectionStatus.CONTROLLED), ("positive", InfectionStatus.POSITIVE)]
    if virus == "hiv":  # "HIV on ART, viral load undetectable" is controlled, not negative
        order.insert(0, order.pop(2))
    for key, status in order:
        if key in ("controlled", "hbv_resolved") and virus != "hiv":
            continue
        hit = terms[key].search(after)
        if hit:
            return status, hit.end()
    return InfectionStatus.POSITIVE, 0


def find_pregnancy(doc: Document) -> None:
    """Pregnancy: "24 weeks of gestation" → pregnant; "pregnancy test negative" → not pregnant (affirmed)."""
    vocab = doc.vocabulary
    for sentence in doc.sentences:
        negative = vocab.pregnancy_negative.search(sentence.text)
        if negative:
            doc.add("pregnant", False, "not pregnant", sentence, negative.span(), 0.85, "affirmed")
            continue
        for match in vocab.pregnancy.finditer(sentence.text):
            doc.add("pregnant", True, "pregnant", sentence, match.span(), 0.8)
            break


def find_cns(doc: Document) -> None:
    """CNS disease: "CNS3" → active; "CSF negative", "CNS1" → none; "no evidence of CNS disease" → negated."""
    vocab = doc.vocabulary
    for sentence in doc.sentences:
        for match in vocab.cns_none.finditer(sentence.text):
            doc.add("cns", CnsStatus.NONE, "CNS none", sentence, match.span(), 0.85, "affirmed")
        for match in vocab.cns_active.finditer(sentence.text):
            doc.add("cns", CnsStatus.ACTIVE, "CNS disease", sentence, match.span(), 0.8)
