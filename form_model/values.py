"""Indicator values (实施周期指标值 / 年度指标值) parsed into their kind.

Kinds, decided in this order:

1. **EMPTY**: nothing but whitespace.
2. **GRADED** (分档): a scoring rubric, i.e. at least one part that pairs a grade word
   (优秀/良好/合格…) with a numeric range, parts separated by ；;，,、 or line ends:
   「10次以上优秀；8-10次良好；5-8次合格」.
3. **QUANTITATIVE** (定量): the whole value is ``[comparator] number [万|亿|千|千万|百万] [unit]
   [comparator word]``: 「≥1.4万人」, 「78个」, 「95%以上」, 「控制在5%以内」, 「≤30天」. A range
   such as 「90%-95%」 is also quantitative and is kept as one unlabelled band.
4. **DEADLINE** (时效): a date or a time limit: a month or year date (「4月」, 「2025年」, 「月底」),
   a 「…前」 deadline (底前/日前/月前/以前/之前), a 「…内」 window after a time word
   (「30个工作日内」, 「年内完成」, 「在项目计划完成时间内完成」), or, when the value has no
   digits, a schedule word (按月/每年/定期/按时…). A plain duration with a comparator or
   without a 内/前 (「≤30天」, 「10天」) stays QUANTITATIVE; 「30天以内」 is quantitative
   (以内 reads as ≤) while 「30天内」 is a deadline window.
5. Anything else that contains a digit is QUANTITATIVE with a problem (``extra_text`` when
   a number could be picked out of surrounding words, ``unparsable_number`` otherwise):
   rule V01 says a value with a number must parse.
6. Otherwise **QUALITATIVE** (定性): 「较好」, 「应保尽保」, 「有所提升」.

Chinese-numeral counts (「三次」) are not read as numbers here: too many ordinary words
(「一般」, 「一流」) start with a numeral.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import cached_property, lru_cache
from typing import Literal

from form_model.amounts import tidy
from form_model.normalize import nfkc
from form_model.vocabulary import VOCAB

__all__ = [
    "COMPARATORS",
    "GRADE_WORDS",
    "VAGUE_WORDS",
    "Band",
    "BandIssue",
    "IndicatorValue",
    "ValueKind",
    "direction",
    "find_vague_words",
    "format_value",
    "is_bounded_rate",
    "is_unbounded_rate",
    "is_forward_rate",
    "is_rate",
    "overlaps_and_gaps",
    "parse_value",
    "suggest",
    "written_directions",
]


class ValueKind(StrEnum):
    EMPTY = "empty"
    QUANTITATIVE = "quantitative"
    QUALITATIVE = "qualitative"
    DEADLINE = "deadline"
    GRADED = "graded"

    @property
    def zh(self) -> str:
        return _KIND_ZH[self]


_KIND_ZH: dict[ValueKind, str] = {
    ValueKind.EMPTY: "空",
    ValueKind.QUANTITATIVE: "定量",
    ValueKind.QUALITATIVE: "定性",
    ValueKind.DEADLINE: "时效",
    ValueKind.GRADED: "分档",
}

# --- word lists -------------------------------------------------------------------------

#: The normalised comparators, in the form's own notation (full-width ＝ ＞ ＜).
GE, LE, EQ, GT, LT = "≥", "≤", "＝", "＞", "＜"
COMPARATORS: tuple[str, ...] = (GE, LE, EQ, GT, LT)

#: Comparator symbols as typed (after NFKC, so ＝＞＜ arrive as = > <).
COMPARATOR_SYMBOLS: dict[str, str] = {
    "≥": GE, ">=": GE, "=>": GE, "≧": GE, "⩾": GE,
    "≤": LE, "<=": LE, "=<": LE, "≦": LE, "⩽": LE,
    "=": EQ, "==": EQ,
    ">": GT,
    "<": LT,
}
_SYMBOL_CHARS = "≥≤=<>≧≦⩾⩽"

#: Words written before / after the number, and grade words (data/value_words.json).
PREFIX_COMPARATOR_WORDS: tuple[tuple[str, str], ...] = VOCAB.prefix_comparators
SUFFIX_COMPARATOR_WORDS: tuple[tuple[str, str], ...] = VOCAB.suffix_comparators
GRADE_WORDS: tuple[tuple[str, int], ...] = VOCAB.grade_words
#: Words that make a qualitative value unassessable unless a grade scale is given (V08).
VAGUE_WORDS: tuple[str, ...] = VOCAB.vague_words
#: A 三级 name with one of these is a 反向 (less is better) indicator: suggest ≤ …
REVERSE_NAME_WORDS: tuple[str, ...] = VOCAB.reverse_name_words
#: ... unless it also has one of these (「成本节约率」, 「投诉下降率」 are 正向).
FORWARD_NAME_WORDS: tuple[str, ...] = VOCAB.forward_name_words

#: Magnitudes written between the number and the unit: 「1.4万人」.
MAGNITUDES: tuple[tuple[str, int], ...] = (
    ("千万", 10**7), ("百万", 10**6), ("万", 10**4), ("亿", 10**8), ("千", 10**3),
)
_MAGNITUDE_TEXT = {m: text for text, m in MAGNITUDES}
#: 千 starts these units and is then no magnitude: 千克, 千米, 千瓦(时), 千伏, 千帕, 千字…
_KILO_UNITS = "克米瓦伏焦卡帕赫字"

#: Units of things counted in whole numbers (adjacent integer bands leave no gap).
COUNT_UNITS: tuple[str, ...] = VOCAB.count_units
_SCHEDULE_WORDS: tuple[str, ...] = VOCAB.schedule_words

# --- problems ---------------------------------------------------------------------------

MALFORMED_COMPARATOR = "malformed_comparator"
TWO_DECIMAL_POINTS = "two_decimal_points"
UNPARSABLE_NUMBER = "unparsable_number"
EXTRA_TEXT = "extra_text"
UNPARSABLE_BAND = "unparsable_band"
PLACEHOLDER = "placeholder"


@dataclass(frozen=True)
class Band:
    """One band of a graded value. ``low``/``high`` are in ``unit`` (which may start with a
    magnitude, e.g. 「万人」); ``None`` means unbounded."""

    label: str
    low: Decimal | None
    high: Decimal | None
    low_inclusive: bool
    high_inclusive: bool
    unit: str
    raw: str

    @property
    def is_numeric(self) -> bool:
        return self.low is not None or self.high is not None

    @property
    def rank(self) -> int | None:
        """0 for 优秀/优 … 3 for 差/不合格; ``None`` without a grade label."""
        return _GRADE_RANK.get(self.label)


_GRADE_RANK = dict(GRADE_WORDS)


@dataclass(frozen=True)
class IndicatorValue:
    """One parsed value. For 「≥1.4万人」: comparator ≥, comparator_source 「≥」, number 1.4
    (as written), multiplier 10000, unit 「人」, value 14000. ``unit`` never holds the
    magnitude (「2亿元」 → multiplier 10**8, unit 「元」) and 百分比 becomes %. Graded values
    carry their ``bands`` (and a common unit); a plain range 「90%-95%」 is one unlabelled
    band. ``problems`` are parse-problem codes: malformed_comparator, two_decimal_points,
    unparsable_number, extra_text, unparsable_band, placeholder."""

    raw: str
    kind: ValueKind
    comparator: str | None = None
    comparator_source: str | None = None
    number: Decimal | None = None
    multiplier: int = 1
    unit: str = ""
    bands: tuple[Band, ...] = ()
    problems: tuple[str, ...] = ()

    @cached_property
    def value(self) -> Decimal | None:
        """The number with its magnitude applied: 「≥1.4万人」 → 14000."""
        if self.number is None:
            return None
        return tidy(self.number * self.multiplier)

    @property
    def is_percent(self) -> bool:
        return self.unit == "%"

    def amount_in_wan_yuan(self) -> Decimal | None:
        """A money value in 万元: 「2亿元」 → 20000, 「28.8万元」 → 28.8; ``None`` for any
        other unit (including rates such as 元/人)."""
        value = self.value
        if value is None or self.unit != "元":
            return None
        return tidy(value.scaleb(-4))


@dataclass(frozen=True)
class BandIssue:
    """Two bands of a graded value that overlap, or leave a gap between them.

    ``first`` is the band written first in the value. ``at`` is the shared point (「10次」)
    or interval in bracket notation (「[8次, 10次]」, 「(7%, 8%)」).
    """

    kind: Literal["overlap", "gap"]
    first: Band
    second: Band
    at: str

    @property
    def message(self) -> str:
        verb = "重叠" if self.kind == "overlap" else "之间有空档"
        return f"「{self.first.raw}」与「{self.second.raw}」在 {self.at} {verb}"

    @property
    def message_en(self) -> str:
        verb = "overlap" if self.kind == "overlap" else "leave a gap"
        return f'bands "{self.first.raw}" and "{self.second.raw}" {verb} at {self.at}'


# --- the quantitative grammar -----------------------------------------------------------

def _alternation(words: Sequence[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_PREFIX_WORD_MAP = dict(PREFIX_COMPARATOR_WORDS)
_SUFFIX_WORD_MAP = dict(SUFFIX_COMPARATOR_WORDS)
_PREFIX_WORDS = _alternation(list(_PREFIX_WORD_MAP))
_SUFFIX_WORDS = _alternation(list(_SUFFIX_WORD_MAP))
_MAGNITUDE = rf"千万|百万|万|亿|千(?![{_KILO_UNITS}])"
_NUMBER = r"[-+]?\d[\d,.]*"

_QUANTITY = re.compile(
    rf"^(?P<pw>{_PREFIX_WORDS})?(?P<sym>[{_SYMBOL_CHARS}]+)?(?P<pw2>{_PREFIX_WORDS})?"
    rf"(?P<num>{_NUMBER})(?P<mag>{_MAGNITUDE})?(?P<unit>[^\d{_SYMBOL_CHARS}]*?)"
    rf"(?P<sw>{_SUFFIX_WORDS})?$"
)
_RANGE = re.compile(
    rf"^(?P<lo>\d[\d,.]*)(?P<mag1>{_MAGNITUDE})?(?P<unit1>[^\d{_SYMBOL_CHARS}~\-—–至到]*?)"
    rf"(?:-|~|—|–|至|到)"
    rf"(?P<hi>\d[\d,.]*)(?P<mag2>{_MAGNITUDE})?(?P<unit2>[^\d{_SYMBOL_CHARS}]*?)$"
)
_LOOSE_NUMBER = re.compile(
    rf"(?P<sym>[{_SYMBOL_CHARS}]+)?(?P<num>\d[\d,.]*)(?P<mag>{_MAGNITUDE})?"
    r"(?P<unit>%|‰|人次|[\u4e00-\u9fff]?)"
)
_UNIT_SHAPE = re.compile(r"^(?:%|‰|[A-Za-z\u4e00-\u9fff/·()、.°]{1,12})$")
_UNIT_FORBIDDEN = (
    "前", "内", "完成", "达到", "左右", "约", "以上", "以下", "优秀", "良好", "合格", "到", "至",
)
_PLACEHOLDER = re.compile(r"[*＊]|[Xx×]{2,}|[Xx×](?=[年月日号%])")

_DATE = re.compile(
    r"(?:\d{4}|[零〇一二三四五六七八九]{4})年"
    r"|(?<![个\d.])\d{1,2}月|(?<![\d.])\d{1,2}号|[*＊]+月"
    r"|[月年]底|[月年]末|年中|季度|季末|上半年|下半年|[上中下]旬"
)
_BEFORE = re.compile(
    r"(?:底|末|日|号|月|年|周|节|之|以|时|点)前"
    r"|前(?:完成|下达|办结|拨付|到位|发放|提交|上报|落实|支付|结束|实施|启动)|前$"
)
_WITHIN = re.compile(
    r"(?:天|日|工作日|小时|周|月|年|季度|年度|时间|期限|时限|周期)内"
    r"|内(?:完成|办结|下达|拨付|到位|发放|提交|上报|落实|支付)"
)
_THOUSANDS_COMMA = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_BAND_NOISE = re.compile(r"^[:()（）为是\s]+|[:()（）为是的\s]+$")
_INCLUSIVE_MARK = re.compile(r"\((?:含|含本数)\)|（(?:含|含本数)）")
_EXCLUSIVE_MARK = re.compile(r"\(不含(?:本数)?\)|（不含(?:本数)?）")


@dataclass
class _Quantity:
    comparator: str | None = None
    comparator_source: str | None = None
    number: Decimal | None = None
    multiplier: int = 1
    unit: str = ""
    problems: tuple[str, ...] = ()


def _read_number(text: str) -> tuple[Decimal | None, str | None]:
    """A number as written, commas allowed; (None, problem) when it is not one."""
    sign = ""
    if text[:1] in "+-":
        sign, text = text[0], text[1:]
    if text.count(".") > 1:
        return None, TWO_DECIMAL_POINTS
    integer, _, fraction = text.partition(".")
    if (
        not integer or not fraction and text.endswith(".") or "," in fraction
        or integer.endswith(",") or ",," in integer
    ):
        return None, UNPARSABLE_NUMBER
    try:
        return Decimal(sign + text.replace(",", "")), None
    except InvalidOperation:
        return None, UNPARSABLE_NUMBER


def _normalise_unit(unit: str) -> str:
    return "%" if unit in ("%", "百分比") else unit


def _unit_ok(unit: str) -> bool:
    if not unit:
        return True
    if not _UNIT_SHAPE.match(unit) or any(w in unit for w in _UNIT_FORBIDDEN):
        return False
    bare = re.sub(r"\(.*?\)", "", unit)
    return sum(1 for c in bare if "\u4e00" <= c <= "\u9fff") <= 4


def _is_date_number(number: Decimal | None, unit: str) -> bool:
    """「4月」 is April and 「2025年」 a year, not 4 months or 2025 years."""
    if number is None or number != number.to_integral_value():
        return False
    if unit.startswith(("月", "号")):
        return 1 <= number <= 31
    return unit.startswith("年") and 1900 <= number <= 2100


def _comparators(
    parts: Sequence[tuple[str | None, str | None]],
) -> tuple[str | None, str | None, bool]:
    """(normalised, source, malformed) from (source text, normalised) pairs."""
    written = [(src, norm) for src, norm in parts if src]
    if not written:
        return None, None, False
    source = "…".join(src for src, _ in written)
    normalised = {norm for _, norm in written}
    if None in normalised or len(normalised) > 1:
        return None, source, True
    return normalised.pop(), source, False


def _parse_quantity(text: str) -> _Quantity | None:
    """The strict grammar; ``None`` when the text does not have that shape."""
    match = _QUANTITY.match(_INCLUSIVE_MARK.sub("", text))
    if match is None:
        return None
    unit = match["unit"] or ""
    if not _unit_ok(unit):
        return None
    number, problem = _read_number(match["num"])
    if _is_date_number(number, unit):
        return None
    sym = match["sym"]
    comparator, source, malformed = _comparators((
        (match["pw"], _PREFIX_WORD_MAP.get(match["pw"] or "")),
        (sym, COMPARATOR_SYMBOLS.get(sym or "")),
        (match["pw2"], _PREFIX_WORD_MAP.get(match["pw2"] or "")),
        (match["sw"], _SUFFIX_WORD_MAP.get(match["sw"] or "")),
    ))
    problems = [MALFORMED_COMPARATOR] if malformed else []
    if problem:
        problems.append(problem)
    return _Quantity(
        comparator=comparator,
        comparator_source=source,
        number=number,
        multiplier=dict(MAGNITUDES).get(match["mag"] or "", 1),
        unit=_normalise_unit(unit),
        problems=tuple(problems),
    )


def _parse_loose(text: str) -> _Quantity:
    """A number picked out of surrounding words (rule V01 still wants it to parse)."""
    match = _LOOSE_NUMBER.search(text)
    if match is None:
        return _Quantity(problems=(UNPARSABLE_NUMBER,))
    number, problem = _read_number(match["num"])
    sym = match["sym"]
    comparator, source, malformed = _comparators(((sym, COMPARATOR_SYMBOLS.get(sym or "")),))
    problems = [MALFORMED_COMPARATOR] if malformed else []
    problems.append(problem or EXTRA_TEXT)
    return _Quantity(
        comparator=comparator,
        comparator_source=source,
        number=number,
        multiplier=dict(MAGNITUDES).get(match["mag"] or "", 1),
        unit=_normalise_unit(match["unit"]),
        problems=tuple(problems),
    )


# --- graded values ----------------------------------------------------------------------

_GRADE_ALTERNATION = _alternation([w for w, _ in GRADE_WORDS])
_LABEL_AT_END = re.compile(rf"^(?P<rest>.*?)[:：]?(?P<label>{_GRADE_ALTERNATION})[)）]?$")
_LABEL_AT_START = re.compile(rf"^[(（]?(?P<label>{_GRADE_ALTERNATION})[:：)）]?(?P<rest>.*)$")


def _magnitude_unit(mag: str | None, unit: str) -> str:
    return (mag or "") + _normalise_unit(unit)


def _parse_range(text: str) -> tuple[Decimal | None, Decimal | None, bool, bool, str] | None:
    """(low, high, low_inclusive, high_inclusive, unit) of one band, or ``None``."""
    inclusive = bool(_INCLUSIVE_MARK.search(text))
    exclusive = bool(_EXCLUSIVE_MARK.search(text))
    text = _EXCLUSIVE_MARK.sub("", _INCLUSIVE_MARK.sub("", text))
    text = _BAND_NOISE.sub("", text)
    if not text:
        return None
    span = _RANGE.match(text)
    if span is not None:
        unit1, unit2 = span["unit1"] or "", span["unit2"] or ""
        if not (_unit_ok(unit1) and _unit_ok(unit2)):
            return None
        low, p1 = _read_number(span["lo"])
        high, p2 = _read_number(span["hi"])
        if low is None or high is None or p1 or p2:
            return None
        unit = _magnitude_unit(span["mag2"], unit2) or _magnitude_unit(span["mag1"], unit1)
        return low, high, True, not exclusive, unit
    quantity = _parse_quantity(text)
    if quantity is None or quantity.problems or quantity.number is None:
        return None
    unit = _MAGNITUDE_TEXT.get(quantity.multiplier, "") + quantity.unit
    n = quantity.number
    match quantity.comparator:
        case "≥":
            return n, None, True, False, unit
        case "＞":
            return n, None, inclusive, False, unit
        case "≤":
            return None, n, False, not exclusive, unit
        case "＜":
            return None, n, False, inclusive, unit
        case _:
            return n, n, True, True, unit


_SEGMENT = re.compile(r"[^;,、\n。]+")


def _split_segments(text: str) -> list[tuple[str, int, int]]:
    """Non-empty parts between separators, with their spans in ``text``."""
    return [(m.group(), m.start(), m.end()) for m in _SEGMENT.finditer(text)]


def _label_of(segment: str) -> tuple[str, str] | None:
    """(label, rest) when the segment starts or ends with a grade word."""
    for pattern in (_LABEL_AT_END, _LABEL_AT_START):
        match = pattern.match(segment)
        if match is not None:
            return match["label"], match["rest"]
    return None


def _pair_lone_labels(text: str) -> list[tuple[str, str, str]]:
    """(label, range text, raw) per band; a lone grade word is joined to its neighbour
    (「10次以上，优秀」 or 「优秀，10次以上」), the side chosen by the first segment."""
    segments = _split_segments(text)
    lone = [s in _GRADE_RANK for s, _, _ in segments]
    label_first = bool(lone) and lone[0]
    out: list[tuple[str, str, str]] = []
    i = 0
    while i < len(segments):
        seg, start, _ = segments[i]
        if i + 1 < len(segments) and lone[i] != lone[i + 1]:
            nxt, _, end = segments[i + 1]
            if label_first and lone[i]:
                out.append((seg, nxt, text[start:end]))
                i += 2
                continue
            if not label_first and lone[i + 1] and _label_of(seg) is None:
                out.append((nxt, seg, text[start:end]))
                i += 2
                continue
        labelled = _label_of(seg)
        if labelled is not None:
            out.append((labelled[0], labelled[1], seg))
        else:
            out.append(("", seg, seg))
        i += 1
    return out


def _parse_graded(text: str) -> tuple[tuple[Band, ...], tuple[str, ...]] | None:
    """Bands and problems when the text is a scoring rubric; ``None`` when it is not."""
    bands: list[Band] = []
    problems: list[str] = []
    labelled_ranges = 0
    for label, rest, raw in _pair_lone_labels(_THOUSANDS_COMMA.sub("", text)):
        parsed = _parse_range(rest) if rest else None
        if parsed is None:
            if any(c.isdigit() for c in rest):
                problems.append(UNPARSABLE_BAND)
            bands.append(Band(label, None, None, False, False, "", raw))
            continue
        low, high, low_inc, high_inc, unit = parsed
        if label:
            labelled_ranges += 1
        bands.append(Band(label, low, high, low_inc, high_inc, unit, raw))
    if labelled_ranges == 0:
        return None
    units = {b.unit for b in bands if b.unit}
    if len(units) == 1:
        common = units.pop()
        bands = [
            Band(b.label, b.low, b.high, b.low_inclusive, b.high_inclusive, common, b.raw)
            if b.is_numeric and not b.unit else b
            for b in bands
        ]
    return tuple(bands), tuple(dict.fromkeys(problems))


# --- parse ------------------------------------------------------------------------------

def _is_deadline(text: str) -> bool:
    if _DATE.search(text) or _BEFORE.search(text) or _WITHIN.search(text):
        return True
    return not any(c.isdigit() for c in text) and any(w in text for w in _SCHEDULE_WORDS)


#: Comparator look-alikes folded to the form's notation before any rule reads the value
#: (NFKC already turns full-width ％＞＜＝ into % > < =).
_SYMBOL_FOLD = str.maketrans({"≧": GE, "⩾": GE, "≦": LE, "⩽": LE, "−": "-"})


def _clean(text: str | None) -> str:
    return nfkc(text or "").translate(_SYMBOL_FOLD).strip()


@lru_cache(maxsize=8192)
def parse_value(text: str) -> IndicatorValue:
    """Classify and read one indicator value (see the module docstring for the rules).

    Values are immutable, so one parse of a text is shared by everything that reads it
    (the same 「≥90%」 stands in hundreds of rows of a large form)."""
    raw = text
    cleaned = _clean(text)
    compact = re.sub(r"[ \t\u3000]+", "", cleaned)
    if not compact:
        return IndicatorValue(raw=raw, kind=ValueKind.EMPTY)
    placeholder = (PLACEHOLDER,) if _PLACEHOLDER.search(compact) else ()

    graded = _parse_graded(compact)
    if graded is not None:
        bands, problems = graded
        units = {b.unit for b in bands if b.is_numeric}
        multiplier, unit = _split_magnitude(units.pop()) if len(units) == 1 else (1, "")
        return IndicatorValue(
            raw=raw,
            kind=ValueKind.GRADED,
            multiplier=multiplier,
            unit=unit,
            bands=bands,
            problems=problems + placeholder,
        )

    single_line = compact.replace("\n", "")
    quantity = _parse_quantity(single_line)
    if quantity is None:
        span = _parse_range(single_line) if _RANGE.match(single_line) else None
        if span is not None:
            low, high, low_inc, high_inc, unit = span
            mult, base = _split_magnitude(unit)
            return IndicatorValue(
                raw=raw,
                kind=ValueKind.QUANTITATIVE,
                multiplier=mult,
                unit=base,
                bands=(Band("", low, high, low_inc, high_inc, unit, single_line),),
                problems=placeholder,
            )
    if quantity is None:
        if _is_deadline(single_line):
            return IndicatorValue(raw=raw, kind=ValueKind.DEADLINE, problems=placeholder)
        if any(c.isdigit() for c in single_line):
            quantity = _parse_loose(single_line)
        elif single_line[0] in _SYMBOL_CHARS:
            quantity = _Quantity(problems=(UNPARSABLE_NUMBER,))  # 「≥」, 「≥较好」
        else:
            return IndicatorValue(raw=raw, kind=ValueKind.QUALITATIVE, problems=placeholder)
    return IndicatorValue(
        raw=raw,
        kind=ValueKind.QUANTITATIVE,
        comparator=quantity.comparator,
        comparator_source=quantity.comparator_source,
        number=quantity.number,
        multiplier=quantity.multiplier,
        unit=quantity.unit,
        problems=quantity.problems + placeholder,
    )


def find_vague_words(text: str) -> tuple[str, ...]:
    """The :data:`VAGUE_WORDS` that occur in the text, in list order."""
    return tuple(w for w in VAGUE_WORDS if w in text)


# --- bands: overlaps and gaps -----------------------------------------------------------

def _split_magnitude(unit: str) -> tuple[int, str]:
    """「万人」 → (10000, 「人」); a unit that only looks like a magnitude stays whole."""
    for text, mult in MAGNITUDES:
        if unit.startswith(text) and len(unit) > len(text):
            rest = unit[len(text):]
            if text == "千" and rest[0] in _KILO_UNITS:
                continue
            return mult, rest
        if unit == text:
            return mult, ""
    return 1, unit


def _fmt_number(n: Decimal) -> str:
    return format(tidy(n), "f")


@dataclass(frozen=True)
class _Bound:
    value: Decimal  # in base units (magnitude applied)
    inclusive: bool


@dataclass(frozen=True)
class _Span:
    """A band as an interval in base units; ``None`` bounds are unbounded."""

    index: int
    band: Band
    low: _Bound | None
    high: _Bound | None
    base_unit: str
    multiplier: int

    def show(self, value: Decimal) -> str:
        """A base-unit value in this band's own unit: 10000 → 「1万人」."""
        return f"{_fmt_number(value / self.multiplier)}{self.band.unit}"


def _span(index: int, band: Band) -> _Span:
    mult, base = _split_magnitude(band.unit)
    low = _Bound(band.low * mult, band.low_inclusive) if band.low is not None else None
    high = _Bound(band.high * mult, band.high_inclusive) if band.high is not None else None
    return _Span(index, band, low, high, base, mult)


def _max_low(a: _Bound | None, b: _Bound | None) -> _Bound | None:
    if a is None or b is None:
        return a or b
    if a.value != b.value:
        return a if a.value > b.value else b
    return _Bound(a.value, a.inclusive and b.inclusive)


def _min_high(a: _Bound | None, b: _Bound | None) -> _Bound | None:
    if a is None or b is None:
        return a or b
    if a.value != b.value:
        return a if a.value < b.value else b
    return _Bound(a.value, a.inclusive and b.inclusive)


def _reaches_further(new: _Bound | None, old: _Bound | None) -> bool:
    if old is None:
        return False
    if new is None:
        return True
    return new.value > old.value or new.value == old.value and new.inclusive


def _overlap_text(lo: _Bound | None, hi: _Bound | None, ref: _Span) -> str:
    if lo is not None and hi is not None and lo.value == hi.value:
        return ref.show(lo.value)
    left = "[" if lo is not None and lo.inclusive else "("
    right = "]" if hi is not None and hi.inclusive else ")"
    lo_text = "-∞" if lo is None else ref.show(lo.value)
    hi_text = "+∞" if hi is None else ref.show(hi.value)
    return f"{left}{lo_text}, {hi_text}{right}"


def _gap_text(below: _Bound, above: _Bound, ref: _Span) -> str:
    """The values between two bands: open where a band includes its end."""
    if below.value == above.value:
        return ref.show(below.value)
    left = "(" if below.inclusive else "["
    right = ")" if above.inclusive else "]"
    return f"{left}{ref.show(below.value)}, {ref.show(above.value)}{right}"


def _is_gap(below: _Bound, above: _Bound, base_unit: str) -> bool:
    if above.value < below.value:
        return False
    if above.value == below.value:
        return not (below.inclusive or above.inclusive)
    whole = (
        base_unit in COUNT_UNITS
        and below.value == below.value.to_integral_value()
        and above.value == above.value.to_integral_value()
    )
    return not (whole and below.inclusive and above.inclusive and above.value - below.value == 1)


def overlaps_and_gaps(bands: Sequence[Band]) -> list[BandIssue]:
    """Numeric bands that overlap (a value scores in two bands) or leave a gap (a value
    scores in none). 「N以上」 is ≥N and 「a-b」 includes both ends, so the seed's
    「10次以上优秀；8-10次良好；5-8次合格」 overlaps at 10次 and at 8次.

    Bands whose base units differ (次 vs %) are not compared; 万人 and 人 are. Between
    whole numbers of a count unit (次, 个, 人 …) 「5-7次」 and 「8-10次」 leave no gap.
    Nothing is reported below the lowest band or above the highest. Issues come in the
    order of the bands in the value.
    """
    spans = [_span(i, b) for i, b in enumerate(bands) if b.is_numeric]
    found: list[tuple[int, int, BandIssue]] = []

    for x, a in enumerate(spans):
        for b in spans[x + 1:]:
            if a.base_unit and b.base_unit and a.base_unit != b.base_unit:
                continue
            lo, hi = _max_low(a.low, b.low), _min_high(a.high, b.high)
            if lo is not None and hi is not None and (
                lo.value > hi.value
                or lo.value == hi.value and not (lo.inclusive and hi.inclusive)
            ):
                continue
            ref = a if a.band.unit else b
            found.append((a.index, b.index, BandIssue("overlap", a.band, b.band,
                                                      _overlap_text(lo, hi, ref))))

    base_units = {s.base_unit for s in spans if s.base_unit}
    if len(base_units) <= 1:
        base_unit = next(iter(base_units), "")
        ordered = sorted(spans, key=lambda s: (s.low is not None, s.low.value if s.low else 0))
        reach: _Span | None = None  # the band reaching highest so far
        for span in ordered:
            if reach is not None:
                if reach.high is None:
                    break  # everything above is covered
                if span.low is not None and _is_gap(reach.high, span.low, base_unit):
                    first, second = sorted((reach, span), key=lambda s: s.index)
                    ref = reach if reach.band.unit else span
                    found.append((first.index, second.index, BandIssue(
                        "gap", first.band, second.band, _gap_text(reach.high, span.low, ref))))
            if reach is None or _reaches_further(span.high, reach.high):
                reach = span
    found.sort(key=lambda t: (t[0], t[1]))
    return [issue for *_, issue in found]


# --- output -----------------------------------------------------------------------------

def _quantity_text(comparator: str | None, number: Decimal, multiplier: int, unit: str) -> str:
    return f"{comparator or ''}{format(number, 'f')}{_MAGNITUDE_TEXT.get(multiplier, '')}{unit}"


def format_value(v: IndicatorValue) -> str:
    """The value in normal form: comparators as ≥ ≤ ＝ ＞ ＜ in front of the number, no
    spaces or thousands commas, 百分比 as %: 「>=90%」 → 「≥90%」, 「95%以上」 → 「≥95%」.
    Values that do not parse cleanly come back as written (NFKC, trimmed)."""
    cleaned = _clean(v.raw)
    if v.kind is ValueKind.EMPTY:
        return ""
    if v.kind is ValueKind.GRADED:
        return "；".join(b.raw for b in v.bands)
    if v.kind is ValueKind.QUANTITATIVE and not v.problems:
        if v.number is not None:
            return _quantity_text(v.comparator, v.number, v.multiplier, v.unit)
        if len(v.bands) == 1 and v.bands[0].low is not None and v.bands[0].high is not None:
            band = v.bands[0]
            low_unit = band.unit if band.unit == "%" else ""
            return f"{_fmt_number(band.low)}{low_unit}-{_fmt_number(band.high)}{band.unit}"
    return re.sub(r"\s+", " ", cleaned)


def is_rate(name: str) -> bool:
    """A 三级 name that measures a rate or share (率, 满意度, 覆盖面, 占比 …)."""
    return any(w in name for w in VOCAB.rate_words)


def is_unbounded_rate(name: str) -> bool:
    """A change (增长率, 变动率, 提高率 …): may exceed 100% or be negative."""
    return any(w in name for w in VOCAB.unbounded_rate_words)


def is_bounded_rate(name: str) -> bool:
    """A rate that cannot exceed 100% (not a 增长率, 变动率, 提高率 …)."""
    return is_rate(name) and not is_unbounded_rate(name)


def is_forward_rate(name: str) -> bool:
    """A rate of something done (完成, 下达, 合格, 到位, 及时, 覆盖 …): more is better and
    100% is the most it can be, whatever else the name says (「资金在规定时间内下达率」)."""
    return is_rate(name) and any(w in name for w in VOCAB.forward_rate_words)


def direction(name: str, level1: str = "") -> str:
    """The way a target of this indicator points: ≥ (正向, more is better) or ≤ (反向).

    正向 when the name says so (节约, 下降率, 及时率 …) or is a rate of something done;
    otherwise 反向 for costs, adjustments, failures, times (:data:`REVERSE_NAME_WORDS`) and
    anything under 成本指标; otherwise 正向."""
    if any(w in name for w in FORWARD_NAME_WORDS) or is_forward_rate(name):
        return GE
    if level1 == "成本指标" or any(w in name for w in REVERSE_NAME_WORDS):
        return LE
    return GE


def written_directions(value: IndicatorValue) -> frozenset[str]:
    """The ways (≥ and/or ≤) the value's own comparator words point, even when they
    contradict each other: 「≥90%」 → {≥}, 「＜0.9%以上」 → {≥, ≤}, 「＝100%」 → {}."""
    if value.comparator in (GE, GT):
        return frozenset({GE})
    if value.comparator in (LE, LT):
        return frozenset({LE})
    return frozenset(_directions(value.comparator_source)) if value.comparator_source else frozenset()


def _directions(source: str) -> set[str]:
    """Which ways (≥ and/or ≤) a written comparator points: 「=>=」 → {≥}, 「≥…以下」 → {≥, ≤}."""
    ways: set[str] = set()
    for part in source.split("…"):
        word = _PREFIX_WORD_MAP.get(part) or _SUFFIX_WORD_MAP.get(part)
        marks = [word] if word else list(part)
        for mark in marks:
            if mark in (GE, GT) or mark in ">≧⩾":
                ways.add(GE)
            elif mark in (LE, LT) or mark in "<≦⩽":
                ways.add(LE)
    return ways


def _band_target(band: Band) -> str | None:
    if band.low is not None and band.high is not None and band.low == band.high:
        return f"{EQ}{_fmt_number(band.low)}{band.unit}"
    if band.low is not None:
        return f"{GE if band.low_inclusive else GT}{_fmt_number(band.low)}{band.unit}"
    if band.high is not None:
        return f"{LE if band.high_inclusive else LT}{_fmt_number(band.high)}{band.unit}"
    return None


def suggest(value: IndicatorValue, name: str = "", level1: str = "") -> str | None:
    """A concrete single target to offer instead of the value, or ``None``.

    - no comparator (「78个」, 「2亿元」): the indicator's :func:`direction` in front: ≥, or ≤
      for a 反向 indicator (e.g. 成本, 调整, 时间, 控制率, anything under 成本指标 ``level1``).
      ＝ is never guessed, except for 100%: a rate cannot beat 100%, so 「100%」 → 「＝100%」
      (「资金在规定时间内下达率 100%」 → 「＝100%」: a rate of something done is 正向);
    - ≥100% / ＞100% (「≥100百分比」), or more for a rate that cannot exceed 100% → 「＝100%」;
    - a graded rubric → the best-graded band as a target: 「≥10次」 for the seed;
    - a comparator written in another notation (「>=90%」, 「95%以上」) → the normal form;
    - a malformed comparator pointing one way only (「=>=90%」) → that way (「≥90%」).
    Qualitative and deadline values, ranges, and numbers that do not parse get ``None``.
    """
    if value.kind is ValueKind.GRADED:
        graded = [b for b in value.bands if b.is_numeric and b.rank is not None]
        if not graded:
            return None
        best = min(graded, key=lambda b: b.rank if b.rank is not None else 9)
        return _band_target(best)
    if value.kind is not ValueKind.QUANTITATIVE or value.number is None:
        return None

    comparator = value.comparator
    if value.problems:
        if value.problems != (MALFORMED_COMPARATOR,) or not value.comparator_source:
            return None
        directions = _directions(value.comparator_source)
        if len(directions) != 1:
            return None
        comparator = directions.pop()
    elif comparator is None:
        comparator = direction(name, level1)

    if value.is_percent and comparator in (GE, GT) and (
        value.number == 100 or value.number > 100 and is_bounded_rate(name)
    ):
        return f"{EQ}100%"
    fixed = _quantity_text(comparator, value.number, value.multiplier, value.unit)
    if value.comparator is not None and not value.problems:
        written = re.sub(r"\s+", "", nfkc(value.raw))
        return fixed if nfkc(fixed) != written else None
    return fixed
