"""Understanding answers: amounts (one or several in a message), years, indicator values."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from form_model.amounts import AmountError, decimal_places, parse_amount
from form_model.normalize import nfkc
from form_model.values import (
    MALFORMED_COMPARATOR,
    TWO_DECIMAL_POINTS,
    UNPARSABLE_NUMBER,
    IndicatorValue,
    parse_value,
)

#: Ways staff name the eight amounts in a message, longest first within the alternation.
BUDGET_LABELS: dict[str, tuple[str, ...]] = {
    "basic_expenditure": ("基本支出",),
    "project_expenditure": ("项目支出",),
    "fiscal_appropriation": ("财政拨款",),
    "other_funds": ("其他资金",),
    "special_fiscal_funds": ("财政专项资金", "专项资金"),
    "other_development_expenditure": ("其他事业发展性支出", "其他事业发展支出"),
    "city_level_funds": ("市本级使用资金", "市本级资金", "市本级"),
    "transfer_payment_funds": ("拟用于对下转移支付资金", "对下转移支付资金", "转移支付资金", "转移支付"),
}
_LABEL_TO_ATTR = {label: attr for attr, labels in BUDGET_LABELS.items() for label in labels}
_LABEL_RE = re.compile("|".join(sorted(map(re.escape, _LABEL_TO_ATTR), key=len, reverse=True)))
_SEPARATORS = " \t\n:：=为是，,；;。、和及"
_YEAR = re.compile(r"^(\d{4})\s*(?:年度?|年)?$")
_CN_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
RATE_WORDS = ("率", "满意度")
UNBOUNDED = ("增长率", "变动率", "增幅", "增长", "变化率")


@dataclass(frozen=True)
class AmountAnswer:
    value: Decimal | None
    error: tuple[str, str] | None = None  # (zh, en) reason


def check_amount(raw: str) -> AmountAnswer:
    """An amount in 万元 that can be right: a number, not negative, at most two decimals."""
    try:
        value = parse_amount(raw)
    except AmountError as e:
        return AmountAnswer(None, (e.message, e.message_en))
    if value < 0:
        return AmountAnswer(None, ("金额不能为负数。", "An amount cannot be negative."))
    if decimal_places(value) > 2:
        return AmountAnswer(
            None, (f"金额最多两位小数（{raw.strip()}）。", f"At most two decimals ({raw.strip()}).")
        )
    return AmountAnswer(value.quantize(Decimal("0.01")))


def budget_pairs(text: str) -> list[tuple[str, str]]:
    """(field, text of its amount) for every amount label in a message, in order."""
    s = nfkc(text)
    hits = list(_LABEL_RE.finditer(s))
    out = []
    for n, m in enumerate(hits):
        end = hits[n + 1].start() if n + 1 < len(hits) else len(s)
        raw = s[m.end() : end].strip(_SEPARATORS)
        out.append((_LABEL_TO_ATTR[m.group(0)], raw))
    return out



def parse_year(text: str) -> int | None:
    s = nfkc(text).strip().translate(_CN_DIGITS)
    m = _YEAR.match(s)
    if not m:
        return None
    year = int(m.group(1))
    return year if 2000 <= year <= 2100 else None


def value_problem(value: IndicatorValue, name: str) -> tuple[str, str] | None:
    """Why an indicator value cannot be right (re-ask), or None."""
    if MALFORMED_COMPARATOR in value.problems:
        return ("比较符有误（只用一个：≥、≤、＝、＞、＜）。", "malformed comparator (use one of ≥ ≤ ＝ ＞ ＜).")
    if TWO_DECIMAL_POINTS in value.problems:
        return ("数字有两个小数点。", "a number has two decimal points.")
    if UNPARSABLE_NUMBER in value.problems:
        return ("数字无法识别。", "the number cannot be read.")
    if value.is_percent and value.number is not None:
        if value.number < 0:
            return ("百分比不能为负数。", "a percentage cannot be negative.")
        if (
            value.number > 100
            and any(w in name for w in RATE_WORDS)
            and not any(w in name for w in UNBOUNDED)
        ):
            return (f"「{name}」不可能超过100%。", f"'{name}' cannot exceed 100%.")
    return None


def read_value(text: str) -> IndicatorValue:
    return parse_value(text.strip())
