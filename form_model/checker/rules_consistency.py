"""C rules: tasks, goals and indicators agree with each other (heuristics, domain.md C01–C04).

They compare two-character terms (see text_tools.terms); they are hints, hence warnings.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from form_model.checker import thresholds as th
from form_model.checker.registry import Context, Place, finding, group_place, rule, task_place
from form_model.checker.text_tools import numbered_items, terms
from form_model.findings import Finding, Section
from form_model.findings import Severity as S
from form_model.normalize import nfkc
from form_model.values import ValueKind
from form_model.vocabulary import VOCAB

_QUANTITY = re.compile(r"(\d+(?:\.\d+)?)\s*(万|亿)?\s*(个|人|次|家|项|场|篇|户|所|名|%)")
#: A figure's subject is looked for in its own clause, this many characters either side.
_BEFORE_FIGURE, _AFTER_FIGURE = 12, 6
_CLAUSE_MARKS = "，,。；;、！？!?：:\n（）()"


def _term_postings(ctx: Context) -> dict[str, list[int]]:
    """Each term of the indicators' names → the indicators whose name has it."""
    postings: dict[str, list[int]] = {}
    for i, ind in ctx.named_indicators():
        for t in terms(ind.name):
            postings.setdefault(t, []).append(i)
    return postings


def _shares(text_terms: frozenset[str], postings: dict[str, list[int]], at_least: int) -> bool:
    """Some indicator's name shares ``at_least`` terms with the text."""
    counts: Counter[int] = Counter()
    for t in text_terms:
        for i in postings.get(t, ()):
            counts[i] += 1
            if counts[i] >= at_least:
                return True
    return False


@rule("C01", S.WARNING, "each key task is covered by an indicator")
def c01(ctx: Context) -> Iterator[Finding]:
    if not any(True for _ in ctx.named_indicators()):
        return
    postings = _term_postings(ctx)
    for t, task in enumerate(ctx.form.tasks):
        text = task.name + " " + " ".join(i.content for i in task.items)
        text_terms = terms(text)
        if not text_terms:
            continue
        covered = _shares(terms(task.name), postings, th.MIN_SHARED_TERMS) or _shares(
            text_terms, postings, th.MIN_SHARED_TERMS + 1
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
    name_terms = set(_term_postings(ctx))
    for n, item in enumerate(items, start=1):
        if terms(item) and len(terms(item) & name_terms) < th.MIN_SHARED_TERMS:
            short = item if len(item) <= 24 else item[:24] + "…"
            yield finding(
                "C02", S.WARNING, Place(Section.OVERALL_GOAL, (f"目标{n}",), (f"goal {n}",), "overall_goal"),
                f"目标{n}「{short}」没有对应的绩效指标。",
                f"Goal {n} ('{short}') has no matching indicator.",
                "为该目标补充可考核的指标，或在目标中引用已有指标。",
                "Add an indicator that measures it.",
            )


@dataclass(frozen=True)
class _Figure:
    """A figure stated in a text (「举办非遗展示展演100场」): its number (magnitude applied),
    its unit, and the terms of its own clause next to it."""

    number: Decimal
    unit: str
    subject: frozenset[str]


def _figures(text: str) -> list[_Figure]:
    out = []
    s = nfkc(text)
    for m in _QUANTITY.finditer(s):
        number = Decimal(m.group(1)) * {"万": 10000, "亿": 100000000, None: 1}[m.group(2)]
        start = max(m.start() - _BEFORE_FIGURE, _clause_start(s, m.start()))
        end = min(m.end() + _AFTER_FIGURE, _clause_end(s, m.end()))
        subject = (terms(s[start:m.start()]) | terms(s[m.end():end])) - VOCAB.figure_stop_terms
        out.append(_Figure(number, m.group(3), subject))
    return out


def _clause_start(s: str, at: int) -> int:
    return max(s.rfind(c, 0, at) for c in _CLAUSE_MARKS) + 1


def _clause_end(s: str, at: int) -> int:
    ends = [i for i in (s.find(c, at) for c in _CLAUSE_MARKS) if i >= 0]
    return min(ends, default=len(s))


@dataclass
class _Measured:
    """The indicators measuring one (unit, term): the first of them, and their values."""

    first: int
    values: set[Decimal]


def _measured_index(ctx: Context) -> dict[tuple[str, str], _Measured]:
    """(unit, term of the name) → the indicators whose 年度指标值 is a number in that unit."""
    index: dict[tuple[str, str], _Measured] = {}
    for i, ind in ctx.named_indicators():
        v = ctx.value(i, "annual_value")
        if v.kind != ValueKind.QUANTITATIVE or v.value is None:
            continue
        unit = "%" if v.is_percent else v.unit.lstrip("万亿")
        for t in terms(ind.name) - VOCAB.figure_stop_terms:
            entry = index.setdefault((unit, t), _Measured(i, set()))
            entry.values.add(v.value)
    return index


@rule("C03", S.WARNING, "numbers in goals equal the matching indicator values")
def c03(ctx: Context) -> Iterator[Finding]:
    """A figure and an indicator are about the same thing when they share the unit and a
    subject term of the figure's own clause (counting words such as 举办, 活动, 人数 do not
    count); the figure differs when no such indicator has it as its 年度指标值."""
    texts: list[tuple[Place, str]] = [(Place(Section.OVERALL_GOAL, path="overall_goal"), ctx.form.overall_goal)]
    for t, task in enumerate(ctx.form.tasks):
        for k, item in enumerate(task.items):
            texts.append((task_place(ctx, t, k, "goal"), item.goal))
    index = _measured_index(ctx)
    if not index:
        return
    for place, text in texts:
        for figure in _figures(text):
            related = [index[key] for t in figure.subject if (key := (figure.unit, t)) in index]
            if not related or any(figure.number in m.values for m in related):
                continue
            i = min(m.first for m in related)
            ind, v = ctx.form.indicators[i], ctx.value(i, "annual_value")
            shown = f"{_fmt(figure.number)}{figure.unit}"
            yield finding(
                "C03", S.WARNING, place,
                f"文中的「{shown}」与指标「{ind.name}」的年度指标值「{v.raw}」不一致。",
                f"'{shown}' in the text differs from '{ind.name}' = '{v.raw}'.",
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
