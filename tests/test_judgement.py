"""One judgement of values (form_model.judgement): the checker and judge_value agree, value by
value (tests/value_cases.py), and no suggestion reverses the sense of a value."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from form_model.checker import check, rules
from form_model.findings import Finding, Severity
from form_model.judgement import (
    AmountJudgement,
    ValueJudgement,
    Verdict,
    judge_amount,
    judge_value,
    rule_catalogue,
)
from form_model.models import Form, Indicator
from tests.value_cases import CASES, UNCHECKED, ValueCase

JUDGED = {r.code for r in rule_catalogue()}
PAIR = {r.code for r in rule_catalogue() if r.pair}


def _codes(verdicts: tuple[Verdict, ...]) -> list[str]:
    return sorted(v.code for v in verdicts)


def _one_indicator_form(case: ValueCase) -> Form:
    values = {case.attr: case.value}
    other_attr = "period_value" if case.attr == "annual_value" else "annual_value"
    values[other_attr] = case.other
    return Form(indicators=[Indicator(level1=case.level1, level2=case.level2, name=case.name,
                                      **values)])


def _checker_findings(case: ValueCase) -> list[Finding]:
    """The findings check() reports on the case's value: on its field, on both values
    together, on the pair, or (for the annual value) on the name (V13)."""
    own = {"indicators[0]", f"indicators[0].{case.attr}"}
    if case.attr == "annual_value":
        own.add("indicators[0].name")
    return [
        f for f in check(_one_indicator_form(case)).findings
        if f.code in JUDGED and (f.path in own or f.code in PAIR)
    ]


def test_the_table_is_large_enough() -> None:
    assert len(CASES) >= 40
    assert len({c.id + c.attr for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_judge_value(case: ValueCase) -> None:
    j = judge_value(case.value, name=case.name, level1=case.level1, level2=case.level2,
                    attr=case.attr, other=case.other)  # type: ignore[arg-type]
    assert isinstance(j, ValueJudgement)
    assert _codes(j.errors) == sorted(case.errors)
    assert _codes(j.warnings) == sorted(case.warnings)
    assert j.verdicts == j.errors + j.warnings + j.infos  # errors first
    for v in j.verdicts:
        assert v.message and v.message_en and v.code in JUDGED
    if case.suggestion != UNCHECKED:
        assert j.suggestion == case.suggestion
    if case.normalised or not case.value:
        assert j.normalised == case.normalised


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_the_checker_says_the_same(case: ValueCase) -> None:
    found = _checker_findings(case)
    errors = sorted(f.code for f in found if f.severity == Severity.ERROR)
    warnings = sorted(f.code for f in found if f.severity == Severity.WARNING)
    assert (errors, warnings) == (sorted(case.errors), sorted(case.warnings))
    # the checker's own words are the judgement's
    j = judge_value(case.value, name=case.name, level1=case.level1, level2=case.level2,
                    attr=case.attr, other=case.other)  # type: ignore[arg-type]
    assert {f.message for f in found} == {v.message for v in j.verdicts}


def test_the_disagreements_of_issue_8_are_gone() -> None:
    refused = judge_value("120%", name="帮扶政策覆盖面", level1="效益指标", level2="社会效益指标")
    assert [v.code for v in refused.errors] == ["V04"]
    assert "不可能超过100%" in refused.errors[0].message
    assert [v.code for v in judge_value("130%", name="项目资金占比").errors] == ["V04"]
    accepted = judge_value("150%", name="就业人数提高率", level1="效益指标")
    assert not accepted.errors and [v.code for v in accepted.warnings] == ["V02"]


def test_checker_registers_every_judgement_rule() -> None:
    registered = {r.code: r for r in rules()}
    for info in rule_catalogue():
        assert registered[info.code].severity == info.severity
    assert {"V12", "V14"} <= set(registered) - JUDGED  # form-level, checker only


def test_a_value_judged_twice_in_a_form_is_one_finding_naming_both_fields() -> None:
    form = Form(indicators=[Indicator(level1="产出指标", level2="数量指标", name="组织培训班次",
                                      period_value="20次", annual_value="20次")])
    v02 = [f for f in check(form).findings if f.code == "V02"]
    assert len(v02) == 1 and v02[0].path == "indicators[0].period_value"  # "go there": the first
    assert v02[0].where.endswith("实施周期指标值、年度指标值") and v02[0].suggestion == "≥20次"

    form.indicators[0].period_value = "60次"
    v02 = [f for f in check(form).findings if f.code == "V02"]
    assert [(f.path, f.suggestion) for f in v02] == [
        ("indicators[0].period_value", "≥60次"), ("indicators[0].annual_value", "≥20次")]


# --- no suggestion reverses the sense of a value --------------------------------------------

UP, DOWN = "up", "down"
_WRITTEN = {
    "": None, "≥": UP, ">=": UP, "≧": UP, "不低于": UP, ">": UP, "＞": UP,
    "≤": DOWN, "<=": DOWN, "≦": DOWN, "不超过": DOWN, "<": DOWN, "＝": None, "=": None,
}
_TAIL = {"": None, "以上": UP, "以内": DOWN}
_FORWARD_RATES = ("下达率", "完成率", "合格率", "到位率", "及时率", "覆盖率", "验收合格率", "发放率",
                  "执行率", "达标率")
_NOISE = ("", "在规定时间内", "成本", "按时", "整改", "故障", "投诉", "时间")
_SUBJECTS = ("资金", "项目", "补贴资金", "培训计划", "帮扶项目", "")
_OTHER_NAMES = ("项目总成本", "平均故障响应时间", "信访投诉数量", "帮扶项目数量", "结余率",
                "在职人员控制率", "成本节约率", "受训学员满意度", "带动就业人数", "科目调整次数")


def _way(suggestion: str) -> str | None:
    head = suggestion[:1]
    return UP if head in "≥＞" else DOWN if head in "≤＜" else None


def _assert_keeps_sense(j: ValueJudgement, written: set[str], forward_rate: bool) -> None:
    offered = [v.suggestion for v in j.verdicts if v.suggestion] + [j.suggestion or ""]
    for text in filter(None, offered):
        way = _way(text)
        if way is not None:
            assert all(w == way for w in written), (j.value.raw, text)
        if forward_rate:
            assert way != DOWN, (j.value.raw, text)


_VALUES = st.tuples(
    st.sampled_from(sorted(_WRITTEN)),
    st.sampled_from(["0.9", "1", "5", "50", "95", "100", "120", "-5", "2,000"]),
    st.sampled_from(["%", "", "个", "万元", "天", "百分比"]),
    st.sampled_from(["", "以上", "以内"]),
)
_PLACES = st.sampled_from([
    ("产出指标", "数量指标"), ("产出指标", "质量指标"), ("产出指标", "时效指标"),
    ("效益指标", "社会效益指标"), ("成本指标", "经济成本指标"), ("满意度指标", "服务对象满意度指标"),
])


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(_SUBJECTS), st.sampled_from(_NOISE), st.sampled_from(_FORWARD_RATES),
       _VALUES, _PLACES)
def test_a_forward_rate_is_never_offered_a_ceiling(
    subject: str, noise: str, rate: str, value: tuple[str, str, str, str], place: tuple[str, str],
) -> None:
    comparator, number, unit, tail = value
    written = {_WRITTEN[comparator], _TAIL[tail]} - {None}
    j = judge_value(f"{comparator}{number}{unit}{tail}", name=subject + noise + rate,
                    level1=place[0], level2=place[1])
    _assert_keeps_sense(j, written, forward_rate=True)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(_OTHER_NAMES), _VALUES, _PLACES)
def test_no_suggestion_reverses_a_written_direction(
    name: str, value: tuple[str, str, str, str], place: tuple[str, str],
) -> None:
    comparator, number, unit, tail = value
    written = {_WRITTEN[comparator], _TAIL[tail]} - {None}
    j = judge_value(f"{comparator}{number}{unit}{tail}", name=name, level1=place[0],
                    level2=place[1])
    _assert_keeps_sense(j, written, forward_rate=False)


def test_the_issue_10_suggestions() -> None:
    j = judge_value("100%", name="资金在规定时间内下达率", level1="产出指标", level2="时效指标")
    assert j.suggestion == "＝100%"
    cost = judge_value("≥0.25万元", name="人均培训成本", level1="成本指标", level2="经济成本指标")
    assert [v.code for v in cost.warnings] == ["V10"] and cost.suggestion is None
    assert "上限" in cost.warnings[0].message


# --- amounts --------------------------------------------------------------------------------

def test_judge_amount_reads_and_judges() -> None:
    a = judge_amount("4,381.54万元")
    assert isinstance(a, AmountJudgement)
    assert a.value == Decimal("4381.54") and a.verdicts == ()
    bad = judge_amount("abc")
    assert bad.value is None and [v.code for v in bad.errors] == ["B09"]
    assert bad.errors[0].message == "金额无法识别：「abc」不是金额"
    negative = judge_amount("-5")
    assert negative.value == Decimal(-5) and [v.severity for v in negative.verdicts] == [Severity.ERROR]
    assert judge_amount("￥1,200,000.00").value == Decimal(120)  # a currency sign means 元
    assert judge_amount("3 million yuan").value == Decimal(300)
    dollars = judge_amount("$3m")
    assert dollars.value is None and "不是人民币金额" in dollars.errors[0].message
    assert judge_amount(Decimal("12.5")).value == Decimal("12.5")
    assert judge_amount(7).value == Decimal(7)
