"""Precision of the consistency rules: C03 compares a figure only with indicators about the
same thing, and its index gives what comparing every figure with every indicator gives."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from form_model.checker import check
from form_model.checker.registry import Context
from form_model.checker.rules_consistency import _figures
from form_model.checker.text_tools import terms
from form_model.models import Form, Task, TaskItem
from form_model.vocabulary import VOCAB
from tests.forms import clean_form, ind


def _with_goal(goal: str, *indicators) -> Form:  # type: ignore[no-untyped-def]
    form = clean_form()
    form.indicators = [*form.indicators, *indicators]
    form.tasks[0].items[0].goal = goal
    return form


def _c03(form: Form) -> list[str]:
    return [f.message for f in check(form).findings if f.code == "C03"]


CULTURE = ind("产出指标", "数量指标", "举办公益性文化活动场次", "≥2000场")


def test_a_figure_about_another_thing_is_not_compared() -> None:
    # issue 10: 「100场」 of 非遗展示展演 is not the 公益性文化活动 indicator
    assert _c03(_with_goal("举办非遗展示展演活动100场。", CULTURE)) == []


def test_a_figure_about_the_same_thing_is_compared() -> None:
    assert _c03(_with_goal("举办公益性文化活动1500场。", CULTURE)) == [
        "文中的「1500场」与指标「举办公益性文化活动场次」的年度指标值「≥2000场」不一致。"]
    assert _c03(_with_goal("举办公益性文化活动2000场。", CULTURE)) == []


def test_the_subject_must_be_next_to_the_figure() -> None:
    goal = "加强公益性文化活动宣传，举办非遗展示展演100场。"
    assert _c03(_with_goal(goal, CULTURE)) == []


def test_the_unit_must_be_the_same() -> None:
    assert _c03(_with_goal("举办公益性文化活动惠及1500人次。", CULTURE)) == []


def test_a_shared_measure_word_is_not_a_shared_subject() -> None:
    form = _with_goal("项目验收合格率不低于90%。")  # the clean form has 培训合格率 ≥95%
    assert _c03(form) == []
    form.tasks[0].items[0].goal = "培训合格率不低于90%。"
    assert _c03(form) == ["文中的「90%」与指标「培训合格率」的年度指标值「≥95%」不一致。"]


def test_figures_carry_the_terms_of_their_own_clause() -> None:
    (figure,) = _figures("加强宣传，举办非遗展示展演100场，惠及群众")
    assert figure.number == Decimal(100) and figure.unit == "场"
    assert "非遗" in figure.subject and "宣传" not in figure.subject
    assert not figure.subject & VOCAB.figure_stop_terms


# --- the index gives what the quadratic comparison gives ---------------------------------------

def _naive_c03(form: Form) -> list[str]:
    """Every figure against every indicator, as the rule did before it had an index."""
    ctx = Context(form)
    texts = [form.overall_goal] + [i.goal for t in form.tasks for i in t.items]
    out = []
    for text in texts:
        for figure in _figures(text):
            related = []
            for i, x in ctx.named_indicators():
                v = ctx.value(i, "annual_value")
                if v.kind != "quantitative" or v.value is None:
                    continue
                unit = "%" if v.is_percent else v.unit.lstrip("万亿")
                if unit == figure.unit and figure.subject & (terms(x.name) - VOCAB.figure_stop_terms):
                    related.append((x, v))
            if related and not any(v.value == figure.number for _, v in related):
                out.append(f"{figure.number}{figure.unit}:{related[0][0].name}")
    return out


_NAMES = ["培训班次", "公益性文化活动场次", "非遗展示展演场次", "帮扶项目数量", "培训合格率",
          "帮扶车间数量", "就业人数", "农产品销售额", "帮扶村覆盖率"]
_CLAUSES = ["举办培训班{n}次", "举办公益性文化活动{n}场", "开展非遗展示展演{n}场", "完成帮扶项目{n}个",
            "培训合格率不低于{n}%", "建成帮扶车间{n}个", "帮助就业{n}人", "覆盖帮扶村{n}%"]
_VALUES = {"次": "≥{n}次", "场": "≥{n}场", "个": "≥{n}个", "%": "≥{n}%", "人": "≥{n}人"}


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(_NAMES), st.sampled_from(sorted(_VALUES)),
                       st.sampled_from([5, 20, 90, 100])), min_size=1, max_size=12),
    st.lists(st.tuples(st.sampled_from(_CLAUSES), st.sampled_from([5, 20, 90, 100])),
             min_size=1, max_size=8),
)
def test_c03_index_equals_comparing_every_pair(
    indicators: list[tuple[str, str, int]], clauses: list[tuple[str, int]],
) -> None:
    form = clean_form()
    form.indicators = [ind("产出指标", "数量指标", f"{name}{k}" if k else name,
                           _VALUES[unit].format(n=n))
                       for k, (name, unit, n) in enumerate(indicators)]
    goal = "，".join(c.format(n=n) for c, n in clauses) + "。"
    form.tasks = [Task(name="任务", items=[TaskItem(content="内容。", amount=Decimal(1), goal=goal)])]
    form.overall_goal = ""
    found = [f for f in check(form).findings if f.code == "C03"]
    expected = _naive_c03(form)
    assert len(found) == len(expected)
    for finding, naive in zip(found, expected, strict=True):
        assert naive.split(":")[1] in finding.message
