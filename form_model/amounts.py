"""Amounts as staff type them, converted to 万元 (the unit of every amount on the form).

``parse_amount`` understands Arabic digits with thousands separators, full-width digits,
the units 元 / 万 / 万元 / 亿 / 亿元 / 千万, a currency before or after the number (¥ ￥
人民币 RMB CNY, yuan), English magnitudes after an Arabic number (k, thousand, m, million, bn,
billion), and Chinese numerals (小写 一二三… and 大写 壹贰叁…, with 十百千万亿 and 点 for
decimals).

Interpretation, in one rule: a number written *without* any unit is already in 万元; a
number that carries a currency (「￥1,200,000.00」, 「300,000 yuan」, 「43,815,400元」) or a
magnitude (「4381.54万」, 「两千万」, 「2.75亿」, 「1.2m」, 「500k」) is a count of 元 and is
divided by 10,000. So 「4381.54」, 「4381.54万元」, 「43,815,400元」 and 「¥43,815,400」 are all
4,381.54 万元. Another currency ($, USD, 港币 …) is refused, never read as 元.

The result is never rounded and its sign is kept: callers decide what more than
:data:`MAX_PLACES` decimals or a negative amount means (rule B09, form_model.judgement).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

from form_model.normalize import nfkc

__all__ = [
    "MAX_AMOUNT",
    "MAX_PLACES",
    "AmountError",
    "decimal_places",
    "format_amount",
    "parse_amount",
    "parse_chinese_number",
    "tidy",
]

_CENT = Decimal("0.01")
_TEN_THOUSAND_EXP = 4  # 1 万元 = 10**4 元
#: Amounts are kept to this many decimals of 万元: six reach the fen (0.000001 万元 = 0.01 元),
#: as some budget systems ask. They are shown with two.
MAX_PLACES = 6
#: No amount of a department's form comes near this (万元); more is a paste gone wrong.
MAX_AMOUNT = Decimal(10) ** 12


class AmountError(ValueError):
    """An amount that cannot be read, with a reason in Chinese and in English.

    ``code`` is stable and machine-readable: ``empty``, ``wrong_type``, ``not_finite``,
    ``percent``, ``date``, ``two_decimal_points``, ``bad_separator``, ``foreign_currency``,
    ``two_magnitudes``, ``unknown_unit``, ``number_words`` or ``not_an_amount``.
    """

    def __init__(self, code: str, message: str, message_en: str, raw: object = None) -> None:
        super().__init__(message_en)
        self.code = code
        self.message = message
        self.message_en = message_en
        self.raw = raw


def tidy(value: Decimal) -> Decimal:
    """The same number without trailing fractional zeros and never in exponent notation:
    ``Decimal("4381.5400")`` → ``4381.54``, ``Decimal("2.75E+4")`` → ``27500``."""
    if not value.is_finite():
        return value
    if value == 0:
        return Decimal(0)
    reduced = value.normalize()
    if reduced.as_tuple().exponent > 0:  # type: ignore[operator]
        reduced = reduced.quantize(Decimal(1))
    return reduced


def decimal_places(value: Decimal) -> int:
    """How many decimal places the value really needs: 4381.540 → 2, 12 → 0, 0.125 → 3."""
    exponent = tidy(value).as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


# --- Chinese numerals -------------------------------------------------------------------

_CN_DIGITS: dict[str, int] = {
    "零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "两": 2, "贰": 2, "貳": 2, "三": 3, "叁": 3,
    "參": 3, "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "陸": 6, "七": 7, "柒": 7,
    "八": 8, "捌": 8, "九": 9, "玖": 9,
}
_CN_SMALL_UNITS: dict[str, int] = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_CN_BIG_UNITS: dict[str, int] = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}
_CN_DIGIT_CLASS = "".join(_CN_DIGITS)

_TOKEN = re.compile(
    rf"(?P<arabic>\d[\d,.]*)"
    rf"|(?P<cn>[{_CN_DIGIT_CLASS}]+(?:点[{_CN_DIGIT_CLASS}]+)?)"
    rf"|(?P<small>[{''.join(_CN_SMALL_UNITS)}])"
    rf"|(?P<big>[{''.join(_CN_BIG_UNITS)}])"
)


_ZERO_BEFORE_DIGITS = re.compile(r"(?<=[亿億万萬千仟百佰])[零〇](?=\d[\d.,]*[万萬千仟百佰十拾])")


class _NumberSyntaxError(ValueError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _arabic(text: str) -> Decimal:
    """Digits with lenient thousands commas (「4,38,1」 is accepted) and one decimal point."""
    if text.count(".") > 1:
        raise _NumberSyntaxError("two_decimal_points")
    integer, _, fraction = text.partition(".")
    if "," in fraction or integer.endswith(",") or ",," in integer:
        raise _NumberSyntaxError("bad_separator")
    digits = integer.replace(",", "") + ("." + fraction if fraction else "")
    try:
        return Decimal(digits)
    except InvalidOperation as exc:  # pragma: no cover - the token regex admits digits only
        raise _NumberSyntaxError("not_an_amount") from exc


def _cn_digit_run(text: str) -> Decimal:
    """「一点五」 → 1.5, 「二零二五」 → 2025, 「零五」 → 5: digits read position by position."""
    integer, _, fraction = text.partition("点")
    digits = "".join(str(_CN_DIGITS[c]) for c in integer)
    if fraction:
        digits += "." + "".join(str(_CN_DIGITS[c]) for c in fraction)
    return Decimal(digits)


def parse_chinese_number(text: str) -> tuple[Decimal, bool]:
    """Read a number written with Chinese numerals and/or Arabic digits and magnitudes:
    「一百二十」 → 120, 「壹拾万」 → 100000, 「1.2千万」 → 12000000, 「三千五」 → 3500.

    Returns the value and whether a 万 / 亿 magnitude occurred. Raises ``ValueError``
    (with a ``code`` attribute) when the text is not such a number.
    """
    # A 零 between a magnitude and Arabic digits with their own unit only marks the gap:
    # 「2亿零500万」 = 2亿500万 (but 「1万零5」 is not 1万5).
    text = _ZERO_BEFORE_DIGITS.sub("", text)
    pos = 0
    tokens: list[tuple[str, str]] = []
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.lastgroup is None:
            raise _NumberSyntaxError("not_an_amount")
        tokens.append((match.lastgroup, match.group()))
        pos = match.end()
    if not any(kind in ("arabic", "cn") or token in "十拾" for kind, token in tokens):
        raise _NumberSyntaxError("not_an_amount")  # 「万」, 「千万」; but 「十万」 is 100000

    total = Decimal(0)
    section = Decimal(0)
    section_used = False
    pending: Decimal | None = None
    pending_simple = False  # a single non-zero digit: 「三千五」 means 3500
    last_small: int | None = None
    last_big: int | None = None
    previous_kind = ""
    previous_unit = 1
    with localcontext() as ctx:
        ctx.prec = 60
        for kind, token in tokens:
            if kind in ("arabic", "cn"):
                if pending is not None:
                    raise _NumberSyntaxError("not_an_amount")
                pending = _arabic(token) if kind == "arabic" else _cn_digit_run(token)
                pending_simple = (
                    previous_kind in ("small", "big")
                    and pending == pending.to_integral_value()
                    and 1 <= pending <= 9
                    and "零" not in token and "〇" not in token
                )
            elif kind == "small":
                unit = _CN_SMALL_UNITS[token]
                if last_small is not None and unit >= last_small:
                    raise _NumberSyntaxError("not_an_amount")
                if pending is None and unit != 10:
                    raise _NumberSyntaxError("not_an_amount")
                section += (Decimal(1) if pending is None else pending) * unit
                section_used = True
                pending = None
                last_small = unit
                previous_unit = unit
            else:
                unit = _CN_BIG_UNITS[token]
                empty_section = pending is None and not section_used
                if empty_section and (unit != 10**8 or last_big is None):
                    raise _NumberSyntaxError("not_an_amount")  # 「万」 alone, 「亿」 alone
                if unit == last_big:
                    raise _NumberSyntaxError("not_an_amount")  # 「一万二万」
                section += pending or 0
                if unit == 10**8:
                    total = (total + section) * unit
                else:
                    total += section * unit
                section = Decimal(0)
                section_used = False
                pending = None
                last_small = None
                last_big = unit
                previous_unit = unit
            previous_kind = kind
        if pending is not None:
            if pending_simple and previous_unit >= 100:
                pending *= previous_unit // 10
            section += pending
        return total + section, last_big is not None


# --- amounts ----------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")
#: A currency written before the amount: the amount is in 元 (「￥1,200,000.00」).
_CURRENCY_PREFIX = re.compile(r"^(?:¥|人民币|RMB|CNY)", re.IGNORECASE)
#: ... or after it (「300,000 yuan」, 「43,815,400元」).
_YUAN_SUFFIX = re.compile(r"(?:元整?|圆整?|人民币|yuan|rmb|cny)$", re.IGNORECASE)
#: English magnitudes after an Arabic number: the amount is in 元 (「1.2m」, 「500k」).
_ENGLISH_FACTOR: dict[str, int] = {
    "k": 10**3, "thousand": 10**3, "thousands": 10**3,
    "m": 10**6, "mn": 10**6, "mio": 10**6, "million": 10**6, "millions": 10**6,
    "b": 10**9, "bn": 10**9, "billion": 10**9, "billions": 10**9,
}
_EN_MAGNITUDE = "|".join(sorted(_ENGLISH_FACTOR, key=len, reverse=True))
_ARABIC = r"[\d,.]*\d[\d,.]*"
_ENGLISH_MAGNITUDE = re.compile(
    rf"^(?P<number>{_ARABIC})(?P<magnitude>{_EN_MAGNITUDE})$", re.IGNORECASE
)
#: 「1.2m万」, 「500k亿元」: an English and a Chinese magnitude together.
_MIXED_MAGNITUDES = re.compile(rf"^{_ARABIC}(?:{_EN_MAGNITUDE})(?:千万|百万|万|亿|千)$", re.IGNORECASE)
#: A number followed by a Latin word that is no magnitude: 「3 millon」, 「1.2mm」, 「12abc」.
_UNKNOWN_WORD = re.compile(rf"^{_ARABIC}(?:千万|百万|万|亿)?(?P<word>[A-Za-z][A-Za-z\d²³]*)$")
#: English number words: 「five million yuan」.
_NUMBER_WORDS = re.compile(
    r"^(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty"
    r"|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|billion|and|a|-)+$",
    re.IGNORECASE,
)
#: Other currencies: refused with their own reason, never read as 元.
_FOREIGN_CURRENCY = re.compile(
    r"[$€£₩₹]|US\$|HK\$|USD|HKD|EUR|GBP|JPY|dollars?|euros?|pounds?|美元|美金|港元|港币|欧元|英镑|日元|韩元",
    re.IGNORECASE,
)
_IDEOGRAPHIC_POINT = re.compile(r"(?<=\d)。(?=\d)")
_DATE_LIKE = re.compile(
    r"^\d{4}[-/]\d{1,2}(?:[-/]\d{1,2})?$|^\d{4}\.\d{1,2}\.\d{1,2}$"
    r"|\d[年月日号]|[年月]\d|^\d{1,2}/\d{1,2}$"
)
_PERCENT_LIKE = re.compile(r"[%‰]|百分之")

_REASONS: dict[str, tuple[str, str]] = {
    "empty": ("金额为空", "the amount is empty"),
    "not_an_amount": ("「{raw}」不是金额", '"{raw}" is not an amount'),
    "two_decimal_points": ("「{raw}」有两个小数点", '"{raw}" has two decimal points'),
    "bad_separator": (
        "「{raw}」的千分位逗号位置不对", '"{raw}" has a thousands separator in the wrong place'
    ),
    "percent": ("「{raw}」是百分比，不是金额", '"{raw}" is a percentage, not an amount'),
    "date": ("「{raw}」像日期，不是金额", '"{raw}" looks like a date, not an amount'),
    "not_finite": ("「{raw}」不是有限的数", '"{raw}" is not a finite number'),
    "wrong_type": ("「{raw}」不是金额", '"{raw}" is not an amount'),
    "foreign_currency": (
        "「{raw}」不是人民币金额，请换算成万元", '"{raw}" is not in yuan; convert it to 10k yuan'
    ),
    "unknown_unit": (
        "「{raw}」中的「{word}」不是金额单位（可用 元、万元、亿元，或 k、m、million）",
        '"{raw}": "{word}" is not a unit of money (use 元, 万元, 亿元, or k, m, million)',
    ),
    "number_words": (
        "「{raw}」请用阿拉伯数字书写金额，如「3 million」或「300万元」",
        '"{raw}": write the amount in digits, such as 3 million or 300万元',
    ),
    "two_magnitudes": (
        "「{raw}」写了两个数量级（如 m 和 万），无法确定金额",
        '"{raw}" has two magnitudes (such as m and 万); the amount is unclear',
    ),
}


def _error(code: str, raw: object, **more: str) -> AmountError:
    zh, en = _REASONS[code]
    shown = str(raw).strip()
    return AmountError(code, zh.format(raw=shown, **more), en.format(raw=shown, **more), raw)


def _strip_currency(text: str) -> tuple[str, bool]:
    """The text without a leading ¥ / 人民币 / RMB / CNY or a trailing 元 / yuan / RMB …,
    and whether there was one (the amount is then in 元)."""
    yuan = False
    stripped = _CURRENCY_PREFIX.sub("", text)
    if stripped != text:
        yuan, text = True, stripped
    stripped = _YUAN_SUFFIX.sub("", text)
    if stripped != text:
        yuan, text = True, stripped
    return text, yuan


def parse_amount(value: str | int | float | Decimal) -> Decimal:
    """The amount in 万元, unrounded, sign kept. Raises :class:`AmountError`.

    A bare number is in 万元; a currency (¥ ￥ 人民币 RMB CNY, 元 yuan) or a magnitude
    (万 亿 千万, or k / m / million / bn / billion after an Arabic number) makes it a count
    of 元: 「￥1,200,000.00」, 「3 million yuan」 and 「120万」 are all 120 万元.
    """
    if isinstance(value, bool):
        raise _error("wrong_type", value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise _error("not_finite", value)
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        number = Decimal(str(value))
        if not number.is_finite():
            raise _error("not_finite", value)
        return number
    if not isinstance(value, str):
        raise _error("wrong_type", value)

    text = _SPACES.sub("", nfkc(value)).replace("−", "-")
    if not text:
        raise _error("empty", value)
    if _PERCENT_LIKE.search(text):
        raise _error("percent", value)
    if _DATE_LIKE.search(text):
        raise _error("date", value)
    if _FOREIGN_CURRENCY.search(text):
        raise _error("foreign_currency", value)
    text = _IDEOGRAPHIC_POINT.sub(".", text)

    text, yuan = _strip_currency(text)
    negative = False
    if text[:1] in ("+", "-", "负"):
        negative = text[0] != "+"
        text, after_sign = _strip_currency(text[1:])
        yuan = yuan or after_sign
    factor = 1
    english = _ENGLISH_MAGNITUDE.match(text)
    if english is not None:
        factor = _ENGLISH_FACTOR[english["magnitude"].lower()]
        text = english["number"]
    if not text:
        raise _error("not_an_amount", value)
    elif _MIXED_MAGNITUDES.match(text):
        raise _error("two_magnitudes", value)
    try:
        number, magnitude = parse_chinese_number(text)
    except _NumberSyntaxError as exc:
        unknown = _UNKNOWN_WORD.match(text) if exc.code == "not_an_amount" else None
        if unknown is not None:
            word = unknown["word"]
            for magnitude in sorted(_ENGLISH_FACTOR, key=len, reverse=True):
                if len(magnitude) > 3 and word.lower().startswith(magnitude) \
                        and len(word) > len(magnitude) + 1:
                    word = word[len(magnitude):]  # 「3millionpeople」: the word is people
                    break
            raise _error("unknown_unit", value, word=word) from None
        if exc.code == "not_an_amount" and _NUMBER_WORDS.match(text):
            raise _error("number_words", value) from None
        raise _error(exc.code, value) from None
    if yuan or magnitude or factor != 1:
        with localcontext() as ctx:
            ctx.prec = 60
            number = tidy((number * factor).scaleb(-_TEN_THOUSAND_EXP))
    return -number if negative else number


def format_amount(d: Decimal | int) -> str:
    """「4,381.54」: thousands separators, two decimals, rounded half up."""
    number = Decimal(d)
    if not number.is_finite():
        raise _error("not_finite", d)
    rounded = number.quantize(_CENT, rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)
    return f"{rounded:,.2f}"
