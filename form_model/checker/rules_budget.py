"""B rules: budget arithmetic (domain.md §5, B01–B12). Amounts in 万元, tolerance 0.01."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from form_model.amounts import format_amount
from form_model.checker import thresholds as th
from form_model.checker.registry import (
    Context,
    Place,
    budget_place,
    finding,
    indicator_place,
    rule,
    task_place,
    verdict_finding,
)
from form_model.findings import Finding, Section
from form_model.findings import Severity as S
from form_model.judgement import judge_amount
from form_model.models import BUDGET_FIELD_BY_ATTR, BUDGET_FIELDS

TOL = th.AMOUNT_TOLERANCE
_PATH = re.compile(r"^budget\.(\w+)$|^tasks\[(\d+)\]\.items\[(\d+)\]\.amount$|^tasks\[(\d+)\]\.stated_total$")


def _fmt(d: Decimal) -> str:
    return format_amount(d)


def _equal(a: Decimal, b: Decimal) -> bool:
    return abs(a - b) < TOL


@rule("B12", S.ERROR, "every amount of 预算整体情况 is filled (0 allowed)")
def b12(ctx: Context) -> Iterator[Finding]:
    b = ctx.form.budget
    for f in BUDGET_FIELDS:
        if getattr(b, f.attr) is None and f"budget.{f.attr}" not in ctx.form.amount_notes:
            yield finding(
                "B12", S.ERROR, budget_place(f.attr),
                f"{f.label_zh}未填写（没有请填0）。", f"{f.label_en} is empty (enter 0 if none).",
            )


@rule("B01", S.ERROR, "部门预算支出合计 is positive")
def b01(ctx: Context) -> Iterator[Finding]:
    total = ctx.expenditure_total
    if total is not None and total <= 0:
        yield finding(
            "B01", S.ERROR, Place(Section.BUDGET, ("部门预算支出",), ("expenditure",), "budget"),
            "部门预算支出合计（基本支出＋项目支出）为0。", "Total expenditure (basic + project) is 0.",
        )


@rule("B02", S.WARNING, "income equals expenditure")
def b02(ctx: Context) -> Iterator[Finding]:
    inc, exp = ctx.income_total, ctx.expenditure_total
    if inc is None or exp is None or _equal(inc, exp):
        return
    diff = inc - exp
    b = ctx.form.budget
    note, note_en = "", ""
    if b.other_funds is not None and _equal(abs(diff), b.other_funds):
        note, note_en = "，恰好等于其他资金", ", exactly the other funds"
    word, word_en = ("多", "more") if diff > 0 else ("少", "less")
    yield finding(
        "B02", S.WARNING, Place(Section.BUDGET, ("收入来源",), ("income",), "budget.other_funds"),
        f"收入合计（财政拨款＋其他资金）{_fmt(inc)}万元比部门预算支出合计 {_fmt(exp)}万元"
        f"{word} {_fmt(abs(diff))}万元{note}。请确认或说明原因（如其他资金未安排支出、上年结转）。",
        f"Income {_fmt(inc)} is {_fmt(abs(diff))} {word_en} than expenditure {_fmt(exp)} (10k yuan)"
        f"{note_en}. Confirm or explain (e.g. other funds not arranged, carry-over).",
    )


@rule("B03", S.ERROR, "按预算级次划分 adds up to expenditure")
def b03(ctx: Context) -> Iterator[Finding]:
    b, exp, inc = ctx.form.budget, ctx.expenditure_total, ctx.income_total
    if b.city_level_funds is None or b.transfer_payment_funds is None or exp is None:
        return
    split = b.city_level_funds + b.transfer_payment_funds
    if _equal(split, exp):
        return
    place = Place(Section.BUDGET, ("按预算级次划分",), ("by budget level",), "budget.city_level_funds")
    if inc is not None and _equal(split, inc):
        yield finding(
            "B03", S.WARNING, place,
            f"市本级使用资金＋拟用于对下转移支付资金＝{_fmt(split)}万元，等于收入合计而不是部门预算支出合计 {_fmt(exp)}万元。",
            f"City-level + transfers = {_fmt(split)}, equal to income, not to expenditure {_fmt(exp)}.",
        )
        return
    yield finding(
        "B03", S.ERROR, place,
        f"市本级使用资金＋拟用于对下转移支付资金＝{_fmt(split)}万元，与部门预算支出合计 {_fmt(exp)}万元相差 {_fmt(abs(split - exp))}万元。",
        f"City-level + transfers = {_fmt(split)}, differs from expenditure {_fmt(exp)} by {_fmt(abs(split - exp))}.",
        f"市本级使用资金 {_fmt(exp - b.transfer_payment_funds)}" if exp >= b.transfer_payment_funds else None,
    )


@rule("B04", S.ERROR, "事业发展性支出 within 项目支出")
def b04(ctx: Context) -> Iterator[Finding]:
    b = ctx.form.budget
    if None in (b.special_fiscal_funds, b.other_development_expenditure, b.project_expenditure):
        return
    dev = b.special_fiscal_funds + b.other_development_expenditure  # type: ignore[operator]
    place = Place(Section.BUDGET, ("事业发展性支出",), ("development expenditure",), "budget.special_fiscal_funds")
    if dev > b.project_expenditure + TOL:  # type: ignore[operator]
        yield finding(
            "B04", S.ERROR, place,
            f"事业发展性支出合计 {_fmt(dev)}万元超过项目支出 {_fmt(b.project_expenditure)}万元。",  # type: ignore[arg-type]
            f"Development expenditure {_fmt(dev)} exceeds project expenditure.",
        )
    elif dev == 0 and b.project_expenditure > 0:  # type: ignore[operator]
        yield finding(
            "B04", S.INFO, place,
            "财政专项资金和其他事业发展性支出均为0，而项目支出大于0；请确认是否有项目资金属于事业发展性支出。",
            "Both development amounts are 0 while project expenditure is positive; confirm none applies.",
        )


@rule("B05", S.ERROR, "key-task funds within total expenditure")
def b05(ctx: Context) -> Iterator[Finding]:
    exp = ctx.expenditure_total
    if exp is not None and ctx.task_total > exp + TOL:
        yield finding(
            "B05", S.ERROR, Place(Section.TASKS, ("拟投入的资金（万元）",), ("planned funds",), "tasks"),
            f"重点工作任务拟投入资金合计 {_fmt(ctx.task_total)}万元超过部门预算支出合计 {_fmt(exp)}万元。",
            f"Key-task funds {_fmt(ctx.task_total)} exceed total expenditure {_fmt(exp)}.",
        )


@rule("B06", S.WARNING, "key-task funds within 项目支出")
def b06(ctx: Context) -> Iterator[Finding]:
    proj, exp = ctx.form.budget.project_expenditure, ctx.expenditure_total
    total = ctx.task_total
    if proj is None or total <= proj + TOL or (exp is not None and total > exp + TOL):
        return
    yield finding(
        "B06", S.WARNING, Place(Section.TASKS, ("拟投入的资金（万元）",), ("planned funds",), "tasks"),
        f"重点工作任务资金合计 {_fmt(total)}万元超过项目支出 {_fmt(proj)}万元：是否计入了基本支出或重复计算？",
        f"Key-task funds {_fmt(total)} exceed project expenditure {_fmt(proj)}: basic spending counted, or double counting?",
    )


@rule("B07", S.INFO, "key tasks cover most project funds")
def b07(ctx: Context) -> Iterator[Finding]:
    proj = ctx.form.budget.project_expenditure
    if not proj or not ctx.form.tasks or ctx.task_total <= 0:
        return
    share = ctx.task_total / proj
    if share < th.TASK_SHARE_OF_PROJECT_MIN:
        pct = f"{share * 100:.1f}%"
        yield finding(
            "B07", S.INFO, Place(Section.TASKS, ("拟投入的资金（万元）",), ("planned funds",), "tasks"),
            f"重点工作任务资金只占项目支出的{pct}；其余项目资金用于哪些任务？可在「其他需完成的任务」说明。",
            f"Key tasks cover only {pct} of project expenditure; where does the rest go?",
        )


@rule("B08", S.ERROR, "a task's stated total equals its sub-rows")
def b08(ctx: Context) -> Iterator[Finding]:
    for t, task in enumerate(ctx.form.tasks):
        total = task.total()
        if task.stated_total is not None and total is not None and not _equal(task.stated_total, total):
            yield finding(
                "B08", S.ERROR, task_place(ctx, t, attr="amount"),
                f"任务合计 {_fmt(task.stated_total)}万元与各行资金之和 {_fmt(total)}万元不符。",
                f"The task total {_fmt(task.stated_total)} differs from its rows' sum {_fmt(total)}.",
                _fmt(total),
            )


def _note_place(ctx: Context, path: str) -> Place:
    m = _PATH.match(path)
    if m and m.group(1) in BUDGET_FIELD_BY_ATTR:
        return budget_place(m.group(1))
    if m and m.group(2) is not None:
        t, k = int(m.group(2)), int(m.group(3))
        if t < len(ctx.form.tasks) and k < len(ctx.form.tasks[t].items):
            return task_place(ctx, t, k, "amount")
    return Place(Section.BUDGET, (path,), (path,), path)


@rule("B09", S.ERROR, "amounts are numbers ≥ 0 with at most 6 decimals")
def b09(ctx: Context) -> Iterator[Finding]:
    """Amounts an importer could not take as they stood, judged as the chat judges them."""
    for path, raw in ctx.form.amount_notes.items():
        place = _note_place(ctx, path)
        for v in judge_amount(raw).verdicts:
            yield verdict_finding(v, place)


TRANSFER_WORDS = ("下达", "转移支付", "拨付", "下拨", "拨款")


@rule("B10", S.INFO, "transfers have an indicator")
def b10(ctx: Context) -> Iterator[Finding]:
    t = ctx.form.budget.transfer_payment_funds
    if t and t > 0 and not any(
        any(w in ind.name for w in TRANSFER_WORDS) for _, ind in ctx.named_indicators()
    ):
        yield finding(
            "B10", S.INFO, budget_place("transfer_payment_funds"),
            "有对下转移支付资金，但没有关于资金下达时限或使用质量的指标。",
            "Transfers are planned but no indicator covers their timing or use.",
            "如「转移支付资金下达时限 每年4月底前」。",
        )


@rule("B11", S.ERROR, "经济成本 amount within total expenditure")
def b11(ctx: Context) -> Iterator[Finding]:
    exp = ctx.expenditure_total
    if exp is None:
        return
    for i, ind in ctx.named_indicators():
        if ind.level1 != "成本指标":
            continue
        for attr in ("period_value", "annual_value"):
            wan = ctx.value(i, attr).amount_in_wan_yuan()
            if wan is not None and wan > exp + TOL:
                yield finding(
                    "B11", S.ERROR, indicator_place(ctx, i, attr),
                    f"成本 {_fmt(wan)}万元超过部门预算支出合计 {_fmt(exp)}万元。",
                    f"Cost {_fmt(wan)} exceeds total expenditure {_fmt(exp)} (10k yuan).",
                )
