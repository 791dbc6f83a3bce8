"""C rules: tasks, goals and indicators agree with each other (heuristics, domain.md C01–C04).

They compare two-character terms (see text_tools.terms); they are hints, hence warnings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from form_model.checker import thresholds as th
from form_model.checker.registry import Context, Place, finding, group_place, rule, task_place
from form_model.checker.text_tools import numbered_items, shared_terms, terms
from form_model.findings import Finding, Section
from form_model.findings import Severity as S
from form_model.normalize import nfkc
from form_model.values import ValueKind

_QUANTITY = re.compile(r"(\d+(?:\.\d+)?)\s*(万|亿)?\s*(个|人|次|家|项|场|篇|户|所|名|%)")


def _indicator_text(ctx: Context) -> str:
    return " ".join(ind.name for _, ind in ctx.named_indicators())


@rule("C01", S.WARNING, "each key task is covered by an indicator")
def c01(ctx: Context) -> Iterator[Finding]:
    if not any(True for _ in ctx.named_indicators()):
        return
    names = [ind.name for _, ind in ctx.named_indicators()]
    for t, task in enumerate(ctx.form.tasks):
        text = task.name + " " + " ".join(i.content for i in task.items)
        if not terms(text):
            continue
        covered = any(len(shared_terms(task.name, n)) >= th.MIN_SHARED_TERMS for n in names) or any(
            len(shared_terms(text, n)) >= th.MIN_SHARED_TERMS + 1 for n in names
        )
        if not covered:
            yield finding(
                "C01", S.WARNING, task_place(ctx, t),
                "没有找到与该重点工作任务对应的三级指标。",
                "No level-3 indicator seems to measure this key task.",
                "为该任务补充至少一个产出或效益指标。", "Add an output or benefit indicator for it.",
            )


@rule("C02", S.WARNING, "each numbered overall goal maps to an indicator")
def c02(ctx: Context) -> Iterator[Finding]:
    goal = ctx.form.overall_goal.strip()
    if not goal or not any(True for _ in ctx.named_indicators()):
        return
    items = numbered_items(goal)
    if len(items) < 2:
        return
    all_names = _indicator_text(ctx)
    for n, item in enumerate(items, start=1):
        if terms(item) and len(shared_terms(item, all_names)) < th.MIN_SHARED_TERMS:
            short = item if len(item) <= 24 else item[:24] + "…"
            yield finding(
                "C02", S.WARNING, Place(Section.OVERALL_GOAL, (f"目标{n}",), (f"goal {n}",), "overall_goal"),
                f"目标{n}「{short}」没有对应的绩效指标。",
                f"Goal {n} ('{short}') has no matching indicator.",
                "为该目标补充可考核的指标，或在目标中引用已有指标。",
                "Add an indicator that measures it.",
            )


def _quantities(text: str) -> list[tuple[Decimal, str, str]]:
    out = []
    s = nfkc(text)
    for m in _QUANTITY.finditer(s):
        number = Decimal(m.group(1)) * {"万": 10000, "亿": 100000000, None: 1}[m.group(2)]
        context = s[max(0, m.start() - 12) : m.start()]
        out.append((number, m.group(3), context))
    return out


@rule("C03", S.WARNING, "numbers in goals equal the matching indicator values")
def c03(ctx: Context) -> Iterator[Finding]:
    texts: list[tuple[Place, str]] = [(Place(Section.OVERALL_GOAL, path="overall_goal"), ctx.form.overall_goal)]
    for t, task in enumerate(ctx.form.tasks):
        for k, item in enumerate(task.items):
            texts.append((task_place(ctx, t, k, "goal"), item.goal))
    for place, text in texts:
        for number, unit, context in _quantities(text):
            related = []
            for i, ind in ctx.named_indicators():
                v = ctx.value(i, "annual_value")
                if v.kind != ValueKind.QUANTITATIVE or v.number is None:
                    continue
                v_unit = "%" if v.is_percent else v.unit.lstrip("万亿")
                if v_unit == unit and shared_terms(context, ind.name):
                    related.append((ind, v))
            if related and not any(v.value == number for _, v in related):
                ind, v = related[0]
                yield finding(
                    "C03", S.WARNING, place,
                    f"文中的「{_fmt(number)}{unit}」与指标「{ind.name}」的年度指标值「{v.raw}」不一致。",
                    f"'{_fmt(number)}{unit}' in the text differs from '{ind.name}' = '{v.raw}'.",
                )


def _fmt(d: Decimal) -> str:
    return format(d.normalize(), "f")


@rule("C04", S.WARNING, "funded tasks have quantified outputs")
def c04(ctx: Context) -> Iterator[Finding]:
    if ctx.task_total <= 0:
        return
    outputs = [i for i, ind in ctx.named_indicators() if ind.level1 == "产出指标"]
    if outputs and not any(
        ctx.value(i, "annual_value").kind == ValueKind.QUANTITATIVE for i in outputs
    ):
        yield finding(
            "C04", S.WARNING, group_place("产出指标"),
            "重点工作任务有资金投入，但产出指标没有任何定量指标，难以判断资金与产出是否匹配。",
            "Tasks are funded but no output indicator is quantified.",
            "补充如「帮扶镇数量 ≥78个」的定量产出指标。",
        )
