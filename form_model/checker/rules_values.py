"""V rules: indicator values are assessable targets (domain.md §3 and §4.3, V01–V15)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from form_model.checker import thresholds as th
from form_model.checker.registry import (
    Context,
    both_fields,
    finding,
    group_place,
    indicator_place,
    rule,
)
from form_model.findings import Finding
from form_model.findings import Severity as S
from form_model.values import (
    VAGUE_WORDS,
    IndicatorValue,
    ValueKind,
    overlaps_and_gaps,
    suggest,
)

VALUE_ATTRS = ("period_value", "annual_value")
RATE_WORDS = ("率", "满意度", "覆盖面", "占比", "比例", "比重")
UNBOUNDED_RATE_WORDS = ("增长率", "变动率", "增幅", "增长", "变化率", "提高率")
MONEY_NAME_WORDS = ("金额", "数额", "资金", "成本", "费用", "经费", "支出", "投资", "收入", "产值")
MONEY_UNITS = ("元", "万元", "亿元", "千元")
TIME_NAME_WORDS = ("时限", "时间", "日期", "期限")
COUNT_UNITS = ("次", "场", "个", "期", "篇", "项", "批", "份", "本", "套", "台")
INPUT_WORDS = ("资金到位率", "支出安排金额", "资金执行率", "预算执行率", "资金支出率", "支付进度")
SATISFACTION = "满意度"


def _values(ctx: Context, i: int) -> list[tuple[str, IndicatorValue]]:
    return [(a, ctx.value(i, a)) for a in VALUE_ATTRS if ctx.value(i, a).kind != ValueKind.EMPTY]


def _report(ctx: Context, i: int, attrs: list[str]):
    """Place of an indicator's value(s): one field, or both named together."""
    if len(attrs) == 1:
        return indicator_place(ctx, i, attrs[0])
    place = indicator_place(ctx, i)
    zh, en = both_fields(attrs)
    return type(place)(place.section, (*place.parts, zh), (*place.parts_en, en), place.path)


def _is_rate(name: str) -> bool:
    return any(w in name for w in RATE_WORDS)


@rule("V01", S.ERROR, "quantitative values parse")
def v01(ctx: Context) -> Iterator[Finding]:
    for i, _ind in ctx.named_indicators():
        bad = [a for a, v in _values(ctx, i) if "unparsable_number" in v.problems]
        if bad:
            raw = ctx.value(i, bad[0]).raw
            yield finding(
                "V01", S.ERROR, _report(ctx, i, bad),
                f"「{raw}」含数字但无法读作「比较符 数值 单位」，无法考核。",
                f"'{raw}' has a number but cannot be read as comparator + number + unit.",
                "写成如「≥78个」「≥90%」。", "Write it like ≥78个 or ≥90%.",
            )


@rule("V02", S.WARNING, "quantitative value has a comparator")
def v02(ctx: Context) -> Iterator[Finding]:
    for i, ind in ctx.named_indicators():
        vals = [
            (a, v) for a, v in _values(ctx, i)
            if v.kind == ValueKind.QUANTITATIVE and v.comparator is None and not v.problems
        ]
        if vals:
            fix = suggest(vals[-1][1], ind.name)
            yield finding(
                "V02", S.WARNING, _report(ctx, i, [a for a, _ in vals]),
                f"「{vals[-1][1].raw}」没有比较符（≥、≤、＝），考核方向不明确。",
                f"'{vals[-1][1].raw}' has no comparator (≥, ≤, ＝); the direction is ambiguous.",
                fix,
            )


@rule("V03", S.WARNING, "quantitative value has a unit consistent with its name")
def v03(ctx: Context) -> Iterator[Finding]:
    for i, ind in ctx.named_indicators():
        for a, v in _values(ctx, i):
            if v.kind != ValueKind.QUANTITATIVE or v.problems:
                continue
            place = indicator_place(ctx, i, a)
            if not v.unit:
                yield finding(
                    "V03", S.WARNING, place,
                    f"「{v.raw}」没有计量单位。", f"'{v.raw}' has no unit.",
                    _with_unit_hint(ind.name, v),
                )
            elif "率" in ind.name and SATISFACTION not in ind.name and not v.is_percent:
                yield finding(
                    "V03", S.WARNING, place,
                    f"「{ind.name}」是比率，但指标值「{v.raw}」不是百分比。",
                    f"'{ind.name}' is a rate but '{v.raw}' is not a percentage.",
                    _percent_hint(v),
                )
            elif any(w in ind.name for w in ("金额", "数额", "成本", "费用", "经费")) \
                    and not _is_rate(ind.name) and v.amount_in_wan_yuan() is None:
                yield finding(
                    "V03", S.WARNING, place,
                    f"「{ind.name}」是金额，但指标值「{v.raw}」的单位不是元或万元。",
                    f"'{ind.name}' is an amount but '{v.raw}' is not in yuan.",
                )


def _with_unit_hint(name: str, v: IndicatorValue) -> str | None:
    if _is_rate(name):
        return _percent_hint(v)
    return None


def _percent_hint(v: IndicatorValue) -> str | None:
    if v.number is None:
        return None
    number = v.number * 100 if v.number <= 1 else v.number
    return f"{v.comparator or '≥'}{_plain(number)}%"


def _plain(d: Decimal) -> str:
    s = format(d.normalize(), "f")
    return s


@rule("V04", S.ERROR, "percentages within 0–100 for rates")
def v04(ctx: Context) -> Iterator[Finding]:
    for i, ind in ctx.named_indicators():
        if any(w in ind.name for w in UNBOUNDED_RATE_WORDS):
            continue
        for a, v in _values(ctx, i):
            if not v.is_percent or v.number is None:
                continue
            if v.number > 100 and _is_rate(ind.name):
                yield finding(
                    "V04", S.ERROR, indicator_place(ctx, i, a),
                    f"「{ind.name}」不可能超过100%（填写为{v.raw}）。",
                    f"'{ind.name}' cannot exceed 100% (given {v.raw}).",
                    "＝100%" if v.comparator in ("≥", "＝", None) else None,
                )
            elif v.number < 0:
                yield finding(
                    "V04", S.ERROR, indicator_place(ctx, i, a),
                    f"百分比不能为负数（{v.raw}）。", f"A percentage cannot be negative ({v.raw}).",
                )


@rule("V05", S.WARNING, "satisfaction in % and ≥ 80%")
def v05(ctx: Context) -> Iterator[Finding]:
    for i, ind in ctx.named_indicators():
        if SATISFACTION not in ind.name:
            continue
        for a, v in _values(ctx, i):
            place = indicator_place(ctx, i, a)
            if not v.is_percent:
                yield finding(
                    "V05", S.WARNING, place,
                    f"满意度应以百分比表示（现为「{v.raw}」）。",
                    f"Satisfaction should be a percentage (is '{v.raw}').",
                    "≥90%",
                )
            elif v.number is not None and v.number < th.SATISFACTION_MIN_PERCENT:
                yield finding(
                    "V05", S.WARNING, place,
                    f"满意度目标{v.raw}偏低，常见目标为≥85%、≥90%或≥95%。",
                    f"A satisfaction target of {v.raw} is unusually low (typical: ≥85–95%).",
                    "≥90%",
                )


@rule("V06", S.WARNING, "a single target, not a graded rubric")
def v06(ctx: Context) -> Iterator[Finding]:
    for i, ind in ctx.named_indicators():
        graded = [(a, v) for a, v in _values(ctx, i) if v.kind == ValueKind.GRADED]
        if graded:
            v = graded[-1][1]
            yield finding(
                "V06", S.WARNING, _report(ctx, i, [a for a, _ in graded]),
                f"「{v.raw}」是分档评分标准，不是单一目标值；评分标准不属于指标值。",
                f"'{v.raw}' is a graded scoring rubric, not a single target.",
                suggest(v, ind.name),
            )


@rule("V07", S.WARNING, "graded bands neither overlap nor leave gaps")
def v07(ctx: Context) -> Iterator[Finding]:
    for i, _ind in ctx.named_indicators():
        seen: set[str] = set()
        for _a, v in _values(ctx, i):
            if v.kind != ValueKind.GRADED or v.raw in seen:
                continue
            seen.add(v.raw)
            issues = overlaps_and_gaps(v.bands)
            if not issues:
                continue
            zh = "；".join(
                f"「{x.first.raw}」与「{x.second.raw}」{'重叠' if x.kind == 'overlap' else '之间有空档'}（{x.at}）"
                for x in issues
            )
            en = "; ".join(
                f"'{x.first.raw}' and '{x.second.raw}' {'overlap' if x.kind == 'overlap' else 'leave a gap'} ({x.at})"
                for x in issues
            )
            attrs = [b for b, w in _values(ctx, i) if w.raw == v.raw]
            yield finding(
                "V07", S.WARNING, _report(ctx, i, attrs),
                f"分档区间有歧义：{zh}。", f"The grade bands are ambiguous: {en}.",
            )


@rule("V08", S.WARNING, "qualitative value is measurable")
def v08(ctx: Context) -> Iterator[Finding]:
    for i, _ind in ctx.named_indicators():
        vals = [
            (a, v) for a, v in _values(ctx, i)
            if v.kind == ValueKind.QUALITATIVE and any(w in v.raw for w in VAGUE_WORDS)
        ]
        if vals:
            words = [w for w in VAGUE_WORDS if w in vals[-1][1].raw]
            yield finding(
                "V08", S.WARNING, _report(ctx, i, [a for a, _ in vals]),
                f"「{vals[-1][1].raw}」中的「{words[0]}」无法衡量，定性指标应有分级标准。",
                f"'{vals[-1][1].raw}' is vague ('{words[0]}'); a qualitative target needs a grade scale.",
                "改为可量化的指标，或写明等级，如「好（达成年度指标）」。",
                "Quantify it, or state a grade such as 好 (target achieved).",
            )


TIME_MARKERS = ("年", "月", "日", "前", "内", "季度", "工作日", "天", "周", "小时", "及时", "按时", "按期")


@rule("V09", S.WARNING, "时效 value has a time expression")
def v09(ctx: Context) -> Iterator[Finding]:
    for i, ind in ctx.named_indicators():
        if ind.level2 != "时效指标":
            continue
        for a, v in _values(ctx, i):
            ok = v.kind == ValueKind.DEADLINE or v.is_percent or any(m in v.raw for m in TIME_MARKERS)
            if not ok:
                yield finding(
                    "V09", S.WARNING, indicator_place(ctx, i, a),
                    f"时效指标值「{v.raw}」没有时间表述，无法判断是否按时。",
                    f"The timeliness value '{v.raw}' has no time expression.",
                    "如「每年4月底前」「30个工作日内」或「完成及时率 ＝100%」。",
                )


@rule("V10", S.WARNING, "cost values are upper bounds")
def v10(ctx: Context) -> Iterator[Finding]:
    for i, ind in ctx.named_indicators():
        if ind.level1 != "成本指标":
            continue
        for a, v in _values(ctx, i):
            if v.kind == ValueKind.QUANTITATIVE and v.comparator not in ("≤", "＜", "＝"):
                fix = f"≤{v.raw.lstrip('≥≤＝=＞＜><')}" if v.number is not None else None
                yield finding(
                    "V10", S.WARNING, indicator_place(ctx, i, a),
                    f"成本指标应为上限（≤金额或≤比率），现为「{v.raw}」。",
                    f"A cost indicator should be an upper bound (≤), is '{v.raw}'.",
                    fix,
                )


@rule("V11", S.WARNING, "实施周期 value not below 年度 for cumulative counts")
def v11(ctx: Context) -> Iterator[Finding]:
    for i, _ind in ctx.named_indicators():
        p, y = ctx.value(i, "period_value"), ctx.value(i, "annual_value")
        if (
            p.kind == y.kind == ValueKind.QUANTITATIVE
            and p.comparator in ("≥", "＞", None) and y.comparator in ("≥", "＞", None)
            and not p.is_percent and p.unit == y.unit
            and p.number is not None and y.number is not None
            and p.value < y.value
        ):
            yield finding(
                "V11", S.WARNING, indicator_place(ctx, i, "period_value"),
                f"实施周期指标值（{p.raw}）小于年度指标值（{y.raw}）：累计数量的实施周期目标应不低于年度目标。",
                f"The period value ({p.raw}) is below the annual value ({y.raw}).",
                y.raw,
            )


@rule("V12", S.WARNING, "产出 is not only input-type indicators")
def v12(ctx: Context) -> Iterator[Finding]:
    names = [ind.name for _, ind in ctx.named_indicators() if ind.level1 == "产出指标"]
    if names and all(any(w in n for w in INPUT_WORDS) for n in names):
        yield finding(
            "V12", S.WARNING, group_place("产出指标"),
            "产出指标只有资金投入类指标（如资金到位率、预算执行率）；投入不能作为绩效目标。",
            "Outputs are only input-type indicators (funds arrived, budget executed); inputs are not targets.",
            "补充反映实际产出的数量、质量、时效指标。", "Add real output quantity/quality/timeliness.",
        )


@rule("V13", S.WARNING, "效益 indicator is not a pure count")
def v13(ctx: Context) -> Iterator[Finding]:
    for i, ind in ctx.named_indicators():
        if ind.level1 != "效益指标":
            continue
        v = ctx.value(i, "annual_value")
        if v.kind == ValueKind.QUANTITATIVE and v.unit in COUNT_UNITS:
            yield finding(
                "V13", S.WARNING, indicator_place(ctx, i, "name"),
                f"「{ind.name}」以{v.unit}计数，更像产出（数量）而不是效益。",
                f"'{ind.name}' counts {v.unit}: an output quantity rather than a benefit.",
                "移至产出指标 › 数量指标，或改为反映效果的指标。",
            )


@rule("V14", S.WARNING, "satisfaction not used as a benefit")
def v14(ctx: Context) -> Iterator[Finding]:
    benefit = [(i, ind) for i, ind in ctx.named_indicators() if ind.level1 == "效益指标"]
    for i, ind in benefit:
        if SATISFACTION in ind.name:
            yield finding(
                "V14", S.WARNING, indicator_place(ctx, i, "name"),
                "满意度指标放在了效益指标下；应放在满意度指标 › 服务对象满意度指标。",
                "A satisfaction indicator sits under benefit; move it to satisfaction.",
                "满意度指标 › 服务对象满意度指标",
            )


@rule("V15", S.ERROR, "well-formed comparator and number")
def v15(ctx: Context) -> Iterator[Finding]:
    for i, _ind in ctx.named_indicators():
        for a, v in _values(ctx, i):
            if "malformed_comparator" in v.problems:
                yield finding(
                    "V15", S.ERROR, indicator_place(ctx, i, a),
                    f"「{v.raw}」的比较符有误（只能用一个：≥、≤、＝、＞、＜）。",
                    f"'{v.raw}' has a malformed comparator (use one of ≥ ≤ ＝ ＞ ＜).",
                )
            if "two_decimal_points" in v.problems:
                yield finding(
                    "V15", S.ERROR, indicator_place(ctx, i, a),
                    f"「{v.raw}」中的数字有两个小数点。", f"'{v.raw}' has a number with two decimal points.",
                )
