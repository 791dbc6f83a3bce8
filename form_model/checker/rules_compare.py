"""Y rules: this year's form against last year's (its base, when it was carried forward).

A reviewer reads a department's form beside last year's: a target set lower without a word,
a task whose money moved a lot, an indicator that vanished or one that appeared with no task
behind it, a budget much larger or smaller. Y06 needs no base: a value still 「沿用上年」 (taken
over and never confirmed). Thresholds are in :mod:`form_model.thresholds`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from form_model.amounts import format_amount
from form_model.checker import thresholds as th
from form_model.checker.registry import (
    Context,
    Place,
    budget_place,
    finding,
    group_place,
    indicator_place,
    rule,
    task_place,
)
from form_model.checker.text_tools import terms
from form_model.findings import Finding, Section
from form_model.findings import Severity as S
from form_model.models import BUDGET_FIELD_BY_ATTR
from form_model.normalize import label_key, name_key, nfkc
from form_model.values import EXTRA_TEXT, GE, GT, IndicatorValue, ValueKind, direction, parse_value

VALUE_ATTRS = ("period_value", "annual_value")
_LABELS = {"period_value": ("实施周期指标值", "period value"), "annual_value": ("年度指标值", "annual value")}


_NUMBER = re.compile(r"\d[\d,.]*")


def _shape(v: IndicatorValue) -> str:
    """The value with its number left out: 「≥200元每人每月」 → 「≥#元每人每月」."""
    return _NUMBER.sub("#", re.sub(r"\s+", "", nfkc(v.raw or "")), count=1)


def _comparable(new: IndicatorValue, old: IndicatorValue) -> bool:
    """Two quantitative targets of the same shape (unit and wording around the number, so
    「≥200元每人每月」 and 「≥190元每人每月」 compare), both pointing up (≥, ＞ or none)."""
    if not (new.kind == old.kind == ValueKind.QUANTITATIVE and new.value is not None and old.value is not None):
        return False
    if new.comparator not in (GE, GT, None) or old.comparator not in (GE, GT, None):
        return False
    clean = not new.problems and not old.problems
    return (clean and new.unit == old.unit) or (
        set(new.problems) | set(old.problems) <= {EXTRA_TEXT} and _shape(new) == _shape(old))


def lower_than_before(name: str, level1: str, new: IndicatorValue, before: str) -> IndicatorValue | None:
    """Last year's value ``before`` when ``new`` is a lower target of a 正向 indicator (what Y01
    reports; the chat asks the same when a value is typed)."""
    if direction(name, level1) != GE:
        return None
    old = parse_value(before)
    if _comparable(new, old) and new.value < old.value:  # type: ignore[operator]
        return old
    return None


@rule("Y01", S.WARNING, "a target is not lower than last year's without a reason")
def y01(ctx: Context) -> Iterator[Finding]:
    if ctx.base is None:
        return
    last = {name_key(i.name): i for i in ctx.base.indicators if i.name}
    for k, ind in ctx.named_indicators():
        before = last.get(name_key(ind.name))
        if before is None:
            continue
        for attr in VALUE_ATTRS:
            path = f"indicators[{k}].{attr}"
            if path in ctx.form.explanations:
                continue
            old = lower_than_before(ind.name, ind.level1, ctx.value(k, attr), getattr(before, attr))
            if old is None:
                continue
            new = ctx.value(k, attr)
            yield finding(
                "Y01", S.WARNING, indicator_place(ctx, k, attr),
                f"目标低于上年：上年{_LABELS[attr][0]}为「{old.raw}」，今年为「{new.raw}」。请说明原因，或恢复上年目标。",
                f"The target is lower than last year's: {_LABELS[attr][1]} was '{old.raw}', now '{new.raw}'. "
                "Give the reason, or keep last year's target.",
                old.raw,
            )


@rule("Y02", S.WARNING, "a key task's funds did not change by more than 30% without a word")
def y02(ctx: Context) -> Iterator[Finding]:
    if ctx.base is None:
        return
    last = {label_key(t.name): t for t in ctx.base.tasks if t.name}
    for t, task in enumerate(ctx.form.tasks):
        before = last.get(label_key(task.name)) if task.name else None
        old, new = (before.total() if before else None), task.total()
        if old is None or new is None or old == 0:
            continue
        change = (new - old) / old
        if abs(change) > th.TASK_AMOUNT_CHANGE_MAX:
            pct = f"{change * 100:+.1f}%"
            yield finding(
                "Y02", S.WARNING, task_place(ctx, t, 0 if task.items else None, "amount" if task.items else None),
                f"拟投入的资金比上年变化 {pct}（上年 {format_amount(old)} 万元，今年 {format_amount(new)} 万元），"
                f"超过 {th.TASK_AMOUNT_CHANGE_MAX * 100:.0f}%。请核对或说明原因。",
                f"Planned funds changed by {pct} from last year ({format_amount(old)} → {format_amount(new)} 万元), "
                f"more than {th.TASK_AMOUNT_CHANGE_MAX * 100:.0f}%. Check it or give the reason.",
            )


@rule("Y03", S.WARNING, "no indicator of last year dropped without a word")
def y03(ctx: Context) -> Iterator[Finding]:
    if ctx.base is None:
        return
    now = {name_key(i.name) for i in ctx.form.indicators if i.name}
    for ind in ctx.base.indicators:
        if ind.name and name_key(ind.name) not in now:
            yield finding(
                "Y03", S.WARNING, _dropped_place(ctx, ind.level1, ind.level2, ind.name),
                f"上年的指标「{ind.name}」（{ind.annual_value or ind.period_value or '—'}）今年没有了。"
                "如确实不再考核，请确认；否则请补回。",
                f"Last year's indicator '{ind.name}' is gone. Confirm it is no longer measured, or add it back.",
            )


def _dropped_place(ctx: Context, level1: str, level2: str, name: str) -> Place:
    place = group_place(level1, level2) if level1 else Place(Section.INDICATORS)
    return Place(place.section, (*place.parts, name), (*place.parts_en, name), None)


@rule("Y04", S.WARNING, "a new indicator has a task behind it")
def y04(ctx: Context) -> Iterator[Finding]:
    if ctx.base is None:
        return
    last = {name_key(i.name) for i in ctx.base.indicators if i.name}
    task_terms: set[str] = set()
    for task in ctx.form.tasks:
        task_terms |= terms(task.name)
        for item in task.items:
            task_terms |= terms(item.content) | terms(item.goal)
    for k, ind in ctx.named_indicators():
        if name_key(ind.name) in last:
            continue
        if len(terms(ind.name) & task_terms) < th.MIN_SHARED_TERMS:
            yield finding(
                "Y04", S.WARNING, indicator_place(ctx, k, "name"),
                f"新增的指标「{ind.name}」上年没有，也找不到对应的重点工作任务。请补充任务，或说明它考核哪项工作。",
                f"The new indicator '{ind.name}' was not there last year and no key task matches it.",
            )


@rule("Y05", S.WARNING, "total expenditure did not change by more than 20% without a word")
def y05(ctx: Context) -> Iterator[Finding]:
    if ctx.base is None:
        return
    old, new = ctx.base.budget.expenditure_total(), ctx.expenditure_total
    if old is None or new is None or old == 0:
        return
    change = (new - old) / old
    if abs(change) > th.TOTAL_CHANGE_MAX:
        pct = f"{change * 100:+.1f}%"
        yield finding(
            "Y05", S.WARNING, budget_place("basic_expenditure"),
            f"部门预算支出合计比上年变化 {pct}（上年 {format_amount(old)} 万元，今年 {format_amount(new)} 万元），"
            f"超过 {th.TOTAL_CHANGE_MAX * 100:.0f}%。请核对或说明原因。",
            f"Total expenditure changed by {pct} from last year ({format_amount(old)} → {format_amount(new)} 万元).",
        )


def _carried_place(ctx: Context, path: str) -> Place | None:
    if path.startswith("budget."):
        attr = path.split(".", 1)[1]
        return budget_place(attr) if attr in BUDGET_FIELD_BY_ATTR else None
    if path.startswith("indicators["):
        k, _, attr = path[len("indicators["):].partition("].")
        if k.isdigit() and int(k) < len(ctx.form.indicators) and attr in VALUE_ATTRS:
            return indicator_place(ctx, int(k), attr)
    if path.startswith("tasks["):
        t, _, rest = path[len("tasks["):].partition("].items[")
        i, _, tail = rest.partition("]")
        if tail == ".amount" and t.isdigit() and i.isdigit() and int(t) < len(ctx.form.tasks) and int(i) < len(ctx.form.tasks[int(t)].items):
            return task_place(ctx, int(t), int(i), "amount")
    return None


@rule("Y06", S.WARNING, "no value still 「沿用上年」 unconfirmed")
def y06(ctx: Context) -> Iterator[Finding]:
    by_section: dict[Section, list[Place]] = {}
    for path in ctx.form.carried:
        place = _carried_place(ctx, path)
        if place is not None:
            by_section.setdefault(place.section, []).append(place)
    for section, places in by_section.items():
        shown = "；".join(p.where.split(" › ", 1)[-1] for p in places[:5]) + ("…" if len(places) > 5 else "")
        first = places[0]
        yield finding(
            "Y06", S.WARNING, Place(section, (), (), first.path),
            f"{len(places)} 项沿用上年、尚未确认：{shown}。请逐项确认或修改。",
            f"{len(places)} value(s) taken over from last year are not confirmed yet.",
        )
