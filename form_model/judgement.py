"""One judgement of indicator values and amounts: the chat and the checker both ask here.

A value rule is one small function with a code, a severity and a title; it looks at one value
of one indicator (:class:`Subject`) and yields :class:`Verdict` s in the checker's own words.
A pair rule looks at an indicator's two values together (实施周期 against 年度). The checker's
V rules and B09 iterate the form and ask these functions (mapping verdicts to findings with
their place); the chat asks :func:`judge_value` / :func:`judge_amount` for what was typed.

The contract: **the chat refuses a value exactly when the checker reports an error on it, and
accepts it with a note when the checker warns.** Form-level rules that need more than one
indicator (V12, V14) or the budget (B11) stay in the checker.

No suggestion reverses the sense of a value: a suggestion that would turn a written ≥ into ≤
(or back), or offer ≤ for a rate of something done (「资金下达率」), is dropped; the message
stays.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cached_property
from typing import Literal

from form_model.amounts import (
    MAX_AMOUNT,
    MAX_PLACES,
    AmountError,
    decimal_places,
    parse_amount,
    tidy,
)
from form_model.findings import Severity
from form_model.normalize import nfkc
from form_model.thresholds import SATISFACTION_MIN_PERCENT
from form_model.values import (
    EQ,
    GE,
    GT,
    LE,
    LT,
    MALFORMED_COMPARATOR,
    TWO_DECIMAL_POINTS,
    UNPARSABLE_NUMBER,
    IndicatorValue,
    ValueKind,
    direction,
    find_vague_words,
    format_value,
    is_forward_rate,
    is_rate,
    is_unbounded_rate,
    overlaps_and_gaps,
    parse_value,
    suggest,
    written_directions,
)
from form_model.vocabulary import VOCAB

__all__ = [
    "PERIOD",
    "ANNUAL",
    "AmountJudgement",
    "IndicatorVerdicts",
    "PairSubject",
    "RuleInfo",
    "Subject",
    "ValueJudgement",
    "Verdict",
    "judge_amount",
    "judge_indicator",
    "judge_value",
    "pair_rule",
    "rule_catalogue",
    "value_rule",
]

S = Severity
PERIOD, ANNUAL = "period_value", "annual_value"
ValueAttr = Literal["period_value", "annual_value"]
#: Where a verdict stands: the judged value itself, the indicator's name, or (pair rules) one
#: or both of the indicator's values.
Field = Literal["value", "name", "period_value", "annual_value", "both"]


@dataclass(frozen=True)
class Verdict:
    """One rule's opinion on one value, in the checker's own words."""

    code: str
    severity: Severity
    message: str
    message_en: str
    #: A concrete replacement value, if any (「≥78个」, 「＝100%」).
    suggestion: str | None = None
    #: Advice in words when no single value fits (「写成如「≥78个」」).
    hint: str | None = None
    hint_en: str | None = None
    #: Where it stands (see :data:`Field`): "value" for the judged value itself, "name" (V13),
    #: or for a pair rule "period_value", "annual_value" or "both".
    field: Field = "value"


@dataclass(frozen=True)
class Subject:
    """What a value rule sees: one value of one indicator and where the indicator stands."""

    value: IndicatorValue
    name: str = ""
    level1: str = ""
    level2: str = ""
    attr: ValueAttr = ANNUAL


@dataclass(frozen=True)
class PairSubject:
    """What a pair rule sees: both values of one indicator."""

    period: IndicatorValue
    annual: IndicatorValue
    name: str = ""
    level1: str = ""
    level2: str = ""


@dataclass(frozen=True)
class RuleInfo:
    code: str
    severity: Severity
    title: str
    pair: bool


def _by_severity(verdicts: Iterable[Verdict]) -> tuple[Verdict, ...]:
    return tuple(sorted(verdicts, key=lambda v: (v.severity.rank, v.code)))


class _Verdicts:
    verdicts: tuple[Verdict, ...]

    def _of(self, severity: Severity) -> tuple[Verdict, ...]:
        return tuple(v for v in self.verdicts if v.severity == severity)

    @property
    def errors(self) -> tuple[Verdict, ...]:
        return self._of(S.ERROR)

    @property
    def warnings(self) -> tuple[Verdict, ...]:
        return self._of(S.WARNING)

    @property
    def infos(self) -> tuple[Verdict, ...]:
        return self._of(S.INFO)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(v.code for v in self.verdicts)


@dataclass(frozen=True)
class ValueJudgement(_Verdicts):
    """What :func:`judge_value` found: the parsed value, its normal form, the verdicts."""

    value: IndicatorValue
    normalised: str
    verdicts: tuple[Verdict, ...]
    #: The single best concrete fix to offer, or ``None``: of the verdicts' suggestions for
    #: this value (errors first), the first that is itself judged clean, else the first
    #: that has no error.
    suggestion: str | None = None


@dataclass(frozen=True)
class AmountJudgement(_Verdicts):
    """What :func:`judge_amount` found: the amount in 万元 (unrounded; ``None`` when it
    cannot be read) and the verdicts (B09)."""

    raw: str
    value: Decimal | None
    verdicts: tuple[Verdict, ...]


@dataclass(frozen=True)
class IndicatorVerdicts:
    """The verdicts on one indicator of a form, as the checker asks for them."""

    period: tuple[Verdict, ...] = ()
    annual: tuple[Verdict, ...] = ()
    pair: tuple[Verdict, ...] = ()

    @cached_property
    def _by_code(self) -> dict[str, list[tuple[str, Verdict]]]:
        out: dict[str, list[tuple[str, Verdict]]] = {}
        for attr, verdicts in ((PERIOD, self.period), (ANNUAL, self.annual)):
            for v in verdicts:
                out.setdefault(v.code, []).append((attr if v.field == "value" else v.field, v))
        for v in self.pair:
            out.setdefault(v.code, []).append((v.field, v))
        return out

    def of(self, code: str) -> list[tuple[str, Verdict]]:
        """(field, verdict) pairs with this code; field is period_value, annual_value, name
        or both."""
        return self._by_code.get(code, [])


# --- the rule registry ------------------------------------------------------------------

ValueRuleFunc = Callable[[Subject], Iterator[Verdict]]
PairRuleFunc = Callable[[PairSubject], Iterator[Verdict]]
_VALUE_RULES: list[tuple[RuleInfo, ValueRuleFunc]] = []
_PAIR_RULES: list[tuple[RuleInfo, PairRuleFunc]] = []


def value_rule(code: str, severity: Severity, title: str):
    def register(func: ValueRuleFunc) -> ValueRuleFunc:
        _VALUE_RULES.append((RuleInfo(code, severity, title, pair=False), func))
        return func

    return register


def pair_rule(code: str, severity: Severity, title: str):
    def register(func: PairRuleFunc) -> PairRuleFunc:
        _PAIR_RULES.append((RuleInfo(code, severity, title, pair=True), func))
        return func

    return register


def rule_catalogue() -> list[RuleInfo]:
    """Every rule a judgement can return, by code: what the checker registers for them."""
    return sorted((info for info, _ in (*_VALUE_RULES, *_PAIR_RULES)), key=lambda r: r.code)


# --- helpers ----------------------------------------------------------------------------

def _shown(v: IndicatorValue) -> str:
    return (v.raw or "").strip()


def _quantity(comparator: str | None, number: Decimal, multiplier: int, unit: str) -> str:
    """A clean quantitative value in normal form: 「≥5人次」."""
    return format_value(IndicatorValue(raw="", kind=ValueKind.QUANTITATIVE, comparator=comparator,
                                       number=number, multiplier=multiplier, unit=unit))


def _percent_hint(s: Subject) -> str | None:
    """「0.95」 or 「95」 for a rate → 「≥95%」 (the indicator's direction; ＝100% at 100)."""
    v = s.value
    if v.number is None:
        return None
    number = tidy(v.number * 100 if v.number <= 1 else v.number)
    as_percent = IndicatorValue(raw="", kind=ValueKind.QUANTITATIVE, comparator=v.comparator,
                                number=number, unit="%")
    return suggest(as_percent, s.name, s.level1)


def _keeps_sense(suggestion: str, value: IndicatorValue, name: str) -> bool:
    """A suggestion keeps the way the value points, and never offers ≤ for a rate of
    something done."""
    offered = written_directions(parse_value(suggestion))
    written = written_directions(value)
    if offered and written and offered != written:
        return False
    return not (LE in offered and is_forward_rate(name))


def _guarded(verdicts: Iterable[Verdict], value: IndicatorValue, name: str) -> Iterator[Verdict]:
    for v in verdicts:
        if v.suggestion and not _keeps_sense(v.suggestion, value, name):
            v = replace(v, suggestion=None)
        yield v


# --- value rules ------------------------------------------------------------------------

@value_rule("V01", S.ERROR, "quantitative values parse")
def v01(s: Subject) -> Iterator[Verdict]:
    if UNPARSABLE_NUMBER in s.value.problems:
        raw = _shown(s.value)
        yield Verdict(
            "V01", S.ERROR,
            f"「{raw}」含数字但无法读作「比较符 数值 单位」，无法考核。",
            f"'{raw}' has a number but cannot be read as comparator + number + unit.",
            hint="写成如「≥78个」「≥90%」。", hint_en="Write it like ≥78个 or ≥90%.",
        )


@value_rule("V02", S.WARNING, "quantitative value has a comparator")
def v02(s: Subject) -> Iterator[Verdict]:
    v = s.value
    if v.kind == ValueKind.QUANTITATIVE and v.comparator is None and not v.problems:
        raw = _shown(v)
        yield Verdict(
            "V02", S.WARNING,
            f"「{raw}」没有比较符（≥、≤、＝），考核方向不明确。",
            f"'{raw}' has no comparator (≥, ≤, ＝); the direction is ambiguous.",
            suggest(v, s.name, s.level1),
        )


@value_rule("V03", S.WARNING, "quantitative value has a unit consistent with its name")
def v03(s: Subject) -> Iterator[Verdict]:
    v, name = s.value, s.name
    if v.kind != ValueKind.QUANTITATIVE or v.problems:
        return
    raw = _shown(v)
    if not v.unit:
        yield Verdict(
            "V03", S.WARNING, f"「{raw}」没有计量单位。", f"'{raw}' has no unit.",
            _percent_hint(s) if is_rate(name) else None,
        )
    elif "率" in name and VOCAB.satisfaction_word not in name and not v.is_percent:
        yield Verdict(
            "V03", S.WARNING,
            f"「{name}」是比率，但指标值「{raw}」不是百分比。",
            f"'{name}' is a rate but '{raw}' is not a percentage.",
            _percent_hint(s),
        )
    elif v.is_percent and not is_rate(name) and nfkc(name).rstrip().endswith(VOCAB.count_name_endings):
        yield Verdict(
            "V03", S.WARNING,
            f"「{name}」是数量，但指标值「{raw}」是百分比。",
            f"'{name}' is a count but '{raw}' is a percentage.",
        )
    elif (any(w in name for w in VOCAB.money_name_words) and not is_rate(name)
          and v.amount_in_wan_yuan() is None):
        yield Verdict(
            "V03", S.WARNING,
            f"「{name}」是金额，但指标值「{raw}」的单位不是元或万元。",
            f"'{name}' is an amount but '{raw}' is not in yuan.",
        )


@value_rule("V04", S.ERROR, "percentages within 0–100 for rates")
def v04(s: Subject) -> Iterator[Verdict]:
    v, name = s.value, s.name
    if is_unbounded_rate(name) or not v.is_percent or v.number is None:
        return
    raw = _shown(v)
    if v.number > 100 and is_rate(name):
        yield Verdict(
            "V04", S.ERROR,
            f"「{name}」不可能超过100%（填写为{raw}）。",
            f"'{name}' cannot exceed 100% (given {raw}).",
            f"{EQ}100%" if v.comparator in (GE, EQ, None) else None,
        )
    elif v.number < 0:
        yield Verdict(
            "V04", S.ERROR, f"百分比不能为负数（{raw}）。", f"A percentage cannot be negative ({raw}).",
        )


@value_rule("V05", S.WARNING, "satisfaction in % and ≥ 80%")
def v05(s: Subject) -> Iterator[Verdict]:
    v = s.value
    if VOCAB.satisfaction_word not in s.name:
        return
    raw = _shown(v)
    if not v.is_percent:
        yield Verdict(
            "V05", S.WARNING, f"满意度应以百分比表示（现为「{raw}」）。",
            f"Satisfaction should be a percentage (is '{raw}').", "≥90%",
        )
    elif v.number is not None and v.number < SATISFACTION_MIN_PERCENT:
        yield Verdict(
            "V05", S.WARNING, f"满意度目标{raw}偏低，常见目标为≥85%、≥90%或≥95%。",
            f"A satisfaction target of {raw} is unusually low (typical: ≥85–95%).", "≥90%",
        )


@value_rule("V06", S.WARNING, "a single target, not a graded rubric")
def v06(s: Subject) -> Iterator[Verdict]:
    v = s.value
    if v.kind == ValueKind.GRADED:
        raw = _shown(v)
        yield Verdict(
            "V06", S.WARNING,
            f"「{raw}」是分档评分标准，不是单一目标值；评分标准不属于指标值。",
            f"'{raw}' is a graded scoring rubric, not a single target.",
            suggest(v, s.name, s.level1),
        )


@value_rule("V07", S.WARNING, "graded bands neither overlap nor leave gaps")
def v07(s: Subject) -> Iterator[Verdict]:
    v = s.value
    if v.kind != ValueKind.GRADED:
        return
    issues = overlaps_and_gaps(v.bands)
    if not issues:
        return

    def said(zh: bool) -> str:
        parts = []
        for x in issues:
            if zh:
                verb = "重叠" if x.kind == "overlap" else "之间有空档"
                parts.append(f"「{x.first.raw}」与「{x.second.raw}」{verb}（{x.at}）")
            else:
                verb = "overlap" if x.kind == "overlap" else "leave a gap"
                parts.append(f"'{x.first.raw}' and '{x.second.raw}' {verb} ({x.at})")
        return ("；" if zh else "; ").join(parts)

    yield Verdict(
        "V07", S.WARNING, f"分档区间有歧义：{said(True)}。", f"The grade bands are ambiguous: {said(False)}.",
    )


@value_rule("V08", S.WARNING, "qualitative value is measurable")
def v08(s: Subject) -> Iterator[Verdict]:
    v = s.value
    if v.kind != ValueKind.QUALITATIVE:
        return
    raw = _shown(v)
    quantity = [w for w in VOCAB.vague_quantity_words if w in raw]
    if quantity:
        word = f"「{raw}」" if raw == quantity[0] else f"「{raw}」中的「{quantity[0]}」"
        word_en = f"'{raw}'" if raw == quantity[0] else f"'{raw}' ('{quantity[0]}')"
        yield Verdict(
            "V08", S.WARNING,
            f"{word}不是可考核的数量，请写明具体数值。",
            f"{word_en} is not a measurable quantity; state the number.",
            hint="写明数量和单位，如「≥10个」「≥500人次」。",
            hint_en="State a number with its unit, such as ≥10个 or ≥500人次.",
        )
        return
    words = find_vague_words(raw)
    if words:
        yield Verdict(
            "V08", S.WARNING,
            f"「{raw}」中的「{words[0]}」无法衡量，定性指标应有分级标准。",
            f"'{raw}' is vague ('{words[0]}'); a qualitative target needs a grade scale.",
            hint="改为可量化的指标，或写明等级，如「好（达成年度指标）」。",
            hint_en="Quantify it, or state a grade such as 好 (target achieved).",
        )


@value_rule("V09", S.WARNING, "时效 value has a time expression")
def v09(s: Subject) -> Iterator[Verdict]:
    v = s.value
    if s.level2 != "时效指标":
        return
    ok = (v.kind == ValueKind.DEADLINE or v.is_percent
          or any(m in v.raw for m in VOCAB.time_markers))
    if not ok:
        raw = _shown(v)
        yield Verdict(
            "V09", S.WARNING,
            f"时效指标值「{raw}」没有时间表述，无法判断是否按时。",
            f"The timeliness value '{raw}' has no time expression.",
            hint="如「每年4月底前」「30个工作日内」或「完成及时率 ＝100%」。",
            hint_en="e.g. 每年4月底前, 30个工作日内, or an on-time rate ＝100%.",
        )


@value_rule("V10", S.WARNING, "cost values are upper bounds")
def v10(s: Subject) -> Iterator[Verdict]:
    v = s.value
    if s.level1 != "成本指标" or v.kind != ValueKind.QUANTITATIVE:
        return
    if v.comparator in (LE, LT, EQ) or direction(s.name, s.level1) == GE:
        return  # an upper bound, or a 正向 cost measure (「成本节约率」)
    raw = _shown(v)
    fix = suggest(v, s.name, s.level1) if v.comparator is None and not v.problems else None
    yield Verdict(
        "V10", S.WARNING,
        f"成本指标应为上限（≤金额或≤比率），现为「{raw}」。",
        f"A cost indicator should be an upper bound (≤), is '{raw}'.",
        fix,
        hint=None if fix else "如确为下限请说明；否则改为「≤…」。",
        hint_en=None if fix else "If it really is a lower bound, say why; otherwise write ≤….",
    )


@value_rule("V13", S.WARNING, "效益 indicator is not a pure count")
def v13(s: Subject) -> Iterator[Verdict]:
    v = s.value
    if s.attr != ANNUAL or s.level1 != "效益指标":
        return
    if v.kind == ValueKind.QUANTITATIVE and v.unit in VOCAB.output_count_units:
        yield Verdict(
            "V13", S.WARNING,
            f"「{s.name}」以{v.unit}计数，更像产出（数量）而不是效益。",
            f"'{s.name}' counts {v.unit}: an output quantity rather than a benefit.",
            hint="移至产出指标 › 数量指标，或改为反映效果的指标。",
            hint_en="Move it to output › quantity, or measure the effect instead.",
            field="name",
        )


@value_rule("V15", S.ERROR, "well-formed comparator and number")
def v15(s: Subject) -> Iterator[Verdict]:
    v = s.value
    raw = _shown(v)
    if MALFORMED_COMPARATOR in v.problems:
        yield Verdict(
            "V15", S.ERROR,
            f"「{raw}」的比较符有误（只能用一个：≥、≤、＝、＞、＜）。",
            f"'{raw}' has a malformed comparator (use one of ≥ ≤ ＝ ＞ ＜).",
            suggest(v, s.name, s.level1),
        )
    if TWO_DECIMAL_POINTS in v.problems:
        yield Verdict(
            "V15", S.ERROR,
            f"「{raw}」中的数字有两个小数点。", f"'{raw}' has a number with two decimal points.",
        )


@value_rule("V16", S.ERROR, "a target count or amount is not negative")
def v16(s: Subject) -> Iterator[Verdict]:
    v = s.value
    if (
        v.kind != ValueKind.QUANTITATIVE or v.number is None or v.number >= 0 or v.is_percent
        or v.unit in VOCAB.signed_units or is_unbounded_rate(s.name) or "变动" in s.name
    ):
        return
    raw = _shown(v)
    yield Verdict(
        "V16", S.ERROR,
        f"目标值「{raw}」是负数：数量和金额不能为负。",
        f"The target '{raw}' is negative: a count or an amount cannot be.",
        None if v.problems else _quantity(v.comparator, -v.number, v.multiplier, v.unit),
    )


# --- pair rules: the two values of one indicator ------------------------------------------

@pair_rule("V11", S.WARNING, "实施周期 value not below 年度 for cumulative counts")
def v11(s: PairSubject) -> Iterator[Verdict]:
    p, y = s.period, s.annual
    if (
        p.kind == y.kind == ValueKind.QUANTITATIVE
        and p.comparator in (GE, GT, None) and y.comparator in (GE, GT, None)
        and not p.is_percent and p.unit == y.unit
        and p.value is not None and y.value is not None
        and p.value < y.value
    ):
        yield Verdict(
            "V11", S.WARNING,
            f"实施周期指标值（{_shown(p)}）小于年度指标值（{_shown(y)}）：累计数量的实施周期目标应不低于年度目标。",
            f"The period value ({_shown(p)}) is below the annual value ({_shown(y)}).",
            format_value(y),
            field="period_value",
        )


def _measured_unit(v: IndicatorValue) -> str:
    if v.problems or v.kind not in (ValueKind.QUANTITATIVE, ValueKind.GRADED):
        return ""
    return v.unit


@pair_rule("V17", S.WARNING, "both values of an indicator in one unit")
def v17(s: PairSubject) -> Iterator[Verdict]:
    a, b = _measured_unit(s.period), _measured_unit(s.annual)
    if a and b and a != b:
        p, y = _shown(s.period), _shown(s.annual)
        yield Verdict(
            "V17", S.WARNING,
            f"实施周期指标值「{p}」与年度指标值「{y}」的单位不同（{a}、{b}），两者应衡量同一件事。",
            f"The period value '{p}' and the annual value '{y}' are in different units ({a}, {b}).",
            hint="两个指标值使用同一计量单位。", hint_en="Use the same unit for both values.",
            field="both",
        )


# --- asking -----------------------------------------------------------------------------

def _value_verdicts(subject: Subject) -> Iterator[Verdict]:
    if subject.value.kind == ValueKind.EMPTY:
        return
    for _, func in _VALUE_RULES:
        yield from func(subject)


def _pair_verdicts(subject: PairSubject) -> Iterator[Verdict]:
    for _, func in _PAIR_RULES:
        for v in func(subject):
            concerned = subject.annual if v.field == ANNUAL else subject.period
            yield from _guarded((v,), concerned, subject.name)


def judge_value(text: str, *, name: str, level1: str = "", level2: str = "",
                attr: ValueAttr = ANNUAL, other: str = "") -> ValueJudgement:
    """Judge one indicator value as typed. ``attr`` says which of the two values it is;
    ``other`` is the indicator's other value (\"\" if unknown), so that the verdicts on the
    pair (V11, V17) come too."""
    value = parse_value(text or "")
    subject = Subject(value, name, level1, level2, attr)
    verdicts = list(_guarded(_value_verdicts(subject), value, name))
    theirs = parse_value(other or "")
    if theirs.kind != ValueKind.EMPTY:
        period, annual = (theirs, value) if attr == ANNUAL else (value, theirs)
        verdicts += _pair_verdicts(PairSubject(period, annual, name, level1, level2))
    ordered = _by_severity(verdicts)
    offered = [v.suggestion for v in ordered if v.suggestion and v.field in ("value", attr)]
    return ValueJudgement(value, format_value(value), ordered,
                          _best(offered, Subject(value, name, level1, level2, attr)))


def _best(offered: list[str], subject: Subject) -> str | None:
    """The first suggestion that is judged clean itself, else the first without an error."""
    without_error = None
    for text in dict.fromkeys(offered):
        again = Subject(parse_value(text), subject.name, subject.level1, subject.level2,
                        subject.attr)
        severities = {v.severity for v in _value_verdicts(again)}
        if not severities & {S.ERROR, S.WARNING}:
            return text
        if S.ERROR not in severities and without_error is None:
            without_error = text
    return without_error


def judge_indicator(name: str, level1: str, level2: str, period: IndicatorValue,
                    annual: IndicatorValue) -> IndicatorVerdicts:
    """Every verdict on one indicator of a form (both values and the pair), for the checker."""
    def one(value: IndicatorValue, attr: ValueAttr) -> tuple[Verdict, ...]:
        subject = Subject(value, name, level1, level2, attr)
        return tuple(_guarded(_value_verdicts(subject), value, name))

    return IndicatorVerdicts(
        period=one(period, PERIOD),
        annual=one(annual, ANNUAL),
        pair=tuple(_pair_verdicts(PairSubject(period, annual, name, level1, level2))),
    )


# --- amounts ----------------------------------------------------------------------------

_AMOUNT_HINT = ("填写数字，单位万元，如「4,381.54」。", "Enter a number in 10k yuan, e.g. 4,381.54.")


def judge_amount(raw: str | Decimal | int | float) -> AmountJudgement:
    """Judge an amount as typed or found in a cell (rule B09): the amount in 万元, unrounded,
    or ``None`` when it cannot be read."""
    shown = str(raw).strip()
    try:
        value = parse_amount(raw)
    except AmountError as e:
        return AmountJudgement(shown, None, (Verdict(
            "B09", S.ERROR, f"金额无法识别：{e.message}", f"Amount not understood: {e.message_en}",
            hint=_AMOUNT_HINT[0], hint_en=_AMOUNT_HINT[1],
        ),))
    verdicts: list[Verdict] = []
    if value < 0:
        verdicts.append(Verdict(
            "B09", S.ERROR, f"金额不能为负数（{shown}）。", f"An amount cannot be negative ({shown}).",
        ))
    elif value >= MAX_AMOUNT:
        verdicts.append(Verdict(
            "B09", S.ERROR, f"金额「{shown}」过大，不像以万元计的金额。",
            f"The amount '{shown}' is too large for an amount in 10k yuan.",
            hint=_AMOUNT_HINT[0], hint_en=_AMOUNT_HINT[1],
        ))
    elif decimal_places(value) > MAX_PLACES:
        verdicts.append(Verdict(
            "B09", S.ERROR,
            f"金额「{shown}」超过{MAX_PLACES}位小数（以万元计，六位小数已精确到分）。",
            f"The amount '{shown}' has more than {MAX_PLACES} decimals (six reach the fen in 10k yuan).",
            hint=_AMOUNT_HINT[0], hint_en=_AMOUNT_HINT[1],
        ))
    return AmountJudgement(shown, value, tuple(verdicts))
