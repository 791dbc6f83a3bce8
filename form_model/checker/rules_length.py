"""L rules: text length and probable truncation (domain.md §7, L01–L03)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from form_model.checker import thresholds as th
from form_model.checker.registry import Context, Place, finding, indicator_place, rule, task_place
from form_model.findings import Finding, Section
from form_model.findings import Severity as S
from form_model.limits import too_long

TERMINAL = tuple("。；！？.;!?）)」”\"")


#: The text cap (form_model.limits) of each indicator and task attribute.
_INDICATOR_CAPS = {"level1": "level1", "level2": "level2", "name": "indicator_name",
                   "period_value": "value", "annual_value": "value"}


PlaceOf = Callable[[], Place]


def _fields(ctx: Context) -> Iterator[tuple[PlaceOf, str, str]]:
    """Every text field with (a way to build) its place and the name of its cap in
    form_model.limits. Places are built only for the fields a rule reports."""
    f = ctx.form
    yield (lambda: Place(Section.DEPARTMENT, path="department")), f.department, "department"
    yield (lambda: Place(Section.OVERALL_GOAL, path="overall_goal")), f.overall_goal, "overall_goal"
    yield (lambda: Place(Section.OTHER_TASKS, path="other_tasks")), f.other_tasks, "other_tasks"
    for t, task in enumerate(f.tasks):
        yield partial(task_place, ctx, t, None, "name"), task.name, "task_name"
        for k, item in enumerate(task.items):
            yield partial(task_place, ctx, t, k, "content"), item.content, "content"
            yield partial(task_place, ctx, t, k, "goal"), item.goal, "goal"
    for i, ind in enumerate(f.indicators):
        for attr, cap in _INDICATOR_CAPS.items():
            text = getattr(ind, attr)
            if text:
                yield partial(indicator_place, ctx, i, attr), text, cap


def _long_texts(ctx: Context) -> Iterator[tuple[PlaceOf, str]]:
    """Every free-text cell with its place. L01/L02 look at task texts; L03 at everything."""
    for place, text, cap in _fields(ctx):
        if cap not in ("level1", "level2"):
            yield place, text


def _task_texts(ctx: Context) -> Iterator[tuple[Place, str]]:
    for t, task in enumerate(ctx.form.tasks):
        for k, item in enumerate(task.items):
            yield task_place(ctx, t, k, "content"), item.content
            yield task_place(ctx, t, k, "goal"), item.goal


def _truncated(text: str) -> bool:
    low, high = th.TRUNCATION_RANGE
    s = text.rstrip()
    return low <= len(s) <= high and not s.endswith(TERMINAL)


@rule("L02", S.WARNING, "text probably truncated at 255 characters")
def l02(ctx: Context) -> Iterator[Finding]:
    for place, text in _task_texts(ctx):
        if _truncated(text):
            tail = text.rstrip()[-8:]
            yield finding(
                "L02", S.WARNING, place,
                f"共{len(text.rstrip())}字，结尾「…{tail}」没有标点，疑似在255字处被截断。请补全原文。",
                f"{len(text.rstrip())} characters ending '…{tail}' without punctuation: probably cut at 255.",
                "从原始材料补全这段文字，并尽量控制在250字以内。",
                "Restore the full text from the source, ideally under 250 characters.",
            )


@rule("L01", S.WARNING, "long text may be cut at 255 characters downstream")
def l01(ctx: Context) -> Iterator[Finding]:
    for place, text in _task_texts(ctx):
        n = len(text.rstrip())
        if n >= th.LONG_TEXT and not _truncated(text) and n <= th.EXCEL_CELL_LIMIT:
            yield finding(
                "L01", S.WARNING, place,
                f"共{n}字，超过{th.LONG_TEXT}字；部分系统会在255字处截断。",
                f"{n} characters; some systems cut text at 255.",
                f"精简到{th.LONG_TEXT}字以内。", f"Shorten to under {th.LONG_TEXT} characters.",
            )


@rule("L03", S.ERROR, "no cell over Excel's limit")
def l03(ctx: Context) -> Iterator[Finding]:
    for place, text in _long_texts(ctx):
        if len(text) > th.EXCEL_CELL_LIMIT:
            yield finding(
                "L03", S.ERROR, place(),
                f"共{len(text)}字，超过 Excel 单元格上限 {th.EXCEL_CELL_LIMIT} 字，无法导出。",
                f"{len(text)} characters: over Excel's limit of {th.EXCEL_CELL_LIMIT} per cell.",
            )


@rule("L04", S.WARNING, "text over its field's cap, kept whole")
def l04(ctx: Context) -> Iterator[Finding]:
    for place, text, cap in _fields(ctx):
        limit = too_long(cap, text)
        if limit is not None and len(text) <= th.EXCEL_CELL_LIMIT:  # else L03 says it
            yield finding(
                "L04", S.WARNING, place(),
                f"共{len(text)}字，超过{limit.label_zh}的上限 {limit.max_chars} 字；已完整保留，请精简。",
                f"{len(text)} characters, more than the {limit.max_chars} allowed for the "
                f"{limit.label_en}; kept whole, please shorten it.",
            )
