"""Numbers, comparators, ranges and units in criterion text ("≥ 1.5 × 10^9/L", "between 18 and 70 years")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from allonav.domain.criterion import Comparator

WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
         "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "eighteen": 18, "twenty": 20, "thirty": 30,
         "sixty": 60, "ninety": 90, "a": 1, "an": 1, "single": 1}
NUM = (r"(?:(?<![\w.,^/])(?:\d{1,3}(?:,\d{3})+(?![\d,])|\d+(?:\.\d+)?|\.\d+)(?![\d])|@number"
       r"|(?<![\w-])(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|eighteen|twenty|thirty"
       r"|sixty|ninety)(?![\w-]))")
_GE = (r"≥|>=|=>|>\s=|greater\s+than\s+or\s+equal(?:\s+to)?|(?:more|higher)\s+than\s+or\s+equal(?:\s+to)?"
       r"|equal\s+to\s+or\s+(?:greater|more|higher)\s+than|at\s+least|(?:not|no)\s+(?:less|lower|fewer)\s+than"
       r"|not\s+below|(?:a\s+)?minimum\s+(?:of\s+)?|≮")
_LE = (r"≤|<=|=<|<\s=|(?:less|lower)\s+than\s+or\s+equal(?:\s+to)?|equal\s+to\s+or\s+(?:less|lower)\s+than"
       r"|(?:no|not)\s+(?:more|greater|higher)\s+than|not\s+(?:to\s+)?exceed(?:ing)?|does\s+not\s+exceed"
       r"|up\s+to|at\s+most|(?:a\s+)?maximum\s+(?:of\s+)?|≯")
_GT = r">|greater\s+than|more\s+than|higher\s+than|exceed(?:ing|s)?|above|over|in\s+excess\s+of"
_LT = r"<|less\s+than|lower\s+than|below|under|fewer\s+than"
_CMP = {Comparator.GE: _GE, Comparator.LE: _LE, Comparator.GT: _GT, Comparator.LT: _LT}
_POST = {Comparator.GE: r"or\s+(?:more|greater|higher|above|over|older)|and\s+(?:above|over|older|more)|\+(?![\w])",
         Comparator.LE: r"or\s+(?:less|lower|below|fewer|younger|under)|and\s+(?:below|under|younger)"}
ULN = (r"(?:[x×*]\s*|times\s+(?:of\s+)?(?:the\s+)?|fold\s+(?:of\s+)?(?:the\s+)?)?(?:institutional\s+|the\s+)?"
       r"(?:ULN\b|upper\s+limits?\s+(?:of\s+)?(?:the\s+)?normal(?:\s+(?:range|value|limit))?(?:\s*\(\s*ULN\s*\))?"
       r"|upper\s+normal\s+limits?|normal\s+upper\s+limits?|(?:times|[x×])\s+normal)")
UNIT = (r"(?P<uln>" + ULN + r")"
        r"|(?P<sci>[x×*]\s*10\s*(?:\^|\*\*|e)?\s*(?:9|3|6|12)\s*/\s*(?:l|µl|ul|mm3|mm\^3|liter)(?![a-z]))"
        r"|(?P<tenpow>10\s*(?:\^|\*\*)\s*(?:9|3)\s*/\s*(?:l|µl|ul)(?![a-z]))"
        r"|(?P<unit>(?:(?:cells\s*)?/\s*(?:mm3|mm\^3|mm³|µl|ul|μl|cmm)(?![a-z])|g/dl|g/l|mg/dl|mg/l|µmol/l|umol/l|μmol/l"
        r"|mmol/l|ng/ml|pg/ml|iu/ml|u/l|iu/l|u/ml|copies/ml|copies|cells/ml|ml/min(?:\s*/\s*1\.73\s*m2)?"
        r"|ml/min|ml/kg/min|%|percent|days?|weeks?|months?|years?|yrs?|hours?|mmhg|mm\s*hg|msec|ms|kg/m2|kg|mg)"
        r"(?![a-zA-Z]))")
_CMP_ALT = "|".join(f"(?P<{c.name}>{p})" for c, p in _CMP.items())
_POST_ALT = "|".join(f"(?P<P{c.name}>{p})" for c, p in _POST.items())
_FILLER = r"(?:\s*(?:of|to|is|be|was|:|=|value)\b)*"
QUANTITY = re.compile(
    rf"(?:(?P<between>between|from|range\s+of|ranging\s+from)\s+|(?:{_CMP_ALT}){_FILLER}\s*)?"
    rf"(?P<a>{NUM})\s*(?:{UNIT})?"
    rf"(?:\s*(?P<sep>-|~|to|and|through)\s*(?P<b>{NUM})\s*(?:(?P<unit2>{UNIT.replace('?P<', '?P<b_')}))?)?"
    rf"(?:\s*(?:of\s+age|old|of\s+age\s+at\s+\w+))?(?:\s*(?:{_POST_ALT}))?",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number found in text with its comparator (EQ when none) and its normalised unit key."""

    comparator: Comparator
    value: float
    upper: float | None
    unit: str | None  # "xULN", "10^9/l", "mg/dl", "%", "years", "weeks", "months", "days" …
    start: int
    end: int
    explicit: bool  # a comparator word/sign or a range was given
    upper_unit: str | None = None  # unit of `upper` when given separately ("6 months to 21 years")

    @property
    def uln(self) -> bool:
        """True for "≤ 3 × ULN"-style multiples of the upper limit of normal."""
        return self.unit == "xULN"


def to_number(token: str) -> float | None:
    """"1,000" → 1000.0, "1.5" → 1.5, "twelve" → 12.0, "@NUMBER" → None (masked)."""
    token = token.strip().lower()
    if token in WORDS:
        return float(WORDS[token])
    try:
        return float(token.replace(",", ""))
    except ValueError:
        return None


def normalise_unit(unit: str | None) -> str | None:
    """"× 10^9/L" → "10^9/l", "mg/dL" → "mg/dl", "times the upper limit of normal" → "xULN", "yrs" → "years"."""
    if not unit:
        return None
    text = unit.strip().lower().replace("μ", "µ").replace(" ", "")
    if re.search(r"uln|upper|normal", text):
        return "xULN"
    text = re.sub(r"^[x×*]", "", text).replace("**", "^").replace("mm^3", "mm3").replace("mm³", "mm3")
    text = re.sub(r"^10e?(\d+)", r"10^\1", text).replace("/liter", "/l").replace("uL", "µl").replace("/ul", "/µl")
    text = text.replace("cells/mm3", "/mm3").replace("/cmm", "/mm3").replace("umol", "µmol").replace("percent", "%")
    for short, full in (("yrs", "years"), ("yr", "years"), ("year", "years"), ("month", "months"), ("week", "weeks"),
                        ("day", "days"), ("hour", "hours"), ("msec", "ms")):
        if text == short:
            return full
    return text.replace("yearss", "years")


def find_quantities(text: str) -> list[Quantity]:
    """All numeric bounds in `text`, left to right.

    Example: "ANC ≥ 1.0 × 10^9/L and bilirubin ≤ 1.5 × ULN" → [GE 1.0 "10^9/l", LE 1.5 "xULN"];
    "aged 18 to 70 years" → [BETWEEN 18..70 "years"].
    """
    found: list[Quantity] = []
    for match in QUANTITY.finditer(text):
        quantity = _quantity(match)
        if quantity is not None:
            found.append(quantity)
    return found


def _quantity(match: re.Match[str]) -> Quantity | None:
    groups = match.groupdict()
    value = to_number(groups["a"])
    if value is None and groups["a"].lower() != "@number":
        return None
    value = 1.0 if value is None else value
    unit = normalise_unit(next((groups[k] for k in ("uln", "sci", "tenpow", "unit") if groups.get(k)), None))
    upper_unit = normalise_unit(groups.get("unit2"))
    comparator = next((c for c in _CMP if groups.get(c.name)), None)
    comparator = comparator or next((c for c in _POST if groups.get(f"P{c.name}")), None)
    upper: float | None = None
    end = match.end()
    if groups["b"] is not None:
        sep = groups["sep"].lower()
        upper = to_number(groups["b"])
        upper = 1.0 if upper is None and groups["b"].lower() == "@number" else upper
        is_range = sep in {"-", "~", "to", "through"} or groups["between"] is not None
        if upper is not None and is_range and comparator is None and upper >= value:
            comparator = Comparator.BETWEEN
            unit = unit or upper_unit
        else:
            upper = None
            end = match.end("a") if unit is None else _unit_end(match)
    if groups["between"] and comparator is not Comparator.BETWEEN:
        return None
    if comparator is None:
        if unit is None:
            return None
        comparator = Comparator.EQ
    upper_unit = (upper_unit or unit) if upper is not None else None
    return Quantity(comparator, value, upper, unit, match.start(), end, comparator is not Comparator.EQ, upper_unit)


def _unit_end(match: re.Match[str]) -> int:
    return max(match.end(k) for k in ("a", "uln", "sci", "tenpow", "unit") if match.group(k))


def window_days(text: str) -> int | None:
    """Days of a washout/look-back window: "within 4 weeks" → 28, "in the past 6 months" → 183, "5 years" → 1826."""
    match = _WINDOW.search(text) or _WINDOW_AFTER.search(text)
    if not match:
        return None
    value = to_number(match.group("n"))
    if value is None:
        return None
    unit = normalise_unit(match.group("u")) or "days"
    days = value * {"days": 1.0, "weeks": 7.0, "months": 30.4375, "years": 365.25, "hours": 1 / 24}.get(unit, 1.0)
    return max(1, int(days))


def to_weeks(value: float, unit: str | None) -> float:
    """Life expectancy in weeks: (3, "months") → 13.0, (12, "weeks") → 12.0, (1, "years") → 52.0."""
    factor = {"weeks": 1.0, "months": 52 / 12, "days": 1 / 7, "years": 52.0}.get(unit or "weeks", 1.0)
    return round(value * factor, 1)


_TIME = r"(?P<u>days?|weeks?|months?|years?|yrs?|hours?)\b"
_WINDOW = re.compile(
    rf"(?:within|in|during|over|for)\s+(?:the\s+)?(?:(?:last|past|previous|preceding|prior|recent)\s+)?"
    rf"(?:(?:{_LT}|{_LE})\s+)?(?P<n>{NUM})\s*{_TIME}"
    rf"|(?:last|past|previous|preceding)\s+(?P<n2>{NUM})\s*(?P<u2>days?|weeks?|months?|years?)".replace(
        "(?P<n2>", "(?:").replace("(?P<u2>", "(?:"),
    re.IGNORECASE,
)
_WINDOW_AFTER = re.compile(
    rf"(?P<n>{NUM})\s*{_TIME}\s*(?:\(\d+\s*days?\)\s*)?(?:of|before|prior|preceding|from|since|after|following|until)",
    re.IGNORECASE,
)
